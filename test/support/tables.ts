// Reading what a story left behind, through the store's own query layer (Kysely), so the tests
// see exactly the values the repositories see: DateTime columns as Dates and Boolean columns as
// booleans on both databases, JSON columns as the text stored.
//
//   await countRows(t.store.database, 'Judgment')                       // every judgment
//   await countRows(t.store.database, 'InboundEvent', { processedAt: null })
//   await rows(t.store.database, 'Assignment', { itemId })             // in id order
//   await firstRow(t.store.database, 'Item', { source: 'chat' })       // undefined when none
//   await existingRow(t.store.database, 'Labeler', { platformUserId })  // throws when none
//
// A match is either column values (null means IS NULL, every other value is compared with =) or a
// Kysely expression for anything else: (eb) => eb('processedAt', 'is not', null), or
// containing('payload', '"a":"send_to"') for text that holds a fragment.
import { sql, type Expression, type ExpressionOrFactory, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely'
import type { Database } from '../../src/store/database'
import type { DB } from '../../src/store/generated/database'

/** A table of the schema, named as the Prisma model. */
export type Table = keyof DB

/** One row of a table as the database hands it out. */
export type Row<T extends Table> = Selectable<DB[T]>

/** Which rows: column values (null: IS NULL), or a Kysely condition. */
export type Match<T extends Table> = { [K in keyof Row<T>]?: Row<T>[K] | null } | ExpressionOrFactory<DB, T, SqlBool>

/** Anything that holds the open database (a Database, or a store's `database`). */
type Source = Pick<Database, 'db'>

// Tables whose key is not an id column; everything else reads back in id (insertion) order.
const WITHOUT_ID = new Set<Table>(['ItemRoute', 'SentOnce'])

function matching<T extends Table, O>(query: SelectQueryBuilder<DB, T, O>, match: Match<T> | undefined): SelectQueryBuilder<DB, T, O> {
  if (match === undefined) return query
  if (typeof match === 'function' || !isPlainObject(match)) return query.where(match as ExpressionOrFactory<DB, T, SqlBool>)
  let filtered = query
  for (const [column, value] of Object.entries(match)) {
    if (value === undefined) continue
    filtered = value === null ? filtered.where(sql.ref(column), 'is', null) : filtered.where(sql.ref(column), '=', value)
  }
  return filtered
}

/**
 * A text column holds a fragment, taken literally (% and _ are not wildcards). LIKE, as Prisma's
 * `contains` was: case-sensitive on PostgreSQL, ASCII case-insensitive on SQLite.
 */
export function containing(column: string, fragment: string): Expression<SqlBool> {
  const pattern = `%${fragment.replace(/[!%_]/g, (c) => `!${c}`)}%`
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '!'`
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype
}

function from<T extends Table>(source: Source, table: T): SelectQueryBuilder<DB, T, object> {
  return source.db.selectFrom(table as Table) as unknown as SelectQueryBuilder<DB, T, object>
}

/** How many rows of a table match (all when no match is given). */
export async function countRows<T extends Table>(source: Source, table: T, match?: Match<T>): Promise<number> {
  const row = await matching(from(source, table), match)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow()
  // PostgreSQL returns count(*) as a string (bigint); SQLite as a number.
  return Number(row.n)
}

/** The matching rows, every column, in id order. */
export async function rows<T extends Table>(source: Source, table: T, match?: Match<T>): Promise<Row<T>[]> {
  let query = matching(from(source, table), match).selectAll()
  if (!WITHOUT_ID.has(table)) query = query.orderBy(sql.ref('id'), 'asc')
  // A generic table defeats Kysely's row inference; the row is the table's, every column.
  return (await query.execute()) as unknown as Row<T>[]
}

/** The first matching row in id order, or undefined. */
export async function firstRow<T extends Table>(source: Source, table: T, match?: Match<T>): Promise<Row<T> | undefined> {
  let query = matching(from(source, table), match).selectAll()
  if (!WITHOUT_ID.has(table)) query = query.orderBy(sql.ref('id'), 'asc')
  return (await query.limit(1).executeTakeFirst()) as Row<T> | undefined
}

/** The last matching row in id order (the newest), or undefined. */
export async function lastRow<T extends Table>(source: Source, table: T, match?: Match<T>): Promise<Row<T> | undefined> {
  const query = matching(from(source, table), match).selectAll().orderBy(sql.ref('id'), 'desc')
  return (await query.limit(1).executeTakeFirst()) as Row<T> | undefined
}

/** The first matching row in id order; fails the test, naming table and match, when there is none. */
export async function existingRow<T extends Table>(source: Source, table: T, match?: Match<T>): Promise<Row<T>> {
  const row = await firstRow(source, table, match)
  if (!row) throw new Error(`No ${table} row matches ${typeof match === 'function' ? 'the condition' : JSON.stringify(match ?? {})}`)
  return row
}

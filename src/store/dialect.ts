// What differs between SQLite and PostgreSQL, in one place. Everything else — upserts
// (ON CONFLICT), RETURNING, JSON (stored as text on both), dates and booleans (see
// sqlite-connection.ts) — is written once through Kysely and runs unchanged on both.
import { resolve } from 'node:path'
import pg from 'pg'
import { PostgresDialect, sql, type Dialect, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import { ARRAY_ROWS, SQLITE_SCRIPT, sqliteDialect } from './sqlite-connection'

export type Provider = 'sqlite' | 'postgresql'

/** Which database a DATABASE_URL names. */
export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql'
  throw new Error(`Unsupported DATABASE_URL "${url}": use file:PATH or postgresql://…`)
}

// Columns are TIMESTAMP without time zone and hold UTC. pg would read them as local time, and
// write a Date as local time with an offset that such a column ignores; both are pinned to UTC.
const TIMESTAMP_WITHOUT_ZONE = 1114
pg.defaults.parseInputDatesAsUTC = true
const utcTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMP_WITHOUT_ZONE) return (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

/** A pg client that hands a select marked ARRAY_ROWS (sqlite-connection.ts) its rows as arrays, as better-sqlite3's raw mode does. */
class ArrayRowsClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && text.startsWith(ARRAY_ROWS) && args.length <= 2) return super.query({ text, values: values as unknown[], rowMode: 'array' }) as never
    return (super.query as (...all: unknown[]) => never)(...args)
  }
}

/** A PostgreSQL pool with UTC timestamps. */
export function postgresPool(url: string, options: { max: number; idleTimeoutMillis?: number; connectionTimeoutMillis?: number }): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, ...options, types: utcTypes as pg.CustomTypesConfig, Client: ArrayRowsClient })
  // An idle connection the server ends (a restart, a terminated backend, a dropped test database
  // right after close) is discarded by the pool and replaced on next use; unheard, the pool's
  // 'error' event would crash the process.
  pool.on('error', () => {})
  return pool
}

/** The SQLite file a file: URL names, as an absolute path. */
export function sqliteFile(url: string): string {
  return resolve(url.slice('file:'.length))
}

/** Kysely's dialect for a database URL; PostgreSQL takes the pool it should use. */
export function dialectFor(url: string, pool?: pg.Pool): Dialect {
  if (providerOf(url) === 'sqlite') return sqliteDialect(sqliteFile(url))
  return new PostgresDialect({ pool: pool ?? postgresPool(url, { max: 10 }) })
}

/** A dialect that only reads (`arbiter doctor`): SQLite opens an existing file read-only; PostgreSQL gives up connecting after 5 s. */
export function readOnlyDialectFor(url: string): Dialect {
  if (providerOf(url) === 'sqlite') return sqliteDialect(sqliteFile(url), { readonly: true })
  return new PostgresDialect({ pool: postgresPool(url, { max: 1, connectionTimeoutMillis: 5_000 }) })
}

/**
 * One column of a set of rows as a single JSON array value: SQLite's json_group_array, PostgreSQL's
 * json_agg. The drivers hand over each row's values one by one, about a microsecond a row even as
 * an array (sqlite-connection.ts); a million-judgment report reads its columns this way instead.
 * Empty input gives [] on SQLite and null on PostgreSQL (jsonArray reads both).
 */
export function jsonArrayAgg<T>(provider: Provider, column: string): RawBuilder<T[] | string | null> {
  return provider === 'sqlite' ? sql`json_group_array(${sql.ref(column)})` : sql`json_agg(${sql.ref(column)})`
}

/**
 * A column of JSON texts as one JSON array of their values (null for none), read as jsonArrayAgg's
 * is: the texts are joined as they are, not quoted as strings, so the page is parsed once. The
 * same SQL on both databases (string_agg; SQLite has it since 3.44).
 */
export function jsonTextsAgg<T>(column: string): RawBuilder<T[] | string | null> {
  return sql`'[' || string_agg(coalesce(${sql.ref(column)}, 'null'), ',') || ']'`
}

/** The values of a jsonArrayAgg column: SQLite gives its text, pg has parsed it already. */
export function jsonArray<T>(value: T[] | string | null): T[] {
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : (value ?? [])
}

// --- The migration runner's differences (src/store/migrate.ts) ---

/**
 * Prepares a connection for migrations, before their transaction. SQLite: Prisma redefines a
 * table to change it (create new, copy, DROP old, rename); with foreign keys enforced, that DROP
 * would cascade-delete every assignment and judgment of the old table. The pragma only works
 * outside a transaction, so it is set here, and the keys are checked before commit
 * (checkMigratedReferences). The transaction itself is BEGIN IMMEDIATE (sqlite-connection.ts), so
 * two starting processes cannot both read the history and apply.
 */
export async function beforeMigrations(db: Kysely<any>, provider: Provider): Promise<void> {
  if (provider === 'sqlite') await sql`PRAGMA foreign_keys = OFF`.execute(db)
}

// Any constant: PostgreSQL advisory locks are keyed by a 64-bit number agreed by all instances.
const MIGRATION_LOCK_KEY = 7_270_513_901

/** PostgreSQL: held until commit, so a second instance starting now waits here, then finds nothing pending. */
export async function lockMigrations(trx: Transaction<any>, provider: Provider): Promise<void> {
  if (provider === 'postgresql') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx)
}

/** SQLite (foreign keys were off, see beforeMigrations): refuses a migration that left broken references. */
export async function checkMigratedReferences(trx: Transaction<any>, provider: Provider): Promise<void> {
  if (provider !== 'sqlite') return
  const broken = await sql`PRAGMA foreign_key_check`.execute(trx)
  if (broken.rows.length > 0) throw new Error(`Migration left ${broken.rows.length} rows with broken references; nothing was applied.`)
}

/** A whole migration script as one query: PostgreSQL runs several statements in one simple query; SQLite through exec() (SQLITE_SCRIPT). */
export function migrationScript(provider: Provider, script: string): RawBuilder<unknown> {
  return sql.raw(provider === 'sqlite' ? `${SQLITE_SCRIPT}${script}` : script)
}

/** True when a statement failed on a unique key (both drivers' codes). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/**
 * Lets the query planner see a table's new contents after a bulk insert. PostgreSQL plans from
 * statistics that autovacuum refreshes only a minute or more later: right after a 100,000-item
 * import it took the project's items for one row and chose a nested loop that made each "next
 * task" cost 100 ms instead of 0.05 ms (measured), which capped the whole bot at about 20
 * judgments a second. SQLite plans from its indexes and needs nothing.
 */
export async function refreshStatistics(db: Kysely<any>, provider: Provider, table: string): Promise<void> {
  if (provider === 'postgresql') await sql`analyze ${sql.table(table)}`.execute(db)
}

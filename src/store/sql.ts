// SQL fragments the repositories share, as Kysely expressions (parameters always bound).
import { sql, type Compilable, type Expression, type Kysely, type RawBuilder } from 'kysely'
import { ARRAY_ROWS } from './sqlite-connection'

/**
 * Item.open recomputed from claimed and target, for the SET of the statement that changes
 * either: `open: openAfter(eb('claimed', '+', 1))`. Kept in the same statement, so the flag can
 * never disagree with the counters it summarizes. `target` is a column expression or a number.
 */
export function openAfter(claimed: Expression<number>, target: Expression<number> | number = sql.ref<number>('target')): RawBuilder<boolean> {
  return sql<boolean>`(${claimed} < ${target})`
}

/** The "claimed" column as an expression (for openAfter when claimed does not change). */
export const CLAIMED = sql.ref<number>('claimed')

/**
 * Runs a select built with Kysely and gives its rows as arrays of values in the order selected:
 * `Row` is that order's tuple. For the bulk readers, where an object per row was a third of the
 * driver's work at a million rows; everything else reads objects.
 */
export async function arrayRows<Row extends readonly unknown[]>(db: Kysely<any>, query: Compilable<unknown>): Promise<Row[]> {
  const compiled = query.compile()
  return (await db.executeQuery<Row>({ ...compiled, sql: ARRAY_ROWS + compiled.sql })).rows
}

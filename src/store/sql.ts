// SQL fragments the repositories share, as Kysely expressions (parameters always bound).
import { sql, type Expression, type RawBuilder } from 'kysely'

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

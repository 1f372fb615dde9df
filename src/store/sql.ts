// Raw statements written once with "?" placeholders, run on either database.
import type { Provider } from './database'

/** The statement with PostgreSQL's $1, $2… placeholders where needed (SQLite keeps "?"). */
export function positional(provider: Provider, sql: string): string {
  if (provider === 'sqlite') return sql
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** Recomputes Item.open from claimed and target (kept in the same statement as the change). */
export const OPEN_AFTER = (claimedExpression: string, targetExpression = '"target"') => `"open" = (${claimedExpression} < ${targetExpression})`

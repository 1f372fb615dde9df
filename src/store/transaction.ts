// Write transactions that behave the same on both databases. On SQLite the connection opens
// every transaction with BEGIN IMMEDIATE (sqlite-connection.ts): it holds the write lock from its
// first statement, so a transaction that reads before it writes waits for another process's
// commit instead of failing with SQLITE_BUSY. PostgreSQL runs it at READ COMMITTED, where the
// conditional updates the repositories use re-check their condition after a concurrent commit.
import type { Transaction } from 'kysely'
import type { DB } from './generated/database'
import type { Database } from './database'

/** The query builder inside a transaction. */
export type Trx = Transaction<DB>

/** Runs `work` in one transaction: all of it commits, or none of it. */
export function inTransaction<T>(database: Pick<Database, 'db'>, work: (trx: Trx) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(work)
}

// Write transactions that behave the same on both databases. On SQLite the connection opens
// every transaction with BEGIN IMMEDIATE (sqlite-connection.ts): it holds the write lock from its
// first statement, so a transaction that reads before it writes waits for another process's
// commit instead of failing with SQLITE_BUSY. PostgreSQL runs it at READ COMMITTED, where the
// conditional updates the repositories use re-check their condition after a concurrent commit.
import type { Transaction } from 'kysely'
import type { DB } from './generated/database'
import type { Database, Db } from './database'

/** The query builder inside a transaction. */
export type Trx = Transaction<DB>

/** Runs `work` in one transaction: all of it commits, or none of it. */
export function inTransaction<T>(database: Pick<Database, 'db'>, work: (trx: Trx) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(work)
}

// --- Prisma, while repositories move to Kysely (removed with Prisma) ---

/** The client type inside a transaction. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0]

// An UPDATE that matches nothing still starts a write transaction in SQLite.
const TAKE_SQLITE_WRITE_LOCK = 'UPDATE "_arbiter_migrations" SET "name" = "name" WHERE 0 = 1'

// Generous limits: in one process, transactions queue behind the adapter's mutex, and across
// processes behind SQLite's single writer.
const LIMITS = { maxWait: 20_000, timeout: 20_000 }

/** Runs `work` in a transaction that holds the database's write lock from its first statement. */
export function writeTransaction<T>(database: Pick<Database, 'prisma' | 'provider'>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return database.prisma.$transaction(async (tx) => {
    if (database.provider === 'sqlite') await tx.$executeRawUnsafe(TAKE_SQLITE_WRITE_LOCK)
    return work(tx)
  }, LIMITS)
}

// Write transactions that behave the same on both databases.
//
// The SQLite driver adapter opens transactions with a plain (deferred) BEGIN. If the first
// statement reads — and Prisma's updateMany reads before it writes — then under WAL a second
// process that commits in between makes the later write fail at once with SQLITE_BUSY instead
// of waiting. Taking the write lock first (BEGIN IMMEDIATE semantics) makes other processes
// wait their turn through the busy timeout instead.
import type { Database, Db } from './database'

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

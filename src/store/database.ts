// Opens the one database Arbiter uses: an embedded SQLite file by default, PostgreSQL when
// DATABASE_URL says so. Queries go through Kysely, typed by the tables generated from
// prisma/schema.prisma; dialect.ts holds what differs between the two databases.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { Kysely, type LogEvent } from 'kysely'
import type { DB } from './generated/database'
import { dialectFor, postgresPool, providerOf, type Provider } from './dialect'
import { PrismaClient as SqliteClient } from './prisma-client/sqlite/client'
import { PrismaClient as PostgresClient } from './prisma-client/postgresql/client'
import { applyMigrations, type MigrationReport } from './migrate'
import { serializedAdapter, Turn } from './serialized-sqlite-adapter'
import type { Exclusive } from './sqlite-connection'

/** The Prisma client type repositories use (identical API for both databases). */
export type Db = SqliteClient

export { providerOf, type Provider }

/** The query builder every repository uses. */
export type Kdb = Kysely<DB>

/** An open database. */
export interface Database {
  provider: Provider
  url: string
  db: Kdb
  /**
   * The connection for the statement between a click and its acknowledgment (the inbox write).
   * On PostgreSQL it has connections of its own, so a burst of clicks never waits for one of the
   * main pool's connections behind the transactions that handle earlier clicks; on SQLite it is `db`.
   */
  ackLane: Kdb
  prisma: Db
  close(): Promise<void>
}

/** Options for opening: migrations, and a hook that sees every statement (tests count them). */
export interface OpenOptions {
  migrate?: boolean
  log?: (message: string) => void
  onQuery?: (sql: string) => void
}

function kysely(url: string, onQuery: OpenOptions['onQuery'], pool?: pg.Pool, exclusive?: Exclusive): Kdb {
  const log = onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query') onQuery(event.query.sql)
      }
    : undefined
  return new Kysely<DB>({ dialect: dialectFor(url, pool, exclusive), ...(log ? { log } : {}) })
}

/** Absolute file path of a file: URL (created on first use). */
export function sqlitePath(url: string): string {
  return resolve(url.slice('file:'.length))
}

/**
 * Opens the database and, unless told otherwise, applies pending migrations first —
 * so `npm start` on a fresh clone or an older database just works.
 */
export async function openDatabase(
  url: string,
  options: OpenOptions = {},
): Promise<Database & { migrations?: MigrationReport }> {
  const provider = providerOf(url)
  const migrations = options.migrate === false ? undefined : await applyMigrations(url, options.log)
  if (provider === 'sqlite') {
    const file = sqlitePath(url)
    mkdirSync(dirname(file), { recursive: true })
    // timeout is better-sqlite3's busy timeout: several processes may share the file (WAL).
    // While repositories move from Prisma to Kysely, both connections take turns through one lock:
    // one holding a write transaction would otherwise block the other's synchronous busy wait.
    const turn = new Turn()
    const adapter = serializedAdapter(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }), turn)
    const prisma = new SqliteClient({ adapter })
    const db = kysely(url, options.onQuery, undefined, turn)
    // Prisma's adapter brings its own copy of SQLite (an older better-sqlite3). Two copies in one
    // process do not see each other's file locks: when the last connection of one copy to the file
    // closes, it takes itself for the file's last user and deletes the WAL under the other copy's
    // open connection, whose later writes are then lost (a second Database opened and closed in
    // the same process did this to the first). Opening Prisma's connection now (its client opens
    // it lazily, at the first query) keeps one connection of each copy open while this Database
    // lives. Goes away with Prisma.
    await prisma.$queryRawUnsafe('SELECT 1')
    return {
      provider,
      url,
      db,
      ackLane: db,
      prisma,
      migrations,
      close: async () => {
        await Promise.all([prisma.$disconnect(), db.destroy()])
      },
    }
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) })
  const prisma = client as unknown as Db
  const db = kysely(url, options.onQuery)
  // Its connections stay open when idle: opening one would slow the first click after a quiet spell.
  const ackLane = kysely(url, options.onQuery, postgresPool(url, { max: 2, idleTimeoutMillis: 0 }))
  return {
    provider,
    url,
    db,
    ackLane,
    prisma,
    migrations,
    close: async () => {
      await Promise.all([client.$disconnect(), db.destroy(), ackLane.destroy()])
    },
  }
}

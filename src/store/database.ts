// Opens the one database Arbiter uses: an embedded SQLite file by default, PostgreSQL when
// DATABASE_URL says so. Queries go through Kysely, typed by the tables generated from
// prisma/schema.prisma; dialect.ts holds what differs between the two databases.
import pg from 'pg'
import { Kysely, type Compilable, type LogEvent } from 'kysely'
import type { DB } from './generated/database'
import { dialectFor, postgresPool, providerOf, sqliteFile, type Provider } from './dialect'
import { SqliteReadAside } from './sqlite-read-aside'
import { applyMigrations, type MigrationReport } from './migrate'

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
  /**
   * Runs a select without blocking this thread while the database works, so the bulk readers fold
   * one page while the next is read. PostgreSQL's server works aside anyway (the pool); SQLite
   * reads on a worker thread (sqlite-read-aside.ts), whose rows skip the Date and boolean
   * conversions: for pages of aggregates.
   */
  readAside<Row>(query: Compilable<Row>): Promise<Row[]>
  close(): Promise<void>
}

/** Options for opening: migrations, and a hook that sees every statement (tests count them). */
export interface OpenOptions {
  migrate?: boolean
  log?: (message: string) => void
  onQuery?: (sql: string) => void
}

function kysely(url: string, onQuery: OpenOptions['onQuery'], pool?: pg.Pool): Kdb {
  const log = onQuery
    ? (event: LogEvent) => {
        if (event.level === 'query') onQuery(event.query.sql)
      }
    : undefined
  return new Kysely<DB>({ dialect: dialectFor(url, pool), ...(log ? { log } : {}) })
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
    const db = kysely(url, options.onQuery)
    const aside = new SqliteReadAside(sqliteFile(url), options.onQuery)
    return {
      provider,
      url,
      db,
      ackLane: db,
      readAside: (query) => aside.read(query),
      migrations,
      close: async () => {
        await Promise.all([db.destroy(), aside.close()])
      },
    }
  }
  const db = kysely(url, options.onQuery)
  // Its connections stay open when idle: opening one would slow the first click after a quiet spell.
  const ackLane = kysely(url, options.onQuery, postgresPool(url, { max: 2, idleTimeoutMillis: 0 }))
  return {
    provider,
    url,
    db,
    ackLane,
    readAside: async (query) => (await db.executeQuery(query.compile())).rows,
    migrations,
    close: async () => {
      await Promise.all([db.destroy(), ackLane.destroy()])
    },
  }
}

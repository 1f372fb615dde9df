// Opens the one database Arbiter uses: an embedded SQLite file by default, PostgreSQL when
// DATABASE_URL says so. Both go through the same generated Prisma API; the two clients differ
// only in the SQL dialect they were generated for.
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient as SqliteClient } from './prisma-client/sqlite/client'
import { PrismaClient as PostgresClient } from './prisma-client/postgresql/client'
import { applyMigrations, type MigrationReport } from './migrate'
import { serializedAdapter } from './serialized-sqlite-adapter'

/** The Prisma client type repositories use (identical API for both databases). */
export type Db = SqliteClient

export type Provider = 'sqlite' | 'postgresql'

/** An open database: the Prisma client plus what raw SQL needs to know. */
export interface Database {
  provider: Provider
  url: string
  prisma: Db
  /**
   * PostgreSQL only: connections of their own for the statement between a click and its
   * acknowledgment (the inbox write), so a burst of clicks never waits for one of the main
   * pool's connections behind the transactions that handle earlier clicks.
   */
  ackLane?: pg.Pool
  close(): Promise<void>
}

/** Which database a DATABASE_URL names. */
export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql'
  throw new Error(`Unsupported DATABASE_URL "${url}": use file:PATH or postgresql://…`)
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
  options: { migrate?: boolean; log?: (message: string) => void } = {},
): Promise<Database & { migrations?: MigrationReport }> {
  const provider = providerOf(url)
  const migrations = options.migrate === false ? undefined : await applyMigrations(url, options.log)
  if (provider === 'sqlite') {
    const file = sqlitePath(url)
    mkdirSync(dirname(file), { recursive: true })
    // timeout is better-sqlite3's busy timeout: several processes may share the file (WAL).
    const adapter = serializedAdapter(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }))
    const prisma = new SqliteClient({ adapter })
    return { provider, url, prisma, migrations, close: () => prisma.$disconnect() }
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) })
  const prisma = client as unknown as Db
  // Its connections stay open when idle: opening one would slow the first click after a quiet spell.
  const ackLane = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 0 })
  return {
    provider,
    url,
    prisma,
    migrations,
    ackLane,
    close: async () => {
      await Promise.all([client.$disconnect(), ackLane.end()])
    },
  }
}

// Applies Arbiter's versioned migrations (prisma/migrations/<provider>/NNNN_name.sql) in order.
//
// Why not `prisma migrate deploy`: it needs Prisma's native schema engine, which cannot be
// downloaded on an offline machine, and its JS engine fails on PostgreSQL. The SQL itself is
// still Prisma's (made by `npm run db:migration`); this runner only records what was applied,
// refuses edited history, and serializes concurrent starts (several bot instances, one database).
// It runs through Kysely like the rest of the store, once for both databases; what differs
// (SQLite's foreign-key pragma and check, PostgreSQL's advisory lock, running a whole script)
// is in dialect.ts.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import { beforeMigrations, checkMigratedReferences, dialectFor, lockMigrations, migrationScript, providerOf, readOnlyDialectFor, sqliteFile, type Provider } from './dialect'
import { packageFile } from '../package-files'

const MIGRATIONS_DIR = packageFile('prisma', 'migrations')
const HISTORY = '_arbiter_migrations'

/** The runner's own table (not in the Prisma schema: it records the schema's history). */
interface MigrationTables {
  _arbiter_migrations: { name: string; checksum: string; appliedAt: Date }
}

interface Migration {
  name: string
  sql: string
  checksum: string
}

/** What a migration run did. */
export interface MigrationReport {
  applied: string[]
  alreadyApplied: number
}

/** The migrations shipped for one database, oldest first. */
export function listMigrations(provider: Provider): Migration[] {
  const dir = join(MIGRATIONS_DIR, provider)
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8')
      return { name: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

function checkHistory(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const shipped = migrations.find((m) => m.name === name)
    if (!shipped) throw new Error(`Database has migration ${name}, which this version of Arbiter does not know: is it older than the database?`)
    if (shipped.checksum !== checksum) throw new Error(`Migration ${name} was edited after it was applied; add a new migration instead.`)
  }
  return migrations.filter((m) => !applied.has(m.name))
}

// SQLite runs within one process one at a time. better-sqlite3 waits for a lock synchronously:
// a second run's BEGIN IMMEDIATE would block the event loop that the first run, holding the
// lock between its awaits, needs to finish; it then failed with "database is locked". Other
// processes wait for the lock through the busy timeout.
let sqliteTurn: Promise<unknown> = Promise.resolve()

/** Brings the database at `url` up to date; safe to call from several processes (and several times in one) at once. */
export function applyMigrations(url: string, log: (message: string) => void = () => {}, options: { upTo?: string } = {}): Promise<MigrationReport> {
  if (providerOf(url) !== 'sqlite') return migrate(url, log, options.upTo)
  const run = sqliteTurn.then(() => migrate(url, log, options.upTo))
  sqliteTurn = run.catch(() => {})
  return run
}

async function migrate(url: string, log: (message: string) => void, upTo: string | undefined): Promise<MigrationReport> {
  const provider = providerOf(url)
  const db = new Kysely<MigrationTables>({ dialect: dialectFor(url) })
  try {
    await beforeMigrations(db, provider)
    return await db.transaction().execute(async (trx) => {
      await lockMigrations(trx, provider)
      // Inside the lock: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one.
      await trx.schema
        .createTable(HISTORY)
        .ifNotExists()
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('checksum', 'text', (column) => column.notNull())
        .addColumn('appliedAt', provider === 'sqlite' ? 'text' : 'timestamptz', (column) => column.notNull())
        .execute()
      const rows = await trx.selectFrom(HISTORY).select(['name', 'checksum']).execute()
      const pending = checkHistory(shipped(provider, upTo), new Map(rows.map((r) => [r.name, r.checksum])))
      for (const migration of pending) {
        await migrationScript(provider, migration.sql).execute(trx)
        await trx.insertInto(HISTORY).values({ name: migration.name, checksum: migration.checksum, appliedAt: new Date() }).execute()
        log(`applied migration ${migration.name}`)
      }
      // Only a migration can break references, and the check scans the whole database under the
      // write lock (about half a second at a million judgments), so a start with nothing to apply skips it.
      if (pending.length > 0) await checkMigratedReferences(trx, provider)
      return { applied: pending.map((m) => m.name), alreadyApplied: rows.length }
    })
  } finally {
    await db.destroy()
  }
}

/** Shipped migrations, cut after `upTo` when given (tests rebuild an older database with it). */
function shipped(provider: Provider, upTo: string | undefined): Migration[] {
  const all = listMigrations(provider)
  if (upTo === undefined) return all
  const end = all.findIndex((m) => m.name === upTo)
  if (end < 0) throw new Error(`No migration named ${upTo}`)
  return all.slice(0, end + 1)
}

/** Which shipped migrations a database has and lacks (`arbiter doctor`); reads only, creates nothing. */
export interface MigrationStatus {
  /** False when a SQLite file does not exist yet (the bot creates it on first start). */
  exists: boolean
  applied: string[]
  pending: string[]
}

export async function migrationStatus(url: string): Promise<MigrationStatus> {
  const provider = providerOf(url)
  const shippedNames = listMigrations(provider).map((m) => m.name)
  if (provider === 'sqlite' && !existsSync(sqliteFile(url))) return { exists: false, applied: [], pending: shippedNames }
  // Read-only: a SQLite file is opened read-only (and never created), PostgreSQL gives up after 5 s.
  const db = new Kysely<MigrationTables>({ dialect: readOnlyDialectFor(url) })
  try {
    const tables = await db.introspection.getTables()
    const applied = tables.some((table) => table.name === HISTORY) ? (await db.selectFrom(HISTORY).select('name').execute()).map((r) => r.name) : []
    return { exists: true, applied, pending: shippedNames.filter((name) => !applied.includes(name)) }
  } finally {
    await db.destroy()
  }
}

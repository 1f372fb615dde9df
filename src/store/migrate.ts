// Applies Arbiter's versioned migrations (prisma/migrations/<provider>/NNNN_name.sql) in order.
//
// Why not `prisma migrate deploy`: it needs Prisma's native schema engine, which cannot be
// downloaded on an offline machine, and its JS engine fails on PostgreSQL. The SQL itself is
// still Prisma's (made by `npm run db:migration`); this runner only records what was applied,
// refuses edited history, and serializes concurrent starts (several bot instances, one database).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations')
// Any constant: PostgreSQL advisory locks are keyed by a 64-bit number agreed by all instances.
const MIGRATION_LOCK_KEY = 7_270_513_901

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
export function listMigrations(provider: 'sqlite' | 'postgresql'): Migration[] {
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

/** Brings the database at `url` up to date; safe to call from several processes at once. */
export async function applyMigrations(url: string, log: (message: string) => void = () => {}, options: { upTo?: string } = {}): Promise<MigrationReport> {
  return url.startsWith('file:') ? migrateSqlite(url, log, options.upTo) : migratePostgres(url, log, options.upTo)
}

/** Shipped migrations, cut after `upTo` when given (tests rebuild an older database with it). */
function shipped(provider: 'sqlite' | 'postgresql', upTo: string | undefined): Migration[] {
  const all = listMigrations(provider)
  if (upTo === undefined) return all
  const end = all.findIndex((m) => m.name === upTo)
  if (end < 0) throw new Error(`No migration named ${upTo}`)
  return all.slice(0, end + 1)
}

function migrateSqlite(url: string, log: (message: string) => void, upTo?: string): MigrationReport {
  const file = resolve(url.slice('file:'.length))
  mkdirSync(dirname(file), { recursive: true })
  const db = new BetterSqlite3(file, { timeout: 10_000 })
  try {
    // WAL lets readers and one writer work at once across processes; it persists in the file.
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE IF NOT EXISTS "_arbiter_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)')
    // Prisma redefines a SQLite table to change it (create new, copy, DROP old, rename). With
    // foreign keys enforced, that DROP would cascade-delete every assignment and judgment of the
    // old table. The pragma only works outside a transaction, so it is set before BEGIN, and the
    // keys are checked before the migration commits.
    db.pragma('foreign_keys = OFF')
    // IMMEDIATE takes the write lock before reading the history, so two starting processes cannot both apply.
    db.exec('BEGIN IMMEDIATE')
    try {
      const rows = db.prepare('SELECT "name", "checksum" FROM "_arbiter_migrations"').all() as { name: string; checksum: string }[]
      const pending = checkHistory(shipped('sqlite', upTo), new Map(rows.map((r) => [r.name, r.checksum])))
      for (const migration of pending) {
        db.exec(migration.sql)
        db.prepare('INSERT INTO "_arbiter_migrations" VALUES (?, ?, ?)').run(migration.name, migration.checksum, new Date().toISOString())
        log(`applied migration ${migration.name}`)
      }
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0) throw new Error(`Migration left ${broken.length} rows with broken references; nothing was applied.`)
      db.exec('COMMIT')
      return { applied: pending.map((m) => m.name), alreadyApplied: rows.length }
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
  } finally {
    db.close()
  }
}

async function migratePostgres(url: string, log: (message: string) => void, upTo?: string): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('BEGIN')
    try {
      // Held until COMMIT: a second instance starting now waits here, then finds nothing pending.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
      await client.query('CREATE TABLE IF NOT EXISTS "_arbiter_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())')
      const { rows } = await client.query<{ name: string; checksum: string }>('SELECT "name", "checksum" FROM "_arbiter_migrations"')
      const pending = checkHistory(shipped('postgresql', upTo), new Map(rows.map((r) => [r.name, r.checksum])))
      for (const migration of pending) {
        await client.query(migration.sql)
        await client.query('INSERT INTO "_arbiter_migrations" ("name", "checksum") VALUES ($1, $2)', [migration.name, migration.checksum])
        log(`applied migration ${migration.name}`)
      }
      await client.query('COMMIT')
      return { applied: pending.map((m) => m.name), alreadyApplied: rows.length }
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    }
  } finally {
    await client.end()
  }
}

/** Which shipped migrations a database has and lacks (`arbiter doctor`); reads only, creates nothing. */
export interface MigrationStatus {
  /** False when a SQLite file does not exist yet (the bot creates it on first start). */
  exists: boolean
  applied: string[]
  pending: string[]
}

export async function migrationStatus(url: string): Promise<MigrationStatus> {
  const provider = url.startsWith('file:') ? 'sqlite' : 'postgresql'
  const shippedNames = listMigrations(provider).map((m) => m.name)
  const status = (applied: string[]): MigrationStatus => ({ exists: true, applied, pending: shippedNames.filter((name) => !applied.includes(name)) })
  if (provider === 'sqlite') {
    const file = resolve(url.slice('file:'.length))
    if (!existsSync(file)) return { exists: false, applied: [], pending: shippedNames }
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: 5_000 })
    try {
      const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_arbiter_migrations'`).get()
      return status(table ? (db.prepare('SELECT "name" FROM "_arbiter_migrations"').all() as { name: string }[]).map((r) => r.name) : [])
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    const { rows: tables } = await client.query(`SELECT to_regclass('"_arbiter_migrations"') IS NOT NULL AS "present"`)
    if (!tables[0]?.present) return status([])
    const { rows } = await client.query<{ name: string }>('SELECT "name" FROM "_arbiter_migrations"')
    return status(rows.map((r) => r.name))
  } finally {
    await client.end()
  }
}

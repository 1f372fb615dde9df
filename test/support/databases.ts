// Database fixtures: every database test runs on SQLite and on PostgreSQL.
// Each test gets a fresh database — a temp file, or a throw-away PostgreSQL database — so
// test files can run in parallel without seeing each other's rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase, type Database } from '../../src/store/database'

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

export const PROVIDERS = ['sqlite', 'postgresql'] as const
export type TestProvider = (typeof PROVIDERS)[number]

/** A fresh, empty database URL of the given kind, and how to throw it away. */
export async function freshDatabaseUrl(provider: TestProvider): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'arbiter-test-'))
    return { url: `file:${join(dir, 'arbiter.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = `arbiter_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  try {
    await admin.connect()
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL): ${String(error)}`)
  }
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
  return {
    url,
    drop: async () => {
      const again = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await again.end()
    },
  }
}

/** Opens a fresh migrated database; call the returned cleanup in afterEach/afterAll. */
export async function freshDatabase(provider: TestProvider): Promise<{ db: Database; url: string; cleanup: () => Promise<void> }> {
  const { url, drop } = await freshDatabaseUrl(provider)
  const db = await openDatabase(url)
  return {
    db,
    url,
    cleanup: async () => {
      await db.close()
      await drop()
    },
  }
}

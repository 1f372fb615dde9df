// Database fixtures: every database test runs on SQLite and on PostgreSQL.
// Each test gets a database of its own — a temp file, or a throw-away PostgreSQL database — so
// test files can run in parallel without seeing each other's rows. A migrated database is a
// copy of the run's template (test/global-setup.ts), not a fresh run of every migration.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { openDatabase, type Database, type OpenOptions } from '../../src/store/database'
import { adminQuery, databaseUrl, dropDatabase } from './postgres-admin'

export const PROVIDERS = ['sqlite', 'postgresql'] as const
export type TestProvider = (typeof PROVIDERS)[number]

/** A database of its own for one test: empty, or a copy of the migrated template. */
async function ownDatabase(provider: TestProvider, template: string | null): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'arbiter-test-'))
    const file = join(dir, 'arbiter.db')
    if (template) copyFileSync(template, file)
    return { url: `file:${file}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = `arbiter_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  await createDatabase(name, template)
  return { url: databaseUrl(name), drop: () => dropDatabase(name) }
}

// A copy of the template's files (PostgreSQL 15+; older servers know only this way): the default
// since 15 writes the whole new database, system catalogs included, through the WAL, which cost the
// server about three times the CPU per database, and the suite creates a couple of hundred.
let copyStrategy = ' STRATEGY FILE_COPY'

// PostgreSQL refuses to clone a template while another session is connected to it; another
// test process cloning it at the same moment can be that session for an instant.
async function createDatabase(name: string, template: string | null): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await adminQuery(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"${copyStrategy}` : ''}`)
    } catch (error) {
      if (copyStrategy && /strategy/i.test(String(error)) && /syntax|unrecognized/i.test(String(error))) {
        copyStrategy = ''
        continue
      }
      if (!/being accessed by other users/.test(String(error)) || attempt === 20) throw error
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
    }
  }
}

// Benchmarks (bench/) open their databases through these fixtures too, outside any test run.
function insideVitest(): boolean {
  return process.env.VITEST !== undefined
}

/** The run's migrated template of this kind, if the global setup made one. */
function template(provider: TestProvider): string | null {
  const templates = insideVitest() ? inject('templates') : undefined
  if (!templates) return null
  return provider === 'sqlite' ? templates.sqliteFile : templates.postgresName
}

/** A fresh, empty database URL of the given kind (migration tests), and how to throw it away. */
export function freshDatabaseUrl(provider: TestProvider): Promise<{ url: string; drop: () => Promise<void> }> {
  return ownDatabase(provider, null)
}

/** Opens a fresh migrated database (`onQuery` sees every statement); call the returned cleanup in afterEach/afterAll. */
export async function freshDatabase(provider: TestProvider, options: Pick<OpenOptions, 'onQuery'> = {}): Promise<{ db: Database; url: string; cleanup: () => Promise<void> }> {
  const copied = template(provider)
  const { url, drop } = await ownDatabase(provider, copied)
  // A copy of the template is migrated already; without one (no global setup), migrate here.
  const db = await openDatabase(url, { migrate: copied === null, ...options })
  return {
    db,
    url,
    cleanup: async () => {
      await db.close()
      await drop()
    },
  }
}

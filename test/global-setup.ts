// Runs once before the whole suite:
// - drops PostgreSQL databases that an interrupted earlier run left behind (each database test
//   creates its own throw-away database; see test/support/databases.ts);
// - migrates one template database per kind, once: each test then gets a copy of it
//   (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a file copy) instead of running every
//   migration again, which took 0.3–0.8 s per PostgreSQL test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { applyMigrations } from '../src/store/migrate'
import { POSTGRES_ADMIN_URL, databaseUrl, dropDatabase } from './support/postgres-admin'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated SQLite file to copy, and a migrated PostgreSQL database to clone (null: PostgreSQL unreachable). */
    templates: { sqliteFile: string; postgresName: string | null }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function dropStale(client: pg.Client): Promise<void> {
  const found = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'arbiter_t_%'")
  // Names carry the creating process's pid: only a dead process's databases are stale
  // (another test run on this machine may be using its own right now).
  for (const { datname } of found.rows) {
    const pid = Number(/^arbiter_t_(\d+)_/.exec(datname)?.[1])
    if (Number.isFinite(pid) && isAlive(pid)) continue
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
  }
}

/** A migrated PostgreSQL template of this run's own (other runs on the machine keep theirs). */
async function postgresTemplate(client: pg.Client): Promise<string> {
  const name = `arbiter_t_${process.pid}_template`
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await client.query(`CREATE DATABASE "${name}"`)
  await applyMigrations(databaseUrl(name))
  return name
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-template-'))
  const sqliteFile = join(dir, 'arbiter.db')
  await applyMigrations(`file:${sqliteFile}`)

  let postgresName: string | null = null
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  const reachable = await client.connect().then(
    () => true,
    () => false, // no PostgreSQL: the PostgreSQL half of the database tests reports it clearly
  )
  if (reachable) {
    try {
      await dropStale(client)
      postgresName = await postgresTemplate(client)
    } finally {
      await client.end()
    }
  }
  project.provide('templates', { sqliteFile, postgresName })
  return async () => {
    rmSync(dir, { recursive: true, force: true })
    if (postgresName) await dropDatabase(postgresName)
  }
}

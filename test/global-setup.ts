// Runs once before the whole suite:
// - drops PostgreSQL databases that an interrupted earlier run left behind (each database test
//   creates its own throw-away database; see test/support/databases.ts);
// - migrates one template database per kind, once: each test then gets a copy of it
//   (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a file copy) instead of running every
//   migration again, which took 0.3–0.8 s per PostgreSQL test;
// - rebuilds the command-line bundle when a source is newer than it, so the CLI tests run `arbiter`
//   as an installed copy does (bin/arbiter.mjs on the bundle, not through tsx: about 1 s of CPU
//   less per command, and the suite runs dozens);
// - bundles the worker scripts that tests run as separate processes (test/support/worker-scripts.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { build, type BuildOptions } from 'esbuild'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { applyMigrations } from '../src/store/migrate'
import { NODE_BUNDLE, buildCliBundles, staleBundles } from '../scripts/build-cli-bundle.mjs'
import { POSTGRES_ADMIN_URL, databaseUrl, dropDatabase } from './support/postgres-admin'
import { WORKER_SCRIPTS } from './support/worker-scripts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated SQLite file to copy, and a migrated PostgreSQL database to clone (null: PostgreSQL unreachable). */
    templates: { sqliteFile: string; postgresName: string | null }
    /** The folder of this run's bundled worker scripts (test/support/worker-scripts.ts). */
    workerScripts: string
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

/** Bundles the worker scripts into a folder of this run's own, inside the package (where the code finds prisma/). */
async function bundleWorkerScripts(): Promise<string> {
  const outdir = join(process.cwd(), '.arbiter-build', `test-workers-${process.pid}`)
  await build({ ...(NODE_BUNDLE as BuildOptions), entryPoints: WORKER_SCRIPTS.map((name) => `test/support/${name}.ts`), outdir, packages: 'external' })
  return outdir
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stale = staleBundles()
  if (stale.length > 0) await buildCliBundles(stale)
  const workerScripts = await bundleWorkerScripts()
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
  project.provide('workerScripts', workerScripts)
  return async () => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(workerScripts, { recursive: true, force: true })
    if (postgresName) await dropDatabase(postgresName)
  }
}

// Runs once before the whole suite: drops PostgreSQL databases that an interrupted earlier run
// left behind (each database test creates its own throw-away database; see test/support/databases.ts).
import pg from 'pg'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export default async function setup(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
  } catch {
    return // no PostgreSQL: the PostgreSQL half of the database tests reports it clearly
  }
  try {
    const found = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'arbiter_t_%'")
    // Names carry the creating process's pid: only a dead process's databases are stale
    // (another test run on this machine may be using its own right now).
    for (const { datname } of found.rows) {
      const pid = Number(/^arbiter_t_(\d+)_/.exec(datname)?.[1])
      if (Number.isFinite(pid) && isAlive(pid)) continue
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
    }
  } finally {
    await client.end()
  }
}

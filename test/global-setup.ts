// Runs once before the whole suite: drops PostgreSQL databases that an interrupted earlier run
// left behind (each database test creates its own throw-away database; see test/support/databases.ts).
import pg from 'pg'

export default async function setup(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
  } catch {
    return // no PostgreSQL: the PostgreSQL half of the database tests reports it clearly
  }
  try {
    const stale = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'arbiter_t_%' AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL)",
    )
    for (const row of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}"`)
  } finally {
    await client.end()
  }
}

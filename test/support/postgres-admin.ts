// The PostgreSQL server the tests use, and the statements that make and drop their databases.
import pg from 'pg'

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  return POSTGRES_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
}

/** Runs statements over an admin connection of its own. */
async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  try {
    await admin.connect()
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL): ${String(error)}`)
  }
  try {
    return await work(admin)
  } finally {
    await admin.end()
  }
}

/** Runs one statement over an admin connection of its own. */
export async function adminQuery(sql: string): Promise<void> {
  await withAdmin((admin) => admin.query(sql))
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    // A pg pool's end() resolves before its connections' sockets have closed. Terminating those
    // sessions (FORCE) at that moment raises "terminating connection due to administrator
    // command" as an uncaught error in the test process that is closing them, so give them a
    // moment to leave. FORCE is still needed for a killed worker's sessions the server has not
    // noticed yet.
    for (let attempt = 0; attempt < 40; attempt++) {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
      if (rows[0]!.n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  })
}

// The PostgreSQL server the tests use, and the statements that make and drop their databases.
import pg from 'pg'

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  return POSTGRES_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
}

// One admin session per test worker, kept open: every PostgreSQL test creates and drops a database,
// and a session of its own for each of those cost the server a backend start (about 25 ms of CPU)
// twice per test. Its socket is referenced only while a statement runs, so an idle session never
// keeps a process alive, and a benchmark outside vitest, with nothing else pending, does not exit
// in the middle of creating its database. A broken session is replaced on the next use.
let adminSession: Promise<pg.Client> | null = null
let running = 0

type Socket = { ref(): void; unref(): void }
const socketOf = (client: pg.Client) => (client as unknown as { connection: { stream: Socket } }).connection.stream

function admin(): Promise<pg.Client> {
  adminSession ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    client.on('error', () => {
      adminSession = null // the server went away; the next statement connects again
    })
    try {
      await client.connect()
    } catch (error) {
      adminSession = null
      throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set TEST_POSTGRES_URL): ${String(error)}`)
    }
    socketOf(client).unref()
    return client
  })()
  return adminSession
}

/** Runs statements over the worker's admin session. */
async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const client = await admin()
  if (running++ === 0) socketOf(client).ref()
  try {
    return await work(client)
  } finally {
    if (--running === 0) socketOf(client).unref()
  }
}

/** Runs one statement over the worker's admin session. */
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

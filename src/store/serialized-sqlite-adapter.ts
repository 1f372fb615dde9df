// One SQLite connection, used by one async flow at a time.
//
// Prisma's SQLite adapter shares a single connection between everything in the process. While
// an interactive transaction awaits between its statements, any other query from the process
// runs on that same connection — inside the open transaction. Its reads then pin a snapshot, and
// when another process commits meanwhile, the transaction's next write fails at once with
// SQLITE_BUSY instead of waiting for the lock. Running every query and every transaction in turn
// closes that gap; better-sqlite3 is synchronous anyway, so nothing is lost in throughput.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils'

// Queued statements would otherwise run back to back without letting the event loop in
// (better-sqlite3 is synchronous): under load a chat platform's acknowledgements then waited
// behind whole queues. Yielding every few milliseconds keeps acks fast.
const YIELD_EVERY_MS = 4

export class Turn {
  private tail: Promise<void> = Promise.resolve()
  private lastYield = performance.now()

  /** Waits for every earlier holder, then returns the function that lets the next one in. */
  async acquire(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => (release = resolve))
    const previous = this.tail
    this.tail = previous.then(() => next)
    await previous
    if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      this.lastYield = performance.now()
    }
    return release
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await work()
    } finally {
      release()
    }
  }
}

function serialized(adapter: SqlDriverAdapter, turn: Turn): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => turn.run(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery) => turn.run(() => adapter.executeRaw(query)),
    executeScript: (script: string) => turn.run(() => adapter.executeScript(script)),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    async startTransaction(isolationLevel): Promise<Transaction> {
      const release = await turn.acquire()
      let transaction: Transaction
      try {
        transaction = await adapter.startTransaction(isolationLevel)
      } catch (error) {
        release()
        throw error
      }
      const finish = (end: () => Promise<void>) => async () => {
        try {
          await end()
        } finally {
          release()
        }
      }
      return {
        provider: transaction.provider,
        adapterName: transaction.adapterName,
        options: transaction.options,
        queryRaw: (query) => transaction.queryRaw(query),
        executeRaw: (query) => transaction.executeRaw(query),
        commit: finish(() => transaction.commit()),
        rollback: finish(() => transaction.rollback()),
      }
    },
  }
}

/** Wraps an adapter factory so each connection it makes serves one flow at a time. */
export function serializedAdapter(factory: SqlDriverAdapterFactory, turn = new Turn()): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialized(await factory.connect(), turn),
  }
}

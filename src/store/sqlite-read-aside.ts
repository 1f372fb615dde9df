// SQLite reads on a second thread, for the quality reader's pages. better-sqlite3 runs a query on
// the calling thread and blocks it: a million-judgment report spent about a second waiting for
// SQLite, then as long again turning each page into the engine's input, one after the other. A
// worker thread with its own read-only connection (WAL lets it read beside the writer) runs the
// next page's query while the main thread folds the last one, on the machine's second core.
//
// The worker's program is a few lines of plain JavaScript, given as source (`eval`), so it runs the
// same from the TypeScript sources, the tests and the CLI bundle; it loads the very better-sqlite3
// this module resolves. Rows come back as better-sqlite3 gives them, without the Date and boolean
// conversions of sqlite-connection.ts: it is meant for aggregate pages (numbers and texts).
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Compilable } from 'kysely'
import { toSqliteParameter } from './sqlite-connection'

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: workerData.timeout })
const statements = new Map()
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare(sql)))
    parentPort.postMessage({ id, rows: statement.all(...parameters) })
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } })
  }
})
`

type Reply = { id: number; rows?: unknown[]; error?: { message: string; code?: string } }

/** Runs selects on a worker thread over its own read-only connection to a SQLite file. */
export class SqliteReadAside {
  private worker: Worker | null = null
  private nextId = 0
  private readonly waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>()

  constructor(
    private readonly file: string,
    private readonly onQuery?: (sql: string) => void,
  ) {}

  /** The rows of a select, read on the worker thread. */
  read<Row>(query: Compilable<Row>): Promise<Row[]> {
    const compiled = query.compile()
    this.onQuery?.(compiled.sql)
    const worker = this.start()
    const id = this.nextId++
    return new Promise<Row[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject })
      // The worker is unreferenced while idle, so an open database never keeps a finished command alive.
      if (this.waiting.size === 1) worker.ref()
      worker.postMessage({ id, sql: compiled.sql, parameters: compiled.parameters.map(toSqliteParameter) })
    })
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const worker = new Worker(WORKER, { eval: true, workerData: { driver, file: this.file, timeout: 10_000 } })
    worker.unref()
    worker.on('message', (reply: Reply) => this.settle(reply))
    worker.on('error', (error) => this.failAll(error))
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null
      this.failAll(new Error(`The SQLite read thread stopped (exit code ${code}).`))
    })
    this.worker = worker
    return worker
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id)
    if (!waiter) return
    this.waiting.delete(reply.id)
    if (this.waiting.size === 0) this.worker?.unref()
    if (reply.error) waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }))
    else waiter.resolve(reply.rows ?? [])
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error)
    this.waiting.clear()
  }
}

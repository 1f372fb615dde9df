// The inbox of chat interactions: written before the platform is acknowledged, marked when
// handled. Replaying the unhandled ones at start means an acknowledged judgment is never lost
// to a crash; the unique key means a retried delivery is handled once.
import type { Database, Db } from './database'
import { fromJson, toJson } from './json'
import { positional } from './sql'

/** An interaction waiting to be (or already) handled. */
export interface InboundEventDto {
  id: number
  platform: string
  dedupeKey: string
  payload: Record<string, unknown>
  receivedAt: Date
  attempts: number
}

// This insert stands between a click and its acknowledgment, and a burst of clicks (every
// labeler's first /label at once) queues on it. So it is plain SQL (Prisma's create cost ~1.3 ms
// a row here warm, several times that cold), and while two inserts are in flight the next ones
// wait and then go together as one multi-row statement: one commit — one WAL flush on
// PostgreSQL — for a burst instead of one each. Two, not one: with a single batch in flight a
// click waited for the previous batch's whole round trip through SQLite's one busy connection,
// which doubled steady-state latency (bench/discord-labelers.ts). Duplicate keys inside a batch
// are settled here (the first wins); duplicates of stored rows by ON CONFLICT DO NOTHING.
const MAX_BATCH = 200
const MAX_IN_FLIGHT = 2

interface Waiting {
  platform: string
  dedupeKey: string
  payload: Record<string, unknown>
  done: (row: InboundEventDto | null) => void
  fail: (error: unknown) => void
}

export class InboundEventRepository {
  private readonly waiting: Waiting[] = []
  private inFlight = 0

  constructor(private readonly database: Pick<Database, 'prisma' | 'provider' | 'ackLane'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  /** Stores an interaction; null when the same key was stored before (a retry or a double delivery). */
  accept(platform: string, dedupeKey: string, payload: Record<string, unknown>): Promise<InboundEventDto | null> {
    return new Promise((done, fail) => {
      this.waiting.push({ platform, dedupeKey, payload, done, fail })
      this.writeWaiting()
    })
  }

  private writeWaiting(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      this.inFlight++
      void this.writeBatch(this.waiting.splice(0, MAX_BATCH)).finally(() => {
        this.inFlight--
        this.writeWaiting()
      })
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    try {
      const ids = await this.insert(batch)
      const now = new Date()
      for (const w of batch) {
        const id = ids.get(w.dedupeKey)
        ids.delete(w.dedupeKey) // a second event with the same key in this batch is the duplicate
        w.done(id === undefined ? null : { id, platform: w.platform, dedupeKey: w.dedupeKey, payload: w.payload, receivedAt: now, attempts: 0 })
      }
    } catch (error) {
      for (const w of batch) w.fail(error)
    }
  }

  /** Inserts the batch; the ids of the rows that were new, by key. */
  private async insert(batch: Waiting[]): Promise<Map<string, number>> {
    const first = new Map<string, Waiting>()
    for (const w of batch) if (!first.has(w.dedupeKey)) first.set(w.dedupeKey, w)
    const unique = [...first.values()]
    const tuples = unique.map(() => '(?, ?, ?)').join(', ')
    const sql = positional(this.database.provider, `INSERT INTO "InboundEvent" ("platform", "dedupeKey", "payload") VALUES ${tuples} ON CONFLICT ("dedupeKey") DO NOTHING RETURNING "id", "dedupeKey"`)
    const params = unique.flatMap((w) => [w.platform, w.dedupeKey, toJson(w.payload)])
    const lane = this.database.ackLane
    type Inserted = { id: number | bigint; dedupeKey: string }
    const rows = lane ? (await lane.query<Inserted>(sql, params)).rows : await this.prisma.$queryRawUnsafe<Inserted[]>(sql, ...params)
    return new Map(rows.map((row) => [row.dedupeKey, Number(row.id)]))
  }

  /** Once per click, on the busy path: plain SQL, like the insert. */
  async markProcessed(id: number, now: Date): Promise<void> {
    await this.prisma.$executeRawUnsafe(positional(this.database.provider, 'UPDATE "InboundEvent" SET "processedAt" = ? WHERE "id" = ?'), now, id)
  }

  async markFailed(id: number, message: string): Promise<void> {
    await this.prisma.inboundEvent.update({ where: { id }, data: { attempts: { increment: 1 }, lastError: message.slice(0, 2_000) } })
  }

  /** Unhandled interactions of a platform, oldest first (replayed at start). */
  async pending(platform: string, maxAttempts = 5): Promise<InboundEventDto[]> {
    const rows = await this.prisma.inboundEvent.findMany({ where: { platform, processedAt: null, attempts: { lt: maxAttempts } }, orderBy: { id: 'asc' }, take: 500 })
    return rows.map((row) => ({ ...row, payload: fromJson<Record<string, unknown>>(row.payload, {}) }))
  }
}

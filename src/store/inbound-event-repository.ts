// The inbox of chat interactions: written before the platform is acknowledged, marked when
// handled. A row is held by the instance that accepted it under a short lease it keeps renewing
// while it works; a row whose lease ran out was left by a dead instance, and any instance's
// sweep claims it (src/inbox/inbox-pipeline.ts). So an acknowledged judgment is never lost to a
// crash, and the unique key means a retried delivery is handled once.
import { sql } from 'kysely'
import type { Database, Kdb } from './database'
import { fromJson, toJson } from './json'

/** An interaction waiting to be (or already) handled. */
export interface InboundEventDto {
  id: number
  platform: string
  dedupeKey: string
  payload: Record<string, unknown>
  receivedAt: Date
  attempts: number
}

/** Who holds a row and until when (real wall-clock time: leases are about processes, not the test clock). */
export interface InboxLease {
  owner: string
  until: Date
}

/** How a failed row is left: retried by a later sweep (not before `retryAt`), or given up for good. */
export interface InboxFailure {
  message: string
  permanent: boolean
  retryAt: Date
}

/** Replays stop after this many failed attempts. */
export const MAX_INBOX_ATTEMPTS = 5

// This insert stands between a click and its acknowledgment, and a burst of clicks (every
// labeler's first /label at once) queues on it. While two inserts are in flight the next ones
// wait and then go together as one multi-row statement: one commit — one WAL flush on
// PostgreSQL — for a burst instead of one each. Two, not one: with a single batch in flight a
// click waited for the previous batch's whole round trip through SQLite's one busy connection,
// which doubled steady-state latency (bench/discord-labelers.ts). A repeated key never joins a
// batch while its first delivery is queued or in flight (see `unsettled`); duplicates of stored
// rows are settled by ON CONFLICT DO NOTHING.
const MAX_BATCH = 200
const MAX_IN_FLIGHT = 2

interface Waiting {
  platform: string
  dedupeKey: string
  payload: Record<string, unknown>
  lease: InboxLease | undefined
  done: (row: InboundEventDto | null) => void
  fail: (error: unknown) => void
}

export class InboundEventRepository {
  private readonly waiting: Waiting[] = []
  private inFlight = 0
  // Keys queued or being written: a repeat delivery waits for the first one's write, then is a
  // duplicate, so the first delivery is always the one stored — even when two batches are in
  // flight and the later one would reach the database first.
  private readonly unsettled = new Map<string, Promise<InboundEventDto | null>>()

  constructor(private readonly database: Pick<Database, 'db' | 'ackLane'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /**
   * Stores an interaction, held by `lease` when given (without one, any sweep may take it at
   * once); null when the same key was stored before (a retry or a double delivery).
   */
  accept(platform: string, dedupeKey: string, payload: Record<string, unknown>, lease?: InboxLease): Promise<InboundEventDto | null> {
    const first = this.unsettled.get(dedupeKey)
    // If the first delivery's write failed, this one is not a repeat of anything stored: it tries again.
    if (first) return first.then(() => null, () => this.accept(platform, dedupeKey, payload, lease))
    const written = new Promise<InboundEventDto | null>((done, fail) => {
      this.waiting.push({ platform, dedupeKey, payload, lease, done, fail })
      this.writeWaiting()
    })
    this.unsettled.set(dedupeKey, written)
    const settle = () => {
      if (this.unsettled.get(dedupeKey) === written) this.unsettled.delete(dedupeKey)
    }
    written.then(settle, settle)
    return written
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
      const now = new Date()
      const ids = await this.insert(batch, now)
      for (const w of batch) {
        const id = ids.get(w.dedupeKey)
        w.done(id === undefined ? null : { id, platform: w.platform, dedupeKey: w.dedupeKey, payload: w.payload, receivedAt: now, attempts: 0 })
      }
    } catch (error) {
      for (const w of batch) w.fail(error)
    }
  }

  /** Inserts the batch, received `now`; the ids of the rows that were new, by key. */
  private async insert(batch: Waiting[], now: Date): Promise<Map<string, number>> {
    const rows = await this.database.ackLane
      .insertInto('InboundEvent')
      .values(batch.map((w) => ({ platform: w.platform, dedupeKey: w.dedupeKey, payload: toJson(w.payload), owner: w.lease?.owner ?? null, leaseUntil: w.lease?.until ?? null, receivedAt: now })))
      .onConflict((conflict) => conflict.column('dedupeKey').doNothing())
      .returning(['id', 'dedupeKey'])
      .execute()
    return new Map(rows.map((row) => [row.dedupeKey, Number(row.id)]))
  }

  /** Once per click, on the busy path. */
  async markProcessed(id: number, now: Date): Promise<void> {
    await this.db.updateTable('InboundEvent').set({ processedAt: now, owner: null, leaseUntil: null }).where('id', '=', id).execute()
  }

  /** Counts a failed attempt and lets the row go: a later sweep retries it from `retryAt`, unless it is permanent. */
  async markFailed(id: number, failure: InboxFailure): Promise<void> {
    await this.db
      .updateTable('InboundEvent')
      .set((eb) => ({
        attempts: failure.permanent ? MAX_INBOX_ATTEMPTS : eb('attempts', '+', 1),
        lastError: failure.message.slice(0, 2_000),
        owner: null,
        leaseUntil: failure.retryAt,
      }))
      .where('id', '=', id)
      .execute()
  }

  /** Extends the lease on rows this owner is still working on (one statement for all of them). */
  async renew(ids: number[], lease: InboxLease): Promise<void> {
    if (ids.length === 0) return
    await this.db.updateTable('InboundEvent').set({ leaseUntil: lease.until }).where('owner', '=', lease.owner).where('processedAt', 'is', null).where('id', 'in', ids).execute()
  }

  /**
   * Takes unhandled rows of a platform whose lease ran out (their instance died, or they failed
   * and their retry time came), oldest first. One statement: of two instances sweeping at once,
   * each row goes to one (PostgreSQL re-checks the lease on the row it waited for; SQLite writes
   * one at a time).
   */
  async claimExpired(platform: string, lease: InboxLease, now: Date, limit = 50): Promise<InboundEventDto[]> {
    const free = sql<boolean>`"processedAt" is null and ("leaseUntil" is null or "leaseUntil" < ${now})`
    const rows = await this.db
      .updateTable('InboundEvent')
      .set({ owner: lease.owner, leaseUntil: lease.until })
      .where('id', 'in', (eb) => eb.selectFrom('InboundEvent').select('id').where('platform', '=', platform).where('attempts', '<', MAX_INBOX_ATTEMPTS).where(free).orderBy('id').limit(limit))
      .where(free)
      .returning(['id', 'platform', 'dedupeKey', 'payload', 'receivedAt', 'attempts'])
      .execute()
    return rows.map(toDto).sort((a, b) => a.id - b.id)
  }

  /** Unhandled interactions of a platform, oldest first, whoever holds them. */
  async pending(platform: string, maxAttempts = MAX_INBOX_ATTEMPTS): Promise<InboundEventDto[]> {
    const rows = await this.db
      .selectFrom('InboundEvent')
      .select(['id', 'platform', 'dedupeKey', 'payload', 'receivedAt', 'attempts'])
      .where('platform', '=', platform)
      .where('processedAt', 'is', null)
      .where('attempts', '<', maxAttempts)
      .orderBy('id')
      .limit(500)
      .execute()
    return rows.map(toDto)
  }
}

function toDto(row: { id: number; platform: string; dedupeKey: string; payload: string; receivedAt: Date; attempts: number }): InboundEventDto {
  return { id: row.id, platform: row.platform, dedupeKey: row.dedupeKey, payload: fromJson<Record<string, unknown>>(row.payload, {}), receivedAt: row.receivedAt, attempts: row.attempts }
}

// The one inbox pipeline both adapters use. Every interaction goes the same way:
//
//   accept (write it to the inbox, held under this instance's lease)
//   → ack (the platform's 3 s; a click that may open a modal is decided first, within a budget)
//   → run (the neutral layer, through the one router; per user in order, a few at a time)
//   → mark (handled)
//   → apply the outcome (the adapter renders it; outbound failures are sorted and reported).
//
// A live instance renews the lease on the rows it holds every few seconds. A row whose lease ran
// out was left by a dead instance (or failed and waited out its retry time): the sweep, which runs
// on every instance every few seconds, claims it and runs it the same way, without a live
// interaction — the adapter shows the outcome where it can (Slack: the message or a DM; Discord:
// a DM). Payloads read back from the inbox are validated with the same zod schema on both
// platforms. A failure is retried by later sweeps (at most five attempts) unless it is
// permanent (a platform's refusal that would repeat), which is reported to the user once.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { z } from 'zod'
import type { CoreContext } from '../core/context'
import { ArbiterError } from '../core/errors'
import type { LabelingInteractions } from '../interactions/labeling'
import type { Outcome } from '../interactions/outcome'
import type { Logger } from '../logger'
import type { InboundEventDto, InboxLease } from '../store/inbound-event-repository'
import { LATE, within } from '../time-limit'
import { inboxEnvelopeSchema, type InboxEnvelope } from './inbox-event'
import { isPermanent } from './outbound'
import type { PipelineEvents, PlatformName } from './pipeline-events'
import { routeEvent, type PlatformLookups } from './route-event'

/** What the pipeline needs from an adapter besides a live interaction. */
export interface InboxPlatform<Where> extends PlatformLookups {
  readonly name: PlatformName
  /** The schema of the adapter's reply address (the `where` of an envelope). */
  readonly whereSchema: z.ZodType<Where>
  /** Shows the outcome of an event handled without its live interaction (a sweep). */
  applyReplayed(envelope: InboxEnvelope<Where>, outcome: Outcome): Promise<void>
  /** Tells the user once that an event handled without its live interaction failed. */
  reportReplayedFailure(envelope: InboxEnvelope<Where>, message: string): Promise<void>
}

/** What the ack showed already, so applying the outcome does not show it twice. */
export interface AckShown {
  fieldErrors?: boolean
  modal?: boolean
}

/** One live interaction, as its adapter answers it. */
export interface LiveInteraction {
  /** How long the outcome may be awaited before acknowledging (ms; 0: acknowledge at once). */
  decisionMs(): Promise<number>
  /** Acknowledges; `early` is the outcome when it came within the decision budget. */
  ack(early: Outcome | null): Promise<AckShown>
  /** The same interaction was accepted before (a platform retry, a double delivery). */
  duplicate(): Promise<void>
  apply(outcome: Outcome, shown: AckShown): Promise<void>
  /** Tells the user the interaction failed (once). */
  failed(message: string): Promise<void>
}

/** Timing knobs; production uses the defaults. */
export interface PipelineTiming {
  /** How long a claim holds without renewal (default 6 s): an orphan is picked up this long after its owner's death, plus one sweep. */
  leaseMs?: number
  /** How often held leases are renewed (default leaseMs / 3). */
  renewMs?: number
  /** How often unhandled rows are swept (default 2 s; 0 turns the timer off, sweep() still works). */
  sweepMs?: number
  /** How many interactions may do database work at once. */
  maxConcurrent?: number
  /** How long work waits at most while acknowledgements are owed (default 50 ms; see acksFirst). */
  acksFirstMaxMs?: number
}

export interface InboxPipelineOptions<Where> extends PipelineTiming {
  ctx: CoreContext
  interactions: LabelingInteractions
  platform: InboxPlatform<Where>
  logger: Logger
  events?: PipelineEvents | undefined
}

// A failed row waits before its next try, longer each time.
const RETRY_BASE_MS = 5_000

export class InboxPipeline<Where> {
  /** This instance's name on the rows it holds. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  private readonly held = new Set<number>()
  private readonly running = new Set<Promise<unknown>>()
  private readonly chains = new Map<string, Promise<unknown>>()
  private readonly waiting: (() => void)[] = []
  private active = 0
  private readonly schema
  private readonly leaseMs: number
  private readonly maxConcurrent: number
  private timers: NodeJS.Timeout[] = []
  private sweeping: Promise<number> | null = null
  private sweepAgain: Promise<number> | null = null
  private stopped = false
  /** Acknowledgements owed at once (they wait on no work) and not yet sent; see acksFirst(). */
  private acksOwed = 0
  private readonly acksSent: (() => void)[] = []

  constructor(private readonly options: InboxPipelineOptions<Where>) {
    this.schema = inboxEnvelopeSchema(options.platform.whereSchema)
    this.leaseMs = options.leaseMs ?? 6_000
    this.maxConcurrent = options.maxConcurrent ?? (options.ctx.store.database.provider === 'sqlite' ? 2 : 4)
  }

  private get platform(): PlatformName {
    return this.options.platform.name
  }

  private lease(): InboxLease {
    return { owner: this.owner, until: new Date(Date.now() + this.leaseMs) }
  }

  /** Starts renewing leases and sweeping; sweeps once at once (what a previous process left). */
  start(): void {
    this.stopped = false
    const renewMs = this.options.renewMs ?? Math.max(50, Math.floor(this.leaseMs / 3))
    const sweepMs = this.options.sweepMs ?? 2_000
    this.timers.push(setInterval(() => void this.renew(), renewMs))
    if (sweepMs > 0) this.timers.push(setInterval(() => void this.sweep().catch((error: unknown) => this.options.logger.error({ err: error, platform: this.platform }, 'inbox: sweep failed')), sweepMs))
    for (const timer of this.timers) timer.unref()
    this.track(this.sweep().catch((error: unknown) => this.options.logger.error({ err: error, platform: this.platform }, 'inbox: sweep failed')))
  }

  /** Stops the timers; rows still held are left to their lease (another instance, or the next start, takes them). */
  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
  }

  /** Resolves when everything received so far is handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  /** How many interactions are still being handled. */
  get pending(): number {
    return this.running.size
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work)
    void work.finally(() => this.running.delete(work)).catch(() => undefined)
    return work
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return
    await this.options.ctx.store.inbox.renew([...this.held], this.lease()).catch((error: unknown) => this.options.logger.warn({ err: error, platform: this.platform }, 'inbox: renewing leases failed'))
  }

  /**
   * Runs `work` after the user's earlier interactions: a double click or a fast Next cannot race
   * itself (the store is idempotent anyway; this keeps the replies in order).
   */
  serial<T>(user: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(user) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => undefined)
    this.chains.set(user, settled)
    void settled.then(() => {
      if (this.chains.get(user) === settled) this.chains.delete(user)
    })
    return next
  }

  /**
   * Bounds how many interactions do database work at once. Without it, fifty labelers' work
   * queues up inside the store (SQLite runs one statement at a time, PostgreSQL has a small
   * pool) and the inbox writes that precede each ack wait behind all of it. Waiting here costs
   * nothing: the interaction is already acknowledged.
   */
  private async gate<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active += 1
    try {
      await this.acksFirst()
      return await work()
    } finally {
      const next = this.waiting.shift()
      // Hand the slot over through a macrotask, so acks and socket pings get a turn in between.
      if (next) setImmediate(next)
      else this.active -= 1
    }
  }

  /**
   * Work waits while acknowledgements are owed: when two hundred labelers type /label at once,
   * each acknowledgement is an inbox write and one small reply, but the work of the first few
   * (a labeler row, a claim, a rendered task) would otherwise run between them and push the last
   * acknowledgements back. Held at most acksFirstMaxMs (50 ms), so a steady stream of clicks never
   * starves the work; the work is what the person sees next, a few milliseconds later.
   */
  private async acksFirst(): Promise<void> {
    if (this.acksOwed === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.acksFirstMaxMs ?? 50)
      this.acksSent.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  private ackSent(): void {
    this.acksOwed -= 1
    if (this.acksOwed === 0) for (const wake of this.acksSent.splice(0)) wake()
  }

  /** The neutral work of one event: per user in order, a few at a time, through the one router. */
  private run(envelope: InboxEnvelope<Where>): Promise<Outcome> {
    const { ctx, interactions, platform } = this.options
    return this.serial(envelope.actor.identity.platformUserId, () =>
      this.gate(async () => routeEvent({ ctx, interactions, platform, actor: platform.resolveActor ? await platform.resolveActor(envelope.actor) : envelope.actor }, envelope.event)),
    )
  }

  /** A live interaction: accept → ack → run → mark and apply together. */
  receive(key: string, envelope: InboxEnvelope<Where>, live: LiveInteraction): Promise<void> {
    return this.track(this.receiveNow(key, envelope, live))
  }

  private async receiveNow(key: string, envelope: InboxEnvelope<Where>, live: LiveInteraction): Promise<void> {
    // performance.now(), not Date.now(): an acknowledgement often takes less than a millisecond.
    const received = performance.now()
    const budget = await live.decisionMs().catch(() => 0)
    // An acknowledgement that waits on no work is owed from now until it is sent (acksFirst).
    let owesAck = budget <= 0
    if (owesAck) this.acksOwed += 1
    const acked = () => {
      if (owesAck) this.ackSent()
      owesAck = false
    }
    try {
      await this.acceptAndRun(key, envelope, live, { received, budget, acked })
    } finally {
      acked()
    }
  }

  private async acceptAndRun(key: string, envelope: InboxEnvelope<Where>, live: LiveInteraction, timing: { received: number; budget: number; acked: () => void }): Promise<void> {
    const { received, budget, acked } = timing
    const kind = kindOf(envelope)
    const { ctx, events, logger } = this.options
    let row: InboundEventDto | null
    try {
      row = await ctx.store.inbox.accept(this.platform, key, envelope as unknown as Record<string, unknown>, this.lease())
    } catch (error) {
      // Nothing was stored: acknowledge without work, and tell the user it did not go through.
      logger.error({ err: error, platform: this.platform, kind }, 'inbox: accepting an interaction failed')
      events?.failed?.({ platform: this.platform, kind, replayed: false, permanent: false, error })
      await live.ack(null).catch(() => undefined)
      await live.failed(new ArbiterError('DELIVERY_FAILED').message).catch(() => undefined)
      return
    }
    events?.accepted?.({ platform: this.platform, kind, duplicate: row === null })
    if (!row) return live.duplicate()
    this.held.add(row.id)
    try {
      const work = this.run(envelope)
      // The outcome may belong in the acknowledgement (a modal only the first answer can open,
      // a form's errors): wait for it up to the budget, never longer.
      const early = budget > 0 ? await within(work, budget - (performance.now() - received)).catch((): typeof LATE => LATE) : LATE
      const shown = await live.ack(early === LATE ? null : early).finally(acked)
      events?.acknowledged?.({ platform: this.platform, kind, latencyMs: performance.now() - received })
      let outcome: Outcome
      try {
        outcome = await work
      } catch (error) {
        const permanent = await this.fail(row, kind, false, error)
        await live.failed(new ArbiterError(permanent ? 'DELIVERY_FAILED' : 'INTERNAL_ERROR').message).catch(() => undefined)
        return
      }
      // The work is recorded. Marking the row handled and showing the outcome go out together:
      // on Discord the outcome is the acknowledgement itself, and it must not wait a database
      // round trip for the mark. Should the process die (or the mark fail) between the two, the
      // sweep runs the event again: the work is idempotent (a judgment is recorded once) and the
      // outcome is shown a second time — better than recorded and never shown.
      const marked = ctx.store.inbox.markProcessed(row.id, ctx.now()).then(
        () => events?.handled?.({ platform: this.platform, kind, replayed: false, ms: performance.now() - received }),
        (error: unknown) => this.fail(row!, kind, false, error),
      )
      // Showing it is the adapter's, and its failures are sorted there.
      const shownOutcome = live.apply(outcome, shown).catch(async (error: unknown) => {
        logger.warn({ err: error, platform: this.platform, inbox: row!.id }, 'inbox: showing the outcome failed')
        // A platform refusal would repeat: the user hears once, in the plainest form, and nothing is retried.
        if (isPermanent(error)) await live.failed(new ArbiterError('DELIVERY_FAILED').message).catch(() => undefined)
      })
      await Promise.all([marked, shownOutcome])
    } finally {
      this.held.delete(row.id)
    }
  }

  /** Counts a failed attempt (permanent ones are given up); true when it was permanent. */
  private async fail(row: InboundEventDto, kind: string, replayed: boolean, error: unknown): Promise<boolean> {
    const permanent = isPermanent(error)
    this.options.logger.error({ err: error, platform: this.platform, inbox: row.id, kind, permanent }, 'inbox: interaction failed')
    this.options.events?.failed?.({ platform: this.platform, kind, replayed, permanent, error })
    const retryAt = new Date(Date.now() + RETRY_BASE_MS * 2 ** row.attempts)
    await this.options.ctx.store.inbox.markFailed(row.id, { message: error instanceof Error ? error.message : String(error), permanent, retryAt }).catch(() => undefined)
    return permanent
  }

  /**
   * Claims rows whose lease ran out (a dead instance's, or failed ones whose retry time came)
   * and handles them without a live interaction. Returns how many were handled.
   */
  sweep(): Promise<number> {
    // One sweep at a time per instance: a slow one must not overlap the next tick. A call made
    // during a sweep gets a fresh one after it, never the running one's answer: that one may have
    // looked before the caller's rows were there (a start-up sweep still reading when a test or
    // a restart stores them). Calls that pile up meanwhile share that one next sweep.
    if (this.sweeping) {
      this.sweepAgain ??= this.sweeping
        .catch(() => 0)
        .then(() => {
          this.sweepAgain = null
          // Shutting down: what is left is the next instance's (see stop()).
          return this.stopped ? 0 : this.sweep()
        })
      return this.sweepAgain
    }
    this.sweeping = this.track(this.sweepNow()).finally(() => (this.sweeping = null))
    return this.sweeping
  }

  private async sweepNow(): Promise<number> {
    const rows = (await this.options.ctx.store.inbox.claimExpired(this.platform, this.lease(), new Date())).filter((row) => !this.held.has(row.id))
    this.options.events?.swept?.({ platform: this.platform, claimed: rows.length })
    if (rows.length === 0) return 0
    const handled = await Promise.all(rows.map((row) => this.replay(row)))
    const count = handled.filter(Boolean).length
    this.options.logger.info({ platform: this.platform, claimed: rows.length, handled: count }, 'inbox: handled interactions left unhandled')
    return count
  }

  private async replay(row: InboundEventDto): Promise<boolean> {
    const { ctx, platform, events, logger } = this.options
    const parsed = this.schema.safeParse(row.payload)
    if (!parsed.success) {
      await ctx.store.inbox.markFailed(row.id, { message: `unreadable payload: ${parsed.error.message}`, permanent: true, retryAt: new Date() })
      events?.failed?.({ platform: this.platform, kind: 'unreadable', replayed: true, permanent: true, error: parsed.error })
      return false
    }
    const envelope = parsed.data as InboxEnvelope<Where>
    const kind = kindOf(envelope)
    const started = Date.now()
    this.held.add(row.id)
    try {
      let outcome: Outcome
      try {
        outcome = await this.run(envelope)
        await ctx.store.inbox.markProcessed(row.id, ctx.now())
      } catch (error) {
        const permanent = await this.fail(row, kind, true, error)
        if (permanent) await platform.reportReplayedFailure(envelope, new ArbiterError('DELIVERY_FAILED').message).catch(() => undefined)
        return false
      }
      events?.handled?.({ platform: this.platform, kind, replayed: true, ms: Date.now() - started })
      await platform.applyReplayed(envelope, outcome).catch(async (error: unknown) => {
        logger.warn({ err: error, platform: this.platform, inbox: row.id }, 'inbox: showing a replayed outcome failed')
        if (isPermanent(error)) await platform.reportReplayedFailure(envelope, new ArbiterError('DELIVERY_FAILED').message).catch(() => undefined)
      })
      return true
    } finally {
      this.held.delete(row.id)
    }
  }
}

/** A short name of an event's kind, for logs and metrics. */
function kindOf(envelope: InboxEnvelope<unknown>): string {
  const { event } = envelope
  if (event.kind === 'action') return `action:${event.action.a}`
  if (event.kind === 'command') return `command:${event.command.kind}`
  if (event.kind === 'submit') return `submit:${event.ref.m}`
  return event.kind
}

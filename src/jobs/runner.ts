// Runs jobs on schedule, once per scheduled moment even with several instances on one database:
// a lease row per job (one conditional UPDATE takes it) plus a re-check after taking it. A run
// missed while every instance was down is made up once at start; a job never overlaps itself.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import cron from 'node-cron'
import { JOBS, type JobDefinition, type JobScope } from './definitions'
import type { JobEnv } from './job-env'
import type { JobStateDto } from '../store/job-repository'
import { dueRun, previousRun, scheduleProblem } from './schedule'

// A running job's lease is short and renewed by a heartbeat while the job runs, so however long
// a run takes nobody else starts it, and a crashed holder's lease lapses within LEASE_MS.
const LEASE_MS = 30_000

/** What one scheduled or manual run did. */
export interface RunRecord {
  key: string
  scheduledFor: Date | null
  outcome: 'ok' | 'failed' | 'skipped'
  message: string
}

export class JobRunner {
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  private task: { stop: () => void } | null = null
  private ticking: Promise<void> | null = null
  private stopping = false

  private readonly leaseMs: number

  constructor(
    private readonly env: JobEnv,
    private readonly jobs: JobDefinition[] = JOBS,
    /** Tests shorten the lease to watch the heartbeat at work. */
    options: { leaseMs?: number } = {},
  ) {
    this.leaseMs = options.leaseMs ?? LEASE_MS
  }

  /** Runs whatever is due at `now`; the clock is the caller's, so tests never sleep. */
  async tick(now: Date): Promise<RunRecord[]> {
    const records: RunRecord[] = []
    for (const job of this.jobs) {
      if (this.stopping) break
      for (const scope of await job.scopes(this.env)) {
        if (this.stopping) break
        const problem = scheduleProblem(scope.cron, scope.timeZone)
        if (problem) {
          this.env.log.warn({ job: scope.key, problem }, 'job schedule is not usable')
          continue
        }
        const record = await this.runIfDue(job, scope, now)
        if (record) records.push(record)
      }
    }
    return records
  }

  private async runIfDue(job: JobDefinition, scope: JobScope, now: Date): Promise<RunRecord | null> {
    const { jobs } = this.env.ctx.store
    const state = await jobs.get(scope.key)
    if (!state?.lastScheduledFor) {
      // A job seen for the first time starts from now: nothing was missed before it existed.
      await jobs.initialize(scope.key, previousRun(scope.cron, scope.timeZone, now))
      return null
    }
    if (!dueRun(scope.cron, scope.timeZone, now, state.lastScheduledFor)) return null
    if (!(await jobs.acquire(scope.key, this.holder, now, new Date(now.getTime() + this.leaseMs)))) return null
    this.noteTakeover(job, state, now)
    // Another instance may have finished this very run between our read and our lease.
    const fresh = await jobs.get(scope.key)
    const scheduledFor = dueRun(scope.cron, scope.timeZone, now, fresh?.lastScheduledFor ?? null)
    if (!scheduledFor) {
      await jobs.finish(scope.key, this.holder, { scheduledFor: null, at: fresh?.lastRunAt ?? now, outcome: (fresh?.lastOutcome as 'ok' | 'failed') ?? 'ok', message: fresh?.lastMessage ?? '' })
      return null
    }
    return this.execute(job, scope, scheduledFor, now)
  }

  private async execute(job: JobDefinition, scope: JobScope | null, scheduledFor: Date | null, now: Date): Promise<RunRecord> {
    const key = scope?.key ?? job.name
    const started = Date.now()
    const stopHeartbeat = this.heartbeat(key, now)
    try {
      const message = await job.run(this.env, scope, scheduledFor).finally(stopHeartbeat)
      await this.env.ctx.store.jobs.finish(key, this.holder, { scheduledFor, at: now, outcome: 'ok', message })
      this.env.log.info({ job: key, scheduledFor, ms: Date.now() - started }, message)
      this.env.metrics?.jobRun(job.name, 'ok')
      return { key, scheduledFor, outcome: 'ok', message }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      // A failed run still serves its scheduled moment: it is logged and retried next time, not in a loop.
      await this.env.ctx.store.jobs.finish(key, this.holder, { scheduledFor, at: now, outcome: 'failed', message })
      this.env.log.error({ job: key, scheduledFor, err: error }, 'job failed')
      this.env.metrics?.jobRun(job.name, 'failed')
      return { key, scheduledFor, outcome: 'failed', message }
    }
  }

  /**
   * Renews the lease every third of its length while the job runs. Renewals keep to the clock the
   * lease was taken with (tests pass their own `now`): the lease ends leaseMs after the last beat.
   */
  private heartbeat(key: string, takenAt: Date): () => void {
    const offset = takenAt.getTime() - Date.now()
    let running = true
    const timer = setInterval(() => {
      this.env.ctx.store.jobs
        .renew(key, this.holder, new Date(Date.now() + offset + this.leaseMs))
        // A beat that lands after the run's finish freed the lease finds nothing to renew: no news.
        .then((held) => held || !running || this.env.log.warn({ job: key }, 'job lease was lost while the job ran'))
        .catch((error: unknown) => this.env.log.warn({ job: key, err: error }, 'job lease could not be renewed'))
    }, this.leaseMs / 3)
    timer.unref()
    return () => {
      running = false
      clearInterval(timer)
    }
  }

  /** Runs a job now, whatever its schedule (arbiter jobs run NAME). Still one at a time. */
  async runNow(name: string, now: Date): Promise<RunRecord> {
    const job = this.jobs.find((j) => j.name === name)
    if (!job) throw new Error(`No job named ${name}. Jobs: ${this.jobs.map((j) => j.name).join(', ')}`)
    const before = await this.env.ctx.store.jobs.get(name)
    if (!(await this.env.ctx.store.jobs.acquire(name, this.holder, now, new Date(now.getTime() + this.leaseMs)))) {
      this.env.metrics?.jobRun(name, 'skipped')
      return { key: name, scheduledFor: null, outcome: 'skipped', message: 'another instance is running it right now' }
    }
    this.noteTakeover(job, before, now)
    return this.execute(job, null, null, now)
  }

  /** A lease we just took that someone else still held on paper: that instance died mid-run. */
  private noteTakeover(job: JobDefinition, before: JobStateDto | null, now: Date): void {
    if (before?.leaseHolder && before.leaseHolder !== this.holder && before.leaseUntil && before.leaseUntil.getTime() <= now.getTime()) {
      this.env.log.warn({ job: before.name, previousHolder: before.leaseHolder }, 'took over a lapsed job lease')
      this.env.metrics?.leaseTakeover(job.name)
    }
  }

  /** Ticks every minute with node-cron, and once at start to make up a missed run. */
  start(): void {
    this.stopping = false
    const tick = () => {
      if (this.ticking) return
      this.ticking = this.tick(new Date())
        .then(() => undefined)
        .catch((error: unknown) => this.env.log.error({ err: error }, 'job tick failed'))
        .finally(() => (this.ticking = null))
    }
    tick()
    this.task = cron.schedule('* * * * *', tick)
  }

  /** No new runs; resolves when the run in progress (if any) has finished its current job. */
  async stop(): Promise<void> {
    this.stopping = true
    this.task?.stop()
    this.task = null
    await this.ticking
  }
}

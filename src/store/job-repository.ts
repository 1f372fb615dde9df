// Job bookkeeping: a lease per job so one instance runs it at a time (several bot instances
// may share one PostgreSQL database), and the last run's moment and outcome.
import type { Db } from './database'

/** What is known of a job's runs. */
export interface JobStateDto {
  name: string
  leaseHolder: string | null
  leaseUntil: Date | null
  lastRunAt: Date | null
  lastScheduledFor: Date | null
  lastOutcome: string | null
  lastMessage: string | null
}

export class JobRepository {
  constructor(private readonly prisma: Db) {}

  async get(name: string): Promise<JobStateDto | null> {
    return this.prisma.jobState.findUnique({ where: { name } })
  }

  async all(): Promise<JobStateDto[]> {
    return this.prisma.jobState.findMany({ orderBy: { name: 'asc' } })
  }

  /** Records the schedule point a new job starts from (no retroactive run); no-op if known. */
  async initialize(name: string, scheduledFor: Date): Promise<void> {
    await this.prisma.jobState.upsert({ where: { name }, create: { name, lastScheduledFor: scheduledFor }, update: {} })
  }

  /**
   * Takes the job's lease until `until`, if nobody holds a live one: one conditional UPDATE,
   * so two instances racing for it cannot both win.
   */
  async acquire(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    await this.prisma.jobState.upsert({ where: { name }, create: { name }, update: {} })
    const result = await this.prisma.jobState.updateMany({
      where: { name, OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
      data: { leaseHolder: holder, leaseUntil: until },
    })
    return result.count === 1
  }

  /** Ends a run: records it and frees the lease. */
  async finish(name: string, holder: string, run: { scheduledFor: Date | null; at: Date; outcome: 'ok' | 'failed'; message: string }): Promise<void> {
    await this.prisma.jobState.updateMany({
      where: { name, leaseHolder: holder },
      data: {
        leaseHolder: null,
        leaseUntil: null,
        lastRunAt: run.at,
        ...(run.scheduledFor ? { lastScheduledFor: run.scheduledFor } : {}),
        lastOutcome: run.outcome,
        lastMessage: run.message.slice(0, 2_000),
      },
    })
  }
}

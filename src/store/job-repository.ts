// Job bookkeeping: a lease per job so one instance runs it at a time (several bot instances
// may share one PostgreSQL database), and the last run's moment and outcome.
//
// Instances starting together all try to create a job's row: an insert that loses the race to
// another instance's is simply the row being there already, never an error (see createIfAbsent).
import type { Database, Db } from './database'
import { isUniqueViolation } from './json'

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
  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  async get(name: string): Promise<JobStateDto | null> {
    return this.prisma.jobState.findUnique({ where: { name } })
  }

  async all(): Promise<JobStateDto[]> {
    return this.prisma.jobState.findMany({ orderBy: { name: 'asc' } })
  }

  /** Records the schedule point a new job starts from (no retroactive run); no-op if known. */
  async initialize(name: string, scheduledFor: Date): Promise<void> {
    await this.createIfAbsent({ name, lastScheduledFor: scheduledFor })
  }

  /**
   * Takes the job's lease until `until`, if nobody holds a live one: one conditional UPDATE,
   * so two instances racing for it cannot both win.
   */
  async acquire(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const take = () =>
      this.prisma.jobState.updateMany({
        where: { name, OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
        data: { leaseHolder: holder, leaseUntil: until },
      })
    if ((await take()).count === 1) return true
    // Nothing taken: either someone holds a live lease, or the job has no row yet (a manual run).
    if (await this.prisma.jobState.findUnique({ where: { name }, select: { name: true } })) return false
    await this.createIfAbsent({ name })
    return (await take()).count === 1
  }

  /** Extends a lease its holder still has (the runner's heartbeat); false when it was lost. */
  async renew(name: string, holder: string, until: Date): Promise<boolean> {
    const result = await this.prisma.jobState.updateMany({ where: { name, leaseHolder: holder }, data: { leaseUntil: until } })
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

  // A plain INSERT whose unique-key failure means "another instance created it first". Prisma's
  // upsert reads, then inserts, so two instances starting together could both insert and one
  // failed; and a failed statement outside a transaction leaves nothing to roll back on either database.
  private async createIfAbsent(data: { name: string; lastScheduledFor?: Date }): Promise<void> {
    try {
      await this.prisma.jobState.create({ data })
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
  }
}

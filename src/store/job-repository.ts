// Job bookkeeping: a lease per job so one instance runs it at a time (several bot instances
// may share one PostgreSQL database), and the last run's moment and outcome.
//
// Instances starting together all try to create a job's row: an insert that loses the race to
// another instance's is simply the row being there already, never an error (see createIfAbsent).
import type { Database, Kdb } from './database'

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
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  async get(name: string): Promise<JobStateDto | null> {
    return (await this.db.selectFrom('JobState').selectAll().where('name', '=', name).executeTakeFirst()) ?? null
  }

  async all(): Promise<JobStateDto[]> {
    return this.db.selectFrom('JobState').selectAll().orderBy('name').execute()
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
    const take = async () => {
      const result = await this.db
        .updateTable('JobState')
        .set({ leaseHolder: holder, leaseUntil: until })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<=', now)]))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }
    if (await take()) return true
    // Nothing taken: either someone holds a live lease, or the job has no row yet (a manual run).
    if (await this.db.selectFrom('JobState').select('name').where('name', '=', name).executeTakeFirst()) return false
    await this.createIfAbsent({ name })
    return take()
  }

  /** Extends a lease its holder still has (the runner's heartbeat); false when it was lost. */
  async renew(name: string, holder: string, until: Date): Promise<boolean> {
    const result = await this.db.updateTable('JobState').set({ leaseUntil: until }).where('name', '=', name).where('leaseHolder', '=', holder).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Ends a run: records it and frees the lease. */
  async finish(name: string, holder: string, run: { scheduledFor: Date | null; at: Date; outcome: 'ok' | 'failed'; message: string }): Promise<void> {
    await this.db
      .updateTable('JobState')
      .set({
        leaseHolder: null,
        leaseUntil: null,
        lastRunAt: run.at,
        ...(run.scheduledFor ? { lastScheduledFor: run.scheduledFor } : {}),
        lastOutcome: run.outcome,
        lastMessage: run.message.slice(0, 2_000),
      })
      .where('name', '=', name)
      .where('leaseHolder', '=', holder)
      .execute()
  }

  // One INSERT … ON CONFLICT DO NOTHING: a row another instance created first (even in the same
  // instant) is simply there, never an error. A read-then-insert would let two instances starting
  // together both insert, and one fail.
  private async createIfAbsent(data: { name: string; lastScheduledFor?: Date }): Promise<void> {
    await this.db
      .insertInto('JobState')
      .values(data)
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute()
  }
}

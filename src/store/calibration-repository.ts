// Calibration threads, their blind votes, drift state, and once-only sends.
import type { Selectable } from 'kysely'
import type { Database, Kdb } from './database'
import type { CalibrationThread } from './generated/database'
import { fromJson, toJson } from './json'

/** A calibration thread as the core sees it. */
export interface CalibrationThreadDto {
  id: number
  projectId: number
  itemId: number
  platform: string
  channelId: string
  messageId: string
  threadId: string | null
  labelerIds: number[]
  /** `withdrawn`: closed without a verdict because a lead dropped its item from the project. */
  status: 'open' | 'resolved' | 'withdrawn'
  postedAt: Date
  remindedAt: Date | null
  escalatedAt: Date | null
  resolvedAt: Date | null
  resolvedBy: number | null
  verdict: Record<string, unknown> | null
  note: string | null
  revealedAt: Date | null
}

/** A blind vote: the fresh verdict and the voter's original verdict when they voted. */
export interface CalibrationVoteDto {
  labelerId: number
  verdict: string
  original: string | null
}

type Row = Selectable<CalibrationThread>

function toDto(row: Row): CalibrationThreadDto {
  return { ...row, labelerIds: fromJson<number[]>(row.labelerIds, []), status: row.status as CalibrationThreadDto['status'], verdict: fromJson<Record<string, unknown> | null>(row.verdict, null) }
}

const VOTE_COLUMNS = ['labelerId', 'verdict', 'original'] as const

export class CalibrationRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /**
   * Reserves an item for a thread on a platform; null when it was posted (or is being posted)
   * already. The unique key (project, item, platform) decides between two instances at once.
   */
  async claim(args: { projectId: number; itemId: number; platform: string; channelId: string; labelerIds: number[]; now: Date }): Promise<CalibrationThreadDto | null> {
    const { now, labelerIds, ...rest } = args
    const row = await this.db
      .insertInto('CalibrationThread')
      .values({ ...rest, labelerIds: toJson(labelerIds), postedAt: now })
      .onConflict((conflict) => conflict.columns(['projectId', 'itemId', 'platform']).doNothing())
      .returningAll()
      .executeTakeFirst()
    return row ? toDto(row) : null
  }

  /** Records where the thread was posted; throws when the thread is gone. */
  async setPosted(id: number, messageId: string, threadId: string | null): Promise<void> {
    const result = await this.db.updateTable('CalibrationThread').set({ messageId, threadId }).where('id', '=', id).executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) throw new Error(`No calibration thread with id ${id}`)
  }

  /** Forgets a thread (its post failed, or it was deleted): the item returns to the queue. */
  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('CalibrationThread').where('id', '=', id).execute()
  }

  async findById(id: number): Promise<CalibrationThreadDto | null> {
    const row = await this.db.selectFrom('CalibrationThread').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toDto(row) : null
  }

  /** Items already discussed (or being discussed) on a platform. */
  async discussedItemIds(projectId: number, platform: string): Promise<Set<number>> {
    const rows = await this.db.selectFrom('CalibrationThread').select('itemId').where('projectId', '=', projectId).where('platform', '=', platform).execute()
    return new Set(rows.map((r) => r.itemId))
  }

  async open(): Promise<CalibrationThreadDto[]> {
    return (await this.db.selectFrom('CalibrationThread').selectAll().where('status', '=', 'open').where('messageId', '!=', '').orderBy('id').execute()).map(toDto)
  }

  async forProject(projectId: number): Promise<CalibrationThreadDto[]> {
    return (await this.db.selectFrom('CalibrationThread').selectAll().where('projectId', '=', projectId).orderBy('id').execute()).map(toDto)
  }

  /** Records a blind vote; false when the labeler had voted already (the first vote stands: unique per thread and labeler). */
  async vote(threadId: number, labelerId: number, verdict: string, original: string | null): Promise<boolean> {
    const row = await this.db
      .insertInto('CalibrationVote')
      .values({ threadId, labelerId, verdict, original, createdAt: new Date() })
      .onConflict((conflict) => conflict.columns(['threadId', 'labelerId']).doNothing())
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  }

  async votes(threadId: number): Promise<CalibrationVoteDto[]> {
    return this.db.selectFrom('CalibrationVote').select(VOTE_COLUMNS).where('threadId', '=', threadId).orderBy('id').execute()
  }

  /** Claims the reveal of a thread's verdicts; false when it was revealed already (two last votes at once post one reveal). */
  async markRevealed(id: number, now: Date): Promise<boolean> {
    return this.setOnce(id, 'revealedAt', now)
  }

  /** The blind votes of a project's settled threads with the settled verdict: what the calibration effect is measured on. */
  async settledVotes(projectId: number): Promise<{ threadId: number; itemId: number; settled: Record<string, unknown>; votes: CalibrationVoteDto[] }[]> {
    const threads = await this.db
      .selectFrom('CalibrationThread')
      .select(['id', 'itemId', 'verdict'])
      .where('projectId', '=', projectId)
      .where('status', '=', 'resolved')
      .orderBy('id')
      .execute()
    const votes = await this.db
      .selectFrom('CalibrationVote as v')
      .innerJoin('CalibrationThread as t', 't.id', 'v.threadId')
      .select(['v.threadId', 'v.labelerId', 'v.verdict', 'v.original'])
      .where('t.projectId', '=', projectId)
      .where('t.status', '=', 'resolved')
      .orderBy('v.id')
      .execute()
    const byThread = new Map<number, CalibrationVoteDto[]>()
    for (const { threadId, ...vote } of votes) byThread.set(threadId, [...(byThread.get(threadId) ?? []), vote])
    return threads.flatMap((r) => {
      const settled = fromJson<Record<string, unknown> | null>(r.verdict, null)
      return settled ? [{ threadId: r.id, itemId: r.itemId, settled, votes: byThread.get(r.id) ?? [] }] : []
    })
  }

  /** Closes an open thread without a verdict (its item was dropped); false when it was closed already. */
  async withdraw(id: number, now: Date): Promise<boolean> {
    const result = await this.db.updateTable('CalibrationThread').set({ status: 'withdrawn', resolvedAt: now }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Closes an open thread with its verdict; `by` is null when a lead settled the item outside the thread (its flag, the other platform's thread). False when it was closed already. */
  async resolve(id: number, args: { verdict: Record<string, unknown>; note: string | null; by: number | null; now: Date }): Promise<boolean> {
    const result = await this.db
      .updateTable('CalibrationThread')
      .set({ status: 'resolved', verdict: toJson(args.verdict), note: args.note, resolvedBy: args.by, resolvedAt: args.now })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async markReminded(id: number, now: Date): Promise<boolean> {
    return this.setOnce(id, 'remindedAt', now)
  }

  async markEscalated(id: number, now: Date): Promise<boolean> {
    return this.setOnce(id, 'escalatedAt', now)
  }

  /** Sets a thread's moment column if it is still empty: of two instances at once, one gets true. */
  private async setOnce(id: number, column: 'revealedAt' | 'remindedAt' | 'escalatedAt', now: Date): Promise<boolean> {
    const result = await this.db.updateTable('CalibrationThread').set({ [column]: now }).where('id', '=', id).where(column, 'is', null).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Claims a once-only send; false when any instance claimed the key before (inserting the key is the claim). */
  async once(key: string): Promise<boolean> {
    const row = await this.db
      .insertInto('SentOnce')
      .values({ key, createdAt: new Date() })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returning('key')
      .executeTakeFirst()
    return row !== undefined
  }

  /** True when a once-only key was claimed already. */
  async wasSent(key: string): Promise<boolean> {
    return (await this.db.selectFrom('SentOnce').select('key').where('key', '=', key).executeTakeFirst()) !== undefined
  }

  async driftState(projectId: number, labelerId: number): Promise<{ status: string; lastPingAt: Date | null; acknowledgedAt: Date | null } | null> {
    const row = await this.db
      .selectFrom('DriftState')
      .select(['status', 'lastPingAt', 'acknowledgedAt'])
      .where('projectId', '=', projectId)
      .where('labelerId', '=', labelerId)
      .executeTakeFirst()
    return row ?? null
  }

  async setDriftState(projectId: number, labelerId: number, data: { status: 'drifting' | 'ok'; lastPingAt?: Date; evidence?: unknown; now: Date }): Promise<void> {
    const fields = { status: data.status, updatedAt: data.now, ...(data.lastPingAt ? { lastPingAt: data.lastPingAt, acknowledgedAt: null } : {}), ...(data.evidence !== undefined ? { evidence: toJson(data.evidence) } : {}) }
    await this.db
      .insertInto('DriftState')
      .values({ projectId, labelerId, ...fields })
      .onConflict((conflict) => conflict.columns(['projectId', 'labelerId']).doUpdateSet(fields))
      .execute()
  }

  async acknowledgeDrift(projectId: number, labelerId: number, now: Date): Promise<void> {
    await this.db.updateTable('DriftState').set({ acknowledgedAt: now }).where('projectId', '=', projectId).where('labelerId', '=', labelerId).execute()
  }
}

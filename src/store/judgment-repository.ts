// Judgments: recorded exactly once per assignment, stored in columns the quality metrics query.
import type { Insertable, Selectable } from 'kysely'
import type { Database, Kdb } from './database'
import type { Judgment } from './generated/database'
import { inTransaction, type Trx } from './transaction'
import { CLAIMED, openAfter } from './sql'
import { fromJson, toJson } from './json'
import { isUniqueViolation } from './dialect'
import type { FlawKind, ItemKind } from '../core/task-types'
import { itemRow, type NewItem } from './item-repository'
import { notificationRow, undeliveredNotifications, type NewNotification, type NotificationDto } from './notification-repository'

/** A judgment as stored. */
export interface JudgmentDto {
  id: number
  assignmentId: number | null
  projectId: number
  itemId: number
  labelerId: number
  kind: ItemKind
  choice: string | null
  choicePosition: number | null
  ranking: string[] | null
  rating: number | null
  ratings: Record<string, number> | null
  sft: Record<string, unknown> | null
  flaws: Record<string, FlawKind[]> | null
  flagged: boolean
  flagReason: string | null
  rationale: string | null
  durationMs: number | null
  displayOrder: string[]
  reviewStatus: string | null
  /** After "both bad": the response judged less bad, or LESS_BAD_EQUAL. */
  lessBad: string | null
  /** After "both bad": the labeler's own better response. */
  rewrite: string | null
  /** The guide's edge case the labeler marked, or null. */
  edgeCase: string | null
  /** How many times its labeler changed it (0: as first recorded). */
  revision: number
  createdAt: Date
}

/** The answer fields an amendment may change (everything the labeler decided, nothing about when or where). */
export const AMENDABLE_FIELDS = ['choice', 'choicePosition', 'ranking', 'rating', 'ratings', 'flaws', 'flagged', 'flagReason', 'rationale', 'lessBad', 'edgeCase'] as const
/** A judgment's answer, as an amendment replaces it. */
export type JudgmentAnswer = Pick<JudgmentDto, (typeof AMENDABLE_FIELDS)[number]>

/** The columns of a new judgment (the both-bad and edge-case fields default to null; it starts at revision 0). */
export type NewJudgment = Omit<JudgmentDto, 'id' | 'createdAt' | 'lessBad' | 'rewrite' | 'edgeCase' | 'revision'> & Partial<Pick<JudgmentDto, 'lessBad' | 'rewrite' | 'edgeCase'>> & { createdAt?: Date }

/** An earlier version of an amended judgment. */
export interface AmendmentDto {
  judgmentId: number
  revision: number
  previous: JudgmentAnswer
  createdAt: Date
}

/** Outcome of an amendment: applied, or already applied from that revision (a double click or a stale card). */
export type AmendOutcome = { status: 'amended'; judgment: JudgmentDto } | { status: 'duplicate'; judgment: JudgmentDto }

/** Converts a stored row. */
export function judgmentFromRow(row: Selectable<Judgment>): JudgmentDto {
  return {
    ...row,
    kind: row.kind as ItemKind,
    ranking: fromJson<string[] | null>(row.ranking, null),
    ratings: fromJson<Record<string, number> | null>(row.ratings, null),
    sft: fromJson<Record<string, unknown> | null>(row.sft, null),
    flaws: fromJson<Record<string, FlawKind[]> | null>(row.flaws, null),
    displayOrder: fromJson<string[]>(row.displayOrder, []),
    lessBad: row.lessBad ?? null,
    rewrite: row.rewrite ?? null,
    edgeCase: row.edgeCase ?? null,
    revision: Number(row.revision ?? 0),
  }
}

function toRow(judgment: NewJudgment, now: Date): Insertable<Judgment> {
  return {
    ...judgment,
    createdAt: judgment.createdAt ?? now,
    ranking: toJson(judgment.ranking),
    ratings: toJson(judgment.ratings),
    sft: toJson(judgment.sft),
    flaws: toJson(judgment.flaws),
    displayOrder: toJson(judgment.displayOrder),
  }
}

/**
 * Rows that follow from a judgment, written in the judgment's own transaction so that a crash
 * can never keep one without the other. The core computes them (core/after-judgment.ts).
 */
export interface JudgmentFollowUps {
  /** The new judgment's own review status (an SFT submission waits for its review). */
  reviewStatus: 'pending' | null
  notifications: NewNotification[]
  /** An item reviewing the new judgment, in its project; the store links it to the judgment's id. */
  reviewItem: Omit<NewItem, 'reviewOfJudgmentId'> | null
  /** The submission an SFT review settles. */
  settlesReview: { judgmentId: number; status: 'accepted' | 'rejected' } | null
  /** A notice for the project's leads about the new judgment (a flag); its payload names the judgment's id. */
  leadNotice: { platform: string; kind: string } | null
}

/**
 * Outcome of recording: the stored judgment, and whether it had been stored before (a retry).
 * A recorded judgment comes with its labeler's undelivered private messages (the follow-ups just
 * written among them), read in the same transaction, so the click shows them without another read.
 */
export type RecordOutcome =
  | { status: 'recorded'; judgment: JudgmentDto; item: { judged: number; target: number }; notifications: NotificationDto[] }
  | { status: 'duplicate'; judgment: JudgmentDto }
  | { status: 'closed' }

/** Decides an item's target from its judgments (dynamic overlap; core/record-judgment.ts). */
type NextTarget = (item: { judged: number; target: number; isGold: boolean }, judgments: JudgmentDto[]) => number

export class JudgmentRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  async findByAssignment(assignmentId: number): Promise<JudgmentDto | null> {
    const row = await this.db.selectFrom('Judgment').selectAll().where('assignmentId', '=', assignmentId).executeTakeFirst()
    return row ? judgmentFromRow(row) : null
  }

  async findById(id: number): Promise<JudgmentDto | null> {
    const row = await this.db.selectFrom('Judgment').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? judgmentFromRow(row) : null
  }

  /** A labeler's most recent judgments, newest first. */
  async recentFor(labelerId: number, limit: number): Promise<JudgmentDto[]> {
    return (await this.db.selectFrom('Judgment').selectAll().where('labelerId', '=', labelerId).orderBy('id', 'desc').limit(limit).execute()).map(judgmentFromRow)
  }

  async forItem(itemId: number): Promise<JudgmentDto[]> {
    return itemJudgments(this.db, itemId)
  }

  /** Every judgment on these items, in one query (a labeler's stats over their recent items). */
  async forItems(itemIds: number[]): Promise<JudgmentDto[]> {
    if (itemIds.length === 0) return []
    return (await this.db.selectFrom('Judgment').selectAll().where('itemId', 'in', [...new Set(itemIds)]).orderBy('id').execute()).map(judgmentFromRow)
  }

  /** How many judgments a labeler has recorded (since a moment). */
  async countFor(labelerId: number, since?: Date): Promise<number> {
    const row = await this.db
      .selectFrom('Judgment')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('labelerId', '=', labelerId)
      .$if(since !== undefined, (q) => q.where('createdAt', '>=', since!))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** How many judgments of a project were flagged for review since a moment. */
  async flaggedSince(projectId: number, since: Date): Promise<number> {
    const row = await this.db.selectFrom('Judgment').select((eb) => eb.fn.countAll().as('n')).where('projectId', '=', projectId).where('flagged', '=', true).where('createdAt', '>=', since).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Who labeled in which project since a moment (assigned work, not imports), once per pair. */
  async activeLabelers(since: Date): Promise<{ labelerId: number; projectId: number }[]> {
    return this.db.selectFrom('Judgment').select(['labelerId', 'projectId']).distinct().where('createdAt', '>=', since).where('assignmentId', 'is not', null).execute()
  }

  /**
   * Records a judgment for an active assignment, atomically: closes the assignment, stores the
   * judgment, counts it on the item and lets `nextTarget` raise the item's target (dynamic overlap).
   * The follow-ups commit in the same transaction, or nothing does.
   * A second call for the same assignment (double click, platform retry) returns the first judgment.
   */
  async record(args: { assignmentId: number; judgment: NewJudgment; followUps: JudgmentFollowUps; now: Date; nextTarget: NextTarget }): Promise<RecordOutcome> {
    try {
      // The unique assignmentId fails a second INSERT; on PostgreSQL that aborts the transaction,
      // so the violation is caught outside it.
      const outcome = await inTransaction(this.database, async (trx) => {
        const closed = await trx.updateTable('Assignment').set({ status: 'answered', answeredAt: args.now }).where('id', '=', args.assignmentId).where('status', '=', 'active').executeTakeFirst()
        if (Number(closed.numUpdatedRows) === 0) return null
        const row = await trx.insertInto('Judgment').values(toRow(args.judgment, args.now)).returningAll().executeTakeFirstOrThrow()
        const item = await trx
          .updateTable('Item')
          .set((eb) => ({ judged: eb('judged', '+', 1) }))
          .where('id', '=', args.judgment.itemId)
          .returning(['judged', 'target', 'isGold'])
          .executeTakeFirstOrThrow()
        const judgment = judgmentFromRow(row)
        const target = await recheckOverlap(trx, args.judgment.itemId, item, args.nextTarget, judgment)
        await writeFollowUps(trx, row.id, args.judgment.projectId, args.followUps, args.now)
        const notifications = await undeliveredNotifications(trx, [args.judgment.labelerId])
        return { status: 'recorded' as const, judgment, item: { judged: item.judged, target }, notifications }
      })
      if (outcome) return outcome
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    const existing = await this.findByAssignment(args.assignmentId)
    return existing ? { status: 'duplicate', judgment: existing } : { status: 'closed' }
  }

  /** The judgments of these items by these labelers, keyed "itemId:labelerId" (import's idempotency check). */
  async forItemsAndLabelers(itemIds: number[], labelerIds: number[]): Promise<Map<string, JudgmentDto>> {
    if (itemIds.length === 0 || labelerIds.length === 0) return new Map()
    const rows = await this.db.selectFrom('Judgment').selectAll().where('itemId', 'in', itemIds).where('labelerId', 'in', labelerIds).orderBy('id').execute()
    const found = new Map<string, JudgmentDto>()
    for (const row of rows) {
      const key = `${row.itemId}:${row.labelerId}`
      if (!found.has(key)) found.set(key, judgmentFromRow(row))
    }
    return found
  }

  /** Stores judgments made elsewhere (no assignment); counts them on their items. */
  async insertImported(judgments: NewJudgment[]): Promise<number> {
    if (judgments.length === 0) return 0
    const now = new Date()
    await inTransaction(this.database, async (trx) => {
      await trx.insertInto('Judgment').values(judgments.map((j) => toRow(j, now))).execute()
      const perItem = new Map<number, number>()
      for (const j of judgments) perItem.set(j.itemId, (perItem.get(j.itemId) ?? 0) + 1)
      for (const [itemId, count] of perItem) {
        await trx
          .updateTable('Item')
          .set((eb) => ({ judged: eb('judged', '+', count), claimed: eb('claimed', '+', count), open: openAfter(eb('claimed', '+', count)) }))
          .where('id', '=', itemId)
          .execute()
      }
    })
    return judgments.length
  }

  /**
   * What decides whether a judgment may still change: its current revision (how many times it was
   * amended) and whether its item is up for calibration (its labelers may have seen the others' verdicts).
   */
  async amendmentState(judgmentId: number, itemId: number): Promise<{ revision: number; discussed: boolean }> {
    const row = await this.db
      .selectFrom('Judgment as j')
      .select((eb) => ['j.revision', eb.exists(eb.selectFrom('CalibrationThread as t').select('t.id').where('t.itemId', '=', itemId)).as('discussed')])
      .where('j.id', '=', judgmentId)
      .executeTakeFirstOrThrow()
    // exists() is a computed value: 0/1 on SQLite, a boolean on PostgreSQL.
    return { revision: row.revision, discussed: Boolean(Number(row.discussed)) }
  }

  /** A judgment's earlier versions, oldest first (audit). */
  async amendmentsOf(judgmentId: number): Promise<AmendmentDto[]> {
    const rows = await this.db.selectFrom('JudgmentAmendment').selectAll().where('judgmentId', '=', judgmentId).orderBy('revision').execute()
    return rows.map((row) => ({ judgmentId: row.judgmentId, revision: row.revision, previous: fromJson<JudgmentAnswer>(row.previous, {} as JudgmentAnswer), createdAt: row.createdAt }))
  }

  /**
   * Replaces a judgment's answer, keeping the one it replaces. `fromRevision` is the revision the
   * labeler changed: the (judgment, revision) key lets exactly one change from it through, so a
   * double click or a retried delivery amends once. Dynamic overlap is re-checked as at recording.
   */
  async amend(args: { judgmentId: number; fromRevision: number; answer: JudgmentAnswer; now: Date; nextTarget: NextTarget }): Promise<AmendOutcome> {
    try {
      const judgment = await inTransaction(this.database, async (trx) => {
        const before = judgmentFromRow(await trx.selectFrom('Judgment').selectAll().where('id', '=', args.judgmentId).executeTakeFirstOrThrow())
        const previous = Object.fromEntries(AMENDABLE_FIELDS.map((field) => [field, before[field]]))
        await trx.insertInto('JudgmentAmendment').values({ judgmentId: args.judgmentId, revision: args.fromRevision, previous: toJson(previous), createdAt: args.now }).execute()
        const a = args.answer
        const row = await trx
          .updateTable('Judgment')
          .set({ ...a, ranking: toJson(a.ranking), ratings: toJson(a.ratings), flaws: toJson(a.flaws), revision: args.fromRevision + 1 })
          .where('id', '=', args.judgmentId)
          .returningAll()
          .executeTakeFirstOrThrow()
        const item = await trx.selectFrom('Item').select(['judged', 'target', 'isGold']).where('id', '=', row.itemId).executeTakeFirstOrThrow()
        const judgment = judgmentFromRow(row)
        await recheckOverlap(trx, row.itemId, item, args.nextTarget, judgment)
        return judgment
      })
      return { status: 'amended', judgment }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    return { status: 'duplicate', judgment: (await this.findById(args.judgmentId))! }
  }

  /** When each of these judgments was recorded (judgment id → time); ids not found are left out. */
  async recordedAt(ids: readonly number[]): Promise<Map<number, Date>> {
    const times = new Map<number, Date>()
    // A report asks for two per labeler; chunks keep any list within both databases' bound-parameter limits.
    for (let at = 0; at < ids.length; at += 5_000) {
      const rows = await this.db.selectFrom('Judgment').select(['id', 'createdAt']).where('id', 'in', ids.slice(at, at + 5_000)).execute()
      for (const row of rows) times.set(row.id, row.createdAt)
    }
    return times
  }

  /** Edge-case marks per labeler in a project: labelerId → {edge case → count}. */
  async edgeCaseCounts(projectId: number, range: { since?: Date; until?: Date } = {}): Promise<Map<number, Record<string, number>>> {
    const rows = await this.db
      .selectFrom('Judgment')
      .select((eb) => ['labelerId', 'edgeCase', eb.fn.countAll().as('n')])
      .where('projectId', '=', projectId)
      .where('edgeCase', 'is not', null)
      .$if(range.since !== undefined, (q) => q.where('createdAt', '>=', range.since!))
      .$if(range.until !== undefined, (q) => q.where('createdAt', '<', range.until!))
      .groupBy(['labelerId', 'edgeCase'])
      .execute()
    const counts = new Map<number, Record<string, number>>()
    for (const row of rows) {
      const own = counts.get(row.labelerId) ?? {}
      own[row.edgeCase!] = Number(row.n)
      counts.set(row.labelerId, own)
    }
    return counts
  }

  /** Judgments recorded per labeler since a moment (progress screens). */
  async countsByLabeler(projectId: number, since?: Date): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('Judgment')
      .select((eb) => ['labelerId', eb.fn.countAll().as('n')])
      .where('projectId', '=', projectId)
      .$if(since !== undefined, (q) => q.where('createdAt', '>=', since!))
      .groupBy('labelerId')
      .execute()
    return new Map(rows.map((row) => [row.labelerId, Number(row.n)]))
  }
}

/** An item's judgments, oldest first. */
async function itemJudgments(db: Kdb | Trx, itemId: number): Promise<JudgmentDto[]> {
  return (await db.selectFrom('Judgment').selectAll().where('itemId', '=', itemId).orderBy('id').execute()).map(judgmentFromRow)
}

/**
 * Dynamic overlap, re-checked after a judgment is recorded or changed: once an item has the
 * judgments it wanted, `nextTarget` (the core's rule) may want one more. The new target and the
 * open flag change in one statement, inside the judgment's transaction. Returns the target.
 */
async function recheckOverlap(trx: Trx, itemId: number, item: { judged: number; target: number; isGold: boolean }, nextTarget: NextTarget, latest: JudgmentDto): Promise<number> {
  if (item.isGold || item.judged < item.target) return item.target
  // The item's judgments are counted in `judged`: when it is one, it is the judgment in hand (an
  // item judged once, as single-pass projects are), and there is nothing to read.
  const target = nextTarget(item, item.judged === 1 ? [latest] : await itemJudgments(trx, itemId))
  if (target !== item.target) await trx.updateTable('Item').set({ target, open: openAfter(CLAIMED, target) }).where('id', '=', itemId).execute()
  return target
}


async function writeFollowUps(trx: Trx, judgmentId: number, projectId: number, followUps: JudgmentFollowUps, now: Date): Promise<void> {
  if (followUps.leadNotice) {
    const { platform, kind } = followUps.leadNotice
    await trx.insertInto('Notification').values({ labelerId: null, projectId, platform, kind, payload: toJson({ judgmentId }), createdAt: now }).execute()
  }
  if (followUps.notifications.length > 0) await trx.insertInto('Notification').values(followUps.notifications.map((n) => ({ ...notificationRow(n), createdAt: now }))).execute()
  if (followUps.reviewItem) await trx.insertInto('Item').values(itemRow(projectId, { ...followUps.reviewItem, reviewOfJudgmentId: judgmentId }, now)).execute()
  if (followUps.settlesReview) await trx.updateTable('Judgment').set({ reviewStatus: followUps.settlesReview.status }).where('id', '=', followUps.settlesReview.judgmentId).execute()
}

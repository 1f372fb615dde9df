// Judgments: recorded exactly once per assignment, stored in columns the quality metrics query.
import type { Database, Db } from './database'
import { writeTransaction, type Tx } from './transaction'
import { OPEN_AFTER, positional } from './sql'
import { fromJson, isUniqueViolation, toJson } from './json'
import type { FlawKind, ItemKind } from '../core/task-types'
import { itemRow, type NewItem } from './item-repository'
import { notificationRow, type NewNotification } from './notification-repository'

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

type Row = Awaited<ReturnType<Db['judgment']['findFirstOrThrow']>>

/** Converts a stored row. */
export function judgmentFromRow(row: Row): JudgmentDto {
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

function toRow(judgment: NewJudgment) {
  return {
    ...judgment,
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

/** Outcome of recording: the stored judgment, and whether it had been stored before (a retry). */
export type RecordOutcome =
  | { status: 'recorded'; judgment: JudgmentDto; item: { judged: number; target: number } }
  | { status: 'duplicate'; judgment: JudgmentDto }
  | { status: 'closed' }

export class JudgmentRepository {
  constructor(private readonly database: Pick<Database, 'prisma' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  async findByAssignment(assignmentId: number): Promise<JudgmentDto | null> {
    const row = await this.prisma.judgment.findUnique({ where: { assignmentId } })
    return row ? judgmentFromRow(row) : null
  }

  async findById(id: number): Promise<JudgmentDto | null> {
    const row = await this.prisma.judgment.findUnique({ where: { id } })
    return row ? judgmentFromRow(row) : null
  }

  /** A labeler's most recent judgments, newest first. */
  async recentFor(labelerId: number, limit: number): Promise<JudgmentDto[]> {
    return (await this.prisma.judgment.findMany({ where: { labelerId }, orderBy: { id: 'desc' }, take: limit })).map(judgmentFromRow)
  }

  async forItem(itemId: number): Promise<JudgmentDto[]> {
    return (await this.prisma.judgment.findMany({ where: { itemId }, orderBy: { id: 'asc' } })).map(judgmentFromRow)
  }

  /** Every judgment on these items, in one query (a labeler's stats over their recent items). */
  async forItems(itemIds: number[]): Promise<JudgmentDto[]> {
    if (itemIds.length === 0) return []
    return (await this.prisma.judgment.findMany({ where: { itemId: { in: [...new Set(itemIds)] } }, orderBy: { id: 'asc' } })).map(judgmentFromRow)
  }

  /** How many judgments a labeler has recorded (since a moment). */
  async countFor(labelerId: number, since?: Date): Promise<number> {
    return this.prisma.judgment.count({ where: { labelerId, ...(since ? { createdAt: { gte: since } } : {}) } })
  }

  /** How many judgments of a project were flagged for review since a moment. */
  async flaggedSince(projectId: number, since: Date): Promise<number> {
    return this.prisma.judgment.count({ where: { projectId, flagged: true, createdAt: { gte: since } } })
  }

  /** Who labeled in which project since a moment (assigned work, not imports), once per pair. */
  async activeLabelers(since: Date): Promise<{ labelerId: number; projectId: number }[]> {
    const rows = await this.prisma.judgment.groupBy({ by: ['labelerId', 'projectId'], where: { createdAt: { gte: since }, assignmentId: { not: null } } })
    return rows.map((row) => ({ labelerId: row.labelerId, projectId: row.projectId }))
  }

  /**
   * Records a judgment for an active assignment, atomically: closes the assignment, stores the
   * judgment, counts it on the item and lets `nextTarget` raise the item's target (dynamic overlap).
   * The follow-ups commit in the same transaction, or nothing does.
   * A second call for the same assignment (double click, platform retry) returns the first judgment.
   */
  async record(args: {
    assignmentId: number
    judgment: NewJudgment
    followUps: JudgmentFollowUps
    now: Date
    nextTarget: (item: { judged: number; target: number; isGold: boolean }, judgments: JudgmentDto[]) => number
  }): Promise<RecordOutcome> {
    try {
      const outcome = await writeTransaction(this.database, async (tx) => {
        const closed = await tx.assignment.updateMany({ where: { id: args.assignmentId, status: 'active' }, data: { status: 'answered', answeredAt: args.now } })
        if (closed.count === 0) return null
        const row = await tx.judgment.create({ data: { ...toRow(args.judgment), createdAt: args.judgment.createdAt ?? args.now } })
        const item = await tx.item.update({ where: { id: args.judgment.itemId }, data: { judged: { increment: 1 } }, select: { judged: true, target: true, isGold: true } })
        let target = item.target
        if (!item.isGold && item.judged >= item.target) {
          const all = (await tx.judgment.findMany({ where: { itemId: args.judgment.itemId }, orderBy: { id: 'asc' } })).map(judgmentFromRow)
          target = args.nextTarget(item, all)
          if (target !== item.target) await tx.$executeRawUnsafe(positional(this.database.provider, `UPDATE "Item" SET "target" = ?, ${OPEN_AFTER('"claimed"', '?')} WHERE "id" = ?`), target, target, args.judgment.itemId)
        }
        await writeFollowUps(tx, row.id, args.judgment.projectId, args.followUps, args.now)
        return { status: 'recorded' as const, judgment: judgmentFromRow(row), item: { judged: item.judged, target } }
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
    const rows = await this.prisma.judgment.findMany({ where: { itemId: { in: itemIds }, labelerId: { in: labelerIds } }, orderBy: { id: 'asc' } })
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
    await writeTransaction(this.database, async (tx) => {
      await tx.judgment.createMany({ data: judgments.map(toRow) })
      const perItem = new Map<number, number>()
      for (const j of judgments) perItem.set(j.itemId, (perItem.get(j.itemId) ?? 0) + 1)
      for (const [itemId, count] of perItem) {
        await tx.$executeRawUnsafe(positional(this.database.provider, `UPDATE "Item" SET "judged" = "judged" + ?, "claimed" = "claimed" + ?, ${OPEN_AFTER('"claimed" + ?')} WHERE "id" = ?`), count, count, count, itemId)
      }
    })
    return judgments.length
  }

  /**
   * What decides whether a judgment may still change: its current revision (how many times it was
   * amended) and whether its item is up for calibration (its labelers may have seen the others' verdicts).
   */
  async amendmentState(judgmentId: number, itemId: number): Promise<{ revision: number; discussed: boolean }> {
    const [judgment, threads] = await Promise.all([
      this.prisma.judgment.findUniqueOrThrow({ where: { id: judgmentId }, select: { revision: true } }),
      this.prisma.calibrationThread.count({ where: { itemId } }),
    ])
    return { revision: judgment.revision, discussed: threads > 0 }
  }

  /** A judgment's earlier versions, oldest first (audit). */
  async amendmentsOf(judgmentId: number): Promise<AmendmentDto[]> {
    const rows = await this.prisma.judgmentAmendment.findMany({ where: { judgmentId }, orderBy: { revision: 'asc' } })
    return rows.map((row) => ({ judgmentId: row.judgmentId, revision: row.revision, previous: fromJson<JudgmentAnswer>(row.previous, {} as JudgmentAnswer), createdAt: row.createdAt }))
  }

  /**
   * Replaces a judgment's answer, keeping the one it replaces. `fromRevision` is the revision the
   * labeler changed: the (judgment, revision) key lets exactly one change from it through, so a
   * double click or a retried delivery amends once. Dynamic overlap is re-checked as at recording.
   */
  async amend(args: {
    judgmentId: number
    fromRevision: number
    answer: JudgmentAnswer
    now: Date
    nextTarget: (item: { judged: number; target: number; isGold: boolean }, judgments: JudgmentDto[]) => number
  }): Promise<AmendOutcome> {
    try {
      const judgment = await writeTransaction(this.database, async (tx) => {
        const before = await tx.judgment.findUniqueOrThrow({ where: { id: args.judgmentId } })
        const previous = Object.fromEntries(AMENDABLE_FIELDS.map((field) => [field, judgmentFromRow(before)[field]]))
        await tx.judgmentAmendment.create({ data: { judgmentId: args.judgmentId, revision: args.fromRevision, previous: toJson(previous), createdAt: args.now } })
        const a = args.answer
        const row = await tx.judgment.update({
          where: { id: args.judgmentId },
          data: { ...a, ranking: toJson(a.ranking), ratings: toJson(a.ratings), flaws: toJson(a.flaws), revision: args.fromRevision + 1 },
        })
        const item = await tx.item.findUniqueOrThrow({ where: { id: row.itemId }, select: { judged: true, target: true, isGold: true } })
        if (!item.isGold && item.judged >= item.target) {
          const all = (await tx.judgment.findMany({ where: { itemId: row.itemId }, orderBy: { id: 'asc' } })).map(judgmentFromRow)
          const target = args.nextTarget(item, all)
          if (target !== item.target) await tx.$executeRawUnsafe(positional(this.database.provider, `UPDATE "Item" SET "target" = ?, ${OPEN_AFTER('"claimed"', '?')} WHERE "id" = ?`), target, target, row.itemId)
        }
        return judgmentFromRow(row)
      })
      return { status: 'amended', judgment }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    return { status: 'duplicate', judgment: (await this.findById(args.judgmentId))! }
  }

  /** Edge-case marks per labeler in a project: labelerId → {edge case → count}. */
  async edgeCaseCounts(projectId: number, range: { since?: Date; until?: Date } = {}): Promise<Map<number, Record<string, number>>> {
    const createdAt = range.since || range.until ? { createdAt: { ...(range.since ? { gte: range.since } : {}), ...(range.until ? { lt: range.until } : {}) } } : {}
    const rows = await this.prisma.judgment.groupBy({ by: ['labelerId', 'edgeCase'], where: { projectId, edgeCase: { not: null }, ...createdAt }, _count: { _all: true } })
    const counts = new Map<number, Record<string, number>>()
    for (const row of rows) {
      const own = counts.get(row.labelerId) ?? {}
      own[row.edgeCase!] = row._count._all
      counts.set(row.labelerId, own)
    }
    return counts
  }

  /** Judgments recorded per labeler since a moment (progress screens). */
  async countsByLabeler(projectId: number, since?: Date): Promise<Map<number, number>> {
    const rows = await this.prisma.judgment.groupBy({ by: ['labelerId'], where: { projectId, ...(since ? { createdAt: { gte: since } } : {}) }, _count: { _all: true } })
    return new Map(rows.map((row) => [row.labelerId, row._count._all]))
  }
}

async function writeFollowUps(tx: Tx, judgmentId: number, projectId: number, followUps: JudgmentFollowUps, now: Date): Promise<void> {
  if (followUps.leadNotice) {
    const { platform, kind } = followUps.leadNotice
    await tx.notification.create({ data: { labelerId: null, projectId, platform, kind, payload: toJson({ judgmentId }), createdAt: now } })
  }
  if (followUps.notifications.length > 0) await tx.notification.createMany({ data: followUps.notifications.map(notificationRow) })
  if (followUps.reviewItem) await tx.item.create({ data: itemRow(projectId, { ...followUps.reviewItem, reviewOfJudgmentId: judgmentId }) })
  if (followUps.settlesReview) await tx.judgment.update({ where: { id: followUps.settlesReview.judgmentId }, data: { reviewStatus: followUps.settlesReview.status } })
}

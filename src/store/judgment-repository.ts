// Judgments: recorded exactly once per assignment, stored in columns the quality metrics query.
import type { Database, Db } from './database'
import { writeTransaction } from './transaction'
import { OPEN_AFTER, positional } from './sql'
import { fromJson, isUniqueViolation, toJson } from './json'
import type { FlawKind, ItemKind } from '../core/task-types'

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
  createdAt: Date
}

/** The columns of a new judgment. */
export type NewJudgment = Omit<JudgmentDto, 'id' | 'createdAt'> & { createdAt?: Date }

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

  /**
   * Records a judgment for an active assignment, atomically: closes the assignment, stores the
   * judgment, counts it on the item and lets `nextTarget` raise the item's target (dynamic overlap).
   * A second call for the same assignment (double click, platform retry) returns the first judgment.
   */
  async record(args: {
    assignmentId: number
    judgment: NewJudgment
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

  async setReviewStatus(id: number, reviewStatus: 'pending' | 'accepted' | 'rejected'): Promise<void> {
    await this.prisma.judgment.update({ where: { id }, data: { reviewStatus } })
  }

  /** Judgments recorded per labeler since a moment (progress screens). */
  async countsByLabeler(projectId: number, since?: Date): Promise<Map<number, number>> {
    const rows = await this.prisma.judgment.groupBy({ by: ['labelerId'], where: { projectId, ...(since ? { createdAt: { gte: since } } : {}) }, _count: { _all: true } })
    return new Map(rows.map((row) => [row.labelerId, row._count._all]))
  }
}

// Assignments and the claim protocol that keeps redundancy exact under concurrency.
//
// An item's `claimed` counts its active and answered assignments. Claiming is one conditional
// UPDATE (`claimed < target`) plus the assignment INSERT in one transaction: PostgreSQL
// re-checks the condition after a concurrent update commits, SQLite serializes writers, so two
// labelers asking at once can never push an item past its target. The unique (item, labeler)
// key makes a labeler's double request fail instead of double-assigning.
import type { Database, Db } from './database'
import { writeTransaction } from './transaction'
import { OPEN_AFTER, positional } from './sql'
import { fromJson, isUniqueViolation, toJson } from './json'
import { TtlCache } from './ttl-cache'

/** An assignment as the core sees it. */
export interface AssignmentDto {
  id: number
  projectId: number
  itemId: number
  labelerId: number
  displayOrder: string[]
  status: 'active' | 'answered' | 'expired' | 'skipped'
  shownAt: Date
  expiresAt: Date
  answeredAt: Date | null
  /** JSON work in progress (see core/draft.ts); the store does not interpret it. */
  draft: Record<string, unknown>
}

type Row = Awaited<ReturnType<Db['assignment']['findFirstOrThrow']>>

function toDto(row: Row): AssignmentDto {
  return { ...row, displayOrder: fromJson<string[]>(row.displayOrder, []), status: row.status as AssignmentDto['status'], draft: fromJson<Record<string, unknown>>(row.draft, {}) }
}

/** What decides which items a labeler may be offered. */
export interface CandidateQuery {
  projectId: number
  labelerId: number
  gold: boolean
  /** Domains this labeler may not see (the project restricts them to skilled labelers). */
  excludedDomains: string[]
  /** The labeler's groups: items routed to one of them are theirs too. */
  groups: string[]
  /**
   * Only the work meant for this labeler: items routed to them (by name or group) and unrouted
   * items of these domains (their skills). Absent: the unrouted pool.
   */
  preferred?: { domains: string[] }
  limit: number
}

export class AssignmentRepository {
  // Whether a project has items routed to named labelers: most have none, and then the routes
  // are not looked up on every "next task". A route made by another process shows within seconds.
  private readonly hasRoutes = new TtlCache<number, boolean>(5_000, 1_000)

  constructor(private readonly database: Pick<Database, 'prisma' | 'provider'>) {}

  private async projectHasRoutes(projectId: number): Promise<boolean> {
    const known = this.hasRoutes.get(projectId)
    if (known !== undefined) return known
    const any = await this.prisma.itemRoute.findFirst({ where: { item: { projectId } }, select: { itemId: true } })
    return this.hasRoutes.set(projectId, any !== null)
  }

  private get prisma(): Db {
    return this.database.prisma
  }

  async findById(id: number): Promise<AssignmentDto | null> {
    const row = await this.prisma.assignment.findUnique({ where: { id } })
    return row ? toDto(row) : null
  }

  /** The labeler's unanswered, unexpired assignment in a project, if any (a session resumes it). */
  async activeFor(labelerId: number, projectId: number, now: Date): Promise<AssignmentDto | null> {
    const row = await this.prisma.assignment.findFirst({
      where: { labelerId, projectId, status: 'active', expiresAt: { gt: now } },
      orderBy: { id: 'asc' },
    })
    return row ? toDto(row) : null
  }

  /**
   * Items the labeler could be given now, oldest first (so items reach their redundancy in import
   * order). Routed items come only through the `preferred` pass: the plain pass walks the open
   * items of the project by index and skips every routed one, without a look-up per item.
   */
  async candidates(query: CandidateQuery): Promise<number[]> {
    let scope: object = { routed: false }
    if (query.preferred) {
      // Routes are read from their own index (labeler first), so this pass never scans the
      // project's items looking for the few routed to someone.
      const preferred = query.preferred
      if (query.groups.length === 0 && preferred.domains.length === 0 && !(await this.projectHasRoutes(query.projectId))) return []
      const routed = await this.prisma.itemRoute.findMany({
        where: { labelerId: query.labelerId, item: { projectId: query.projectId, isGold: query.gold, droppedAt: null, ...(query.gold ? {} : { open: true }), assignments: { none: { labelerId: query.labelerId } } } },
        select: { itemId: true },
        orderBy: { itemId: 'asc' },
        take: query.limit,
      })
      const wanted: object[] = [
        ...(routed.length > 0 ? [{ id: { in: routed.map((r) => r.itemId) } }] : []),
        ...(query.groups.length > 0 ? [{ assignedGroup: { in: query.groups } }] : []),
        ...(preferred.domains.length > 0 ? [{ routed: false, domain: { in: preferred.domains } }] : []),
      ]
      if (wanted.length === 0) return []
      scope = { OR: wanted }
    }
    const rows = await this.prisma.item.findMany({
      where: {
        projectId: query.projectId,
        isGold: query.gold,
        // Gold items are shown to everyone who has not seen them; others only while open (claimed < target).
        ...(query.gold ? {} : { open: true }),
        droppedAt: null,
        assignments: { none: { labelerId: query.labelerId } },
        AND: [
          { OR: [{ authorLabelerId: null }, { authorLabelerId: { not: query.labelerId } }] },
          scope,
          ...(query.excludedDomains.length > 0 ? [{ OR: [{ domain: null }, { domain: { notIn: query.excludedDomains } }] }] : []),
        ],
      },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: query.limit,
    })
    return rows.map((row) => row.id)
  }

  /** Claims one item for a labeler; null when someone else took the last slot or it was already theirs. */
  async claim(args: { projectId: number; itemId: number; labelerId: number; displayOrder: string[]; gold: boolean; now: Date; expiresAt: Date }): Promise<AssignmentDto | null> {
    try {
      return await writeTransaction(this.database, async (tx) => {
        const claimed = await tx.$executeRawUnsafe(
          positional(this.database.provider, `UPDATE "Item" SET "claimed" = "claimed" + 1, ${OPEN_AFTER('"claimed" + 1')} WHERE "id" = ?${args.gold ? '' : ' AND "claimed" < "target"'}`),
          args.itemId,
        )
        if (claimed === 0) return null
        const row = await tx.assignment.create({
          data: {
            projectId: args.projectId,
            itemId: args.itemId,
            labelerId: args.labelerId,
            displayOrder: toJson(args.displayOrder),
            shownAt: args.now,
            expiresAt: args.expiresAt,
          },
        })
        return toDto(row)
      })
    } catch (error) {
      if (isUniqueViolation(error)) return null
      throw error
    }
  }

  /** Closes an active assignment without a judgment (expired or skipped) and frees its slot. */
  async release(id: number, status: 'expired' | 'skipped'): Promise<boolean> {
    return writeTransaction(this.database, async (tx) => {
      const closed = await tx.assignment.updateMany({ where: { id, status: 'active' }, data: { status } })
      if (closed.count === 0) return false
      const row = await tx.assignment.findUniqueOrThrow({ where: { id }, select: { itemId: true } })
      await tx.$executeRawUnsafe(positional(this.database.provider, `UPDATE "Item" SET "claimed" = "claimed" - 1, ${OPEN_AFTER('"claimed" - 1')} WHERE "id" = ?`), row.itemId)
      return true
    })
  }

  /** Expires overdue assignments so their items return to the pool; returns the expired ones. */
  async expireOverdue(now: Date, limit = 500): Promise<AssignmentDto[]> {
    const overdue = await this.prisma.assignment.findMany({ where: { status: 'active', expiresAt: { lte: now } }, take: limit, orderBy: { id: 'asc' } })
    const expired: AssignmentDto[] = []
    for (const row of overdue) if (await this.release(row.id, 'expired')) expired.push({ ...toDto(row), status: 'expired' })
    return expired
  }

  /** Saves work in progress on an active assignment; false when it is no longer active. */
  async saveDraft(id: number, draft: Record<string, unknown>): Promise<boolean> {
    const result = await this.prisma.assignment.updateMany({ where: { id, status: 'active' }, data: { draft: toJson(draft) } })
    return result.count === 1
  }

  /** The draft of an answered assignment whose labeler is changing their answer (second thoughts). */
  async saveAnsweredDraft(id: number, draft: Record<string, unknown>): Promise<boolean> {
    const result = await this.prisma.assignment.updateMany({ where: { id, status: 'answered' }, data: { draft: toJson(draft) } })
    return result.count === 1
  }

  /** Active assignments expiring within the window that were not reminded yet. */
  async expiringSoon(now: Date, within: number): Promise<AssignmentDto[]> {
    const rows = await this.prisma.assignment.findMany({
      where: { status: 'active', remindedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + within) } },
      orderBy: { id: 'asc' },
    })
    return rows.map(toDto)
  }

  /** Assignments that expired since a moment (the labeler is told once). */
  async expiredSince(since: Date): Promise<AssignmentDto[]> {
    const rows = await this.prisma.assignment.findMany({ where: { status: 'expired', expiresAt: { gte: since } }, orderBy: { id: 'asc' }, take: 500 })
    return rows.map(toDto)
  }

  async markReminded(id: number, now: Date): Promise<boolean> {
    const result = await this.prisma.assignment.updateMany({ where: { id, remindedAt: null }, data: { remindedAt: now } })
    return result.count === 1
  }
}

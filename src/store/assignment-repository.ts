// Assignments and the claim protocol that keeps redundancy exact under concurrency.
//
// An item's `claimed` counts its active and answered assignments. Claiming is one conditional
// UPDATE (`claimed < target`) plus the assignment INSERT in one transaction: PostgreSQL
// re-checks the condition after a concurrent update commits, SQLite serializes writers, so two
// labelers asking at once can never push an item past its target. The unique (item, labeler)
// key makes a labeler's double request fail instead of double-assigning.
import { sql, type Selectable } from 'kysely'
import type { Database, Kdb } from './database'
import type { Assignment, Item, Project } from './generated/database'
import { inTransaction } from './transaction'
import { openAfter } from './sql'
import { fromJson, toJson } from './json'
import { isUniqueViolation } from './dialect'
import { TtlCache } from './ttl-cache'
import { itemFromRow, type ItemDto } from './item-repository'
import { projectFromRow, type ProjectDto } from './project-repository'

/** An assignment as the core sees it. */
export interface AssignmentDto {
  id: number
  projectId: number
  itemId: number
  labelerId: number
  displayOrder: string[]
  /** `withdrawn`: closed unanswered because a lead dropped its item. */
  status: 'active' | 'answered' | 'expired' | 'skipped' | 'withdrawn'
  shownAt: Date
  expiresAt: Date
  answeredAt: Date | null
  /** JSON work in progress (see core/draft.ts); the store does not interpret it. */
  draft: Record<string, unknown>
}

/** An assignment with its item and project, as one click needs them (read together, fresh). */
export interface AssignmentTaskDto {
  assignment: AssignmentDto
  item: ItemDto
  project: ProjectDto
}

function toDto(row: Selectable<Assignment>): AssignmentDto {
  return { ...row, displayOrder: fromJson<string[]>(row.displayOrder, []), status: row.status as AssignmentDto['status'], draft: fromJson<Record<string, unknown>>(row.draft, {}) }
}

// Every column of the item and the project, for the joined read (a missing one fails to compile),
// but the item's `measures`: they serve the bulk readers, and a task shows the texts themselves.
const ITEM_COLUMNS = ['id', 'projectId', 'externalId', 'type', 'messages', 'responses', 'domain', 'difficulty', 'tags', 'source', 'sourceLink', 'gold', 'isGold', 'reference', 'verdict', 'target', 'claimed', 'open', 'judged', 'reviewOfJudgmentId', 'authorLabelerId', 'routed', 'assignedGroup', 'droppedAt', 'createdAt'] as const satisfies readonly (keyof Item)[]
const PROJECT_COLUMNS = ['id', 'name', 'description', 'taskTypes', 'redundancy', 'maxExtraOverlap', 'goldRate', 'rationalePolicy', 'dimensions', 'skillDomains', 'sftReview', 'assignmentTtlMinutes', 'active', 'anonymizeCalibration', 'slackChannel', 'slackCalibrationChannel', 'slackLeadChannel', 'discordChannel', 'discordCalibrationChannel', 'discordLeadChannel', 'calibrationCron', 'calibrationTimezone', 'guide', 'createdAt'] as const satisfies readonly (keyof Project)[]
type Every<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : never
const everyColumn: [Every<(typeof ITEM_COLUMNS)[number], Exclude<keyof Item, 'measures'>>, Every<(typeof PROJECT_COLUMNS)[number], keyof Project>] = [true, true]
void everyColumn

/** The columns of a joined table under a prefix (`i$id`…), and the row read back without it. */
function prefixed(table: 'i' | 'p', columns: readonly string[]) {
  return columns.map((column) => sql.ref(`${table}.${column}`).as(`${table}$${column}`))
}
function unprefixed<T>(row: Record<string, unknown>, table: 'i' | 'p', columns: readonly string[]): T {
  return Object.fromEntries(columns.map((column) => [column, row[`${table}$${column}`]])) as T
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

  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  private async projectHasRoutes(projectId: number): Promise<boolean> {
    const known = this.hasRoutes.get(projectId)
    if (known !== undefined) return known
    const any = await this.db.selectFrom('ItemRoute as r').innerJoin('Item as i', 'i.id', 'r.itemId').select('r.itemId').where('i.projectId', '=', projectId).limit(1).executeTakeFirst()
    return this.hasRoutes.set(projectId, any !== undefined)
  }

  async findById(id: number): Promise<AssignmentDto | null> {
    const row = await this.db.selectFrom('Assignment').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toDto(row) : null
  }

  /**
   * An assignment with its item and project, in one statement: what a click on a task needs
   * before it decides anything. Read fresh every time (the assignment's state decides the click;
   * the item's counters and the project's settings come with it at no extra cost).
   */
  async findTask(id: number): Promise<AssignmentTaskDto | null> {
    const row = await this.db
      .selectFrom('Assignment as a')
      .innerJoin('Item as i', 'i.id', 'a.itemId')
      .innerJoin('Project as p', 'p.id', 'a.projectId')
      .selectAll('a')
      .select(prefixed('i', ITEM_COLUMNS))
      .select(prefixed('p', PROJECT_COLUMNS))
      .where('a.id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    const joined = row as unknown as Record<string, unknown>
    return {
      assignment: toDto(row),
      item: itemFromRow(unprefixed<Selectable<Item>>(joined, 'i', ITEM_COLUMNS)),
      project: projectFromRow(unprefixed<Selectable<Project>>(joined, 'p', PROJECT_COLUMNS)),
    }
  }

  /** The labeler's unanswered, unexpired assignment in a project, if any (a session resumes it). */
  async activeFor(labelerId: number, projectId: number, now: Date): Promise<AssignmentDto | null> {
    const row = await this.db
      .selectFrom('Assignment')
      .selectAll()
      .where('labelerId', '=', labelerId)
      .where('projectId', '=', projectId)
      .where('status', '=', 'active')
      .where('expiresAt', '>', now)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst()
    return row ? toDto(row) : null
  }

  /**
   * Items the labeler could be given now, oldest first (so items reach their redundancy in import
   * order). Routed items come only through the `preferred` pass: the plain pass walks the open
   * items of the project by index and skips every routed one, without a look-up per item.
   */
  async candidates(query: CandidateQuery): Promise<number[]> {
    let routedIds: number[] = []
    if (query.preferred) {
      if (query.groups.length === 0 && query.preferred.domains.length === 0 && !(await this.projectHasRoutes(query.projectId))) return []
      // Routes are read from their own index (labeler first), so this pass never scans the
      // project's items looking for the few routed to someone.
      const routed = await this.db
        .selectFrom('ItemRoute as r')
        .innerJoin('Item as i', 'i.id', 'r.itemId')
        .select('r.itemId')
        .where('r.labelerId', '=', query.labelerId)
        .where('i.projectId', '=', query.projectId)
        .where('i.isGold', '=', query.gold)
        .where('i.droppedAt', 'is', null)
        .$if(!query.gold, (q) => q.where('i.open', '=', true))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('Assignment as a').select('a.id').whereRef('a.itemId', '=', 'i.id').where('a.labelerId', '=', query.labelerId))))
        .orderBy('r.itemId')
        .limit(query.limit)
        .execute()
      routedIds = routed.map((r) => r.itemId)
      if (routedIds.length === 0 && query.groups.length === 0 && query.preferred.domains.length === 0) return []
    }
    const preferred = query.preferred
    const rows = await this.db
      .selectFrom('Item as i')
      .select('i.id')
      .where('i.projectId', '=', query.projectId)
      .where('i.isGold', '=', query.gold)
      // Gold items are shown to everyone who has not seen them; others only while open (claimed < target).
      .$if(!query.gold, (q) => q.where('i.open', '=', true))
      .where('i.droppedAt', 'is', null)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('Assignment as a').select('a.id').whereRef('a.itemId', '=', 'i.id').where('a.labelerId', '=', query.labelerId))))
      .where((eb) => eb.or([eb('i.authorLabelerId', 'is', null), eb('i.authorLabelerId', '!=', query.labelerId)]))
      .where((eb) => {
        if (!preferred) return eb('i.routed', '=', false)
        return eb.or([
          ...(routedIds.length > 0 ? [eb('i.id', 'in', routedIds)] : []),
          ...(query.groups.length > 0 ? [eb('i.assignedGroup', 'in', query.groups)] : []),
          ...(preferred.domains.length > 0 ? [eb.and([eb('i.routed', '=', false), eb('i.domain', 'in', preferred.domains)])] : []),
        ])
      })
      .$if(query.excludedDomains.length > 0, (q) => q.where((eb) => eb.or([eb('i.domain', 'is', null), eb('i.domain', 'not in', query.excludedDomains)])))
      .orderBy('i.id')
      .limit(query.limit)
      .execute()
    return rows.map((row) => row.id)
  }

  /**
   * Claims a slot on an item for a labeler: the item, as the claim left it, and the new
   * assignment, whose display order `displayOrderOf` draws from the item's responses. The claim
   * returns the item's row, so the task needs no read of its own. Null when someone else took the
   * last slot or it was already theirs.
   */
  async claim(args: { projectId: number; itemId: number; labelerId: number; displayOrderOf: (item: ItemDto) => string[]; gold: boolean; now: Date; expiresAt: Date }): Promise<{ assignment: AssignmentDto; item: ItemDto } | null> {
    try {
      // The unique (item, labeler) key fails the INSERT on a double request; on PostgreSQL that
      // aborts the transaction, so the violation is caught outside it.
      return await inTransaction(this.database, async (trx) => {
        const claimed = await trx
          .updateTable('Item')
          .set((eb) => ({ claimed: eb('claimed', '+', 1), open: openAfter(eb('claimed', '+', 1)) }))
          .where('id', '=', args.itemId)
          .$if(!args.gold, (q) => q.where('claimed', '<', sql.ref<number>('target')))
          .returning(ITEM_COLUMNS)
          .executeTakeFirst()
        if (!claimed) return null
        const item = itemFromRow(claimed)
        const row = await trx
          .insertInto('Assignment')
          .values({ projectId: args.projectId, itemId: args.itemId, labelerId: args.labelerId, displayOrder: toJson(args.displayOrderOf(item)), shownAt: args.now, expiresAt: args.expiresAt })
          .returningAll()
          .executeTakeFirstOrThrow()
        return { assignment: toDto(row), item }
      })
    } catch (error) {
      if (isUniqueViolation(error)) return null
      throw error
    }
  }

  /** Closes an active assignment without a judgment (expired, skipped, or withdrawn: its item was dropped) and frees its slot. */
  async release(id: number, status: 'expired' | 'skipped' | 'withdrawn'): Promise<boolean> {
    return inTransaction(this.database, async (trx) => {
      const closed = await trx.updateTable('Assignment').set({ status }).where('id', '=', id).where('status', '=', 'active').returning('itemId').executeTakeFirst()
      if (!closed) return false
      await trx
        .updateTable('Item')
        .set((eb) => ({ claimed: eb('claimed', '-', 1), open: openAfter(eb('claimed', '-', 1)) }))
        .where('id', '=', closed.itemId)
        .execute()
      return true
    })
  }

  /** Expires overdue assignments so their items return to the pool; returns the expired ones. */
  async expireOverdue(now: Date, limit = 500): Promise<AssignmentDto[]> {
    const overdue = await this.db.selectFrom('Assignment').selectAll().where('status', '=', 'active').where('expiresAt', '<=', now).orderBy('id').limit(limit).execute()
    const expired: AssignmentDto[] = []
    for (const row of overdue) if (await this.release(row.id, 'expired')) expired.push({ ...toDto(row), status: 'expired' })
    return expired
  }

  /** Saves work in progress on an active assignment; false when it is no longer active. */
  async saveDraft(id: number, draft: Record<string, unknown>): Promise<boolean> {
    return this.setDraft(id, 'active', draft)
  }

  /** The draft of an answered assignment whose labeler is changing their answer (second thoughts). */
  async saveAnsweredDraft(id: number, draft: Record<string, unknown>): Promise<boolean> {
    return this.setDraft(id, 'answered', draft)
  }

  private async setDraft(id: number, status: 'active' | 'answered', draft: Record<string, unknown>): Promise<boolean> {
    const result = await this.db.updateTable('Assignment').set({ draft: toJson(draft) }).where('id', '=', id).where('status', '=', status).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Active assignments expiring within the window that were not reminded yet. */
  async expiringSoon(now: Date, within: number): Promise<AssignmentDto[]> {
    const rows = await this.db
      .selectFrom('Assignment')
      .selectAll()
      .where('status', '=', 'active')
      .where('remindedAt', 'is', null)
      .where('expiresAt', '>', now)
      .where('expiresAt', '<=', new Date(now.getTime() + within))
      .orderBy('id')
      .execute()
    return rows.map(toDto)
  }

  /** Assignments that expired since a moment (the labeler is told once). */
  async expiredSince(since: Date): Promise<AssignmentDto[]> {
    const rows = await this.db.selectFrom('Assignment').selectAll().where('status', '=', 'expired').where('expiresAt', '>=', since).orderBy('id').limit(500).execute()
    return rows.map(toDto)
  }

  async markReminded(id: number, now: Date): Promise<boolean> {
    const result = await this.db.updateTable('Assignment').set({ remindedAt: now }).where('id', '=', id).where('remindedAt', 'is', null).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }
}

// Items: conversations with candidate responses, and their counters for the assignment rules.
import { sql, type Selectable } from 'kysely'
import type { Database, Kdb } from './database'
import type { Item } from './generated/database'
import { TtlCache } from './ttl-cache'
import { fromJson, toJson } from './json'
import { CLAIMED, openAfter } from './sql'
import { inTransaction, type Trx } from './transaction'
import { refreshStatistics } from './dialect'
import type { Gold, ItemKind, Message, StoredResponse } from '../core/task-types'
import { measureItem } from '../core/item-measures'

/** An item as the core sees it. */
export interface ItemDto {
  id: number
  projectId: number
  externalId: string | null
  type: ItemKind
  messages: Message[]
  responses: StoredResponse[]
  domain: string | null
  difficulty: string | null
  tags: string[]
  source: string | null
  sourceLink: string | null
  gold: Gold | null
  isGold: boolean
  reference: unknown
  verdict: Gold | null
  target: number
  claimed: number
  judged: number
  reviewOfJudgmentId: number | null
  authorLabelerId: number | null
  /** Only some people get it: the labelers routed to it, or the members of `assignedGroup`. */
  routed: boolean
  assignedGroup: string | null
  /** When a lead dropped it from the project; a dropped item is never offered or exported. */
  droppedAt: Date | null
}

/** Who an item is routed to: named labelers, a group, or both. */
export interface ItemRouting {
  labelerIds: number[]
  group: string | null
}

/** Which items to route: some by external id, or a project's items after an id (an import batch). */
export type ItemSelection = { projectId: number; externalIds: string[] } | { projectId: number; afterId: number }

/** What an importer or the core supplies to create an item. */
export interface NewItem {
  externalId?: string | null
  type: ItemKind
  messages: Message[]
  responses: StoredResponse[]
  domain?: string | null
  difficulty?: string | null
  tags?: string[]
  source?: string | null
  sourceLink?: string | null
  gold?: Gold | null
  reference?: unknown
  target: number
  reviewOfJudgmentId?: number | null
  authorLabelerId?: number | null
}

/** Converts a stored row (also used by export and quality readers). */
export function itemFromRow(row: Omit<Selectable<Item>, 'measures'>): ItemDto {
  return {
    ...row,
    type: row.type as ItemKind,
    messages: fromJson<Message[]>(row.messages, []),
    responses: fromJson<StoredResponse[]>(row.responses, []),
    tags: fromJson<string[]>(row.tags, []),
    gold: fromJson<Gold | null>(row.gold, null),
    reference: fromJson<unknown>(row.reference, null),
    verdict: fromJson<Gold | null>(row.verdict, null),
  }
}

/** The columns of a new item (also written inside a judgment's transaction); `createdAt` as now. */
export function itemRow(projectId: number, item: NewItem, createdAt = new Date()) {
  return {
    projectId,
    externalId: item.externalId ?? null,
    type: item.type,
    messages: toJson(item.messages),
    responses: toJson(item.responses),
    measures: toJson(measureItem(item.messages, item.responses)),
    domain: item.domain ?? null,
    difficulty: item.difficulty ?? null,
    tags: toJson(item.tags ?? []),
    source: item.source ?? null,
    sourceLink: item.sourceLink ?? null,
    gold: toJson(item.gold ?? null),
    isGold: item.gold !== null && item.gold !== undefined,
    reference: toJson(item.reference ?? null),
    target: item.target,
    reviewOfJudgmentId: item.reviewOfJudgmentId ?? null,
    authorLabelerId: item.authorLabelerId ?? null,
    createdAt,
  }
}

export class ItemRepository {
  // An item's content never changes; its counters may be a few seconds old here, which nothing
  // that reads through findById relies on (claims and counts are done in SQL).
  private readonly byId = new TtlCache<number, ItemDto>(10_000, 20_000)

  constructor(private readonly database: Pick<Database, 'db' | 'provider'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /** Inserts a batch as one multi-row INSERT (an import's 500 lines: one statement). */
  async insertMany(projectId: number, items: NewItem[]): Promise<number> {
    if (items.length === 0) return 0
    const now = new Date()
    const result = await this.db
      .insertInto('Item')
      .values(items.map((item) => itemRow(projectId, item, now)))
      .executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? items.length)
  }

  /** Call after a bulk insert (an import): the database's planner learns about the new items. */
  async refreshStatistics(): Promise<void> {
    await refreshStatistics(this.db, this.database.provider, 'Item')
  }

  async create(projectId: number, item: NewItem): Promise<ItemDto> {
    return itemFromRow(await this.db.insertInto('Item').values(itemRow(projectId, item)).returningAll().executeTakeFirstOrThrow())
  }

  /** Which of these external ids the project already has. */
  async existingExternalIds(projectId: number, externalIds: string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set()
    const rows = await this.db.selectFrom('Item').select('externalId').where('projectId', '=', projectId).where('externalId', 'in', externalIds).execute()
    return new Set(rows.map((row) => row.externalId!))
  }

  async findById(id: number): Promise<ItemDto | null> {
    const cached = this.byId.get(id)
    if (cached) return cached
    const row = await this.db.selectFrom('Item').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? this.byId.set(id, itemFromRow(row)) : null
  }

  /** Several items in one query; cached ones are not read again. */
  async findByIds(ids: number[]): Promise<Map<number, ItemDto>> {
    const found = new Map<number, ItemDto>()
    const missing: number[] = []
    for (const id of new Set(ids)) {
      const cached = this.byId.get(id)
      if (cached) found.set(id, cached)
      else missing.push(id)
    }
    if (missing.length > 0) for (const row of await this.db.selectFrom('Item').selectAll().where('id', 'in', missing).execute()) found.set(row.id, this.byId.set(row.id, itemFromRow(row)))
    return found
  }

  async findByExternalId(projectId: number, externalId: string): Promise<ItemDto | null> {
    const row = await this.db.selectFrom('Item').selectAll().where('projectId', '=', projectId).where('externalId', '=', externalId).executeTakeFirst()
    return row ? itemFromRow(row) : null
  }

  async page(projectId: number, afterId: number, limit: number): Promise<ItemDto[]> {
    return itemPage(this.db, projectId, afterId, limit)
  }

  /** A lead's settled verdict becomes the item's gold answer too, so it calibrates future labelers. */
  async settle(id: number, verdict: Gold): Promise<void> {
    this.byId.delete(id)
    await this.db.updateTable('Item').set({ verdict: toJson(verdict), gold: toJson(verdict), isGold: true }).where('id', '=', id).execute()
  }

  /**
   * Drops an item from labeling (a lead's answer to a flag): it is closed for good (target 0, so
   * a released claim cannot reopen it) and left out of exports; its judgments stay for audit.
   * Whoever has it open has it withdrawn in the same transaction (nothing of theirs is recorded
   * on it, and their next /label does not resume it). False when it was dropped already.
   */
  async drop(id: number, now: Date): Promise<boolean> {
    this.byId.delete(id)
    return inTransaction(this.database, async (trx) => {
      const withdrawn = await trx.updateTable('Assignment').set({ status: 'withdrawn' }).where('itemId', '=', id).where('status', '=', 'active').executeTakeFirst()
      const released = Number(withdrawn.numUpdatedRows)
      const result = await trx
        .updateTable('Item')
        .set((eb) => ({ droppedAt: now, target: 0, open: false, claimed: eb('claimed', '-', released) }))
        .where('id', '=', id)
        .where('droppedAt', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    })
  }

  /**
   * Returns an item to the pool: one more labeler is wanted (in place of a flag that gave no
   * verdict), and a dropped item is restored to its project's redundancy.
   */
  async returnToPool(id: number, redundancy: number): Promise<void> {
    this.byId.delete(id)
    const target = sql<number>`case when "droppedAt" is null then "target" + 1 else ${Math.max(redundancy, 1)} end`
    // One statement: SET expressions all see the row as it was, so open is computed from the new target.
    await this.db.updateTable('Item').set({ target, droppedAt: null, open: openAfter(CLAIMED, target) }).where('id', '=', id).execute()
  }

  /**
   * Routes items to named labelers and/or a group: only they get them from then on. With named
   * labelers only, an item wants no more judgments than there are people who may give them.
   * `selection`: some items by external id, or every item of the project after an id (a batch
   * just imported). Returns how many items were routed.
   */
  async route(selection: ItemSelection, routing: ItemRouting): Promise<number> {
    if ('externalIds' in selection && selection.externalIds.length === 0) return 0
    this.byId.deleteWhere((item) => item.projectId === selection.projectId)
    const selected = (trx: Trx) => {
      const items = trx.selectFrom('Item').select('id').where('projectId', '=', selection.projectId)
      return 'externalIds' in selection ? items.where('externalId', 'in', selection.externalIds) : items.where('id', '>', selection.afterId)
    }
    return inTransaction(this.database, async (trx) => {
      const routed = await trx.updateTable('Item').set({ routed: true, assignedGroup: routing.group }).where('id', 'in', selected(trx)).executeTakeFirst()
      await trx.deleteFrom('ItemRoute').where('itemId', 'in', selected(trx)).execute()
      for (const labelerId of routing.labelerIds) {
        await trx
          .insertInto('ItemRoute')
          .columns(['itemId', 'labelerId'])
          .expression(selected(trx).select(sql.lit(labelerId).as('labelerId')))
          .execute()
      }
      if (routing.group === null && routing.labelerIds.length > 0) {
        const most = routing.labelerIds.length
        await trx.updateTable('Item').set({ target: most, open: openAfter(CLAIMED, most) }).where('id', 'in', selected(trx)).where('target', '>', most).execute()
      }
      return Number(routed.numUpdatedRows)
    })
  }

  /** The highest item id of a project (0 when it has none): what an import adds comes after it. */
  async lastId(projectId: number): Promise<number> {
    const row = await this.db.selectFrom('Item').select('id').where('projectId', '=', projectId).orderBy('id', 'desc').limit(1).executeTakeFirst()
    return row?.id ?? 0
  }

  /** Items done (reached their target) and remaining, for progress screens; dropped items are not counted. */
  async progress(projectId: number): Promise<{ items: number; complete: number; gold: number }> {
    const row = await this.db
      .selectFrom('Item')
      .select((eb) => [
        eb.fn.countAll().filterWhere('isGold', '=', false).as('items'),
        eb.fn.countAll().filterWhere('isGold', '=', false).filterWhere('judged', '>=', eb.ref('target')).as('complete'),
        eb.fn.countAll().filterWhere('isGold', '=', true).as('gold'),
      ])
      .where('projectId', '=', projectId)
      .where('droppedAt', 'is', null)
      .executeTakeFirstOrThrow()
    return { items: Number(row.items), complete: Number(row.complete), gold: Number(row.gold) }
  }
}

/** One page of a project's items in id order (keyset pagination for streaming readers). */
export async function itemPage(db: Kdb, projectId: number, afterId: number, limit: number): Promise<ItemDto[]> {
  const rows = await db.selectFrom('Item').selectAll().where('projectId', '=', projectId).where('id', '>', afterId).orderBy('id').limit(limit).execute()
  return rows.map(itemFromRow)
}

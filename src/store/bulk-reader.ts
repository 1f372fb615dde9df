// Reads a project's items with their judgments a page at a time, for export. Export writes a
// million rows: only one page of items (with their texts) and its judgments is held at once, so
// memory stays flat, and keyset pages (`id > last`, an index range) cost the same at the end of a
// project as at its start, where OFFSET would rescan everything before the page.
import { sql } from 'kysely'
import type { Database, Kdb } from './database'
import { itemFromRow, type ItemDto } from './item-repository'
import { judgmentFromRow, type JudgmentDto } from './judgment-repository'
import type { ItemKind } from '../core/task-types'

/** Which judgments to read (`kinds: []` reads items only). */
export interface JudgmentFilter {
  since?: Date
  until?: Date
  kinds?: ItemKind[]
  /** Only judgments with something after the verdict: a rewrite, or a "both bad" verdict (its less-bad answer). */
  followUpsOnly?: boolean
}

/** One page: items in id order and their judgments. */
export interface ItemPage<Item = ItemDto> {
  items: Item[]
  judgments: JudgmentDto[]
}

// Every column handed over costs per row, text or null: an export reads only what its rows,
// metadata and dataset card carry, not the counters and routing (half the columns, half the time).
const EXPORT_ITEM_COLUMNS = ['id', 'externalId', 'type', 'messages', 'responses', 'domain', 'difficulty', 'tags', 'source', 'gold', 'isGold', 'reference', 'verdict'] as const

/** An item as an export reads it. */
export type ExportItem = Pick<ItemDto, (typeof EXPORT_ITEM_COLUMNS)[number]>

/**
 * Rows in keyset pages: `fetch(after, limit)` returns up to `limit` rows with a key above `after`,
 * in key order. Yields each non-empty page; stops at the first short one.
 */
export async function* keysetPages<T>(fetch: (after: number, limit: number) => Promise<T[]>, keyOf: (row: T) => number, size: number, start = 0): AsyncGenerator<T[]> {
  let after = start
  for (;;) {
    const rows = await fetch(after, size)
    if (rows.length > 0) yield rows
    if (rows.length < size) return
    after = keyOf(rows[rows.length - 1]!)
  }
}

/**
 * A project's items after a key, in id order, for keyset pages. SQLite's planner answers
 * `projectId = ? AND id > ? ORDER BY id LIMIT n` through the (projectId, isGold, open, id) index:
 * every page a scan of all the project's items, texts included, and a sort, which made a
 * 250,000-item export quadratic (most of its time). A unary plus keeps the project term off that
 * index (SQLite's documented way to steer its planner; PostgreSQL reads the same comparison), so
 * a page walks the primary key from where the last one ended.
 */
export function projectItems(db: Kdb, projectId: number, after: number) {
  return db.selectFrom('Item').where(sql<number>`+${sql.ref('projectId')}`, '=', projectId).where('id', '>', after).orderBy('id')
}

/** The key before a project's first item (where its keyset pages start), so the walk skips the items before it. */
export async function beforeFirstItem(db: Kdb, projectId: number): Promise<number> {
  const row = await db.selectFrom('Item').select((eb) => eb.fn.min('id').as('first')).where('projectId', '=', projectId).executeTakeFirst()
  return row?.first == null ? 0 : Number(row.first) - 1
}

export class BulkReader {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** Pages of `pageSize` items with their judgments matching the filter, in item id order. Items a lead dropped are left out, with their judgments. */
  pages(projectId: number, filter: JudgmentFilter, pageSize = 1_000): AsyncGenerator<ItemPage> {
    const { db } = this.database
    const items = (after: number, limit: number) => projectItems(db, projectId, after).selectAll().where('droppedAt', 'is', null).limit(limit).execute()
    return this.withJudgments(projectId, filter, pageSize, items, (row) => itemFromRow(row as never))
  }

  /** The same pages with only the item columns an export reads. */
  exportPages(projectId: number, filter: JudgmentFilter, pageSize = 1_000): AsyncGenerator<ItemPage<ExportItem>> {
    const { db } = this.database
    const items = (after: number, limit: number) => projectItems(db, projectId, after).select(EXPORT_ITEM_COLUMNS).where('droppedAt', 'is', null).limit(limit).execute()
    // itemFromRow parses the JSON columns it is given; the export's columns hold all of them.
    return this.withJudgments(projectId, filter, pageSize, items, (row): ExportItem => itemFromRow(row as never))
  }

  private async *withJudgments<Row extends { id: number }, Item>(projectId: number, filter: JudgmentFilter, pageSize: number, fetch: (after: number, limit: number) => Promise<Row[]>, toItem: (row: Row) => Item): AsyncGenerator<ItemPage<Item>> {
    for await (const rows of keysetPages(fetch, (row) => row.id, pageSize, await beforeFirstItem(this.database.db, projectId))) {
      const judgments = filter.kinds?.length === 0 ? [] : await this.judgments(projectId, rows[0]!.id, rows[rows.length - 1]!.id, filter)
      yield { items: rows.map(toItem), judgments }
    }
  }

  /** The judgments of the project's items with ids from `first` to `last`, by item then id. */
  private async judgments(projectId: number, first: number, last: number, filter: JudgmentFilter): Promise<JudgmentDto[]> {
    let query = this.database.db.selectFrom('Judgment').selectAll().where('projectId', '=', projectId).where('itemId', '>=', first).where('itemId', '<=', last)
    if (filter.since) query = query.where('createdAt', '>=', filter.since)
    if (filter.until) query = query.where('createdAt', '<', filter.until)
    if (filter.kinds?.length) query = query.where('kind', 'in', filter.kinds)
    if (filter.followUpsOnly) query = query.where((eb) => eb.or([eb('rewrite', 'is not', null), eb('choice', '=', 'both_bad')]))
    const rows = await query.orderBy('itemId').orderBy('id').execute()
    return rows.map((row) => judgmentFromRow(row as never))
  }
}

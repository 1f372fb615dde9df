// Streams a project's items with their judgments, page by page, straight through the database
// driver. Export writes a million rows; an ORM object per row halved its speed, so this reader
// builds the same DTOs from plain rows (SQLite: a read-only connection beside Prisma's, which
// WAL allows; PostgreSQL: one short-lived client).
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import type { Database } from './database'
import { sqlitePath } from './database'
import { itemFromRow, type ItemDto } from './item-repository'
import { judgmentFromRow, type JudgmentDto } from './judgment-repository'
import { epochMs, sqliteDateTime } from './quality-reader'
import type { ItemKind } from '../core/task-types'

/** Which judgments to read. */
export interface JudgmentFilter {
  since?: Date
  until?: Date
  kinds?: ItemKind[]
}

/** One page: items in id order and their judgments. */
export interface ItemPage {
  items: ItemDto[]
  judgments: JudgmentDto[]
}

type Raw = Record<string, unknown>

function toDate(value: unknown): Date {
  return new Date(epochMs(value as number | string | Date))
}

function item(row: Raw): ItemDto {
  return itemFromRow({ ...row, isGold: row.isGold === true || row.isGold === 1, createdAt: toDate(row.createdAt) } as never)
}

function judgment(row: Raw): JudgmentDto {
  return judgmentFromRow({ ...row, flagged: row.flagged === true || row.flagged === 1, createdAt: toDate(row.createdAtMs ?? row.createdAt) } as never)
}

export class BulkReader {
  constructor(private readonly database: Pick<Database, 'provider' | 'url'>) {}

  /** Pages of `pageSize` items with their judgments matching the filter, in item id order. Items a lead dropped are left out, with their judgments. */
  async *pages(projectId: number, filter: JudgmentFilter, pageSize = 1_000): AsyncGenerator<ItemPage> {
    if (this.database.provider === 'sqlite') yield* this.sqlitePages(projectId, filter, pageSize)
    else yield* this.postgresPages(projectId, filter, pageSize)
  }

  private *sqlitePages(projectId: number, filter: JudgmentFilter, pageSize: number): Generator<ItemPage> {
    const db = new BetterSqlite3(sqlitePath(this.database.url), { readonly: true, fileMustExist: true })
    try {
      const items = db.prepare('SELECT * FROM "Item" WHERE "projectId" = ? AND "id" > ? AND "droppedAt" IS NULL ORDER BY "id" LIMIT ?')
      const conditions = ['"projectId" = ?', '"itemId" >= ?', '"itemId" <= ?']
      const extra: unknown[] = []
      if (filter.since) (conditions.push('"createdAt" >= ?'), extra.push(sqliteDateTime(filter.since)))
      if (filter.until) (conditions.push('"createdAt" < ?'), extra.push(sqliteDateTime(filter.until)))
      if (filter.kinds) (conditions.push(`"kind" IN (${filter.kinds.map(() => '?').join(', ')})`), extra.push(...filter.kinds))
      const judgments = db.prepare(`SELECT * FROM "Judgment" WHERE ${conditions.join(' AND ')} ORDER BY "itemId", "id"`)
      let after = 0
      for (;;) {
        const rows = items.all(projectId, after, pageSize) as Raw[]
        if (rows.length === 0) return
        const first = rows[0]!.id as number
        after = rows.at(-1)!.id as number
        yield { items: rows.map(item), judgments: (judgments.all(projectId, first, after, ...extra) as Raw[]).map(judgment) }
      }
    } finally {
      db.close()
    }
  }

  private async *postgresPages(projectId: number, filter: JudgmentFilter, pageSize: number): AsyncGenerator<ItemPage> {
    const client = new pg.Client({ connectionString: this.database.url })
    await client.connect()
    try {
      const conditions = ['"projectId" = $1', '"itemId" >= $2', '"itemId" <= $3']
      const extra: unknown[] = []
      const next = () => `$${3 + extra.length}`
      // TIMESTAMP without time zone holds UTC; compare and read it as such, never as local time.
      if (filter.since) (extra.push(filter.since.toISOString().replace('Z', '')), conditions.push(`"createdAt" >= ${next()}::timestamp`))
      if (filter.until) (extra.push(filter.until.toISOString().replace('Z', '')), conditions.push(`"createdAt" < ${next()}::timestamp`))
      if (filter.kinds) (extra.push(filter.kinds), conditions.push(`"kind" = ANY(${next()})`))
      const judgmentSql = `SELECT *, (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 AS "createdAtMs" FROM "Judgment" WHERE ${conditions.join(' AND ')} ORDER BY "itemId", "id"`
      let after = 0
      for (;;) {
        const { rows } = await client.query<Raw>('SELECT *, (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 AS "createdAtMs" FROM "Item" WHERE "projectId" = $1 AND "id" > $2 AND "droppedAt" IS NULL ORDER BY "id" LIMIT $3', [projectId, after, pageSize])
        if (rows.length === 0) return
        const first = rows[0]!.id as number
        after = rows.at(-1)!.id as number
        const judgments = await client.query<Raw>(judgmentSql, [projectId, first, after, ...extra])
        yield { items: rows.map((r) => item({ ...r, createdAt: r.createdAtMs })), judgments: judgments.rows.map(judgment) }
      }
    } finally {
      await client.end()
    }
  }
}

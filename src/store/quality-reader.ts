// Reads a project's items and judgments for the quality engine, straight through the database
// driver. A report over a million judgments cannot afford an ORM object per row: this reads
// plain rows in pages (SQLite: one streaming statement; PostgreSQL: keyset pages of arrays)
// and builds the engine's compact input directly.
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import type { QualityItem, QualityJudgment, QualityLabeler, JudgmentKind } from '../quality/types'
import { providerOf, sqlitePath, type Database } from './database'

/** Everything the quality engine needs about one project. */
export interface QualityData {
  items: QualityItem[]
  labelers: QualityLabeler[]
  judgments: QualityJudgment[]
  /** Per-item redundancy target (the dispute rule needs "full redundancy"). */
  targets: Map<number, number>
}

type ItemRow = [number, string | null, string, string, string, string | null, string | null, string | null, number]
type JudgmentRow = [number, number, number, string, string | null, number | null, string | null, number | null, string | null, string, string | null, number | boolean, number | null, number | string]

const ITEM_COLUMNS = '"id", "externalId", "type", "messages", "responses", "domain", "gold", "verdict", "target"'
const JUDGMENT_COLUMNS = '"id", "itemId", "labelerId", "kind", "choice", "choicePosition", "ranking", "rating", "ratings", "displayOrder", "flaws", "flagged", "durationMs"'

function toItem(row: ItemRow): QualityItem {
  const responses = JSON.parse(row[4]) as { id: string; model: string | null; text: string }[]
  const messages = JSON.parse(row[3]) as { content: string }[]
  const settled = row[7] ?? row[6]
  return {
    id: row[0],
    externalId: row[1],
    kind: row[2] as JudgmentKind,
    responseLengths: Object.fromEntries(responses.map((r) => [r.id, r.text.length])),
    responseModels: Object.fromEntries(responses.map((r) => [r.id, r.model])),
    promptLength: messages.reduce((sum, m) => sum + m.content.length, 0),
    domain: row[5],
    gold: settled ? (JSON.parse(settled) as QualityItem['gold']) : null,
  }
}

/**
 * How Prisma's SQLite adapter writes a DateTime ("2026-11-02T09:00:00.000+00:00"): text that
 * sorts in time order, so raw comparisons must use the same form.
 */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+00:00')
}

/** SQLite DateTime as epoch ms: Prisma writes ISO text; SQL defaults write "YYYY-MM-DD HH:MM:SS" (UTC); numbers are ms. */
export function epochMs(value: number | string | Date): number {
  if (typeof value === 'number') return value
  if (value instanceof Date) return value.getTime()
  return Date.parse(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`)
}

function toJudgment(row: JudgmentRow): QualityJudgment {
  return {
    id: row[0],
    itemId: row[1],
    labelerId: row[2],
    kind: row[3] as JudgmentKind,
    choice: row[4],
    choicePosition: row[5],
    ranking: row[6] ? (JSON.parse(row[6]) as string[]) : null,
    rating: row[7],
    ratings: row[8] ? (JSON.parse(row[8]) as Record<string, number>) : null,
    displayOrder: JSON.parse(row[9]) as string[],
    flaws: row[10] ? (JSON.parse(row[10]) as QualityJudgment['flaws']) : null,
    flagged: row[11] === true || row[11] === 1,
    durationMs: row[12],
    createdAt: epochMs(row[13]),
  }
}

export class QualityReader {
  constructor(private readonly database: Pick<Database, 'url'>) {}

  /** Reads one project's quality data; `since` keeps judgments recorded from then on, `until` those before. */
  async read(projectId: number, options: { since?: Date; until?: Date } = {}): Promise<QualityData> {
    const { url } = this.database
    const data = providerOf(url) === 'sqlite' ? readSqlite(url, projectId, options.since) : await readPostgres(url, projectId, options.since)
    // An upper bound is rare (digest comparisons), so it is applied here rather than in both queries.
    if (options.until) data.judgments = data.judgments.filter((j) => j.createdAt < options.until!.getTime())
    return data
  }
}

function readSqlite(url: string, projectId: number, since?: Date): QualityData {
  const db = new BetterSqlite3(sqlitePath(url), { readonly: true, fileMustExist: true })
  try {
    const items: QualityItem[] = []
    const targets = new Map<number, number>()
    for (const row of db.prepare(`SELECT ${ITEM_COLUMNS} FROM "Item" WHERE "projectId" = ? AND "type" <> 'sft_review'`).raw().iterate(projectId) as Iterable<ItemRow>) {
      items.push(toItem(row))
      targets.set(row[0], row[8])
    }
    const labelers = (db.prepare('SELECT "id", "displayName" FROM "Labeler"').raw().all() as [number, string][]).map(([id, name]) => ({ id, name }))
    const judgments: QualityJudgment[] = []
    const filter = since ? ' AND "createdAt" >= ?' : ''
    const args: unknown[] = since ? [projectId, sqliteDateTime(since)] : [projectId]
    for (const row of db.prepare(`SELECT ${JUDGMENT_COLUMNS}, "createdAt" FROM "Judgment" WHERE "projectId" = ? AND "kind" <> 'sft_review'${filter} ORDER BY "id"`).raw().iterate(...args) as Iterable<JudgmentRow>) {
      judgments.push(toJudgment(row))
    }
    return { items, labelers, judgments, targets }
  } finally {
    db.close()
  }
}

// Small pages: the driver holds a page of raw rows while it becomes engine input, and at 100,000
// rows that transient pushed a million-judgment report past 1 GiB.
const PAGE = 20_000

async function readPostgres(url: string, projectId: number, since?: Date): Promise<QualityData> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const items: QualityItem[] = []
    const targets = new Map<number, number>()
    const itemRows = await client.query<ItemRow>({ text: `SELECT ${ITEM_COLUMNS} FROM "Item" WHERE "projectId" = $1 AND "type" <> 'sft_review'`, values: [projectId], rowMode: 'array' })
    for (const row of itemRows.rows) {
      items.push(toItem(row))
      targets.set(row[0], row[8])
    }
    const labelerRows = await client.query<[number, string]>({ text: 'SELECT "id", "displayName" FROM "Labeler"', rowMode: 'array' })
    const labelers = labelerRows.rows.map(([id, name]) => ({ id, name }))
    const judgments: QualityJudgment[] = []
    let after = 0
    for (;;) {
      // Epoch milliseconds computed by the server: TIMESTAMP without time zone is UTC here, never local.
      const page = await client.query<JudgmentRow>({
        text: `SELECT ${JUDGMENT_COLUMNS}, (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 FROM "Judgment" WHERE "projectId" = $1 AND "kind" <> 'sft_review' AND "id" > $2 ${since ? 'AND "createdAt" >= $4' : ''} ORDER BY "id" LIMIT $3`,
        values: since ? [projectId, after, PAGE, since.toISOString()] : [projectId, after, PAGE],
        rowMode: 'array',
      })
      for (const row of page.rows) judgments.push(toJudgment(row))
      if (page.rows.length < PAGE) break
      after = page.rows.at(-1)![0]
    }
    return { items, labelers, judgments, targets }
  } finally {
    await client.end()
  }
}

// Reads what the settled answer of each item is computed from: every item's response ids, gold,
// lead verdict and hidden reference, and the verdict columns of its judgments, straight through
// the driver as the quality reader does. No texts: the export reads those a page at a time after
// the answers are settled, so a million judgments stay well under the memory the report needs.
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import type { QualityItem, QualityJudgment, JudgmentKind } from '../quality/types'
import type { Gold } from '../core/task-types'
import { providerOf, sqlitePath, type Database } from './database'
import { epochMs, sqliteDateTime } from './quality-reader'

/** What an item's settled answer may come from besides its judgments. */
export interface ItemSettlementInput {
  /** Settled by a lead in chat (calibration) or the CLI. */
  verdict: Gold | null
  gold: Gold | null
  /** A preference carried by imported public data, e.g. HH-RLHF's chosen response. */
  reference: Gold | null
  source: string | null
}

/** The consensus input of one project, with what the quality engine does not carry. */
export interface LabelData {
  /** Items as the quality engine sees them; `gold` holds the lead's verdict, else gold. */
  items: QualityItem[]
  judgments: QualityJudgment[]
  labelers: { id: number; name: string }[]
  /** Per item id: verdict, gold, reference and source (items with none of them are absent). */
  settlement: Map<number, ItemSettlementInput>
}

export interface LabelFilter {
  since?: Date
  until?: Date
  kinds: JudgmentKind[]
}

type ItemRow = [number, string | null, string, string, string | null, string | null, string | null, string | null]
type JudgmentRow = [number, number, number, string, string | null, string | null, number | null, string | null, number | boolean, number | string]

const ITEM_COLUMNS = '"id", "externalId", "type", "responses", "gold", "verdict", "reference", "source"'
const JUDGMENT_COLUMNS = '"id", "itemId", "labelerId", "kind", "choice", "ranking", "rating", "flaws", "flagged"'
const NO_ORDER: string[] = []
const PAGE = 20_000

function parseGold(text: string | null): Gold | null {
  return text ? (JSON.parse(text) as Gold) : null
}

// Response ids straight from the stored JSON: a structural `"id":"…"` can only be a key (quotes
// inside text are escaped), and parsing every response text only to drop it was most of this
// reader's garbage at a million judgments.
const RESPONSE_ID = /"id":"([^"\\]*)"/g

function addItem(data: LabelData, row: ItemRow): void {
  const responseLengths: Record<string, number> = {}
  for (const match of row[3].matchAll(RESPONSE_ID)) responseLengths[match[1]!] = 0
  const verdict = parseGold(row[5])
  const gold = parseGold(row[4])
  data.items.push({
    id: row[0],
    externalId: row[1],
    kind: intern(row[2]) as JudgmentKind,
    // Lengths and models matter to the bias tests, not to consensus.
    responseLengths,
    responseModels: {},
    promptLength: 0,
    domain: null,
    gold: (verdict ?? gold) as QualityItem['gold'],
  })
  if (verdict || gold || row[6] || row[7]) data.settlement.set(row[0], { verdict, gold, reference: parseGold(row[6]), source: row[7] })
}

// The driver returns a fresh string per row; a million copies of "pairwise" and "a" add up.
const interned = new Map<string, string>()
function intern(value: string): string
function intern(value: string | null): string | null
function intern(value: string | null): string | null {
  if (value === null || value.length > 64) return value
  const known = interned.get(value)
  if (known !== undefined) return known
  interned.set(value, value)
  return value
}

function toJudgment(row: JudgmentRow): QualityJudgment {
  return {
    id: row[0],
    itemId: row[1],
    labelerId: row[2],
    kind: intern(row[3]) as JudgmentKind,
    choice: intern(row[4]),
    choicePosition: null,
    ranking: row[5] ? (JSON.parse(row[5]) as string[]) : null,
    rating: row[6],
    ratings: null,
    displayOrder: NO_ORDER,
    flaws: row[7] ? (JSON.parse(row[7]) as QualityJudgment['flaws']) : null,
    flagged: row[8] === true || row[8] === 1,
    durationMs: null,
    createdAt: epochMs(row[9]),
  }
}

/** Reads a project's items and the judgments of the given kinds (within the dates). */
export async function readLabelData(url: string, projectId: number, filter: LabelFilter): Promise<LabelData> {
  const data: LabelData = { items: [], judgments: [], labelers: [], settlement: new Map() }
  if (providerOf(url) === 'sqlite') {
    const db = new BetterSqlite3(sqlitePath(url), { readonly: true, fileMustExist: true })
    try {
      for (const row of db.prepare(`SELECT ${ITEM_COLUMNS} FROM "Item" WHERE "projectId" = ? AND "type" <> 'sft_review' ORDER BY "id"`).raw().iterate(projectId) as Iterable<ItemRow>) addItem(data, row)
      data.labelers = (db.prepare('SELECT "id", "displayName" FROM "Labeler"').raw().all() as [number, string][]).map(([id, name]) => ({ id, name }))
      const conditions = ['"projectId" = ?', `"kind" IN (${filter.kinds.map(() => '?').join(', ') || "''"})`]
      const args: unknown[] = [projectId, ...filter.kinds]
      if (filter.since) (conditions.push('"createdAt" >= ?'), args.push(sqliteDateTime(filter.since)))
      if (filter.until) (conditions.push('"createdAt" < ?'), args.push(sqliteDateTime(filter.until)))
      const statement = db.prepare(`SELECT ${JUDGMENT_COLUMNS}, "createdAt" FROM "Judgment" WHERE ${conditions.join(' AND ')} ORDER BY "id"`).raw()
      for (const row of statement.iterate(...args) as Iterable<JudgmentRow>) data.judgments.push(toJudgment(row))
      return data
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const items = await client.query<ItemRow>({ text: `SELECT ${ITEM_COLUMNS} FROM "Item" WHERE "projectId" = $1 AND "type" <> 'sft_review' ORDER BY "id"`, values: [projectId], rowMode: 'array' })
    for (const row of items.rows) addItem(data, row)
    const labelers = await client.query<[number, string]>({ text: 'SELECT "id", "displayName" FROM "Labeler"', rowMode: 'array' })
    data.labelers = labelers.rows.map(([id, name]) => ({ id, name }))
    // Parameters: $1 project, $2 kinds, $3 keyset position, then the dates, then the page size.
    const dates: string[] = []
    const conditions = ['"projectId" = $1', '"kind" = ANY($2)', '"id" > $3']
    // TIMESTAMP without time zone holds UTC; compare and read it as such, never as local time.
    if (filter.since) (dates.push(filter.since.toISOString().replace('Z', '')), conditions.push(`"createdAt" >= $${3 + dates.length}::timestamp`))
    if (filter.until) (dates.push(filter.until.toISOString().replace('Z', '')), conditions.push(`"createdAt" < $${3 + dates.length}::timestamp`))
    const text = `SELECT ${JUDGMENT_COLUMNS}, (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 FROM "Judgment" WHERE ${conditions.join(' AND ')} ORDER BY "id" LIMIT $${4 + dates.length}`
    // Keyset pages keep the driver's transient small (see quality-reader).
    let after = 0
    for (;;) {
      const page = await client.query<JudgmentRow>({ text, values: [projectId, filter.kinds, after, ...dates, PAGE], rowMode: 'array' })
      for (const row of page.rows) data.judgments.push(toJudgment(row))
      if (page.rows.length < PAGE) break
      after = page.rows.at(-1)![0]
    }
    return data
  } finally {
    await client.end()
  }
}

/** The hidden reference label of each item that has one (the report's audit of public data). */
export async function readReferences(url: string, projectId: number): Promise<Map<number, Gold>> {
  const references = new Map<number, Gold>()
  const sql = 'SELECT "id", "reference" FROM "Item" WHERE "projectId" = $1 AND "reference" IS NOT NULL'
  if (providerOf(url) === 'sqlite') {
    const db = new BetterSqlite3(sqlitePath(url), { readonly: true, fileMustExist: true })
    try {
      for (const [id, reference] of db.prepare(sql.replace('$1', '?')).raw().iterate(projectId) as Iterable<[number, string]>) references.set(id, JSON.parse(reference) as Gold)
    } finally {
      db.close()
    }
    return references
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const rows = await client.query<[number, string]>({ text: sql, values: [projectId], rowMode: 'array' })
    for (const [id, reference] of rows.rows) references.set(id, JSON.parse(reference) as Gold)
    return references
  } finally {
    await client.end()
  }
}

/** The export's and the report's reads of settled answers and reference labels, as a store member. */
export class LabelReader {
  constructor(private readonly database: Pick<Database, 'url'>) {}

  /** A project's items and the judgments of the given kinds (within the dates), without texts. */
  read(projectId: number, filter: LabelFilter): Promise<LabelData> {
    return readLabelData(this.database.url, projectId, filter)
  }

  /** The hidden reference label of each item that has one. */
  references(projectId: number): Promise<Map<number, Gold>> {
    return readReferences(this.database.url, projectId)
  }
}

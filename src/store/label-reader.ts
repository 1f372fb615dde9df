// Reads what the settled answer of each item is computed from: every item's response ids, gold,
// lead verdict and hidden reference, and the verdicts of its judgments as flat columns
// (quality/analytics/verdict-columns.ts). No texts: the export reads those a page at a time after
// the answers are settled. Judgments are read in keyset pages and each page is folded into typed
// arrays before the next is read, so a million judgments take a few bytes each, not an object each.
import { sql } from 'kysely'
import { IdLookup, KIND_LIKERT, KIND_OF_JUDGMENT_KIND, KIND_PAIRWISE, KIND_RANKING } from '../quality/analytics/project-index'
import { CHOICE_NONE, VerdictColumnsBuilder, choiceCode, type ConsensusItem, type VerdictColumns } from '../quality/analytics'
import type { FlawKind, JudgmentKind } from '../quality/types'
import type { Gold } from '../core/task-types'
import type { Database } from './database'
import { fromSqliteTime } from './sqlite-connection'
import { arrayRows } from './sql'
import { beforeFirstItem, keysetPages } from './bulk-reader'
import { FLAGGED, FLAWED, MARKS, REWRITTEN, engineItems, judgmentCode, sameJson, sameString, verdictText } from './quality-reader'

/** What an item's settled answer may come from besides its judgments. */
export interface ItemSettlementInput {
  /** Settled by a lead in chat (calibration) or the CLI. */
  verdict: Gold | null
  gold: Gold | null
  /** A preference carried by imported public data, e.g. HH-RLHF's chosen response. */
  reference: Gold | null
  source: string | null
}

/** A judgment's marks the floors read: a flag, and critical flaws per response id. */
export interface JudgmentMark {
  itemId: number
  flagged: boolean
  flaws: Record<string, FlawKind[]> | null
}

/** The consensus input of one project, with what the quality engine does not carry. */
export interface LabelData {
  /** Items (`gold` holds the lead's verdict, else gold) and the verdicts of the judgments read. */
  verdicts: VerdictColumns
  /** Per item id: verdict, gold, reference and source (items with none of them are absent). */
  settlement: Map<number, ItemSettlementInput>
  /** The judgments that carry a flag or a flaw mark (few). */
  marks: JudgmentMark[]
  /**
   * Items with a pairwise judgment that has something after its verdict (an accepted or pending
   * rewrite, or a "both bad" verdict and its less-bad answer), each with its number of pairwise
   * judgments read: the only items whose judgments the export reads again.
   */
  followUps: Map<number, number>
  /** Recording times of the first and last judgment read (epoch ms), null when none. */
  firstAt: number | null
  lastAt: number | null
}

export interface LabelFilter {
  since?: Date
  until?: Date
  kinds: JudgmentKind[]
}

// Pages are folded into columns and dropped, but a page alive during a scavenge is promoted and
// waits for a full collection: smaller pages kept a million-judgment export's peak RSS well below
// what 20,000-row pages gave (≈ 350 MB against ≈ 500 MB), at no measurable cost in time. Item
// pages are smaller still: an item written before its measures were stored brings its responses' texts.
const ITEM_PAGE = 1_000
const JUDGMENT_PAGE = 5_000

const asDate = (value: Date | string): Date => (value instanceof Date ? value : fromSqliteTime(value))

function parseGold(text: string | null): Gold | null {
  return text ? (JSON.parse(text) as Gold) : null
}

// Response ids straight from the stored JSON (the measures' or the responses'): a structural
// `"id":"…"` can only be a key (quotes inside text are escaped), and parsing every response text
// only to drop it was most of this reader's garbage at a million judgments.
const RESPONSE_ID = /"id":"([^"\\]*)"/g
const ARRAY_INDEX = /^(0|[1-9]\d*)$/

// The item's stored measures list its responses' ids in order, in the same JSON shape, without
// their texts; an item written before measures were falls back to its responses.
const responseList = sql<string>`coalesce("measures", "responses")`.as('responses')

/** Response ids in the order the quality engine lists them (the keys of a record of them). */
function responseIds(responses: string, same: (text: string) => string): string[] {
  const ids: string[] = []
  for (const match of responses.matchAll(RESPONSE_ID)) ids.push(same(match[1]!))
  // A record lists integer-like keys first and each key once: keep that order when it differs.
  if (ids.some((id) => ARRAY_INDEX.test(id)) || new Set(ids).size !== ids.length) return Object.keys(Object.fromEntries(ids.map((id) => [id, 0])))
  return ids
}

/** Reads a project's items and the verdicts of its judgments of the given kinds (within the dates). */
export async function readLabelData(database: Pick<Database, 'db'>, projectId: number, filter: LabelFilter): Promise<LabelData> {
  const { db } = database
  const same = sameString()
  const items: ConsensusItem[] = []
  const respStart: number[] = []
  const respIds: string[] = []
  const settlement = new Map<number, ItemSettlementInput>()
  const itemPage = (after: number, limit: number) =>
    engineItems(db, projectId, after).select(['id', 'externalId', 'type', responseList, 'gold', 'verdict', 'reference', 'source']).limit(limit).execute()
  for await (const page of keysetPages(itemPage, (row) => row.id, ITEM_PAGE, await beforeFirstItem(db, projectId))) {
    for (const row of page) {
      respStart.push(respIds.length)
      for (const id of responseIds(row.responses, (text) => same.get(text))) respIds.push(id)
      const verdict = parseGold(row.verdict)
      const gold = parseGold(row.gold)
      items.push({ id: row.id, externalId: row.externalId, kind: same.get(row.type) as JudgmentKind, gold: (verdict ?? gold) as ConsensusItem['gold'] })
      if (verdict || gold || row.reference || row.source) settlement.set(row.id, { verdict, gold, reference: parseGold(row.reference), source: row.source })
    }
  }
  respStart.push(respIds.length)
  const builder = new VerdictColumnsBuilder(items, Int32Array.from(respStart), respIds)
  const data: LabelData = { verdicts: builder.columns, settlement, marks: [], followUps: new Map(), firstAt: null, lastAt: null }
  if (filter.kinds.length === 0) return data

  const itemIndex = new IdLookup(items.map((item) => item.id))
  const labelerIndex = new Map<number, number>()
  const rankings = sameJson<string[]>()
  const { since, until, kinds } = filter
  const judgments = (after: number) => {
    let query = db.selectFrom('Judgment').where('projectId', '=', projectId).where('kind', 'in', kinds).where('id', '>', after)
    if (since) query = query.where('createdAt', '>=', since)
    if (until) query = query.where('createdAt', '<', until)
    return query
  }
  // Each judgment comes as an array of values rather than an object (arrayRows).
  type JudgmentRow = [id: number, itemId: number, labelerId: number, verdict: string | null, code: number]
  const judgmentPage = (after: number, limit: number) =>
    arrayRows<JudgmentRow>(db, judgments(after).select(['id', 'itemId', 'labelerId', verdictText.as('verdict'), judgmentCode.as('code')]).orderBy('id').limit(limit))
  const columns = builder.columns
  let marked = false
  for await (const page of keysetPages(judgmentPage, (row) => row[0], JUDGMENT_PAGE)) {
    for (const [, itemId, labelerId, verdict, packed] of page) {
      const j = builder.next()
      const item = itemIndex.get(itemId) ?? -1
      const code = Number(packed)
      const kind = KIND_OF_JUDGMENT_KIND[Math.floor(code / MARKS)]!
      let labeler = labelerIndex.get(labelerId)
      if (labeler === undefined) {
        labeler = columns.labelerIds.length
        columns.labelerIds.push(labelerId)
        labelerIndex.set(labelerId, labeler)
      }
      columns.jItem[j] = item
      columns.jLabeler[j] = labeler
      columns.jKind[j] = kind
      if (kind === KIND_PAIRWISE) {
        columns.jChoice[j] = item >= 0 ? choiceCode(verdict, respIds, columns.respStart[item]!, columns.respStart[item + 1]!) : CHOICE_NONE
        if (code & REWRITTEN || verdict === 'both_bad') data.followUps.set(itemId, 0)
      } else {
        columns.jChoice[j] = CHOICE_NONE
        if (kind === KIND_RANKING && verdict) columns.rankings.set(j, rankings.get(verdict))
        const rating = kind === KIND_LIKERT && verdict !== null ? Number(verdict) : null
        columns.jRating[j] = rating !== null && rating >= 1 && rating <= 7 ? Math.round(rating) : 0
      }
      if (code & (FLAGGED | FLAWED)) marked = true
    }
  }
  if (marked) {
    const rows = await judgments(0).select(['itemId', 'flagged', 'flaws']).where((eb) => eb.or([eb('flagged', '=', true), eb('flaws', 'is not', null)])).orderBy('id').execute()
    for (const row of rows) data.marks.push({ itemId: row.itemId, flagged: row.flagged, flaws: row.flaws ? (JSON.parse(row.flaws) as JudgmentMark['flaws']) : null })
  }
  if (columns.count > 0) {
    // The first and last recording time in one aggregate: cheaper than a date per judgment. An
    // aggregate is not a column, so SQLite gives it as stored text (sqlite-connection.ts).
    const span = await judgments(0).select((eb) => [eb.fn.min('createdAt').as('first'), eb.fn.max('createdAt').as('last')]).executeTakeFirstOrThrow()
    data.firstAt = asDate(span.first as Date | string).getTime()
    data.lastAt = asDate(span.last as Date | string).getTime()
  }
  if (data.followUps.size > 0) {
    for (let j = 0; j < columns.count; j++) {
      const item = columns.jItem[j]!
      if (item < 0 || columns.jKind[j] !== KIND_PAIRWISE) continue
      const id = items[item]!.id
      const count = data.followUps.get(id)
      if (count !== undefined) data.followUps.set(id, count + 1)
    }
  }
  return data
}

/** The export's and the report's reads of settled answers and reference labels, as a store member. */
export class LabelReader {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** A project's items and the verdicts of its judgments of the given kinds (within the dates), without texts. */
  read(projectId: number, filter: LabelFilter): Promise<LabelData> {
    return readLabelData(this.database, projectId, filter)
  }

  /** The hidden reference label of each item that has one (the report's audit of public data). */
  async references(projectId: number): Promise<Map<number, Gold>> {
    const rows = await this.database.db.selectFrom('Item').select(['id', 'reference']).where('projectId', '=', projectId).where('reference', 'is not', null).execute()
    return new Map(rows.map((row) => [row.id, JSON.parse(row.reference!) as Gold]))
  }
}

// Reads a project's items and judgments for the quality engine (report, digest). A report over a
// million judgments cannot afford to hold the driver's rows and the engine's input at once: this
// reads pages by id range, each one row of JSON arrays (a column each), and turns each page into
// the engine's compact input (judgment columns, item objects) as it arrives, so only a few pages
// of raw values are ever alive.
import { sql, type Compilable } from 'kysely'
import { BOTH_BAD, TIE, type FlawKind, type QualityItem, type QualityLabeler, type JudgmentKind } from '../quality/types'
import { JUDGMENT_KINDS, JudgmentColumnsBuilder, type JudgmentColumns } from '../quality/judgment-columns'
import type { Database, Kdb } from './database'
import { projectItems } from './bulk-reader'
import { jsonArray, jsonArrayAgg, jsonTextsAgg } from './dialect'
import { fromJson } from './json'
import type { Message, StoredResponse } from '../core/task-types'
import { measureItem, type ItemMeasures } from '../core/item-measures'

/** Everything the quality engine needs about one project. */
export interface QualityData {
  items: QualityItem[]
  labelers: QualityLabeler[]
  judgments: JudgmentColumns
  /** Per-item redundancy target (the dispute rule needs "full redundancy"). */
  targets: Map<number, number>
}

// Pages of ids. A page of raw values is garbage as soon as it becomes engine input, and a few are
// read ahead: an item's page holds its measures (about 130 characters an item), a judgment's a few
// numbers and a verdict, about 300 KB of JSON at this size. Measured at a million judgments
// (farm-bench): these sizes took 5% less CPU than four and five times larger pages (the drivers'
// buffers and the collector), and smaller ones gained nothing more.
const ITEM_PAGE = 5_000
const JUDGMENT_PAGE = 10_000

/**
 * The same short text always gives the same value (kinds, verdicts, display orders): the driver
 * hands out a fresh string per row, and a million copies of "pairwise" or a million parsed
 * ["a","b"] arrays are most of the reader's garbage. Parsed values are frozen, as they are shared.
 */
export class Interner<T> {
  private readonly known = new Map<string, T>()

  constructor(private readonly make: (text: string) => T) {}

  get(text: string): T {
    let value = this.known.get(text)
    if (value === undefined) {
      value = this.make(text)
      // Long or unusual texts are parsed every time rather than kept.
      if (text.length <= 64 && this.known.size < 10_000) this.known.set(text, value)
    }
    return value
  }
}

/** The text itself, one copy per distinct value. */
export const sameString = () => new Interner<string>((text) => text)
/** Parsed JSON of short texts, one frozen copy per distinct text. */
export const sameJson = <T>() => new Interner<T>((text) => Object.freeze(JSON.parse(text)) as T)

/** A project's items after a key as the quality engine reads them (an SFT review is work about a judgment, not an item to agree on). */
export function engineItems(db: Kdb, projectId: number, after: number) {
  return projectItems(db, projectId, after).where('type', '<>', 'sft_review')
}

const PAIRWISE = JUDGMENT_KINDS.indexOf('pairwise')
const RANKING = JUDGMENT_KINDS.indexOf('ranking')
const LIKERT = JUDGMENT_KINDS.indexOf('likert')

/** Mark bits of `judgmentCode`, below its kind × MARKS. */
export const FLAGGED = 1
export const REWRITTEN = 2
export const FLAWED = 4
export const MARKS = 8

// Each column handed over costs per judgment even when null (about a quarter of a second per
// million on SQLite), and most of a judgment's columns are null but for one kind. So the readers
// take its verdict as one text whatever its kind, and its kind and marks (flag, rewrite, flaw
// marks) as one integer; what a mark stands for is read again for the few judgments that have it.

/** (Parenthesized, so it composes in arithmetic.) A judgment's kind (its place in JUDGMENT_KINDS; a kind outside the schema's list reads as `dimensions`, which no analysis counts) × MARKS + its mark bits. */
export const judgmentCode = sql<number>`((case "kind" ${sql.join(
  JUDGMENT_KINDS.map((kind, i) => sql`when ${sql.lit(kind)} then ${sql.lit(i)}`),
  sql` `,
)} else ${sql.lit(JUDGMENT_KINDS.indexOf('dimensions'))} end) * ${sql.lit(MARKS)} + (case when "flagged" then ${sql.lit(FLAGGED)} else 0 end) + (case when "rewrite" is null then 0 else ${sql.lit(REWRITTEN)} end) + (case when "flaws" is null then 0 else ${sql.lit(FLAWED)} end))`

/** A judgment's verdict as text whatever its kind: a pairwise choice, a ranking's or dimension ratings' JSON, a Likert rating. */
export const verdictText = sql<string | null>`case "kind" when ${sql.lit('ranking')} then "ranking" when ${sql.lit('likert')} then cast("rating" as text) when ${sql.lit('dimensions')} then "ratings" else "choice" end`

// A pairwise judgment's display position of its choice rides in the same integer as its kind and
// marks (one column less per judgment): code × POSITIONS + position + 1, 0 for none. A pairwise
// item has at most four responses.
const POSITIONS = 8
const codeWithPosition = sql<number>`${judgmentCode} * ${sql.lit(POSITIONS)} + (case when "choicePosition" between 0 and ${sql.lit(POSITIONS - 2)} then "choicePosition" + 1 else 0 end)`

/** An item's text column, handed over only when the item has no stored measures (written before they were). */
const unlessMeasured = (column: 'responses' | 'messages') => sql<string | null>`case when "measures" is null then ${sql.ref(column)} end`.as(column)

/** Each column of an aggregate row as the array it holds. */
type ColumnArrays<Row> = { [Name in keyof Row]: Row[Name] extends (infer Value)[] | string | null ? Value[] : never }

/** The span of ids a project's rows take in a table (its two ends read from the index). */
interface IdSpan {
  first: number
  last: number
}

// Judgment columns are sized once from the span of ids (a count would cost a scan on PostgreSQL, and
// growing them page by page cost more), up to this many; a project mixed with others' judgments
// grows them as it goes.
const MOST_PRESIZED = 1 << 22

/**
 * A project's rows in pages by id range, (from, to] with to − from ≤ size, each read by
 * `fetch` as one row of aggregates (`jsonArrayAgg`). Ranges do not depend on the page before, so
 * `depth` of them are read ahead, side by side on PostgreSQL's connections or queued on SQLite's
 * read thread, while the main thread folds the page it has. Yields pages in id order. A failed
 * read surfaces when its page is awaited, never as an unhandled rejection.
 */
async function* idRangePages<Page>(fetch: (from: number, to: number) => Promise<Page>, span: IdSpan | null, size: number, depth = 3): AsyncGenerator<Page> {
  if (span === null) return
  const ahead: Promise<Page>[] = []
  let next = span.first - 1
  const readAhead = () => {
    while (ahead.length < depth && next < span.last) {
      const page = fetch(next, Math.min(next + size, span.last))
      page.catch(() => {})
      ahead.push(page)
      next += size
    }
  }
  readAhead()
  while (ahead.length > 0) {
    const page = await ahead.shift()!
    readAhead()
    yield page
  }
}

export class QualityReader {
  constructor(
    private readonly database: Pick<Database, 'db' | 'provider' | 'readAside'>,
    private readonly pages: { items: number; judgments: number } = { items: ITEM_PAGE, judgments: JUDGMENT_PAGE },
  ) {}

  /** A page read aside as one row of aggregates (`jsonArrayAgg`, `jsonTextsAgg`), each column's values as an array. */
  private async pageColumns<Row extends Record<string, unknown[] | string | null>>(query: Compilable<Row>): Promise<ColumnArrays<Row>> {
    const row = (await this.database.readAside(query))[0]!
    return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, jsonArray(value as unknown[] | string | null)])) as ColumnArrays<Row>
  }

  /** Reads one project's quality data; `since` keeps judgments recorded from then on, `until` those before. */
  async read(projectId: number, options: { since?: Date; until?: Date } = {}): Promise<QualityData> {
    // The reads overlap: pages of items and of judgments are read (by PostgreSQL's server, or
    // SQLite's read thread) while the main thread folds the ones it has.
    const [{ items, targets }, judgments, labelers] = await Promise.all([this.readItems(projectId), this.readJudgments(projectId, options), this.readLabelers()])
    return { items, labelers, judgments, targets }
  }

  private async readLabelers(): Promise<QualityLabeler[]> {
    return (await this.database.db.selectFrom('Labeler').select(['id', 'displayName']).execute()).map((l) => ({ id: l.id, name: l.displayName }))
  }

  /** The span of a project's ids in a table (null when it has none there). */
  private async idSpan(table: 'Item' | 'Judgment', projectId: number): Promise<IdSpan | null> {
    const { db } = this.database
    // Two subqueries: SQLite answers a lone min() or max() from the (projectId, id) index at once,
    // but both in one select walk all the project's judgments (50–100 ms at a million).
    const end = (bound: 'min' | 'max') => db.selectFrom(table).select((eb) => eb.fn[bound]<number>('id').as('id')).where('projectId', '=', projectId)
    const row = await db.selectNoFrom([end('min').as('first'), end('max').as('last')]).executeTakeFirst()
    return row?.first == null || row.last == null ? null : { first: Number(row.first), last: Number(row.last) }
  }

  private async readItems(projectId: number): Promise<Pick<QualityData, 'items' | 'targets'>> {
    const { db, provider } = this.database
    const items: QualityItem[] = []
    const targets = new Map<number, number>()
    // The engine needs the texts' sizes, not the texts: they are stored with each item (`measures`).
    // An item written before they were is handed over with its texts, and measured here. A page
    // comes as one row of arrays, as the judgments do (readJudgments).
    const itemPage = (from: number, to: number) =>
      this.pageColumns(
        db.selectFrom(
          engineItems(db, projectId, from)
            .where('id', '<=', to)
            .select(['id', 'externalId', 'type', 'domain', sql<string | null>`coalesce(${sql.ref('verdict')}, ${sql.ref('gold')})`.as('settled'), 'target', 'measures', unlessMeasured('responses'), unlessMeasured('messages')])
            .as('page'),
        )
          .select([
            jsonArrayAgg<number>(provider, 'id').as('ids'),
            jsonArrayAgg<string | null>(provider, 'externalId').as('externalIds'),
            jsonArrayAgg<string>(provider, 'type').as('types'),
            jsonArrayAgg<string | null>(provider, 'domain').as('domains'),
            jsonArrayAgg<number>(provider, 'target').as('targets'),
            jsonTextsAgg<QualityItem['gold']>('settled').as('settled'),
            jsonTextsAgg<ItemMeasures | null>('measures').as('measures'),
            jsonArrayAgg<string | null>(provider, 'responses').as('responses'),
            jsonArrayAgg<string | null>(provider, 'messages').as('messages'),
          ]),
      )
    const kinds = sameString()
    const models = sameString()
    for await (const page of idRangePages(itemPage, await this.idSpan('Item', projectId), this.pages.items)) {
      const { ids, externalIds, types, domains, targets: pageTargets, settled, measures: stored, responses, messages } = page
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!
        const domain = domains[k] ?? null
        const measures = stored[k] ?? measureItem(fromJson<Message[]>(messages[k] ?? null, []), fromJson<StoredResponse[]>(responses[k] ?? null, []))
        const responseLengths: Record<string, number> = {}
        const responseModels: Record<string, string | null> = {}
        for (const response of measures.responses) {
          responseLengths[response.id] = response.characters
          responseModels[response.id] = response.model == null ? null : models.get(response.model)
        }
        items.push({
          id,
          externalId: externalIds[k] ?? null,
          kind: kinds.get(types[k]!) as JudgmentKind,
          responseLengths,
          responseModels,
          promptLength: measures.prompt,
          domain: domain === null ? null : kinds.get(domain),
          gold: settled[k] ?? null,
        })
        targets.set(id, pageTargets[k]!)
      }
    }
    return { items, targets }
  }

  private async readJudgments(projectId: number, options: { since?: Date; until?: Date }): Promise<JudgmentColumns> {
    const { db, provider } = this.database
    const { since, until } = options
    const judgmentsAfter = (after: number) => {
      let query = db.selectFrom('Judgment').where('projectId', '=', projectId).where('kind', '<>', 'sft_review').where('id', '>', after)
      if (since) query = query.where('createdAt', '>=', since)
      if (until) query = query.where('createdAt', '<', until)
      return query
    }
    // A page of judgments comes as one row of JSON arrays, a column each (jsonArrayAgg): the
    // drivers' per-row handover was most of a million-judgment report's reading time. The
    // aggregates read the page's rows in the page's order, so entry k of every array is row k.
    const judgmentPage = (from: number, to: number) =>
      this.pageColumns(
        db.selectFrom(
          judgmentsAfter(from)
            .where('id', '<=', to)
            .select(['id', 'itemId', 'labelerId', 'durationMs', verdictText.as('verdict'), codeWithPosition.as('code')])
            .orderBy('id')
            .as('page'),
        )
          .select([
            jsonArrayAgg<number>(provider, 'id').as('ids'),
            jsonArrayAgg<number>(provider, 'itemId').as('itemIds'),
            jsonArrayAgg<number>(provider, 'labelerId').as('labelerIds'),
            jsonArrayAgg<number | null>(provider, 'durationMs').as('durations'),
            jsonArrayAgg<string | null>(provider, 'verdict').as('verdicts'),
            jsonArrayAgg<number>(provider, 'code').as('codes'),
          ]),
      )
    const span = await this.idSpan('Judgment', projectId)
    const builder = new JudgmentColumnsBuilder(span === null ? 1 : Math.min(span.last - span.first + 1, MOST_PRESIZED))
    const columns = builder.columns
    const rankings = sameJson<string[]>()
    // Judgments whose marks or placement are read again below (a few): id → judgment index.
    const flawed = new Map<number, number>()
    const unplaced = new Map<number, number>()
    for await (const page of idRangePages(judgmentPage, span, this.pages.judgments)) {
      const { ids, itemIds, labelerIds, durations, verdicts, codes } = page
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!
        const packed = codes[k]!
        const position = (packed % POSITIONS) - 1
        const code = Math.floor(packed / POSITIONS)
        const kind = Math.floor(code / MARKS)
        const j = builder.add(id, itemIds[k]!, labelerIds[k]!, kind)
        const verdict = verdicts[k] ?? null
        if (kind === PAIRWISE) {
          columns.choice[j] = verdict
          columns.choicePosition[j] = position
          if (position < 0 && verdict !== null && verdict !== TIE && verdict !== BOTH_BAD) unplaced.set(id, j)
        } else if (kind === RANKING) {
          if (verdict) columns.rankings.set(j, rankings.get(verdict))
        } else if (kind === LIKERT) {
          if (verdict !== null) columns.rating[j] = Number(verdict)
        }
        if (code & FLAGGED) columns.flagged[j] = 1
        const duration = durations[k]
        if (duration != null) columns.durationMs[j] = duration
        if (code & FLAWED) flawed.set(id, j)
      }
    }
    if (flawed.size > 0) {
      for (const row of await judgmentsAfter(0).select(['id', 'flaws']).where('flaws', 'is not', null).execute()) {
        const j = flawed.get(row.id)
        if (j !== undefined) columns.flaws.set(j, JSON.parse(row.flaws!) as Record<string, FlawKind[]>)
      }
    }
    if (unplaced.size > 0) {
      const orders = sameJson<string[]>()
      for (const row of await judgmentsAfter(0).select(['id', 'displayOrder']).where('kind', '=', 'pairwise').where('choicePosition', 'is', null).where('choice', 'not in', [TIE, BOTH_BAD]).execute()) {
        const j = unplaced.get(row.id)
        if (j !== undefined) columns.displayOrders.set(j, orders.get(row.displayOrder))
      }
    }
    return builder.finish()
  }
}

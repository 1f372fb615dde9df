// Reads a project's items and judgments for the quality engine (report, digest). A report over a
// million judgments cannot afford to hold the driver's rows and the engine's input at once: this
// reads keyset pages (bulk-reader.ts) and turns each page into the engine's compact input before
// the next one is read, so only one page of raw rows is ever alive.
import { sql } from 'kysely'
import { BOTH_BAD, TIE, type QualityItem, type QualityJudgment, type QualityLabeler, type JudgmentKind } from '../quality/types'
import type { Database, Kdb } from './database'
import { beforeFirstItem, keysetPages, projectItems } from './bulk-reader'
import { arrayRows } from './sql'
import { fromJson } from './json'
import type { Message, StoredResponse } from '../core/task-types'
import { measureItem, type ItemMeasures } from '../core/item-measures'

/** Everything the quality engine needs about one project. */
export interface QualityData {
  items: QualityItem[]
  labelers: QualityLabeler[]
  judgments: QualityJudgment[]
  /** Per-item redundancy target (the dispute rule needs "full redundancy"). */
  targets: Map<number, number>
}

// Small pages: a page of raw rows is garbage as soon as it becomes engine input, and at 100,000
// rows that transient pushed a million-judgment report past 1 GiB.
const PAGE = 20_000

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

/** Judgment kinds by their place in `judgmentCode`. */
export const JUDGMENT_KINDS = ['pairwise', 'ranking', 'likert', 'dimensions', 'sft', 'sft_review'] as const satisfies readonly JudgmentKind[]

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

/** The display order of a judgment whose choice position is known (the reader leaves it unread). */
const NOT_READ: string[] = Object.freeze([]) as unknown as string[]

export class QualityReader {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** Reads one project's quality data; `since` keeps judgments recorded from then on, `until` those before. */
  async read(projectId: number, options: { since?: Date; until?: Date } = {}): Promise<QualityData> {
    // The reads overlap: on PostgreSQL one page is fetched while another is being folded, a few
    // percent of a million-judgment report (SQLite's one connection simply alternates them).
    const [{ items, targets }, judgments, labelers] = await Promise.all([this.readItems(projectId), this.readJudgments(projectId, options), this.readLabelers()])
    return { items, labelers, judgments, targets }
  }

  private async readLabelers(): Promise<QualityLabeler[]> {
    return (await this.database.db.selectFrom('Labeler').select(['id', 'displayName']).execute()).map((l) => ({ id: l.id, name: l.displayName }))
  }

  private async readItems(projectId: number): Promise<Pick<QualityData, 'items' | 'targets'>> {
    const { db } = this.database
    const items: QualityItem[] = []
    const targets = new Map<number, number>()
    // The engine needs the texts' sizes, not the texts: they are stored with each item (`measures`).
    // An item written before they were is handed over with its texts, and measured here.
    type ItemRow = [id: number, externalId: string | null, type: string, domain: string | null, gold: string | null, verdict: string | null, target: number, measures: string | null, responses: string | null, messages: string | null]
    const itemPage = (after: number, limit: number) =>
      arrayRows<ItemRow>(db, engineItems(db, projectId, after).select(['id', 'externalId', 'type', 'domain', 'gold', 'verdict', 'target', 'measures', unlessMeasured('responses'), unlessMeasured('messages')]).limit(limit))
    const kinds = sameString()
    const models = sameString()
    for await (const page of keysetPages(itemPage, (row) => row[0], PAGE, await beforeFirstItem(db, projectId))) {
      for (const [id, externalId, type, domain, gold, verdict, target, stored, responses, messages] of page) {
        const settled = verdict ?? gold
        const measures = stored ? (JSON.parse(stored) as ItemMeasures) : measureItem(fromJson<Message[]>(messages, []), fromJson<StoredResponse[]>(responses, []))
        const responseLengths: Record<string, number> = {}
        const responseModels: Record<string, string | null> = {}
        for (const response of measures.responses) {
          responseLengths[response.id] = response.characters
          responseModels[response.id] = response.model == null ? null : models.get(response.model)
        }
        const promptLength = measures.prompt
        items.push({
          id,
          externalId,
          kind: kinds.get(type) as JudgmentKind,
          responseLengths,
          responseModels,
          promptLength,
          domain: domain === null ? null : kinds.get(domain),
          gold: settled ? (JSON.parse(settled) as QualityItem['gold']) : null,
        })
        targets.set(id, target)
      }
    }
    return { items, targets }
  }

  private async readJudgments(projectId: number, options: { since?: Date; until?: Date }): Promise<QualityJudgment[]> {
    const { db } = this.database
    const choices = sameString()
    const { since, until } = options
    const judgmentsAfter = (after: number) => {
      let query = db.selectFrom('Judgment').where('projectId', '=', projectId).where('kind', '<>', 'sft_review').where('id', '>', after)
      if (since) query = query.where('createdAt', '>=', since)
      if (until) query = query.where('createdAt', '<', until)
      return query
    }
    // A million of these: each comes as an array of values rather than an object (arrayRows).
    type JudgmentRow = [id: number, itemId: number, labelerId: number, durationMs: number | null, verdict: string | null, code: number]
    const judgmentPage = (after: number, limit: number) =>
      arrayRows<JudgmentRow>(db, judgmentsAfter(after).select(['id', 'itemId', 'labelerId', 'durationMs', verdictText.as('verdict'), codeWithPosition.as('code')]).orderBy('id').limit(limit))
    const judgments: QualityJudgment[] = []
    const flawed = new Map<number, QualityJudgment>()
    // Pairwise choices recorded without their display position (judgments imported from elsewhere):
    // the engine places them by their display order, read after for these few.
    const unplaced = new Map<number, QualityJudgment>()
    for await (const page of keysetPages(judgmentPage, (row) => row[0], PAGE)) {
      for (const [id, itemId, labelerId, durationMs, verdict, packedCode] of page) {
        const packed = Number(packedCode)
        const position = (packed % POSITIONS) - 1
        const code = Math.floor(packed / POSITIONS)
        const kind = JUDGMENT_KINDS[Math.floor(code / MARKS)]!
        const judgment: QualityJudgment = {
          id,
          itemId,
          labelerId,
          kind,
          choice: kind === 'pairwise' && verdict !== null ? choices.get(verdict) : null,
          choicePosition: position < 0 ? null : position,
          ranking: kind === 'ranking' && verdict ? (JSON.parse(verdict) as string[]) : null,
          rating: kind === 'likert' && verdict !== null ? Number(verdict) : null,
          ratings: kind === 'dimensions' && verdict ? (JSON.parse(verdict) as Record<string, number>) : null,
          displayOrder: NOT_READ,
          flaws: null,
          flagged: (code & FLAGGED) !== 0,
          durationMs,
        }
        if (code & FLAWED) flawed.set(id, judgment)
        if (position < 0 && judgment.choice !== null && judgment.choice !== TIE && judgment.choice !== BOTH_BAD) unplaced.set(id, judgment)
        judgments.push(judgment)
      }
    }
    if (flawed.size > 0) {
      for (const row of await judgmentsAfter(0).select(['id', 'flaws']).where('flaws', 'is not', null).execute()) {
        const judgment = flawed.get(row.id)
        if (judgment) judgment.flaws = JSON.parse(row.flaws!) as QualityJudgment['flaws']
      }
    }
    if (unplaced.size > 0) {
      const orders = sameJson<string[]>()
      for (const row of await judgmentsAfter(0).select(['id', 'displayOrder']).where('kind', '=', 'pairwise').where('choicePosition', 'is', null).where('choice', 'not in', [TIE, BOTH_BAD]).execute()) {
        const judgment = unplaced.get(row.id)
        if (judgment) judgment.displayOrder = orders.get(row.displayOrder)
      }
    }
    return judgments
  }
}

// Reads a project's items and judgments for the quality engine (report, digest). A report over a
// million judgments cannot afford to hold the driver's rows and the engine's input at once: this
// reads keyset pages (bulk-reader.ts) and turns each page into the engine's compact input before
// the next one is read, so only one page of raw rows is ever alive.
import type { QualityItem, QualityJudgment, QualityLabeler, JudgmentKind } from '../quality/types'
import type { Database, Kdb } from './database'
import { beforeFirstItem, keysetPages, projectItems } from './bulk-reader'

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

export class QualityReader {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** Reads one project's quality data; `since` keeps judgments recorded from then on, `until` those before. */
  async read(projectId: number, options: { since?: Date; until?: Date } = {}): Promise<QualityData> {
    const { db } = this.database
    const items: QualityItem[] = []
    const targets = new Map<number, number>()
    const itemPage = (after: number, limit: number) =>
      engineItems(db, projectId, after).select(['id', 'externalId', 'type', 'messages', 'responses', 'domain', 'gold', 'verdict', 'target']).limit(limit).execute()
    const kinds = sameString()
    for await (const page of keysetPages(itemPage, (row) => row.id, PAGE, await beforeFirstItem(db, projectId))) {
      for (const row of page) {
        const responses = JSON.parse(row.responses) as { id: string; model: string | null; text: string }[]
        const messages = JSON.parse(row.messages) as { content: string }[]
        const settled = row.verdict ?? row.gold
        const responseLengths: Record<string, number> = {}
        const responseModels: Record<string, string | null> = {}
        for (const r of responses) (responseLengths[r.id] = r.text.length), (responseModels[r.id] = r.model)
        let promptLength = 0
        for (const m of messages) promptLength += m.content.length
        items.push({
          id: row.id,
          externalId: row.externalId,
          kind: kinds.get(row.type) as JudgmentKind,
          responseLengths,
          responseModels,
          promptLength,
          domain: row.domain === null ? null : kinds.get(row.domain),
          gold: settled ? (JSON.parse(settled) as QualityItem['gold']) : null,
        })
        targets.set(row.id, row.target)
      }
    }
    const labelers = (await db.selectFrom('Labeler').select(['id', 'displayName']).execute()).map((l) => ({ id: l.id, name: l.displayName }))

    const { since, until } = options
    const judgmentPage = (after: number, limit: number) => {
      let query = db
        .selectFrom('Judgment')
        .select(['id', 'itemId', 'labelerId', 'kind', 'choice', 'choicePosition', 'ranking', 'rating', 'ratings', 'displayOrder', 'flaws', 'flagged', 'durationMs', 'createdAt'])
        .where('projectId', '=', projectId)
        .where('kind', '<>', 'sft_review')
        .where('id', '>', after)
      if (since) query = query.where('createdAt', '>=', since)
      if (until) query = query.where('createdAt', '<', until)
      return query.orderBy('id').limit(limit).execute()
    }
    const orders = sameJson<string[]>()
    const judgments: QualityJudgment[] = []
    for await (const page of keysetPages(judgmentPage, (row) => row.id, PAGE)) {
      for (const row of page) {
        judgments.push({
          id: row.id,
          itemId: row.itemId,
          labelerId: row.labelerId,
          kind: kinds.get(row.kind) as JudgmentKind,
          choice: row.choice === null ? null : kinds.get(row.choice),
          choicePosition: row.choicePosition,
          ranking: row.ranking ? (JSON.parse(row.ranking) as string[]) : null,
          rating: row.rating,
          ratings: row.ratings ? (JSON.parse(row.ratings) as Record<string, number>) : null,
          displayOrder: orders.get(row.displayOrder),
          flaws: row.flaws ? (JSON.parse(row.flaws) as QualityJudgment['flaws']) : null,
          flagged: row.flagged,
          durationMs: row.durationMs,
          createdAt: row.createdAt.getTime(),
        })
      }
    }
    return { items, labelers, judgments, targets }
  }
}

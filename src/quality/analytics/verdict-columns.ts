// A project's verdicts as flat columns, for consensus over a million judgments without an object
// per judgment. The export's first pass needs only who said what about which item: at a million
// judgments a QualityJudgment object each held several hundred megabytes and was most of the
// export's time (allocation and garbage collection). The store fills these columns a page at a
// time; indexVerdicts turns them into the part of the project index consensus needs.
import type { QualityItem, QualityLabeler } from '../types'
import { grown } from '../judgment-columns'
import { KIND_LIKERT, KIND_OTHER, KIND_PAIRWISE, KIND_RANKING, groupByItem, kindCode, type ProjectIndex, type ProjectList } from './project-index'

/** Pairwise choice codes besides a response's slot (its place in the item's response list). */
export const CHOICE_TIE = 253
export const CHOICE_BOTH_BAD = 254
/** No verdict, or one that names no response of the item. */
export const CHOICE_NONE = 255

/** An item as consensus sees it. */
export type ConsensusItem = Pick<QualityItem, 'id' | 'externalId' | 'kind' | 'gold'>

export { kindCode }

/** Items, then one entry per judgment in every `j…` column (in recording order). */
export interface VerdictColumns {
  items: ConsensusItem[]
  /** Responses of item i are respIds[respStart[i] .. respStart[i+1]), in stored order. */
  respStart: Int32Array
  respIds: string[]
  /** Labeler ids by labeler index. */
  labelerIds: number[]
  /** Judgments held in the columns (they may be longer). */
  count: number
  /** Item index, −1 for an item not read. */
  jItem: Int32Array
  jLabeler: Int32Array
  /** KIND_* of project-index.ts. */
  jKind: Uint8Array
  /** Pairwise: response slot, CHOICE_TIE, CHOICE_BOTH_BAD or CHOICE_NONE. */
  jChoice: Uint8Array
  /** Likert rating 1..7, 0 for none or out of range. */
  jRating: Int8Array
  /** Rankings by judgment index (the only variable-length verdict). */
  rankings: Map<number, readonly string[]>
}

/** Grows judgment columns as pages arrive (doubling), so a reader never needs the count first. */
export class VerdictColumnsBuilder {
  private capacity = 1024
  readonly columns: VerdictColumns

  constructor(items: ConsensusItem[], respStart: Int32Array, respIds: string[]) {
    this.columns = {
      items,
      respStart,
      respIds,
      labelerIds: [],
      count: 0,
      jItem: new Int32Array(this.capacity),
      jLabeler: new Int32Array(this.capacity),
      jKind: new Uint8Array(this.capacity),
      jChoice: new Uint8Array(this.capacity),
      jRating: new Int8Array(this.capacity),
      rankings: new Map(),
    }
  }

  /** Makes room for one more judgment and returns its index. */
  next(): number {
    const c = this.columns
    if (c.count === this.capacity) {
      this.capacity *= 2
      c.jItem = grown(c.jItem, new Int32Array(this.capacity))
      c.jLabeler = grown(c.jLabeler, new Int32Array(this.capacity))
      c.jKind = grown(c.jKind, new Uint8Array(this.capacity))
      c.jChoice = grown(c.jChoice, new Uint8Array(this.capacity))
      c.jRating = grown(c.jRating, new Int8Array(this.capacity))
    }
    return c.count++
  }
}

/** The choice code of a pairwise verdict on item i. */
export function choiceCode(choice: string | null, respIds: readonly string[], start: number, end: number): number {
  if (choice === null) return CHOICE_NONE
  if (choice === 'tie') return CHOICE_TIE
  if (choice === 'both_bad') return CHOICE_BOTH_BAD
  for (let r = start; r < end && r - start < CHOICE_TIE; r++) if (respIds[r] === choice) return r - start
  return CHOICE_NONE
}

/** The part of the project index the consensus reads (tally.ts, dawid-skene.ts, consensus.ts). */
export type ConsensusIndex = Pick<
  ProjectIndex,
  'itemKind' | 'respStart' | 'respIds' | 'itemGoldCat' | 'slots' | 'classes' | 'tieCat' | 'bothBadCat' | 'jItem' | 'jLabeler' | 'jKind' | 'jCat' | 'jRating' | 'byItemStart' | 'byItem'
> & {
  items: readonly ConsensusItem[]
  labelers: readonly Pick<QualityLabeler, 'id'>[]
  /** The ranking of judgment j (ranking judgments only). */
  rankingOf(j: number): readonly string[] | null
}

/**
 * The consensus index of verdict columns: the same categories, judgment order and skipped
 * judgments as indexProject gives for the same project, so consensus results are identical.
 */
export function indexVerdicts(columns: VerdictColumns): ConsensusIndex {
  const { items, respStart, respIds, count: n } = columns
  const itemCount = items.length
  const itemKind = new Uint8Array(itemCount)
  let slots = 2
  for (let i = 0; i < itemCount; i++) {
    itemKind[i] = kindCode(items[i]!.kind)
    const responses = respStart[i + 1]! - respStart[i]!
    if (itemKind[i] === KIND_PAIRWISE && responses > slots) slots = responses
  }
  const tieCat = slots
  const bothBadCat = slots + 1
  const itemGoldCat = new Int16Array(itemCount).fill(-1)
  for (let i = 0; i < itemCount; i++) {
    const winner = items[i]!.gold?.winner
    if (winner === undefined || itemKind[i] !== KIND_PAIRWISE) continue
    itemGoldCat[i] = catOf(choiceCode(winner, respIds, respStart[i]!, respStart[i + 1]!), tieCat, bothBadCat)
  }
  const jItem = new Int32Array(n)
  const jKind = new Uint8Array(n)
  const jCat = new Int16Array(n).fill(-1)
  const jRating = new Int8Array(n)
  for (let j = 0; j < n; j++) {
    const item = columns.jItem[j]!
    const kind = columns.jKind[j]!
    let fits = item >= 0
    if (fits && kind === KIND_PAIRWISE) {
      const cat = catOf(columns.jChoice[j]!, tieCat, bothBadCat)
      fits = cat >= 0
      jCat[j] = cat
    } else if (fits && kind === KIND_LIKERT) {
      fits = columns.jRating[j]! > 0
      jRating[j] = columns.jRating[j]!
    } else if (fits && kind === KIND_RANKING) {
      fits = (columns.rankings.get(j)?.length ?? 0) > 0
    }
    jItem[j] = fits ? item : -1
    jKind[j] = fits ? kind : KIND_OTHER
  }
  const { byItemStart, byItem } = groupByItem(jItem, itemCount)
  return {
    items,
    labelers: columns.labelerIds.map((id) => ({ id })),
    itemKind,
    respStart,
    respIds,
    itemGoldCat,
    slots,
    classes: slots + 2,
    tieCat,
    bothBadCat,
    jItem,
    jLabeler: columns.jLabeler.subarray(0, n),
    jKind,
    jCat,
    jRating,
    byItemStart,
    byItem,
    rankingOf: (j) => columns.rankings.get(j) ?? null,
  }
}

/** The index category of a choice code (−1 for none; a slot beyond the shared ones cannot occur). */
function catOf(code: number, tieCat: number, bothBadCat: number): number {
  return code === CHOICE_TIE ? tieCat : code === CHOICE_BOTH_BAD ? bothBadCat : code === CHOICE_NONE ? -1 : code
}

/** The verdict columns of a project given as objects (simulations and tests; the store fills them directly). */
export function verdictColumnsOf(data: ProjectList): VerdictColumns {
  const respStart = new Int32Array(data.items.length + 1)
  const respIds: string[] = []
  const itemIndex = new Map<number, number>()
  data.items.forEach((item, i) => {
    itemIndex.set(item.id, i)
    respStart[i] = respIds.length
    const ids = Object.keys(item.responseLengths)
    respIds.push(...(ids.length > 0 ? ids : Object.keys(item.responseModels)))
  })
  respStart[data.items.length] = respIds.length
  const builder = new VerdictColumnsBuilder([...data.items], respStart, respIds)
  const c = builder.columns
  const labelerIndex = new Map<number, number>()
  for (const judgment of data.judgments) {
    const j = builder.next()
    const item = itemIndex.get(judgment.itemId) ?? -1
    if (!labelerIndex.has(judgment.labelerId)) labelerIndex.set(judgment.labelerId, c.labelerIds.push(judgment.labelerId) - 1)
    c.jItem[j] = item
    c.jLabeler[j] = labelerIndex.get(judgment.labelerId)!
    c.jKind[j] = kindCode(judgment.kind)
    c.jChoice[j] = item < 0 ? CHOICE_NONE : choiceCode(judgment.choice, respIds, respStart[item]!, respStart[item + 1]!)
    const rating = judgment.rating
    c.jRating[j] = rating !== null && rating >= 1 && rating <= 7 ? Math.round(rating) : 0
    if (judgment.ranking) c.rankings.set(j, judgment.ranking)
  }
  return c
}

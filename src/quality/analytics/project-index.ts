// One pass over the judgments turns the object lists into flat typed arrays grouped by item and by
// labeler. Every analysis then loops over integers: at a million judgments, per-judgment objects,
// Maps and string keys in the inner loops are what make the difference between 1 s and 30 s.
import { BOTH_BAD, TIE, type QualityItem, type QualityJudgment, type QualityLabeler } from '../types'
import { JUDGMENT_KINDS, judgmentColumnsOf, type JudgmentColumns } from '../judgment-columns'

/** What an analysis reads, as the store (judgments in columns) or a simulation (a list) provides it. */
export interface ProjectData {
  items: readonly QualityItem[]
  labelers: readonly QualityLabeler[]
  judgments: readonly QualityJudgment[] | JudgmentColumns
}

/** Project data whose judgments are a list of objects (simulations and tests). */
export type ProjectList = ProjectData & { judgments: readonly QualityJudgment[] }

/** The judgments of project data as columns. */
export function judgmentColumns(data: ProjectData): JudgmentColumns {
  return Array.isArray(data.judgments) ? judgmentColumnsOf(data.judgments) : (data.judgments as JudgmentColumns)
}

/** Judgment kinds the analytics distinguish (the rest count only towards volume and speed). */
export const KIND_OTHER = 0
export const KIND_PAIRWISE = 1
export const KIND_RANKING = 2
export const KIND_LIKERT = 3

/** KIND_* of a judgment or item kind. */
export const kindCode = (kind: string): number =>
  kind === 'pairwise' ? KIND_PAIRWISE : kind === 'ranking' ? KIND_RANKING : kind === 'likert' ? KIND_LIKERT : KIND_OTHER

/** KIND_* by a judgment kind's code (its place in JUDGMENT_KINDS, as `JudgmentColumns.kind` and the store's packed codes hold it). */
export const KIND_OF_JUDGMENT_KIND = Uint8Array.from(JUDGMENT_KINDS, kindCode)

/** The encoded project; array names start with `j` (per judgment), `item` or `resp` (flat per response). */
export interface ProjectIndex {
  data: ProjectData
  /** data.items (what consensus reads of them: id, external id, kind, gold). */
  items: readonly QualityItem[]
  /** The ranking of judgment j (ranking judgments only). */
  rankingOf(j: number): readonly string[] | null
  /** Labelers by index: the given ones, then any id seen only in judgments (named "labeler <id>"). */
  labelers: QualityLabeler[]
  itemIndexById: IdLookup
  labelerIndexById: IdLookup
  itemKind: Uint8Array
  /** Responses of item i are respIds[respStart[i] .. respStart[i+1]): the keys of `responseLengths` (else of `responseModels`). */
  respStart: Int32Array
  respIds: string[]
  respLength: Float64Array
  /** Characters shown with the item: prompt plus every response (the reading-time floor). */
  itemChars: Float64Array
  /** Pairwise gold as a category (see `classes`), −1 when absent. */
  itemGoldCat: Int16Array
  /**
   * Pairwise categories shared by all items, needed by Dawid–Skene: slot k < `slots` is the item's
   * k-th listed response, then tie, then both_bad.
   */
  slots: number
  classes: number
  tieCat: number
  bothBadCat: number
  /** Judgment ids. */
  jId: Float64Array
  jItem: Int32Array
  jLabeler: Int32Array
  jKind: Uint8Array
  /** Pairwise category, −1 when not a (valid) pairwise judgment. */
  jCat: Int16Array
  /** Display position of the chosen response, −1 for none. */
  jPos: Int8Array
  /** 1 chose the longer response, 0 the shorter, −1 not decisive or equal lengths. */
  jLonger: Int8Array
  /** Likert rating 1..7, 0 for none. */
  jRating: Int8Array
  /** 1 faster than the reading floor, 0 plausible, −1 no duration. */
  jTooFast: Int8Array
  jDuration: Float64Array
  jNearMiss: Uint8Array
  jFlagged: Uint8Array
  /** Judgments of item i are byItem[byItemStart[i] .. byItemStart[i+1]). */
  byItemStart: Int32Array
  byItem: Int32Array
  /** All judgments ascending by id (time of recording), and each judgment's place in that order. */
  byId: Int32Array
  jRank: Int32Array
  /** Judgments of labeler l, ascending by judgment id. */
  byLabelerStart: Int32Array
  byLabeler: Int32Array
  /** Critical-flaw marks per response (flat like respIds), and the safety-issue subset. */
  respFlawMarks: Int32Array
  respSafetyMarks: Int32Array
  itemFlagged: Int32Array
  /**
   * Judgments left out of every item-level figure (jItem = −1): unknown item, or an answer that does
   * not fit the item. Counted, never thrown; they still count towards their labeler's volume.
   */
  skipped: number
  readingCharsPerSecond: number
}

/** Options of the encoding pass. */
export interface IndexOptions {
  /** Fastest plausible reading speed; judgments faster than (characters shown / this) seconds count as too fast. */
  readingCharsPerSecond?: number
}

/**
 * Default reading-speed floor: 50 characters per second, about 500 words a minute, twice the mean
 * adult silent reading rate (≈ 238 wpm ≈ 25 chars/s, Brysbaert 2019). A judgment faster than that
 * cannot have read every response fully, as the guide asks, even skimming.
 */
export const DEFAULT_READING_CHARS_PER_SECOND = 50

/**
 * Id → index lookup. Database ids are dense integers, so a flat array beats a Map (hashing 200,000
 * keys a million times was a tenth of the whole analysis); sparse or odd ids fall back to a Map.
 */
export class IdLookup {
  private readonly dense: Int32Array | null
  private readonly map = new Map<number, number>()

  constructor(ids: readonly number[]) {
    let max = -1
    let integers = true
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0) integers = false
      else if (id > max) max = id
    }
    this.dense = integers && max < 4 * ids.length + 1024 ? new Int32Array(max + 1).fill(-1) : null
    ids.forEach((id, index) => this.set(id, index))
  }

  /** The dense table (index by id, −1 for none), or null when ids are sparse; for hot loops. */
  get table(): Int32Array | null {
    return this.dense
  }

  /** Index of an id, or undefined. */
  get(id: number): number | undefined {
    if (this.dense !== null) {
      const index = id >= 0 && id < this.dense.length ? this.dense[id]! : -1
      if (index >= 0) return index
      if (Number.isInteger(id) && id >= 0 && id < this.dense.length) return undefined
    }
    return this.map.get(id)
  }

  /** Records an id's index (ids beyond the dense range go to the Map). */
  set(id: number, index: number): void {
    if (this.dense !== null && Number.isInteger(id) && id >= 0 && id < this.dense.length) this.dense[id] = index
    else this.map.set(id, index)
  }
}

/** Encodes a project once; every analysis function takes the result. */
export function indexProject(data: ProjectData, options: IndexOptions = {}): ProjectIndex {
  const cps = options.readingCharsPerSecond ?? DEFAULT_READING_CHARS_PER_SECOND
  const { items } = data
  const judgments = judgmentColumns(data)
  const itemCount = items.length
  const itemIndexById = new IdLookup(items.map((item) => item.id))
  const itemKind = new Uint8Array(itemCount)
  const respStart = new Int32Array(itemCount + 1)
  const respIds: string[] = []
  const lengths: number[] = []
  const itemChars = new Float64Array(itemCount)
  let slots = 2
  for (let i = 0; i < itemCount; i++) {
    const item = items[i]!
    itemKind[i] = kindCode(item.kind)
    respStart[i] = respIds.length
    let chars = item.promptLength
    // for…in rather than Object.keys: no array per item (200,000 items at the benchmark's size).
    const lengthsOf = item.responseLengths
    for (const id in lengthsOf) {
      const length = lengthsOf[id] ?? 0
      respIds.push(id)
      lengths.push(length)
      chars += length
    }
    if (respIds.length === respStart[i]) for (const id in item.responseModels) respIds.push(id), lengths.push(0)
    itemChars[i] = chars
    const count = respIds.length - respStart[i]!
    if (itemKind[i] === KIND_PAIRWISE && count > slots) slots = count
  }
  respStart[itemCount] = respIds.length
  const respLength = Float64Array.from(lengths)
  const tieCat = slots
  const bothBadCat = slots + 1
  const classes = slots + 2

  const itemGoldCat = new Int16Array(itemCount).fill(-1)
  for (let i = 0; i < itemCount; i++) {
    const winner = items[i]!.gold?.winner
    if (winner === undefined || itemKind[i] !== KIND_PAIRWISE) continue
    itemGoldCat[i] = categoryOf(winner, respIds, respStart[i]!, respStart[i + 1]!, tieCat, bothBadCat)
  }

  const labelers: QualityLabeler[] = [...data.labelers]
  const labelerIndexById = new IdLookup(labelers.map((labeler) => labeler.id))

  const n = judgments.count
  const jId = judgments.id
  const jItem = new Int32Array(n)
  const jLabeler = new Int32Array(n)
  const jKind = new Uint8Array(n)
  const jCat = new Int16Array(n).fill(-1)
  const jPos = new Int8Array(n).fill(-1)
  const jLonger = new Int8Array(n).fill(-1)
  const jRating = new Int8Array(n)
  const jTooFast = new Int8Array(n).fill(-1)
  const jDuration = new Float64Array(n).fill(NaN)
  const jNearMiss = new Uint8Array(n)
  const jFlagged = new Uint8Array(n)
  const respFlawMarks = new Int32Array(respIds.length)
  const respSafetyMarks = new Int32Array(respIds.length)
  const itemFlagged = new Int32Array(itemCount)
  let skipped = 0
  let sortedById = true
  let previousId = -Infinity

  const itemTable = itemIndexById.table
  const labelerTable = labelerIndexById.table
  const { itemId: itemIds, labelerId: labelerIds, kind: kinds, choice: choices, choicePosition: positions, rating: ratings, flagged, durationMs: durations, rankings } = judgments
  for (let j = 0; j < n; j++) {
    const id = jId[j]!
    if (id < previousId) sortedById = false
    previousId = id
    const labelerId = labelerIds[j]!
    let labeler = labelerTable === null ? undefined : labelerTable[labelerId]
    if (labeler === undefined || labeler < 0) labeler = labelerIndexById.get(labelerId)
    if (labeler === undefined) {
      labeler = labelers.length
      labelers.push({ id: labelerId, name: `labeler ${labelerId}` })
      labelerIndexById.set(labelerId, labeler)
    }
    jLabeler[j] = labeler
    const itemId = itemIds[j]!
    let item = itemTable === null ? undefined : itemTable[itemId]
    if (item === undefined || item < 0) item = itemIndexById.get(itemId)
    if (item === undefined) {
      jItem[j] = -1
      skipped++
      continue
    }
    const kind = KIND_OF_JUDGMENT_KIND[kinds[j]!]!
    const start = respStart[item]!
    const end = respStart[item + 1]!
    let cat = -1
    if (kind === KIND_PAIRWISE) {
      const choice = choices[j]
      cat = choice == null ? -1 : categoryOf(choice, respIds, start, end, tieCat, bothBadCat)
    }
    const rating = ratings[j]!
    const fits =
      kind === KIND_PAIRWISE
        ? cat >= 0
        : kind === KIND_LIKERT
          ? rating >= 1 && rating <= 7
          : kind === KIND_RANKING
            ? (rankings.get(j)?.length ?? 0) > 0
            : true
    if (!fits) {
      jItem[j] = -1
      skipped++
      continue
    }
    jItem[j] = item
    jKind[j] = kind
    if (flagged[j]) {
      jFlagged[j] = 1
      itemFlagged[item]!++
    }
    const duration = durations[j]!
    if (Number.isFinite(duration) && duration >= 0) {
      jDuration[j] = duration
      jTooFast[j] = duration < (itemChars[item]! / cps) * 1000 ? 1 : 0
    }
    if (kind === KIND_PAIRWISE) {
      jCat[j] = cat
      if (cat < slots) {
        let position = positions[j]!
        if (position < 0) position = judgments.displayOrders.get(j)?.indexOf(respIds[start + cat]!) ?? -1
        jPos[j] = position
        if (end - start === 2) {
          const mine = respLength[start + cat]!
          const other = respLength[start + 1 - cat]!
          if (mine !== other) jLonger[j] = mine > other ? 1 : 0
        }
      }
    } else if (kind === KIND_LIKERT) {
      jRating[j] = Math.round(rating)
    }
  }
  // Critical-flaw marks: a few judgments have them.
  for (const [j, flaws] of judgments.flaws) {
    const item = jItem[j]!
    if (item < 0) continue
    const start = respStart[item]!
    const end = respStart[item + 1]!
    for (const id in flaws) {
      const marks = flaws[id]
      if (marks === undefined || marks.length === 0) continue
      for (let r = start; r < end; r++) {
        if (respIds[r] !== id) continue
        respFlawMarks[r]!++
        if (marks.includes('safety_issue')) respSafetyMarks[r]!++
      }
    }
    if (isNearMiss(flaws, jKind[j]!, choices[j] ?? null, rankings.get(j) ?? null, respIds, start, end)) jNearMiss[j] = 1
  }

  const { byItemStart, byItem } = groupByItem(jItem, itemCount)

  // A stable counting sort by labeler keeps id order when the input already is in id order (the
  // store returns it so); otherwise sort once by id first.
  const byId = new Int32Array(n)
  for (let j = 0; j < n; j++) byId[j] = j
  if (!sortedById) byId.sort((a, b) => jId[a]! - jId[b]!)
  const jRank = new Int32Array(n)
  for (let r = 0; r < n; r++) jRank[byId[r]!] = r
  const labelerCount = labelers.length
  const byLabelerStart = new Int32Array(labelerCount + 1)
  for (let j = 0; j < n; j++) byLabelerStart[jLabeler[j]! + 1]!++
  for (let l = 0; l < labelerCount; l++) byLabelerStart[l + 1]! += byLabelerStart[l]!
  const byLabeler = new Int32Array(n)
  const labelerFill = byLabelerStart.slice(0, labelerCount)
  for (let r = 0; r < n; r++) {
    const j = byId[r]!
    byLabeler[labelerFill[jLabeler[j]!]!++] = j
  }

  return {
    data,
    items,
    rankingOf: (j) => rankings.get(j) ?? null,
    labelers,
    itemIndexById,
    labelerIndexById,
    itemKind,
    respStart,
    respIds,
    respLength,
    itemChars,
    itemGoldCat,
    slots,
    classes,
    tieCat,
    bothBadCat,
    jId,
    jItem,
    jLabeler,
    jKind,
    jCat,
    jPos,
    jLonger,
    jRating,
    jTooFast,
    jDuration,
    jNearMiss,
    jFlagged,
    byItemStart,
    byItem,
    byId,
    jRank,
    byLabelerStart,
    byLabeler,
    respFlawMarks,
    respSafetyMarks,
    itemFlagged,
    skipped,
    readingCharsPerSecond: cps,
  }
}

/** Judgments grouped by item, in their order (a counting sort): item i's are byItem[byItemStart[i] .. byItemStart[i+1]). */
export function groupByItem(jItem: Int32Array, itemCount: number): { byItemStart: Int32Array; byItem: Int32Array } {
  const byItemStart = new Int32Array(itemCount + 1)
  for (let j = 0; j < jItem.length; j++) if (jItem[j]! >= 0) byItemStart[jItem[j]! + 1]!++
  for (let i = 0; i < itemCount; i++) byItemStart[i + 1]! += byItemStart[i]!
  const byItem = new Int32Array(byItemStart[itemCount]!)
  const fill = byItemStart.slice(0, itemCount)
  for (let j = 0; j < jItem.length; j++) {
    const item = jItem[j]!
    if (item >= 0) byItem[fill[item]!++] = j
  }
  return { byItemStart, byItem }
}

/** Pairwise category of a verdict on the item whose responses are respIds[start..end), −1 if unknown. */
export function categoryOf(choice: string, respIds: readonly string[], start: number, end: number, tieCat: number, bothBadCat: number): number {
  if (choice === TIE) return tieCat
  if (choice === BOTH_BAD) return bothBadCat
  for (let r = start; r < end; r++) if (respIds[r] === choice) return r - start
  return -1
}

/** The verdict a pairwise category stands for on an item. */
export function categoryLabel(index: Pick<ProjectIndex, 'tieCat' | 'bothBadCat' | 'respIds' | 'respStart'>, item: number, cat: number): string {
  if (cat === index.tieCat) return TIE
  if (cat === index.bothBadCat) return BOTH_BAD
  return index.respIds[index.respStart[item]! + cat] ?? `response ${cat + 1}`
}

// Same rule as the bot's safety floor: a response the labeler marked with a critical flaw was
// preferred to, tied with, or ranked above one they did not mark.
function isNearMiss(flaws: Record<string, unknown[]>, kind: number, choice: string | null, ranking: readonly string[] | null, respIds: readonly string[], start: number, end: number): boolean {
  const responses = respIds.slice(start, end)
  const flawed = (id: string): boolean => (flaws[id]?.length ?? 0) > 0
  const clean = responses.filter((id) => !flawed(id))
  if (clean.length === 0 || clean.length === responses.length) return false
  if (kind === KIND_PAIRWISE) {
    if (choice === TIE) return true
    return choice !== null && choice !== BOTH_BAD && flawed(choice)
  }
  if (kind === KIND_RANKING && ranking !== null) {
    const lastClean = Math.max(...clean.map((id) => ranking.indexOf(id)))
    for (let r = 0; r < lastClean; r++) if (flawed(ranking[r]!)) return true
  }
  return false
}

// Per-item tallies every analysis starts from: pairwise verdict counts, Borda points and ranked-first
// counts for rankings, Likert rating counts; and the small readers of them (median, top category).
import { KIND_LIKERT, KIND_PAIRWISE, KIND_RANKING } from './project-index'
import type { ConsensusIndex } from './verdict-columns'

/** Per-item counts every analysis starts from, computed once. */
export interface ItemTallies {
  /** Pairwise verdict counts, item-major: counts[item * classes + category]. */
  pairCounts: Int32Array
  pairN: Int32Array
  /** Borda points per response (flat like respIds) and how often each response was ranked first. */
  borda: Float64Array
  rankedFirst: Int32Array
  rankingN: Int32Array
  /** Likert rating counts, ratingCounts[item * 8 + rating] for ratings 1..7. */
  ratingCounts: Int32Array
  likertN: Int32Array
}

/** Points a ranking gives each response: R − 1 − position (Borda); unlisted responses get none. */
export function bordaPoints(ranking: readonly string[], respIds: readonly string[], start: number, end: number, out: Float64Array): void {
  const count = end - start
  out.fill(0, 0, count)
  for (let position = 0; position < ranking.length; position++) {
    const id = ranking[position]
    for (let r = start; r < end; r++) {
      if (respIds[r] === id) {
        out[r - start] = count - 1 - position
        break
      }
    }
  }
}

/** Counts pairwise verdicts, Borda points and Likert ratings per item. */
export function tallyItems(index: ConsensusIndex): ItemTallies {
  const itemCount = index.itemKind.length
  const { classes, respStart, respIds, jItem, jKind, jCat, jRating } = index
  const pairCounts = new Int32Array(itemCount * classes)
  const pairN = new Int32Array(itemCount)
  const borda = new Float64Array(respIds.length)
  const rankedFirst = new Int32Array(respIds.length)
  const rankingN = new Int32Array(itemCount)
  const ratingCounts = new Int32Array(itemCount * 8)
  const likertN = new Int32Array(itemCount)
  const points = new Float64Array(64)
  for (let j = 0; j < jItem.length; j++) {
    const item = jItem[j]!
    if (item < 0) continue
    const kind = jKind[j]!
    if (kind === KIND_PAIRWISE) {
      pairCounts[item * classes + jCat[j]!]!++
      pairN[item]!++
    } else if (kind === KIND_LIKERT) {
      ratingCounts[item * 8 + jRating[j]!]!++
      likertN[item]!++
    } else if (kind === KIND_RANKING) {
      const start = respStart[item]!
      const end = respStart[item + 1]!
      const ranking = index.rankingOf(j)!
      bordaPoints(ranking, respIds, start, end, points)
      for (let r = start; r < end; r++) borda[r]! += points[r - start]!
      const top = ranking[0]
      for (let r = start; r < end; r++) if (respIds[r] === top) rankedFirst[r]!++
      rankingN[item]!++
    }
  }
  return { pairCounts, pairN, borda, rankedFirst, rankingN, ratingCounts, likertN }
}

/** The k-th smallest (0-based) of a multiset of ratings 1..7 given by counts at counts[offset + r]. */
export function ratingKth(counts: ArrayLike<number>, offset: number, k: number): number {
  let seen = 0
  for (let r = 1; r <= 7; r++) {
    seen += counts[offset + r]!
    if (seen > k) return r
  }
  return 7
}

/** Median of a rating multiset of size n held as counts (NaN when empty). */
export function ratingMedian(counts: ArrayLike<number>, offset: number, n: number): number {
  if (n <= 0) return NaN
  const mid = n >> 1
  return n % 2 === 1 ? ratingKth(counts, offset, mid) : (ratingKth(counts, offset, mid - 1) + ratingKth(counts, offset, mid)) / 2
}

/** Top category of counts[offset .. offset + size): index, count, runner-up count; index −1 on a tie at the top. */
export function topOf(counts: ArrayLike<number>, offset: number, size: number): { index: number; top: number; second: number } {
  let index = -1
  let top = 0
  let second = 0
  for (let c = 0; c < size; c++) {
    const value = counts[offset + c]!
    if (value > top) {
      second = top
      top = value
      index = c
    } else if (value === top) {
      second = value
      index = -1
    } else if (value > second) second = value
  }
  return { index: top === 0 ? -1 : index, top, second }
}

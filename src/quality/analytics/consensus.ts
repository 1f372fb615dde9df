// Consensus per item: majority vote (pairwise categories, Borda for rankings, median for Likert),
// Dawid–Skene for pairwise verdicts, and gold or a lead's verdict above both.
import type { JudgmentKind } from '../types'
import {
  KIND_LIKERT,
  KIND_PAIRWISE,
  KIND_RANKING,
  categoryLabel,
  categoryOf,
  indexProject,
  type IndexOptions,
  type ProjectData,
  type ProjectIndex,
} from './project-index'

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
export function tallyItems(index: ProjectIndex): ItemTallies {
  const itemCount = index.itemKind.length
  const { classes, respStart, respIds, jItem, jKind, jCat, jRating } = index
  const judgments = index.data.judgments
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
      const ranking = judgments[j]!.ranking!
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

/** Options of Dawid–Skene. */
export interface DawidSkeneOptions {
  /** EM iterations at most (default 50). */
  maxIterations?: number
  /** Stop when no posterior moves by more than this (default 1e-4). */
  tolerance?: number
  /** Dirichlet pseudo-count added to every confusion cell and class prior (default 1). */
  smoothing?: number
}

/** Raw Dawid–Skene fit over the pairwise items, on the index's categories. */
export interface DawidSkeneFit {
  /** Item indices fitted, and posterior[p * classes + k] for the p-th of them. */
  items: Int32Array
  posterior: Float64Array
  /** confusion[(labeler * classes + true) * classes + observed]: P(labeler says observed | truth). */
  confusion: Float64Array
  priors: Float64Array
  iterations: number
  converged: boolean
}

/**
 * Dawid & Skene (1979) EM over pairwise verdicts: each labeler gets a confusion matrix over the
 * categories (response slot 1, response slot 2, tie, both_bad), items get a posterior over the true
 * category, and reliable labelers weigh more. Starts from the majority-vote shares; gold items are
 * clamped to their gold category, so they anchor every labeler's matrix.
 */
export function fitDawidSkene(index: ProjectIndex, tallies: ItemTallies, options: DawidSkeneOptions = {}): DawidSkeneFit {
  const maxIterations = options.maxIterations ?? 50
  const tolerance = options.tolerance ?? 1e-4
  const alpha = options.smoothing ?? 1
  const K = index.classes
  const L = index.labelers.length
  const { pairCounts, pairN } = tallies
  const { byItemStart, byItem, jCat, jLabeler, jKind, respStart, itemGoldCat, slots } = index
  const itemList: number[] = []
  for (let i = 0; i < pairN.length; i++) if (pairN[i]! > 0) itemList.push(i)
  const items = Int32Array.from(itemList)
  const P = items.length
  const posterior = new Float64Array(P * K)
  const valid = new Uint8Array(P * K)
  for (let p = 0; p < P; p++) {
    const item = items[p]!
    const responses = respStart[item + 1]! - respStart[item]!
    for (let k = 0; k < K; k++) valid[p * K + k] = k >= slots || k < responses ? 1 : 0
    const gold = itemGoldCat[item]!
    let sum = 0
    for (let k = 0; k < K; k++) {
      const v = valid[p * K + k] ? (gold >= 0 ? (k === gold ? 1 : 0) : pairCounts[item * K + k]! + 0.01) : 0
      posterior[p * K + k] = v
      sum += v
    }
    for (let k = 0; k < K; k++) posterior[p * K + k]! /= sum
  }
  // The pairwise judgments of the fitted items, contiguous and in item order, each reduced to its
  // offset in a transposed confusion array, counts[(labeler·K + observed)·K + true]: the EM inner
  // loops over the true class then read and write K adjacent numbers.
  const judgmentStart = new Int32Array(P + 1)
  let total = 0
  for (let p = 0; p < P; p++) {
    judgmentStart[p] = total
    total += pairN[items[p]!]!
  }
  judgmentStart[P] = total
  const offsets = new Int32Array(total)
  for (let p = 0, w = 0; p < P; p++) {
    const item = items[p]!
    for (let r = byItemStart[item]!; r < byItemStart[item + 1]!; r++) {
      const j = byItem[r]!
      if (jKind[j] === KIND_PAIRWISE) offsets[w++] = (jLabeler[j]! * K + jCat[j]!) * K
    }
  }
  const counts = new Float64Array(L * K * K)
  const confusion = new Float64Array(L * K * K)
  const logConfusion = new Float64Array(L * K * K)
  const priors = new Float64Array(K)
  const logPriors = new Float64Array(K)
  const scores = new Float64Array(K)
  let iterations = 0
  let converged = false
  while (iterations < maxIterations && !converged) {
    iterations++
    // M-step: priors and confusion matrices from the current soft labels.
    counts.fill(alpha)
    priors.fill(alpha)
    for (let p = 0; p < P; p++) {
      const row = p * K
      for (let k = 0; k < K; k++) priors[k]! += posterior[row + k]!
      for (let r = judgmentStart[p]!; r < judgmentStart[p + 1]!; r++) {
        const base = offsets[r]!
        for (let k = 0; k < K; k++) counts[base + k]! += posterior[row + k]!
      }
    }
    let priorSum = 0
    for (let k = 0; k < K; k++) priorSum += priors[k]!
    for (let k = 0; k < K; k++) logPriors[k] = Math.log(priors[k]! / priorSum)
    for (let l = 0; l < L; l++) {
      for (let k = 0; k < K; k++) {
        let sum = 0
        for (let c = 0; c < K; c++) sum += counts[(l * K + c) * K + k]!
        for (let c = 0; c < K; c++) {
          const value = counts[(l * K + c) * K + k]! / sum
          confusion[(l * K + k) * K + c] = value
          logConfusion[(l * K + c) * K + k] = Math.log(value)
        }
      }
    }
    // E-step: posterior over the true category of each item.
    let maxChange = 0
    for (let p = 0; p < P; p++) {
      const row = p * K
      if (itemGoldCat[items[p]!]! >= 0) continue
      for (let k = 0; k < K; k++) scores[k] = valid[row + k] ? logPriors[k]! : -Infinity
      for (let r = judgmentStart[p]!; r < judgmentStart[p + 1]!; r++) {
        const base = offsets[r]!
        for (let k = 0; k < K; k++) scores[k]! += logConfusion[base + k]!
      }
      let best = -Infinity
      for (let k = 0; k < K; k++) if (scores[k]! > best) best = scores[k]!
      let sum = 0
      for (let k = 0; k < K; k++) {
        const e = Math.exp(scores[k]! - best)
        scores[k] = e
        sum += e
      }
      for (let k = 0; k < K; k++) {
        const value = scores[k]! / sum
        const change = Math.abs(value - posterior[row + k]!)
        if (change > maxChange) maxChange = change
        posterior[row + k] = value
      }
    }
    converged = maxChange < tolerance
  }
  return { items, posterior, confusion, priors: priors.map((v, _, all) => v / all.reduce((a, b) => a + b, 0)), iterations, converged }
}

/** A labeler as Dawid–Skene sees them. */
export interface DawidSkeneLabeler {
  labelerId: number
  /** Estimated probability of giving the true verdict: Σ prior(k) · P(says k | truth k). */
  accuracy: number
  /** confusion[true][observed] over `classes`. */
  confusion: number[][]
}

/** Dawid–Skene result in report terms. */
export interface DawidSkeneResult {
  /** Category names: the item's first and second listed response, then tie and both_bad. */
  classes: string[]
  priors: number[]
  iterations: number
  converged: boolean
  labelers: DawidSkeneLabeler[]
  items: { itemId: number; winner: string; posterior: number }[]
}

/** Names of the shared pairwise categories. */
export function classNames(index: ProjectIndex): string[] {
  const names: string[] = []
  for (let k = 0; k < index.slots; k++) names.push(`response ${k + 1} (as listed)`)
  names.push('tie', 'both_bad')
  return names
}

/** Per-labeler accuracy and matrices of a fit (labelers with no pairwise judgment are left out). */
export function dawidSkeneLabelers(index: ProjectIndex, fit: DawidSkeneFit): DawidSkeneLabeler[] {
  const K = index.classes
  const seen = new Uint8Array(index.labelers.length)
  for (let j = 0; j < index.jKind.length; j++) if (index.jKind[j] === KIND_PAIRWISE) seen[index.jLabeler[j]!] = 1
  const result: DawidSkeneLabeler[] = []
  for (let l = 0; l < index.labelers.length; l++) {
    if (!seen[l]) continue
    const confusion: number[][] = []
    let accuracy = 0
    for (let k = 0; k < K; k++) {
      const row = Array.from(fit.confusion.subarray((l * K + k) * K, (l * K + k + 1) * K))
      confusion.push(row)
      accuracy += fit.priors[k]! * row[k]!
    }
    result.push({ labelerId: index.labelers[l]!.id, accuracy, confusion })
  }
  return result
}

/** Dawid–Skene over a project's pairwise judgments. */
export function dawidSkene(data: ProjectData, options: DawidSkeneOptions = {}): DawidSkeneResult {
  const index = indexProject(data)
  const fit = fitDawidSkene(index, tallyItems(index), options)
  const K = index.classes
  const items: DawidSkeneResult['items'] = []
  for (let p = 0; p < fit.items.length; p++) {
    const item = fit.items[p]!
    let best = 0
    for (let k = 1; k < K; k++) if (fit.posterior[p * K + k]! > fit.posterior[p * K + best]!) best = k
    items.push({ itemId: data.items[item]!.id, winner: categoryLabel(index, item, best), posterior: fit.posterior[p * K + best]! })
  }
  return {
    classes: classNames(index),
    priors: Array.from(fit.priors),
    iterations: fit.iterations,
    converged: fit.converged,
    labelers: dawidSkeneLabelers(index, fit),
    items,
  }
}

/** How an item's consensus was reached. */
export type ConsensusMethod = 'gold' | 'dawid_skene' | 'majority' | 'borda' | 'median' | 'none'

/** One item's consensus and the counts behind it. */
export interface ItemConsensus {
  itemId: number
  externalId: string | null
  kind: JudgmentKind
  /** Judgments counted. */
  judgments: number
  method: ConsensusMethod
  /** Pairwise verdict (response id, 'tie' or 'both_bad') or the consensus ranking's top response. */
  winner: string | null
  ranking: string[] | null
  rating: number | null
  /** Share supporting the majority view: top category, ranked-first share of the Borda winner, Likert within tolerance of the median. */
  share: number
  /** Majority view (plurality category, Borda winner or median), kept when gold or Dawid–Skene decide; null on an exact tie. */
  majority: string | null
  /** Dawid–Skene posterior of the winner (pairwise without gold), else null. */
  posterior: number | null
  /** Counts: pairwise verdicts, ranked-first responses, or Likert ratings. */
  split: Record<string, number>
}

/** Options of the consensus. */
export interface ConsensusOptions extends DawidSkeneOptions, IndexOptions {
  /** Likert ratings within this distance of the median agree with it (default 1). */
  likertTolerance?: number
  /** Use Dawid–Skene for pairwise items (default true); majority otherwise. */
  dawidSkene?: boolean
}

/** Builds per-item consensus from tallies and an optional Dawid–Skene fit; gold overrides both. */
export function buildConsensus(index: ProjectIndex, tallies: ItemTallies, fit: DawidSkeneFit | null, options: ConsensusOptions = {}): ItemConsensus[] {
  const tolerance = options.likertTolerance ?? 1
  const K = index.classes
  const items = index.data.items
  const fitRow = new Int32Array(items.length).fill(-1)
  if (fit !== null) for (let p = 0; p < fit.items.length; p++) fitRow[fit.items[p]!] = p
  const result: ItemConsensus[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const start = index.respStart[i]!
    const end = index.respStart[i + 1]!
    const base: ItemConsensus = {
      itemId: item.id,
      externalId: item.externalId,
      kind: item.kind,
      judgments: 0,
      method: 'none',
      winner: null,
      ranking: null,
      rating: null,
      share: 0,
      majority: null,
      posterior: null,
      split: {},
    }
    const pairN = tallies.pairN[i]!
    const rankingN = tallies.rankingN[i]!
    const likertN = tallies.likertN[i]!
    if (pairN >= rankingN && pairN >= likertN && pairN > 0) {
      base.judgments = pairN
      for (let c = 0; c < K; c++) {
        const count = tallies.pairCounts[i * K + c]!
        if (count > 0) base.split[categoryLabel(index, i, c)] = count
      }
      const top = topOf(tallies.pairCounts, i * K, K)
      base.share = top.top / pairN
      base.majority = top.index >= 0 ? categoryLabel(index, i, top.index) : null
      base.winner = base.majority
      base.method = base.majority === null ? 'none' : 'majority'
      const row = fitRow[i]!
      if (fit !== null && row >= 0) {
        let best = 0
        for (let k = 1; k < K; k++) if (fit.posterior[row * K + k]! > fit.posterior[row * K + best]!) best = k
        base.winner = categoryLabel(index, i, best)
        base.posterior = fit.posterior[row * K + best]!
        base.method = 'dawid_skene'
      }
    } else if (rankingN >= likertN && rankingN > 0) {
      base.judgments = rankingN
      const order: number[] = []
      for (let r = start; r < end; r++) order.push(r)
      order.sort((a, b) => tallies.borda[b]! - tallies.borda[a]!)
      base.ranking = order.map((r) => index.respIds[r]!)
      const first = order[0]
      const second = order[1]
      const clear = first !== undefined && (second === undefined || tallies.borda[first]! > tallies.borda[second]!)
      base.majority = clear ? index.respIds[first]! : null
      base.winner = base.majority
      base.share = first === undefined ? 0 : tallies.rankedFirst[first]! / rankingN
      for (let r = start; r < end; r++) if (tallies.rankedFirst[r]! > 0) base.split[index.respIds[r]!] = tallies.rankedFirst[r]!
      base.method = 'borda'
    } else if (likertN > 0) {
      base.judgments = likertN
      const median = ratingMedian(tallies.ratingCounts, i * 8, likertN)
      let within = 0
      for (let r = 1; r <= 7; r++) {
        const count = tallies.ratingCounts[i * 8 + r]!
        if (count > 0) base.split[String(r)] = count
        if (Math.abs(r - median) <= tolerance) within += count
      }
      base.rating = median
      base.share = within / likertN
      base.method = 'median'
    }
    const gold = item.gold
    if (gold !== null) {
      if (gold.winner !== undefined && categoryOf(gold.winner, index.respIds, start, end, index.tieCat, index.bothBadCat) >= 0) {
        base.winner = gold.winner
        base.posterior = null
        base.method = 'gold'
      } else if (gold.ranking !== undefined && gold.ranking.length > 0) {
        base.ranking = [...gold.ranking]
        base.winner = gold.ranking[0]!
        base.method = 'gold'
      } else if (gold.rating !== undefined) {
        base.rating = gold.rating
        base.method = 'gold'
      }
    }
    result.push(base)
  }
  return result
}

/** Consensus of every item of a project (gold first, then Dawid–Skene for pairwise, else majority / Borda / median). */
export function itemConsensus(data: ProjectData, options: ConsensusOptions = {}): ItemConsensus[] {
  const index = indexProject(data, options)
  const tallies = tallyItems(index)
  const fit = options.dawidSkene === false ? null : fitDawidSkene(index, tallies, options)
  return buildConsensus(index, tallies, fit, options)
}

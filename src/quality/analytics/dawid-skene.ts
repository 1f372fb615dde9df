// Dawid & Skene (1979) over pairwise verdicts: a confusion matrix per labeler and a posterior over
// the true category per item, fitted by EM from the tallies' majority shares.
import { BOTH_BAD, TIE } from '../types'
import { KIND_PAIRWISE, categoryLabel, indexProject, type ProjectData, type ProjectIndex } from './project-index'
import { tallyItems, type ItemTallies } from './tally'
import type { ConsensusIndex } from './verdict-columns'

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
export function fitDawidSkene(index: ConsensusIndex, tallies: ItemTallies, options: DawidSkeneOptions = {}): DawidSkeneFit {
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
    if (K === 4) accumulate4(P, posterior, judgmentStart, offsets, counts, priors)
    else accumulate(K, P, posterior, judgmentStart, offsets, counts, priors)
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
    const fixed = (p: number) => itemGoldCat[items[p]!]! >= 0
    const maxChange = K === 4 ? expect4(P, fixed, valid, logPriors, judgmentStart, offsets, logConfusion, posterior) : expect(K, P, fixed, valid, logPriors, judgmentStart, offsets, logConfusion, posterior, scores)
    converged = maxChange < tolerance
  }
  return { items, posterior, confusion, priors: priors.map((v, _, all) => v / all.reduce((a, b) => a + b, 0)), iterations, converged }
}

// The EM's two passes over every judgment, generic in the number of categories K and written out
// for K = 4 (two responses, tie, both bad: nearly every project), where the category loops become
// four locals: a third of the export's CPU time at a million judgments was here. Both do the same
// additions in the same order, so the fit is identical to the last bit.

/** M-step sums: priors[k] and counts[offset + k] += each fitted item's posterior. */
function accumulate(K: number, P: number, posterior: Float64Array, judgmentStart: Int32Array, offsets: Int32Array, counts: Float64Array, priors: Float64Array): void {
  for (let p = 0; p < P; p++) {
    const row = p * K
    for (let k = 0; k < K; k++) priors[k]! += posterior[row + k]!
    for (let r = judgmentStart[p]!; r < judgmentStart[p + 1]!; r++) {
      const base = offsets[r]!
      for (let k = 0; k < K; k++) counts[base + k]! += posterior[row + k]!
    }
  }
}

function accumulate4(P: number, posterior: Float64Array, judgmentStart: Int32Array, offsets: Int32Array, counts: Float64Array, priors: Float64Array): void {
  let q0 = priors[0]!
  let q1 = priors[1]!
  let q2 = priors[2]!
  let q3 = priors[3]!
  for (let p = 0; p < P; p++) {
    const row = p * 4
    const p0 = posterior[row]!
    const p1 = posterior[row + 1]!
    const p2 = posterior[row + 2]!
    const p3 = posterior[row + 3]!
    q0 += p0
    q1 += p1
    q2 += p2
    q3 += p3
    const end = judgmentStart[p + 1]!
    for (let r = judgmentStart[p]!; r < end; r++) {
      const base = offsets[r]!
      counts[base]! += p0
      counts[base + 1]! += p1
      counts[base + 2]! += p2
      counts[base + 3]! += p3
    }
  }
  priors[0] = q0
  priors[1] = q1
  priors[2] = q2
  priors[3] = q3
}

/** E-step: each fitted item's posterior from the priors and the log confusion of its verdicts; returns the largest change. */
function expect(K: number, P: number, fixed: (p: number) => boolean, valid: Uint8Array, logPriors: Float64Array, judgmentStart: Int32Array, offsets: Int32Array, logConfusion: Float64Array, posterior: Float64Array, scores: Float64Array): number {
  let maxChange = 0
  for (let p = 0; p < P; p++) {
    const row = p * K
    if (fixed(p)) continue
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
  return maxChange
}

function expect4(P: number, fixed: (p: number) => boolean, valid: Uint8Array, logPriors: Float64Array, judgmentStart: Int32Array, offsets: Int32Array, logConfusion: Float64Array, posterior: Float64Array): number {
  let maxChange = 0
  const l0 = logPriors[0]!
  const l1 = logPriors[1]!
  const l2 = logPriors[2]!
  const l3 = logPriors[3]!
  for (let p = 0; p < P; p++) {
    const row = p * 4
    if (fixed(p)) continue
    let s0 = valid[row] ? l0 : -Infinity
    let s1 = valid[row + 1] ? l1 : -Infinity
    let s2 = valid[row + 2] ? l2 : -Infinity
    let s3 = valid[row + 3] ? l3 : -Infinity
    const end = judgmentStart[p + 1]!
    for (let r = judgmentStart[p]!; r < end; r++) {
      const base = offsets[r]!
      s0 += logConfusion[base]!
      s1 += logConfusion[base + 1]!
      s2 += logConfusion[base + 2]!
      s3 += logConfusion[base + 3]!
    }
    let best = -Infinity
    if (s0 > best) best = s0
    if (s1 > best) best = s1
    if (s2 > best) best = s2
    if (s3 > best) best = s3
    // exp(0) is exactly 1: the best category needs no call (a quarter of them).
    const e0 = s0 === best ? 1 : Math.exp(s0 - best)
    const e1 = s1 === best ? 1 : Math.exp(s1 - best)
    const e2 = s2 === best ? 1 : Math.exp(s2 - best)
    const e3 = s3 === best ? 1 : Math.exp(s3 - best)
    const sum = e0 + e1 + e2 + e3
    maxChange = settle(posterior, row, e0 / sum, maxChange)
    maxChange = settle(posterior, row + 1, e1 / sum, maxChange)
    maxChange = settle(posterior, row + 2, e2 / sum, maxChange)
    maxChange = settle(posterior, row + 3, e3 / sum, maxChange)
  }
  return maxChange
}

/** Writes one posterior value; returns the largest change so far. */
function settle(posterior: Float64Array, at: number, value: number, maxChange: number): number {
  const change = Math.abs(value - posterior[at]!)
  posterior[at] = value
  return change > maxChange ? change : maxChange
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
  names.push(TIE, BOTH_BAD)
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

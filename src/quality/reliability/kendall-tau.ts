// Kendall's tau-b between two scorings or rankings of the same items. RLHF rankings hold 3-4
// responses, so the O(n²) pair count is the fastest choice in practice and stays exact with ties.
import { notApplicable, ok, type StatResult } from './result'

/** Kendall's tau-b and its pair counts. */
export interface TauValue {
  tau: number
  /** Items compared. */
  n: number
  /** Pairs ordered the same way in both. */
  concordant: number
  /** Pairs ordered oppositely. */
  discordant: number
}

/** One ordered pair of a ranking: `better` was ranked above `worse`. */
export interface RankedPair {
  better: string
  worse: string
}

/**
 * Kendall's tau-b between two score vectors over the same items (x[i] and y[i] score item i; larger or
 * smaller-is-better alike, as long as both use the same direction). Ties are corrected as in tau-b.
 */
export function kendallTauB(x: ReadonlyArray<number>, y: ReadonlyArray<number>): StatResult<TauValue> {
  if (x.length !== y.length) return notApplicable('length mismatch', `${x.length} and ${y.length} items`)
  const n = x.length
  if (n < 2) return notApplicable('fewer than two items')
  let concordant = 0
  let discordant = 0
  let tiedX = 0
  let tiedY = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!)
      const dy = Math.sign(y[i]! - y[j]!)
      if (dx === 0) tiedX++
      if (dy === 0) tiedY++
      if (dx * dy > 0) concordant++
      else if (dx * dy < 0) discordant++
    }
  }
  const pairs = (n * (n - 1)) / 2
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY))
  if (denominator === 0) return notApplicable('no variation')
  return ok({ tau: (concordant - discordant) / denominator, n, concordant, discordant })
}

/**
 * Kendall's tau between two rankings (ids, best first) of the same items: +1 same order, -1 reversed.
 * Compares rank positions, i.e. the order of every pair, so rankings of 3-4 responses compare pairwise.
 */
export function rankingTau(a: readonly string[], b: readonly string[]): StatResult<TauValue> {
  const positionsA = positions(a)
  const positionsB = positions(b)
  if (!positionsA.ok) return positionsA
  if (!positionsB.ok) return positionsB
  if (positionsA.value.size !== positionsB.value.size) return notApplicable('different items')
  const x: number[] = []
  const y: number[] = []
  for (const [id, position] of positionsA.value) {
    const other = positionsB.value.get(id)
    if (other === undefined) return notApplicable('different items', id)
    // Negated so that better (earlier) means larger, like a score; tau is unaffected by the sign choice.
    x.push(-position)
    y.push(-other)
  }
  return kendallTauB(x, y)
}

/** Expands a ranking (ids, best first) into its n(n-1)/2 ordered pairs, in ranking order. */
export function rankingPairs(ranking: readonly string[]): RankedPair[] {
  const pairs: RankedPair[] = []
  for (let i = 0; i < ranking.length; i++) {
    for (let j = i + 1; j < ranking.length; j++) pairs.push({ better: ranking[i]!, worse: ranking[j]! })
  }
  return pairs
}

function positions(ranking: readonly string[]): StatResult<Map<string, number>> {
  const map = new Map<string, number>()
  for (let i = 0; i < ranking.length; i++) {
    const id = ranking[i]!
    if (map.has(id)) return notApplicable('different items', `${id} ranked twice`)
    map.set(id, i)
  }
  return ok(map)
}

// Krippendorff's alpha by the coincidence-matrix formulation of Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability": alpha = 1 - (n - 1) * Σ o_ck δ_ck / Σ n_c n_k δ_ck, where o_ck
// counts c-k pairs inside each unit weighted by 1/(m_u - 1) and n_c are the pairable-value marginals.
//
// The coincidence matrix is never materialised. Its observed part is summed unit by unit in closed
// form (counts for nominal, sums of x and x² for interval and ordinal), and its expected part is summed
// over the marginals, so time is linear in the number of values for every level except ratio, whose
// expected part costs O(distinct values²).
import { groupByUnit, type ReliabilityData, type UnitGroups } from './reliability-data'
import { notApplicable, ok, type StatResult } from './result'

/** Level of measurement, which picks the difference function δ. */
export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio'

/** Krippendorff's alpha and the figures behind it. */
export interface AlphaValue {
  alpha: number
  level: AlphaLevel
  /** Values in units with two or more values (n.. in Krippendorff's notation). */
  pairable: number
  /** Units with two or more values. */
  pairableUnits: number
  /** Observed disagreement D_o. */
  observed: number
  /** Disagreement expected by chance D_e. */
  expected: number
}

/**
 * Krippendorff's alpha at the given level. Units with fewer than two values are not pairable and are
 * left out; 'no pairable values' when none is left, 'no variation' when every pairable value is equal.
 * `groups` is groupByUnit(data), for a caller that already has it (it is the one pass over the values
 * that every level needs).
 */
export function krippendorffAlpha(data: ReliabilityData, level: AlphaLevel, groups: UnitGroups = groupByUnit(data)): StatResult<AlphaValue> {
  const { unitCount, values } = data
  const { start, codes } = groups
  const marginal = new Float64Array(values.length)
  let n = 0
  let pairableUnits = 0
  for (let u = 0; u < unitCount; u++) {
    const from = start[u]!
    const to = start[u + 1]!
    if (to - from < 2) continue
    pairableUnits++
    n += to - from
    for (let i = from; i < to; i++) {
      const c = codes[i]!
      marginal[c] = marginal[c]! + 1
    }
  }
  if (n === 0) return notApplicable('no pairable values')

  let observedSum: number
  let expectedSum: number
  if (level === 'nominal') {
    ;({ observedSum, expectedSum } = nominalSums(groups, unitCount, values.length, marginal, n))
  } else {
    const scale = level === 'ordinal' ? ok(midRanks(marginal)) : numericScale(values, marginal)
    if (!scale.ok) return scale
    if (level === 'ratio') {
      if (scale.value.some((v, c) => v < 0 && marginal[c]! > 0)) return notApplicable('ratio needs non-negative values')
      ;({ observedSum, expectedSum } = ratioSums(groups, unitCount, values.length, marginal, scale.value))
    } else {
      ;({ observedSum, expectedSum } = squaredSums(groups, unitCount, marginal, scale.value, n))
    }
  }
  if (!(expectedSum > 0)) return notApplicable('no variation')
  const observed = observedSum / n
  const expected = expectedSum / (n * (n - 1))
  return ok({ alpha: 1 - observed / expected, level, pairable: n, pairableUnits, observed, expected })
}

interface Sums {
  /** Σ_c Σ_k o_ck δ_ck (= n · D_o). */
  observedSum: number
  /** Σ_c Σ_k n_c n_k δ_ck (= n (n - 1) · D_e). */
  expectedSum: number
}

function nominalSums(groups: UnitGroups, unitCount: number, valueCount: number, marginal: Float64Array, n: number): Sums {
  const counts = new Int32Array(valueCount)
  // Per unit, disagreeing ordered pairs = m(m-1) - Σ_c n_uc(n_uc - 1); Σ_c n_uc(n_uc - 1) grows by 2·k
  // whenever a count goes from k to k+1, so one pass over the unit's codes suffices.
  let observedSum = 0
  for (let u = 0; u < unitCount; u++) {
    const from = groups.start[u]!
    const to = groups.start[u + 1]!
    const m = to - from
    if (m < 2) continue
    let agreeing = 0
    for (let i = from; i < to; i++) {
      const c = groups.codes[i]!
      const k = counts[c]!
      agreeing += 2 * k
      counts[c] = k + 1
    }
    for (let i = from; i < to; i++) counts[groups.codes[i]!] = 0
    observedSum += (m * (m - 1) - agreeing) / (m - 1)
  }
  let squares = 0
  for (let c = 0; c < marginal.length; c++) squares += marginal[c]! * marginal[c]!
  return { observedSum, expectedSum: n * n - squares }
}

// δ = (x_c - x_k)² for interval data (x = value) and ordinal data (x = mid-rank; Krippendorff's 2011
// ordinal metric (Σ_{g=c..k} n_g - (n_c + n_k)/2)² is exactly the squared difference of mid-ranks).
// Σ over pairs of (x_i - x_j)² = 2 m Σx² - 2 (Σx)², so no pair is visited.
function squaredSums(groups: UnitGroups, unitCount: number, marginal: Float64Array, x: Float64Array, n: number): Sums {
  const { start, codes } = groups
  let observedSum = 0
  for (let u = 0; u < unitCount; u++) {
    const from = start[u]!
    const to = start[u + 1]!
    const m = to - from
    if (m < 2) continue
    // Shifting the unit by its first value leaves pair differences unchanged and keeps Σx² - (Σx)²/m
    // free of cancellation when values are large and close together.
    const shift = x[codes[from]!]!
    let sum = 0
    let sumSquares = 0
    for (let i = from; i < to; i++) {
      const v = x[codes[i]!]! - shift
      sum += v
      sumSquares += v * v
    }
    observedSum += (2 * m * sumSquares - 2 * sum * sum) / (m - 1)
  }
  let mean = 0
  for (let c = 0; c < marginal.length; c++) mean += marginal[c]! * x[c]!
  mean /= n
  let spread = 0
  for (let c = 0; c < marginal.length; c++) {
    if (marginal[c] === 0) continue
    const d = x[c]! - mean
    spread += marginal[c]! * d * d
  }
  return { observedSum, expectedSum: 2 * n * spread }
}

function ratioDelta(c: number, k: number): number {
  const total = c + k
  if (total === 0) return 0
  const d = (c - k) / total
  return d * d
}

function ratioSums(groups: UnitGroups, unitCount: number, valueCount: number, marginal: Float64Array, x: Float64Array): Sums {
  const counts = new Int32Array(valueCount)
  const distinct = new Int32Array(valueCount)
  let observedSum = 0
  for (let u = 0; u < unitCount; u++) {
    const from = groups.start[u]!
    const to = groups.start[u + 1]!
    const m = to - from
    if (m < 2) continue
    let d = 0
    for (let i = from; i < to; i++) {
      const c = groups.codes[i]!
      if (counts[c] === 0) distinct[d++] = c
      counts[c] = counts[c]! + 1
    }
    let unitSum = 0
    for (let a = 0; a < d; a++) {
      const ca = distinct[a]!
      for (let b = a + 1; b < d; b++) {
        const cb = distinct[b]!
        unitSum += 2 * counts[ca]! * counts[cb]! * ratioDelta(x[ca]!, x[cb]!)
      }
    }
    for (let a = 0; a < d; a++) counts[distinct[a]!] = 0
    observedSum += unitSum / (m - 1)
  }
  const used: number[] = []
  for (let c = 0; c < marginal.length; c++) if (marginal[c]! > 0) used.push(c)
  let expectedSum = 0
  for (let a = 0; a < used.length; a++) {
    const ca = used[a]!
    for (let b = a + 1; b < used.length; b++) {
      const cb = used[b]!
      expectedSum += 2 * marginal[ca]! * marginal[cb]! * ratioDelta(x[ca]!, x[cb]!)
    }
  }
  return { observedSum, expectedSum }
}

function midRanks(marginal: Float64Array): Float64Array {
  const ranks = new Float64Array(marginal.length)
  let below = 0
  for (let c = 0; c < marginal.length; c++) {
    ranks[c] = below + (marginal[c]! + 1) / 2
    below += marginal[c]!
  }
  return ranks
}

function numericScale(values: ReliabilityData['values'], marginal: Float64Array): StatResult<Float64Array> {
  const x = new Float64Array(values.length)
  for (let c = 0; c < values.length; c++) {
    if (marginal[c] === 0) continue
    const v = values[c]
    if (typeof v !== 'number' || !Number.isFinite(v)) return notApplicable('values must be numbers', String(v))
    x[c] = v
  }
  return ok(x)
}

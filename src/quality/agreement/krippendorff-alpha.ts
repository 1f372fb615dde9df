// Krippendorff's alpha by the coincidence-matrix formulation of Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability": alpha = 1 - (n - 1) * Σ o_ck δ_ck / Σ n_c n_k δ_ck, where o_ck
// counts c-k pairs inside each unit weighted by 1/(m_u - 1) and n_c are the pairable-value marginals.
//
// The coincidence matrix is never materialised. Its observed part is summed unit by unit in closed
// form (counts for nominal, sums of x and x² for interval and ordinal), and its expected part is summed
// over the marginals, so time is linear in the number of values for every level except ratio, whose
// expected part costs O(distinct values²).
import { groupByUnit, type ReliabilityData } from './reliability-data'
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
 */
export function krippendorffAlpha(data: ReliabilityData, level: AlphaLevel): StatResult<AlphaValue> {
  const { unitCount, units, codes, values } = data
  const valueCount = values.length
  const perUnit = new Int32Array(unitCount)
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!
    perUnit[u] = perUnit[u]! + 1
  }
  const marginal = new Float64Array(valueCount)
  let n = 0
  for (let i = 0; i < units.length; i++) {
    if (perUnit[units[i]!]! < 2) continue
    const c = codes[i]!
    marginal[c] = marginal[c]! + 1
    n++
  }
  if (n === 0) return notApplicable('no pairable values')
  let pairableUnits = 0
  for (let u = 0; u < unitCount; u++) if (perUnit[u]! >= 2) pairableUnits++

  let observedSum: number
  let expectedSum: number
  if (level === 'nominal') {
    ;({ observedSum, expectedSum } = nominalSums(data, perUnit, marginal, n))
  } else {
    const scale = level === 'ordinal' ? ok(midRanks(marginal)) : numericScale(values, marginal)
    if (!scale.ok) return scale
    if (level === 'ratio') {
      if (scale.value.some((v, c) => v < 0 && marginal[c]! > 0)) return notApplicable('ratio needs non-negative values')
      ;({ observedSum, expectedSum } = ratioSums(data, perUnit, marginal, scale.value))
    } else {
      ;({ observedSum, expectedSum } = squaredSums(data, perUnit, marginal, scale.value, n))
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

function nominalSums(data: ReliabilityData, perUnit: Int32Array, marginal: Float64Array, n: number): Sums {
  const groups = groupByUnit(data)
  const counts = new Int32Array(data.values.length)
  // Per unit, disagreeing ordered pairs = m(m-1) - Σ_c n_uc(n_uc - 1); Σ_c n_uc(n_uc - 1) grows by 2·k
  // whenever a count goes from k to k+1, so one pass over the unit's codes suffices.
  let observedSum = 0
  for (let u = 0; u < data.unitCount; u++) {
    const m = perUnit[u]!
    if (m < 2) continue
    const from = groups.start[u]!
    const to = groups.start[u + 1]!
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
function squaredSums(
  data: ReliabilityData,
  perUnit: Int32Array,
  marginal: Float64Array,
  x: Float64Array,
  n: number,
): Sums {
  const { unitCount, units, codes } = data
  // Shifting each unit by its first value leaves pair differences unchanged and keeps Σx² - (Σx)²/m
  // free of cancellation when values are large and close together.
  const shift = new Float64Array(unitCount).fill(Number.NaN)
  const sum = new Float64Array(unitCount)
  const sumSquares = new Float64Array(unitCount)
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!
    if (perUnit[u]! < 2) continue
    const value = x[codes[i]!]!
    let s = shift[u]!
    if (Number.isNaN(s)) shift[u] = s = value
    const v = value - s
    sum[u] = sum[u]! + v
    sumSquares[u] = sumSquares[u]! + v * v
  }
  let observedSum = 0
  for (let u = 0; u < unitCount; u++) {
    const m = perUnit[u]!
    if (m < 2) continue
    const s = sum[u]!
    observedSum += (2 * m * sumSquares[u]! - 2 * s * s) / (m - 1)
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

function ratioSums(data: ReliabilityData, perUnit: Int32Array, marginal: Float64Array, x: Float64Array): Sums {
  const groups = groupByUnit(data)
  const counts = new Int32Array(data.values.length)
  const distinct = new Int32Array(data.values.length)
  let observedSum = 0
  for (let u = 0; u < data.unitCount; u++) {
    const m = perUnit[u]!
    if (m < 2) continue
    const from = groups.start[u]!
    const to = groups.start[u + 1]!
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

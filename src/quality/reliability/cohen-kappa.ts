// Cohen's kappa for two raters, Cohen (1960), and weighted kappa, Cohen (1968), as
// κ_w = 1 - Σ w_ij o_ij / Σ w_ij e_ij with disagreement weights w_ij = 0/1 (unweighted), |i - j|
// (linear) or (i - j)² (quadratic) over the categories' positions on the scale. Like scikit-learn's
// cohen_kappa_score and R's irr::kappa2, positions default to the sorted distinct observed values;
// pass the full scale as `order` when unobserved categories should keep their place.
import { codeValues, type Category } from './reliability-data'
import { notApplicable, ok, type StatResult } from './result'

/** Disagreement weights: none (plain kappa), linear |i - j|, or quadratic (i - j)². */
export type KappaWeights = 'none' | 'linear' | 'quadratic'

/** Cohen's kappa and the figures behind it. */
export interface KappaValue {
  kappa: number
  weights: KappaWeights
  /** Units rated by both raters. */
  n: number
}

/** Options of Cohen's kappa. */
export interface CohenOptions {
  weights?: KappaWeights
  /** The scale in ascending order; positions in it are the weights' i and j. */
  order?: readonly Category[]
}

/**
 * Cohen's kappa between rater a and rater b, where a[i] and b[i] rate the same unit; pairs with a
 * missing (null) value are dropped. Weighted kappa needs ordered categories: numbers, or an `order`.
 */
export function cohenKappa(
  a: ReadonlyArray<Category | null>,
  b: ReadonlyArray<Category | null>,
  options: CohenOptions = {},
): StatResult<KappaValue> {
  if (a.length !== b.length) return notApplicable('length mismatch', `${a.length} and ${b.length} ratings`)
  const both: Category[] = []
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (x === null || x === undefined || y === null || y === undefined) continue
    both.push(x, y)
  }
  const coding = codeValues(both, options.order ? { order: options.order } : {})
  if (!coding.ok) return coding
  const half = both.length / 2
  const codesA = new Int32Array(half)
  const codesB = new Int32Array(half)
  for (let i = 0; i < half; i++) {
    codesA[i] = coding.value.codeOf.get(both[2 * i]!)!
    codesB[i] = coding.value.codeOf.get(both[2 * i + 1]!)!
  }
  return cohenKappaFromCodes(codesA, codesB, coding.value.values.length, options.weights ?? 'none')
}

/**
 * Cohen's kappa from a square contingency table: rows are rater a's categories, columns rater b's,
 * both in scale order (cell i, j = units a put in category i and b in category j).
 */
export function cohenKappaFromTable(
  table: ReadonlyArray<ReadonlyArray<number>>,
  weights: KappaWeights = 'none',
): StatResult<KappaValue> {
  const k = table.length
  if (table.some((row) => row.length !== k)) return notApplicable('length mismatch', 'the table must be square')
  const rows = new Float64Array(k)
  const columns = new Float64Array(k)
  let n = 0
  let observedSum = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const count = table[i]![j]!
      rows[i] = rows[i]! + count
      columns[j] = columns[j]! + count
      n += count
      observedSum += count * weight(i, j, weights)
    }
  }
  return kappaFromMarginals(rows, columns, n, observedSum, weights)
}

/**
 * Cohen's kappa over integer codes 0 … categoryCount-1 (the positions on the scale); a negative code
 * marks a missing rating and drops that pair. The fast path used on large data.
 */
export function cohenKappaFromCodes(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  categoryCount: number,
  weights: KappaWeights = 'none',
): StatResult<KappaValue> {
  if (a.length !== b.length) return notApplicable('length mismatch', `${a.length} and ${b.length} ratings`)
  const rows = new Float64Array(categoryCount)
  const columns = new Float64Array(categoryCount)
  let n = 0
  let observedSum = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x < 0 || y < 0) continue
    rows[x] = rows[x]! + 1
    columns[y] = columns[y]! + 1
    n++
    observedSum += weight(x, y, weights)
  }
  return kappaFromMarginals(rows, columns, n, observedSum, weights)
}

function weight(i: number, j: number, weights: KappaWeights): number {
  if (weights === 'none') return i === j ? 0 : 1
  const d = Math.abs(i - j)
  return weights === 'linear' ? d : d * d
}

function kappaFromMarginals(
  rows: Float64Array,
  columns: Float64Array,
  n: number,
  observedSum: number,
  weights: KappaWeights,
): StatResult<KappaValue> {
  if (n === 0) return notApplicable('no pairable values')
  // n · Σ w_ij e_ij = Σ_i Σ_j row_i col_j w_ij; for plain kappa that is n² - Σ_i row_i col_i, linear in k.
  let expectedSum = 0
  if (weights === 'none') {
    let diagonal = 0
    for (let i = 0; i < rows.length; i++) diagonal += rows[i]! * columns[i]!
    expectedSum = n * n - diagonal
  } else {
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === 0) continue
      for (let j = 0; j < columns.length; j++) expectedSum += rows[i]! * columns[j]! * weight(i, j, weights)
    }
  }
  if (expectedSum === 0) return notApplicable('no variation')
  return ok({ kappa: 1 - (n * observedSum) / expectedSum, weights, n })
}

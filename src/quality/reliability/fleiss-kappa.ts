// Fleiss' kappa, Fleiss (1971) "Measuring nominal scale agreement among many raters": the mean
// per-subject agreement P̄ against the agreement P̄e expected from the pooled category shares. It
// assumes every subject got the same number of ratings; with missing ratings use Krippendorff's alpha.
import { groupByUnit, type ReliabilityData, type UnitGroups } from './reliability-data'
import { notApplicable, ok, type StatResult } from './result'

/** Fleiss' kappa and the figures behind it. */
export interface FleissValue {
  kappa: number
  /** Subjects (units) that have ratings. */
  subjects: number
  /** Ratings on each subject. */
  ratingsPerSubject: number
  /** Mean per-subject agreement P̄. */
  observed: number
  /** Chance agreement P̄e = Σ p_j². */
  expected: number
}

/**
 * Fleiss' kappa over reliability data, values taken as categories. Units without any value are
 * skipped; the rest must all have the same number of values ('unequal ratings per unit' otherwise).
 * `groups` is groupByUnit(data), for a caller that already has it.
 */
export function fleissKappa(data: ReliabilityData, groups: UnitGroups = groupByUnit(data)): StatResult<FleissValue> {
  const counts = new Int32Array(data.values.length)
  const totals = new Float64Array(data.values.length)
  let ratings = -1
  let subjects = 0
  let squares = 0
  for (let u = 0; u < data.unitCount; u++) {
    const from = groups.start[u]!
    const to = groups.start[u + 1]!
    const m = to - from
    if (m === 0) continue
    if (ratings === -1) ratings = m
    else if (m !== ratings) return notApplicable('unequal ratings per unit', `${ratings} and ${m} ratings`)
    subjects++
    // Σ_j n_ij² grows by 2k + 1 when a count goes from k to k+1.
    for (let i = from; i < to; i++) {
      const c = groups.codes[i]!
      const k = counts[c]!
      squares += 2 * k + 1
      counts[c] = k + 1
      totals[c] = totals[c]! + 1
    }
    for (let i = from; i < to; i++) counts[groups.codes[i]!] = 0
  }
  return fleissFromSums(subjects, ratings, squares, totals)
}

/**
 * Fleiss' kappa from a subjects × categories table of counts (row i, column j = raters who put
 * subject i in category j), the layout of Fleiss (1971). Rows summing to zero are skipped.
 */
export function fleissKappaFromTable(table: ReadonlyArray<ArrayLike<number>>): StatResult<FleissValue> {
  const categories = table.reduce((most, row) => Math.max(most, row.length), 0)
  const totals = new Float64Array(categories)
  let ratings = -1
  let subjects = 0
  let squares = 0
  for (const row of table) {
    let m = 0
    for (let j = 0; j < row.length; j++) m += row[j]!
    if (m === 0) continue
    if (ratings === -1) ratings = m
    else if (m !== ratings) return notApplicable('unequal ratings per unit', `${ratings} and ${m} ratings`)
    subjects++
    for (let j = 0; j < row.length; j++) {
      squares += row[j]! * row[j]!
      totals[j] = totals[j]! + row[j]!
    }
  }
  return fleissFromSums(subjects, ratings, squares, totals)
}

function fleissFromSums(subjects: number, ratings: number, squares: number, totals: Float64Array): StatResult<FleissValue> {
  if (subjects === 0 || ratings < 2) return notApplicable('no pairable values')
  const all = subjects * ratings
  const observed = (squares - all) / (all * (ratings - 1))
  let totalSquares = 0
  for (let j = 0; j < totals.length; j++) totalSquares += totals[j]! * totals[j]!
  // Integer test: 1 - P̄e is zero exactly when one category holds every rating.
  if (all * all - totalSquares === 0) return notApplicable('no variation')
  const expected = totalSquares / (all * all)
  return ok({ kappa: (observed - expected) / (1 - expected), subjects, ratingsPerSubject: ratings, observed, expected })
}

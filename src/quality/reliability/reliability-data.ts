// Reliability data in the columnar shape every agreement statistic reads. Columns of typed arrays
// rather than a units × raters matrix: labeling data is sparse (each item is seen by a few of many
// labelers) and large (hundreds of thousands of ratings), and typed arrays keep both cheap.
import { notApplicable, ok, type StatResult } from './result'

/** A rated value: a category label, or a number on an ordinal, interval or ratio scale. */
export type Category = string | number

/** Ratings as parallel columns, one entry per non-missing value (missing values are simply absent). */
export interface ReliabilityData {
  /** Number of units; units may have no values at all. */
  unitCount: number
  /** Unit index (0 … unitCount-1) of each value. */
  units: Int32Array
  /** Code of each value: an index into `values`; same length as `units`. */
  codes: Int32Array
  /** What each code stands for, in ascending order of the scale (the ordinal metric ranks by code). */
  values: readonly Category[]
}

/** Reliability data together with the names its indexes stand for. */
export interface LabeledReliabilityData extends ReliabilityData {
  /** Unit name by unit index. */
  unitIds: string[]
  /** Rater name by rater index (raters do not enter alpha, but name duplicates and pairs). */
  raterIds: string[]
  /** Rater index of each value, parallel to `units`. */
  raters: Int32Array
}

/** One rating as a (unit, rater, value) triple; a null value is a missing rating. */
export interface RatingTriple {
  unit: string | number
  rater: string | number
  value: Category | null
}

/** How raw values become codes. */
export interface CodingOptions {
  /**
   * The scale in ascending order (e.g. ['bad', 'ok', 'good']). Without it, numbers sort ascending and
   * strings sort by their UTF-16 code units, which suits numbers and nominal labels but not ordered words.
   */
  order?: readonly Category[]
}

/** Values by unit, grouped: `codes[start[u] … start[u+1])` are the codes of unit u. */
export interface UnitGroups {
  start: Int32Array
  /** Read only: when the data is already grouped by unit this is the data's own `codes` column. */
  codes: Int32Array
}

/**
 * Groups the codes of `data` by unit with a counting sort (linear time, no comparisons). Data whose
 * units already come in ascending order, as files grouped by unit do, is used as it is, uncopied.
 */
export function groupByUnit(data: ReliabilityData): UnitGroups {
  const { unitCount, units, codes } = data
  const start = new Int32Array(unitCount + 1)
  let previous = 0
  let grouped = true
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!
    if (unit < previous) grouped = false
    previous = unit
    start[unit + 1] = start[unit + 1]! + 1
  }
  for (let u = 0; u < unitCount; u++) start[u + 1] = start[u + 1]! + start[u]!
  if (grouped) return { start, codes }
  const cursor = start.slice(0, unitCount)
  const regrouped = new Int32Array(units.length)
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!
    const at = cursor[u]!
    regrouped[at] = codes[i]!
    cursor[u] = at + 1
  }
  return { start, codes: regrouped }
}

/**
 * Assigns codes to distinct raw values: by position in `order` when given, else in ascending order.
 * Returns the code table and a lookup from raw value to code.
 */
export function codeValues(
  raw: Iterable<Category>,
  options: CodingOptions = {},
): StatResult<{ values: Category[]; codeOf: Map<Category, number> }> {
  const distinct = new Set<Category>()
  for (const value of raw) {
    if (typeof value === 'number' && !Number.isFinite(value)) return notApplicable('values must be numbers', String(value))
    distinct.add(value)
  }
  let values: Category[]
  if (options.order) {
    values = [...options.order]
    const known = new Set(values)
    for (const value of distinct) if (!known.has(value)) return notApplicable('unknown value', String(value))
  } else {
    values = [...distinct]
    if (values.every((v) => typeof v === 'number')) (values as number[]).sort((x, y) => x - y)
    else values.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0))
  }
  const codeOf = new Map<Category, number>()
  values.forEach((value, code) => codeOf.set(value, code))
  return ok({ values, codeOf })
}

/**
 * Builds reliability data from a list of units, each the values its raters gave (null or undefined = missing).
 * Which rater gave which value does not matter to alpha, so positions inside a unit are not kept.
 */
export function reliabilityDataFromUnits(
  unitValues: ReadonlyArray<ReadonlyArray<Category | null | undefined>>,
  options: CodingOptions = {},
): StatResult<ReliabilityData> {
  const present: Category[] = []
  for (const unit of unitValues) for (const value of unit) if (value !== null && value !== undefined) present.push(value)
  const coding = codeValues(present, options)
  if (!coding.ok) return coding
  const units = new Int32Array(present.length)
  const codes = new Int32Array(present.length)
  let i = 0
  unitValues.forEach((unit, u) => {
    for (const value of unit) {
      if (value === null || value === undefined) continue
      units[i] = u
      codes[i] = coding.value.codeOf.get(value)!
      i++
    }
  })
  return ok({ unitCount: unitValues.length, units, codes, values: coding.value.values })
}

/**
 * Builds reliability data from (unit, rater, value) triples. A rater rating the same unit twice is
 * refused ('duplicate rating'): reliability data holds at most one value per rater and unit.
 */
export function reliabilityDataFromTriples(
  triples: Iterable<RatingTriple>,
  options: CodingOptions = {},
): StatResult<LabeledReliabilityData> {
  const unitIndex = new Map<string, number>()
  const raterIndex = new Map<string, number>()
  const seen = new Set<string>()
  const kept: Array<{ unit: number; rater: number; value: Category }> = []
  for (const triple of triples) {
    const unitKey = String(triple.unit)
    const raterKey = String(triple.rater)
    let unit = unitIndex.get(unitKey)
    if (unit === undefined) unitIndex.set(unitKey, (unit = unitIndex.size))
    let rater = raterIndex.get(raterKey)
    if (rater === undefined) raterIndex.set(raterKey, (rater = raterIndex.size))
    const pairKey = `${unit}:${rater}`
    if (seen.has(pairKey)) return notApplicable('duplicate rating', `unit ${unitKey}, rater ${raterKey}`)
    seen.add(pairKey)
    if (triple.value !== null) kept.push({ unit, rater, value: triple.value })
  }
  const coding = codeValues(
    kept.map((k) => k.value),
    options,
  )
  if (!coding.ok) return coding
  const units = new Int32Array(kept.length)
  const raters = new Int32Array(kept.length)
  const codes = new Int32Array(kept.length)
  kept.forEach((k, i) => {
    units[i] = k.unit
    raters[i] = k.rater
    codes[i] = coding.value.codeOf.get(k.value)!
  })
  return ok({
    unitCount: unitIndex.size,
    units,
    codes,
    raters,
    values: coding.value.values,
    unitIds: [...unitIndex.keys()],
    raterIds: [...raterIndex.keys()],
  })
}

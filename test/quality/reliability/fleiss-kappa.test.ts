import { describe, expect, it } from 'vitest'
import { fleissKappa, fleissKappaFromTable } from '../../../src/quality/reliability/fleiss-kappa'
import { reliabilityDataFromUnits, type Category, type ReliabilityData } from '../../../src/quality/reliability/reliability-data'

function data(units: ReadonlyArray<ReadonlyArray<Category | null>>): ReliabilityData {
  const built = reliabilityDataFromUnits(units)
  if (!built.ok) throw new Error(built.reason)
  return built.value
}

describe('fleissKappaFromTable — Wikipedia, "Fleiss\' kappa", worked example (10 subjects, 14 raters, 5 categories)', () => {
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ]

  it('GIVEN the table THEN P̄ = 0.378, P̄e = 0.213 and κ = 0.210', () => {
    const result = fleissKappaFromTable(table)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.observed).toBeCloseTo(0.378, 3)
    expect(result.value.expected).toBeCloseTo(0.213, 3)
    expect(result.value.kappa).toBeCloseTo(0.21, 3)
    expect(result.value).toMatchObject({ subjects: 10, ratingsPerSubject: 14 })
  })
})

describe('fleissKappa — Fleiss (1971) psychiatric diagnoses (30 patients × 6 psychiatrists, 5 diagnoses)', () => {
  // The data of Fleiss (1971) as shipped in R's irr package (`diagnoses`, coded 1-5), where
  // kappam.fleiss(diagnoses) reports κ = 0.430 (0.4302445).
  const diagnoses = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
  ]

  it('GIVEN the ratings as reliability data THEN κ = 0.430', () => {
    const result = fleissKappa(data(diagnoses))
    expect(result.ok && result.value.kappa).toBeCloseTo(0.4302445, 6)
  })
})

describe('fleissKappa — edge cases', () => {
  it('GIVEN units with different numbers of ratings THEN not applicable', () => {
    expect(fleissKappa(data([['a', 'b', 'a'], ['a', 'b']]))).toEqual({
      ok: false,
      reason: 'unequal ratings per unit',
      detail: '3 and 2 ratings',
    })
  })

  it('GIVEN a unit with no ratings at all THEN that unit is skipped', () => {
    const withEmpty = fleissKappa(data([['a', 'b'], [null, null], ['a', 'a']]))
    const without = fleissKappa(data([['a', 'b'], ['a', 'a']]))
    expect(withEmpty).toEqual(without)
  })

  it('GIVEN one rating per unit THEN no pairable values', () => {
    expect(fleissKappa(data([['a'], ['b']]))).toEqual({ ok: false, reason: 'no pairable values' })
  })

  it('GIVEN every rating in one category THEN no variation', () => {
    expect(fleissKappa(data([['a', 'a'], ['a', 'a']]))).toEqual({ ok: false, reason: 'no variation' })
    expect(fleissKappaFromTable([[0, 3], [0, 3]])).toEqual({ ok: false, reason: 'no variation' })
  })

  it('GIVEN full agreement with variation between units THEN κ = 1', () => {
    expect(fleissKappa(data([['a', 'a', 'a'], ['b', 'b', 'b']]))).toMatchObject({ ok: true, value: { kappa: 1 } })
  })

  it('GIVEN no data THEN no pairable values', () => {
    expect(fleissKappaFromTable([])).toEqual({ ok: false, reason: 'no pairable values' })
  })
})

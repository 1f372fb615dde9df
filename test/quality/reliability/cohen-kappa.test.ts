import { describe, expect, it } from 'vitest'
import { cohenKappa, cohenKappaFromCodes, cohenKappaFromTable } from '../../../src/quality/reliability/cohen-kappa'

function kappa(result: ReturnType<typeof cohenKappa>): number {
  if (!result.ok) throw new Error(result.reason)
  return result.value.kappa
}

describe('cohenKappa — published examples', () => {
  it('Wikipedia, "Cohen\'s kappa": 50 grant proposals, readers A and B (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no) → κ = 0.4', () => {
    expect(kappa(cohenKappaFromTable([[20, 5], [10, 15]]))).toBeCloseTo(0.4, 3)
    const a = [...Array(25).fill('Yes'), ...Array(25).fill('No')] as string[]
    const b = [...Array(20).fill('Yes'), ...Array(5).fill('No'), ...Array(10).fill('Yes'), ...Array(15).fill('No')] as string[]
    expect(kappa(cohenKappa(a, b))).toBeCloseTo(0.4, 3)
  })

  // SAS PROC FREQ (AGREE) printout for a 3 × 3 table, reproduced in statsmodels'
  // stats/tests/test_inter_rater.py: simple kappa 0.4842, weighted kappa (Cicchetti-Allison = linear) 0.4701.
  const sasTable = [
    [0, 4, 1],
    [0, 8, 0],
    [0, 1, 5],
  ]
  it('SAS PROC FREQ example: simple κ = 0.4842', () => {
    expect(kappa(cohenKappaFromTable(sasTable))).toBeCloseTo(0.4842, 4)
  })
  it('SAS PROC FREQ example: linear-weighted κ = 0.4701', () => {
    expect(kappa(cohenKappaFromTable(sasTable, 'linear'))).toBeCloseTo(0.4701, 4)
  })

  // R package irr, data set `anxiety` (20 subjects, 3 raters, scores 1-6), raters 2 and 3, as recorded in
  // statsmodels' test_inter_rater.py: kappa2(anxiety[,2:3]) = -0.006289308, "equal" (linear) weights
  // 0.1459075, "squared" weights 0.2520325. irr, like scikit-learn, places categories by the observed
  // levels (score 5 is never given, so 6 sits next to 4).
  const rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
  const rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
  it.each([
    ['none', -0.006289308],
    ['linear', 0.1459075],
    ['quadratic', 0.2520325],
  ] as const)('R irr kappa2 on anxiety raters 2-3 with %s weights = %s', (weights, published) => {
    expect(kappa(cohenKappa(rater2, rater3, { weights }))).toBeCloseTo(published, 6)
  })

  // Maple EssayTools[QuadraticWeightedKappa] help page examples; Maple spans the scale min..max of the
  // data (1..10), so the full scale is passed as `order`.
  const scale = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  it.each([
    [[9, 7, 8, 7, 6, 8, 3, 5, 10], [8, 8, 6, 6, 7, 6, 1, 4, 8], 0.758620689655172],
    [[9, 7, 8, 7, 6, 8, 3, 5, 10], [3, 5, 6, 6, 7, 6, 1, 4, 8], 0.438095238095238],
  ])('Maple QuadraticWeightedKappa example → %#', (a, b, published) => {
    expect(kappa(cohenKappa(a, b, { weights: 'quadratic', order: scale }))).toBeCloseTo(published, 12)
  })
})

describe('cohenKappa — behaviour', () => {
  it('GIVEN missing values THEN those pairs are dropped', () => {
    const result = cohenKappa(['a', 'b', null, 'a'], ['a', 'b', 'a', null])
    expect(result).toEqual({ ok: true, value: { kappa: 1, weights: 'none', n: 2 } })
  })

  it('GIVEN ordered words with their order THEN weighted kappa uses positions on that scale', () => {
    const order = ['bad', 'ok', 'good']
    const words = cohenKappa(['bad', 'ok', 'good', 'ok'], ['ok', 'ok', 'good', 'bad'], { weights: 'linear', order })
    const numbers = cohenKappa([0, 1, 2, 1], [1, 1, 2, 0], { weights: 'linear' })
    expect(kappa(words)).toBeCloseTo(kappa(numbers), 12)
  })

  it('GIVEN both raters always use the same single category THEN no variation', () => {
    expect(cohenKappa(['x', 'x'], ['x', 'x'])).toEqual({ ok: false, reason: 'no variation' })
    expect(cohenKappa([2, 2], [2, 2], { weights: 'quadratic' })).toEqual({ ok: false, reason: 'no variation' })
  })

  it('GIVEN each rater sticks to a different category THEN κ = 0', () => {
    expect(kappa(cohenKappa(['x', 'x'], ['y', 'y']))).toBe(0)
  })

  it('GIVEN sequences of different length THEN length mismatch', () => {
    expect(cohenKappa(['a'], ['a', 'b'])).toMatchObject({ ok: false, reason: 'length mismatch' })
  })

  it('GIVEN only missing pairs THEN no pairable values', () => {
    expect(cohenKappa(['a', null], [null, 'b'])).toEqual({ ok: false, reason: 'no pairable values' })
  })

  it('GIVEN a value outside the order THEN unknown value', () => {
    expect(cohenKappa(['a'], ['z'], { order: ['a', 'b'] })).toEqual({ ok: false, reason: 'unknown value', detail: 'z' })
  })

  it('GIVEN a non-square table THEN length mismatch', () => {
    expect(cohenKappaFromTable([[1, 2]])).toMatchObject({ ok: false, reason: 'length mismatch' })
  })

  it('GIVEN codes with -1 for missing THEN the coded path agrees with the category path', () => {
    const viaCodes = cohenKappaFromCodes(Int32Array.of(0, 1, 2, -1, 2), Int32Array.of(0, 2, 2, 1, -1), 3, 'quadratic')
    const viaValues = cohenKappa([0, 1, 2, null, 2], [0, 2, 2, 1, null], { weights: 'quadratic', order: [0, 1, 2] })
    expect(viaCodes).toEqual(viaValues)
  })
})

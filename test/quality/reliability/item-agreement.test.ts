import { describe, expect, it } from 'vitest'
import { itemAgreement, pairwiseCategories } from '../../../src/quality/reliability/item-agreement'

describe('itemAgreement', () => {
  const categories = pairwiseCategories(['A', 'B'])

  it('lists response ids, then tie and both_bad', () => {
    expect(categories).toEqual(['A', 'B', 'tie', 'both_bad'])
  })

  it('GIVEN a unanimous item THEN share 1, entropy 0, pairwise agreement 1', () => {
    expect(itemAgreement(['A', 'A', 'A'], { categories })).toEqual({
      ok: true,
      value: {
        votes: 3,
        counts: [{ category: 'A', votes: 3 }],
        majority: ['A'],
        majorityShare: 1,
        normalizedEntropy: 0,
        pairwiseAgreement: 1,
      },
    })
  })

  it('GIVEN votes spread evenly over all four categories THEN entropy 1 and no agreeing pair', () => {
    const result = itemAgreement(['A', 'B', 'tie', 'both_bad'], { categories })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.normalizedEntropy).toBeCloseTo(1, 12)
    expect(result.value.pairwiseAgreement).toBe(0)
    expect(result.value.majority).toEqual(['A', 'B', 'tie', 'both_bad'])
    expect(result.value.majorityShare).toBe(0.25)
  })

  it('GIVEN 3 A, 1 tie, 1 both_bad THEN tie and both_bad count as their own categories, not for B', () => {
    const result = itemAgreement(['A', 'tie', 'A', 'both_bad', 'A'], { categories })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.majorityShare).toBeCloseTo(0.6, 12)
    expect(result.value.counts).toEqual([
      { category: 'A', votes: 3 },
      { category: 'tie', votes: 1 },
      { category: 'both_bad', votes: 1 },
    ])
    // 3·2 agreeing ordered pairs out of 5·4.
    expect(result.value.pairwiseAgreement).toBeCloseTo(6 / 20, 12)
    const entropy = -(0.6 * Math.log(0.6) + 2 * 0.2 * Math.log(0.2))
    expect(result.value.normalizedEntropy).toBeCloseTo(entropy / Math.log(4), 12)
  })

  it('GIVEN no category list THEN entropy is normalised by the categories that got votes', () => {
    const result = itemAgreement(['x', 'y'])
    expect(result.ok && result.value.normalizedEntropy).toBeCloseTo(1, 12)
  })

  it('GIVEN missing votes THEN they are skipped', () => {
    expect(itemAgreement(['A', null, 'A'])).toMatchObject({ ok: true, value: { votes: 2, majorityShare: 1 } })
  })

  it('GIVEN fewer than two votes THEN not applicable', () => {
    expect(itemAgreement(['A'])).toEqual({ ok: false, reason: 'fewer than two votes' })
    expect(itemAgreement([])).toEqual({ ok: false, reason: 'fewer than two votes' })
  })

  it('GIVEN a vote outside the categories THEN unknown value', () => {
    expect(itemAgreement(['A', 'C'], { categories })).toEqual({ ok: false, reason: 'unknown value', detail: 'C' })
  })
})

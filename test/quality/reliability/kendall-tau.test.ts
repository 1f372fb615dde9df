import { describe, expect, it } from 'vitest'
import { kendallTauB, rankingPairs, rankingTau } from '../../../src/quality/reliability/kendall-tau'

describe('kendallTauB — published examples', () => {
  it('SciPy scipy.stats.kendalltau documentation example (tau-b, with ties) → -0.47140452079103173', () => {
    const result = kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])
    expect(result.ok && result.value.tau).toBeCloseTo(-0.47140452079103173, 12)
  })

  it('GIVEN strict rankings THEN identical → 1, reversed → -1', () => {
    expect(kendallTauB([1, 2, 3, 4], [1, 2, 3, 4])).toMatchObject({ ok: true, value: { tau: 1, concordant: 6 } })
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toMatchObject({ ok: true, value: { tau: -1, discordant: 6 } })
  })

  it('GIVEN fewer than two items THEN not applicable', () => {
    expect(kendallTauB([1], [1])).toEqual({ ok: false, reason: 'fewer than two items' })
  })

  it('GIVEN one side all tied THEN no variation', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toEqual({ ok: false, reason: 'no variation' })
  })

  it('GIVEN vectors of different length THEN length mismatch', () => {
    expect(kendallTauB([1, 2], [1, 2, 3])).toMatchObject({ ok: false, reason: 'length mismatch' })
  })
})

describe('rankingTau — RLHF rankings of 3-4 responses', () => {
  it('GIVEN the same ranking THEN tau = 1', () => {
    expect(rankingTau(['r1', 'r2', 'r3'], ['r1', 'r2', 'r3'])).toMatchObject({ ok: true, value: { tau: 1 } })
  })

  it('GIVEN one adjacent swap among 4 responses THEN 5 of 6 pairs agree: tau = (5 - 1) / 6', () => {
    const result = rankingTau(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'd'])
    expect(result).toMatchObject({ ok: true, value: { concordant: 5, discordant: 1 } })
    expect(result.ok && result.value.tau).toBeCloseTo(4 / 6, 12)
  })

  it('GIVEN reversed rankings THEN tau = -1', () => {
    expect(rankingTau(['a', 'b', 'c'], ['c', 'b', 'a'])).toMatchObject({ ok: true, value: { tau: -1 } })
  })

  it('GIVEN rankings of different responses THEN different items', () => {
    expect(rankingTau(['a', 'b', 'c'], ['a', 'b', 'x'])).toEqual({ ok: false, reason: 'different items', detail: 'c' })
    expect(rankingTau(['a', 'b'], ['a', 'b', 'c'])).toEqual({ ok: false, reason: 'different items' })
    expect(rankingTau(['a', 'a'], ['a', 'b'])).toMatchObject({ ok: false, reason: 'different items' })
  })
})

describe('rankingPairs', () => {
  it('GIVEN a ranking of 3 THEN its 3 ordered pairs, better first', () => {
    expect(rankingPairs(['r2', 'r1', 'r3'])).toEqual([
      { better: 'r2', worse: 'r1' },
      { better: 'r2', worse: 'r3' },
      { better: 'r1', worse: 'r3' },
    ])
  })

  it('GIVEN a ranking of 4 THEN 6 pairs; of 1 THEN none', () => {
    expect(rankingPairs(['a', 'b', 'c', 'd'])).toHaveLength(6)
    expect(rankingPairs(['a'])).toEqual([])
  })
})

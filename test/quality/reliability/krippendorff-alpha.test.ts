import { describe, expect, it } from 'vitest'
import { krippendorffAlpha, type AlphaLevel } from '../../../src/quality/reliability/krippendorff-alpha'
import {
  reliabilityDataFromTriples,
  reliabilityDataFromUnits,
  type Category,
  type ReliabilityData,
} from '../../../src/quality/reliability/reliability-data'

const _ = null
// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
// Communication, University of Pennsylvania. Section C: 4 observers, 12 units, values 1-5, missing values.
const observers = {
  A: [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  C: [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
const paperUnits = observers.A.map((__, u) => [observers.A[u], observers.B[u], observers.C[u], observers.D[u]])

function data(units: ReadonlyArray<ReadonlyArray<Category | null | undefined>>): ReliabilityData {
  const built = reliabilityDataFromUnits(units)
  if (!built.ok) throw new Error(built.reason)
  return built.value
}

function alpha(units: ReadonlyArray<ReadonlyArray<Category | null | undefined>>, level: AlphaLevel): number {
  const result = krippendorffAlpha(data(units), level)
  if (!result.ok) throw new Error(result.reason)
  return result.value.alpha
}

describe('krippendorffAlpha — Krippendorff (2011), "Computing Krippendorff\'s Alpha-Reliability", 4 observers × 12 units', () => {
  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('GIVEN the paper data at %s level THEN alpha = %s', (level, published) => {
    expect(alpha(paperUnits, level)).toBeCloseTo(published, 3)
  })

  it('GIVEN the paper data THEN the nominal working matches: n.. = 40, Σ o_cc = 32, marginals 9, 13, 10, 5, 3', () => {
    // Paper: alpha = 1 - (n.. - 1)(n.. - Σ o_cc) / (n..(n.. - 1) - Σ n_c(n_c - 1)) = 1 - 39·8 / (1560 - 344).
    const result = krippendorffAlpha(data(paperUnits), 'nominal')
    expect(result).toMatchObject({ ok: true, value: { pairable: 40, pairableUnits: 11 } })
    if (!result.ok) return
    expect(result.value.observed).toBeCloseTo(8 / 40, 12)
    expect(result.value.expected).toBeCloseTo(1216 / 1560, 12)
  })
})

// Direct transcription of the paper's definitions (explicit coincidence matrix and δ per pair of
// values), used to check the closed forms of the fast implementation on random data.
function referenceAlpha(units: ReadonlyArray<ReadonlyArray<number | null>>, level: AlphaLevel): number {
  const scale = [...new Set(units.flat().filter((v): v is number => v !== null))].sort((a, b) => a - b)
  const index = new Map(scale.map((v, i) => [v, i]))
  const o = scale.map(() => scale.map(() => 0))
  for (const unit of units) {
    const values = unit.filter((v): v is number => v !== null)
    const m = values.length
    if (m < 2) continue
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) if (i !== j) o[index.get(values[i]!)!]![index.get(values[j]!)!]! += 1 / (m - 1)
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0))
  const n = nc.reduce((s, x) => s + x, 0)
  const delta = (c: number, k: number): number => {
    const vc = scale[c]!
    const vk = scale[k]!
    switch (level) {
      case 'nominal':
        return c === k ? 0 : 1
      case 'interval':
        return (vc - vk) ** 2
      case 'ratio':
        return vc + vk === 0 ? 0 : ((vc - vk) / (vc + vk)) ** 2
      case 'ordinal': {
        const [lo, hi] = c < k ? [c, k] : [k, c]
        let s = 0
        for (let g = lo; g <= hi; g++) s += nc[g]!
        return (s - (nc[c]! + nc[k]!) / 2) ** 2
      }
    }
  }
  let observed = 0
  let expected = 0
  for (let c = 0; c < scale.length; c++)
    for (let k = 0; k < scale.length; k++) {
      observed += o[c]![k]! * delta(c, k)
      expected += nc[c]! * nc[k]! * delta(c, k)
    }
  return 1 - ((n - 1) * observed) / expected
}

describe('krippendorffAlpha — closed forms agree with the paper\'s coincidence-matrix definitions', () => {
  // Deterministic pseudo-random data (mulberry32) with sparse raters and missing values.
  function random(seed: number): () => number {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
  it.each(['nominal', 'ordinal', 'interval', 'ratio'] as const)('GIVEN random sparse data THEN %s alpha matches', (level) => {
    const next = random(level.length * 7919)
    const units = Array.from({ length: 60 }, () => {
      const truth = 1 + Math.floor(next() * 6)
      return Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        next() < 0.15 ? null : next() < 0.6 ? truth : 1 + Math.floor(next() * 6),
      )
    })
    expect(alpha(units, level)).toBeCloseTo(referenceAlpha(units, level), 12)
  })
})

describe('krippendorffAlpha — edge cases', () => {
  it('GIVEN one rater THEN no unit is pairable', () => {
    expect(krippendorffAlpha(data([[1], [2], [3]]), 'nominal')).toEqual({ ok: false, reason: 'no pairable values' })
  })

  it('GIVEN all values missing THEN no pairable values', () => {
    expect(krippendorffAlpha(data([[_, _], [_, _]]), 'interval')).toEqual({ ok: false, reason: 'no pairable values' })
  })

  it('GIVEN no units at all THEN no pairable values', () => {
    expect(krippendorffAlpha(data([]), 'nominal')).toEqual({ ok: false, reason: 'no pairable values' })
  })

  it('GIVEN raters who agree on every unit and units that differ THEN alpha = 1', () => {
    const units = [['a', 'a', 'a'], ['b', 'b', _], ['c', 'c', 'c']]
    expect(alpha(units, 'nominal')).toBe(1)
  })

  it.each(['nominal', 'ordinal', 'interval', 'ratio'] as const)(
    'GIVEN a single category everywhere THEN %s alpha reports no variation',
    (level) => {
      expect(krippendorffAlpha(data([[3, 3], [3, 3, 3], [3, _]]), level)).toEqual({ ok: false, reason: 'no variation' })
    },
  )

  it('GIVEN a value that occurs only in a unit with one value THEN it does not count as variation', () => {
    expect(krippendorffAlpha(data([[1, 1], [1, 1], [7]]), 'interval')).toEqual({ ok: false, reason: 'no variation' })
  })

  it('GIVEN systematic disagreement THEN alpha is negative', () => {
    expect(alpha([['a', 'b'], ['a', 'b'], ['a', 'b']], 'nominal')).toBeLessThan(0)
  })

  it('GIVEN labels at the interval level THEN values must be numbers', () => {
    expect(krippendorffAlpha(data([['x', 'y'], ['x', 'x']]), 'interval')).toMatchObject({
      ok: false,
      reason: 'values must be numbers',
    })
  })

  it('GIVEN negative values at the ratio level THEN it refuses', () => {
    expect(krippendorffAlpha(data([[-1, 2], [3, 3]]), 'ratio')).toEqual({
      ok: false,
      reason: 'ratio needs non-negative values',
    })
  })

  it('GIVEN interval values far from zero THEN the result equals that of the same data shifted to zero', () => {
    const near = [[0, 1, 1], [2, 2, 3], [5, 4, _]]
    const far = near.map((unit) => unit.map((v) => (v === null ? null : v + 1e9)))
    expect(alpha(far, 'interval')).toBeCloseTo(alpha(near, 'interval'), 9)
  })

  it('GIVEN ordered words with their scale order THEN ordinal alpha equals that of the numeric codes', () => {
    const words = ['low', 'mid', 'high', 'top']
    const numeric = [[1, 2, 2], [3, 3, 4], [1, 1, _], [4, 3, 4]]
    const asWords = numeric.map((unit) => unit.map((v) => (v === null ? null : words[v - 1]!)))
    const built = reliabilityDataFromUnits(asWords, { order: words })
    expect(built.ok).toBe(true)
    if (!built.ok) return
    const result = krippendorffAlpha(built.value, 'ordinal')
    expect(result.ok && result.value.alpha).toBeCloseTo(alpha(numeric, 'ordinal'), 12)
  })
})

describe('reliabilityDataFromTriples', () => {
  it('GIVEN the paper data as (unit, rater, value) triples with string values THEN nominal alpha is 0.743', () => {
    const triples = Object.entries(observers).flatMap(([rater, values]) =>
      values.map((value, u) => ({ unit: `unit ${u + 1}`, rater, value: value === null ? null : `category ${value}` })),
    )
    const built = reliabilityDataFromTriples(triples)
    expect(built.ok).toBe(true)
    if (!built.ok) return
    expect(built.value.unitIds).toHaveLength(12)
    expect(built.value.raterIds).toEqual(['A', 'B', 'C', 'D'])
    expect(built.value.units).toHaveLength(41)
    const result = krippendorffAlpha(built.value, 'nominal')
    expect(result.ok && result.value.alpha).toBeCloseTo(0.743, 3)
  })

  it('GIVEN a rater who rates a unit twice THEN it refuses with the duplicate named', () => {
    const built = reliabilityDataFromTriples([
      { unit: 'u1', rater: 'ann', value: 'a' },
      { unit: 'u1', rater: 'ann', value: 'b' },
    ])
    expect(built).toEqual({ ok: false, reason: 'duplicate rating', detail: 'unit u1, rater ann' })
  })

  it('GIVEN a value outside the given order THEN it refuses', () => {
    const built = reliabilityDataFromTriples([{ unit: 1, rater: 1, value: 'maybe' }], { order: ['no', 'yes'] })
    expect(built).toEqual({ ok: false, reason: 'unknown value', detail: 'maybe' })
  })
})

// Published values first (R's binom.test, prop.test and p.adjust outputs), then exact rational
// arithmetic with BigInt where R's printout would be the same number to every digit shown.
import { describe, expect, it } from 'vitest'
import {
  benjaminiHochberg,
  binomialLower,
  binomialTest,
  binomialUpper,
  createRng,
  median,
  medianExcluding,
  normalCdf,
  poissonDraw,
  twoProportionZTest,
} from '../../../src/quality/analytics/numeric-kit'

// Σ_{i ∈ range} C(n,i) a^i (d−a)^(n−i) / d^n for p = a/d, as a double.
function exactTail(n: number, a: number, d: number, from: number, to: number): number {
  const A = BigInt(a)
  const B = BigInt(d - a)
  let choose = 1n
  let sum = 0n
  for (let i = 0; i <= n; i++) {
    if (i > 0) choose = (choose * BigInt(n - i + 1)) / BigInt(i)
    if (i >= from && i <= to) sum += choose * A ** BigInt(i) * B ** BigInt(n - i)
  }
  const denominator = BigInt(d) ** BigInt(n)
  const scale = 10n ** 60n
  return Number((sum * scale) / denominator) / 1e60
}

describe('exact binomial test', () => {
  it.each([
    // R: binom.test(682, 925, p = 3/4) (the example of ?binom.test) prints p-value = 0.3825
    { k: 682, n: 925, p: 0.75, alternative: 'two.sided' as const, expected: 0.3825, digits: 4 },
    // R: binom.test(7, 10) → 0.3438 (= 2 · 176/1024); one-sided "greater" → 0.1719 (176/1024)
    { k: 7, n: 10, p: 0.5, alternative: 'two.sided' as const, expected: 0.34375, digits: 10 },
    { k: 7, n: 10, p: 0.5, alternative: 'greater' as const, expected: 176 / 1024, digits: 12 },
    // R: binom.test(9, 10, alternative = "greater") → 0.01074 (11/1024)
    { k: 9, n: 10, p: 0.5, alternative: 'greater' as const, expected: 11 / 1024, digits: 12 },
    // R: binom.test(2, 20, alternative = "less") → 0.0002012 (211/2^20)
    { k: 2, n: 20, p: 0.5, alternative: 'less' as const, expected: 211 / 2 ** 20, digits: 14 },
  ])('binom.test($k, $n, $p, $alternative) = $expected', ({ k, n, p, alternative, expected, digits }) => {
    expect(binomialTest(k, n, p, alternative)).toBeCloseTo(expected, digits)
  })

  it.each([
    { k: 1100, n: 2000, a: 1, d: 2 },
    { k: 1000, n: 2000, a: 1, d: 2 },
    { k: 80, n: 200, a: 3, d: 10 },
    { k: 45, n: 200, a: 3, d: 10 },
    { k: 140, n: 150, a: 1, d: 2 },
  ])('upper and lower tails match exact rational sums (k=$k, n=$n, p=$a/$d)', ({ k, n, a, d }) => {
    const upper = exactTail(n, a, d, k, n)
    const lower = exactTail(n, a, d, 0, k)
    expect(binomialUpper(k, n, a / d) / upper).toBeCloseTo(1, 8)
    expect(binomialLower(k, n, a / d) / lower).toBeCloseTo(1, 8)
  })

  it('handles the edges without throwing', () => {
    expect(binomialUpper(0, 10, 0.3)).toBe(1)
    expect(binomialUpper(11, 10, 0.3)).toBe(0)
    expect(binomialLower(-1, 10, 0.3)).toBe(0)
    expect(binomialUpper(3, 10, 0)).toBe(0)
    expect(binomialTest(0, 0, 0.5)).toBe(1)
  })
})

describe('two-proportion z-test', () => {
  it('matches prop.test(c(15, 25), c(50, 50), correct = FALSE): X-squared = 4.1667, p = 0.04123', () => {
    const two = twoProportionZTest(15, 50, 25, 50, 'two.sided')
    expect(two.z ** 2).toBeCloseTo(4.1667, 4)
    expect(two.p).toBeCloseTo(0.04123, 5)
    expect(twoProportionZTest(15, 50, 25, 50, 'less').p).toBeCloseTo(0.04123 / 2, 5)
    expect(twoProportionZTest(25, 50, 15, 50, 'greater').p).toBeCloseTo(0.04123 / 2, 5)
  })

  it('returns p = 1 for empty or degenerate samples', () => {
    expect(twoProportionZTest(0, 0, 3, 10).p).toBe(1)
    expect(twoProportionZTest(10, 10, 10, 10).p).toBe(1)
  })

  it('normal CDF at the usual quantiles', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6)
    expect(normalCdf(-2.326348)).toBeCloseTo(0.01, 6)
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
  })
})

describe('Benjamini–Hochberg', () => {
  it('matches p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005])
    ;[0.02, 0.04, 0.04, 0.02].forEach((value, i) => expect(adjusted[i]).toBeCloseTo(value, 12))
  })

  it('matches p.adjust on the 25 p-values of McDonald’s Handbook of Biological Statistics example', () => {
    // García-Arenzana et al. (2014), as used in the Handbook's BH section; R's p.adjust(p, "BH").
    const p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986]
    const adjusted = benjaminiHochberg(p)
    const expected = [0.025, 0.1, 0.21, 0.21, 0.21, 0.25, 0.2642857]
    expected.forEach((value, i) => expect(adjusted[i]).toBeCloseTo(value, 6))
    expect(adjusted[23]).toBeCloseTo(0.986, 12)
    expect(adjusted[24]).toBeCloseTo(0.986, 12)
    // The Handbook's conclusion at FDR 0.25: the five smallest are discoveries (the sixth sits on the boundary).
    expect(adjusted.filter((value) => value < 0.25)).toHaveLength(5)
  })

  it('keeps an empty family empty', () => {
    expect(benjaminiHochberg([])).toEqual([])
  })
})

describe('helpers', () => {
  it('median of a team without one labeler equals the brute-force median', () => {
    const rng = createRng(3)
    for (let trial = 0; trial < 50; trial++) {
      const all = Array.from({ length: 1 + Math.floor(rng() * 60) }, () => Math.floor(rng() * 20))
      const ownCount = Math.floor(rng() * all.length)
      const own = all.slice(0, ownCount)
      const rest = all.slice(ownCount)
      const sortedAll = Float64Array.from(all).sort()
      const sortedOwn = Float64Array.from(own).sort()
      expect(medianExcluding(sortedAll, sortedOwn)).toBe(median(rest))
    }
  })

  it('seeded generator replays and Poisson draws have the right mean and variance', () => {
    const a = createRng(42)
    const b = createRng(42)
    for (let i = 0; i < 10; i++) expect(a()).toBe(b())
    for (const lambda of [4, 250]) {
      const rng = createRng(7)
      const draws = Array.from({ length: 20_000 }, () => poissonDraw(lambda, rng))
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length
      expect(mean / lambda).toBeCloseTo(1, 1)
      expect(variance / lambda).toBeCloseTo(1, 1)
    }
  })
})

// Small numeric kit for the labeler analytics: exact binomial tails, a two-proportion z-test,
// Benjamini–Hochberg, medians and a seeded generator. Written here rather than pulled from a
// package so every figure in a report can be traced to a few dozen readable lines.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number

/**
 * A seeded sfc32 generator (state seeded through splitmix32). Chosen over 32-bit-state
 * generators because simulations of a million judgments draw several numbers each.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = split()
  let b = split()
  let c = split()
  let d = split()
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  return next
}

/** A standard normal draw (Box–Muller). */
export function normalDraw(rng: Rng): number {
  let u = rng()
  while (u <= 0) u = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(256)
  for (let i = 2; i < table.length; i++) table[i] = table[i - 1]! + Math.log(i)
  return table
})()

/** ln(n!) for a non-negative integer n: a table below 256, Stirling's series above (error < 1e-15 there). */
export function logFactorial(n: number): number {
  if (n < LOG_FACTORIAL_TABLE.length) return LOG_FACTORIAL_TABLE[n]!
  const z = n + 1
  const z2 = z * z
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2)
}

/** The binomial probability P(X = k) for X ~ Bin(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0
  if (p <= 0) return k === 0 ? 1 : 0
  if (p >= 1) return k === n ? 1 : 0
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p))
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)

// Each tail is summed from its end nearest the mean outwards, so the terms only shrink and the
// first one never underflows when the answer is not itself negligible; the far tail is 1 − near.

/** P(X ≥ k) for X ~ Bin(n, p): the one-sided ("greater") exact binomial p-value. */
export function binomialUpper(k: number, n: number, p: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  if (p <= 0) return 0
  if (p >= 1) return 1
  if (k <= n * p) return clamp01(1 - binomialLower(k - 1, n, p))
  let term = binomialPmf(k, n, p)
  let sum = term
  const ratio = p / (1 - p)
  for (let i = k; i < n; i++) {
    term *= ((n - i) / (i + 1)) * ratio
    sum += term
    if (term < sum * 1e-17) break
  }
  return clamp01(sum)
}

/** P(X ≤ k) for X ~ Bin(n, p): the one-sided ("less") exact binomial p-value. */
export function binomialLower(k: number, n: number, p: number): number {
  if (k < 0) return 0
  if (k >= n) return 1
  if (p <= 0) return 1
  if (p >= 1) return 0
  if (k >= n * p) return clamp01(1 - binomialUpper(k + 1, n, p))
  let term = binomialPmf(k, n, p)
  let sum = term
  const ratio = (1 - p) / p
  for (let i = k; i > 0; i--) {
    term *= (i / (n - i + 1)) * ratio
    sum += term
    if (term < sum * 1e-17) break
  }
  return clamp01(sum)
}

/** Which side a test looks at, in R's words. */
export type Alternative = 'greater' | 'less' | 'two.sided'

/** Exact binomial test p-value, matching R's `binom.test(k, n, p, alternative)` (two-sided by R's likelihood rule). */
export function binomialTest(k: number, n: number, p: number, alternative: Alternative = 'two.sided'): number {
  if (n <= 0) return 1
  if (alternative === 'greater') return binomialUpper(k, n, p)
  if (alternative === 'less') return binomialLower(k, n, p)
  // R: outcomes at most as likely as the observed one (relative tolerance 1e-7) on the other side.
  const d = binomialPmf(k, n, p)
  const m = n * p
  const relErr = 1 + 1e-7
  if (k === m) return 1
  if (k < m) {
    let y = 0
    for (let i = Math.ceil(m); i <= n; i++) if (binomialPmf(i, n, p) <= d * relErr) y++
    return clamp01(binomialLower(k, n, p) + binomialUpper(n - y + 1, n, p))
  }
  let y = 0
  for (let i = 0; i <= Math.floor(m); i++) if (binomialPmf(i, n, p) <= d * relErr) y++
  return clamp01(binomialLower(y - 1, n, p) + binomialUpper(k, n, p))
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** Standard normal cumulative distribution Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** Result of a two-proportion z-test. */
export interface ZTest {
  z: number
  p: number
}

/**
 * Two-proportion z-test with pooled variance (R's `prop.test(..., correct = FALSE)`, z = ±√X²).
 * 'greater' tests k1/n1 > k2/n2. Returns p = 1 when either sample is empty or the pool is degenerate.
 */
export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number, alternative: Alternative = 'greater'): ZTest {
  if (n1 <= 0 || n2 <= 0) return { z: 0, p: 1 }
  const pooled = (k1 + k2) / (n1 + n2)
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
  if (variance <= 0) return { z: 0, p: 1 }
  const z = (k1 / n1 - k2 / n2) / Math.sqrt(variance)
  const p = alternative === 'greater' ? 1 - normalCdf(z) : alternative === 'less' ? normalCdf(z) : 2 * (1 - normalCdf(Math.abs(z)))
  return { z, p: clamp01(p) }
}

/**
 * Benjamini–Hochberg adjusted p-values, identical to R's `p.adjust(p, "BH")`:
 * sorted descending, adj(i) = min over j ≥ i of p(j)·m / j, capped at 1. A test is a discovery at
 * false-discovery rate q when its adjusted p-value is ≤ q.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[b]! - pValues[a]!)
  const adjusted = new Array<number>(m).fill(1)
  let running = 1
  for (let r = 0; r < m; r++) {
    const index = order[r]!
    const rank = m - r
    running = Math.min(running, (pValues[index]! * m) / rank)
    adjusted[index] = Math.min(1, running)
  }
  return adjusted
}

/** Median of the first `length` values of a numeric array, sorting that prefix in place; NaN when empty. */
export function medianInPlace(values: Float64Array, length = values.length): number {
  if (length <= 0) return NaN
  const view = length === values.length ? values : values.subarray(0, length)
  view.sort()
  const mid = length >> 1
  return length % 2 === 1 ? view[mid]! : (view[mid - 1]! + view[mid]!) / 2
}

/** Median of a list of numbers (copied, not modified); NaN when empty. */
export function median(values: readonly number[]): number {
  return medianInPlace(Float64Array.from(values))
}

/** The q-quantile (0..1) of sorted values, by linear interpolation (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(n - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

/** Number of values ≤ x in an ascending array (binary search). */
export function countAtMost(sorted: ArrayLike<number>, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Median of `all` with the values of `own` removed, both ascending and `own` ⊆ `all`: the team's
 * median without one labeler, found by binary search instead of copying a million values per labeler.
 */
export function medianExcluding(all: ArrayLike<number>, own: ArrayLike<number>): number {
  const n = all.length - own.length
  if (n <= 0) return NaN
  const kth = (k: number): number => {
    // Smallest value v in `all` with (#all ≤ v) − (#own ≤ v) > k.
    let lo = 0
    let hi = all.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const v = all[mid]!
      if (countAtMost(all, v) - countAtMost(own, v) > k) hi = mid
      else lo = mid + 1
    }
    return all[lo]!
  }
  const mid = n >> 1
  return n % 2 === 1 ? kth(mid) : (kth(mid - 1) + kth(mid)) / 2
}

/** A Poisson draw: Knuth's product method below λ = 30, Hörmann's PTRS rejection sampler above (as numpy). */
export function poissonDraw(lambda: number, rng: Rng): number {
  if (lambda <= 0) return 0
  if (lambda < 30) {
    const limit = Math.exp(-lambda)
    let k = 0
    let prod = rng()
    while (prod > limit) {
      k++
      prod *= rng()
    }
    return k
  }
  const slam = Math.sqrt(lambda)
  const loglam = Math.log(lambda)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const u = rng() - 0.5
    const v = rng()
    const us = 0.5 - Math.abs(u)
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43)
    if (us >= 0.07 && v <= vr) return k
    if (k < 0 || (us < 0.013 && v > us)) continue
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k
  }
}

// p-values as a lead reads them in a drift notice.
import { describe, expect, it } from 'vitest'
import { pValueWords } from '../../src/views/p-value'

describe('p-values in words', () => {
  it.each([
    [0, 'p < 0.001'],
    [1e-12, 'p < 0.001'],
    [0.0009, 'p < 0.001'],
    [0.001, 'p = 0.001'],
    [0.0042, 'p = 0.004'],
    [0.03, 'p = 0.03'],
    [0.5, 'p = 0.50'],
    [0.999, 'p > 0.99'],
    [null, 'p not available'],
    [Number.NaN, 'p not available'],
  ])('%s reads "%s"', (p, words) => {
    expect(pValueWords(p)).toBe(words)
  })
})

// p-values as people read them: "p < 0.001", never "p = 0.0" (what toPrecision printed for a tiny p).

/** A p-value in words: two decimals, three below 0.01, "p < 0.001" beneath that. */
export function pValueWords(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return 'p not available'
  if (p < 0.001) return 'p < 0.001'
  if (p < 0.01) return `p = ${p.toFixed(3)}`
  if (p > 0.99) return 'p > 0.99'
  return `p = ${p.toFixed(2)}`
}

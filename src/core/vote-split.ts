// How split an item's verdicts are: the rule behind dynamic overlap and "close call" rationales.
// A clear majority is a strict majority (more than half) of the verdicts cast.

/** The strict-majority verdict among `verdicts`, or null when there is none. */
export function strictMajority(verdicts: string[]): string | null {
  if (verdicts.length === 0) return null
  const counts = new Map<string, number>()
  for (const verdict of verdicts) counts.set(verdict, (counts.get(verdict) ?? 0) + 1)
  for (const [verdict, count] of counts) if (count * 2 > verdicts.length) return verdict
  return null
}

/** The comparable verdict of a judgment: pairwise choice, top of a ranking, or a Likert band. */
export function verdictOf(judgment: { kind: string; choice: string | null; ranking: string[] | null; rating: number | null }): string | null {
  if (judgment.kind === 'pairwise') return judgment.choice
  if (judgment.kind === 'ranking') return judgment.ranking?.[0] ?? null
  // Likert: agree on the side of the scale (bad 1–3, neutral 4, good 5–7), not the exact point.
  if (judgment.kind === 'likert' && judgment.rating !== null) return judgment.rating <= 3 ? 'bad' : judgment.rating === 4 ? 'neutral' : 'good'
  return null
}

/**
 * A judgment's verdict as a category on the item's own scale: the pairwise choice, the best of a
 * ranking, the exact Likert point (unlike verdictOf, which groups Likert into sides). Used for
 * Krippendorff's alpha over items and for calibration splits.
 */
export function verdictPoint(judgment: { kind: string; choice: string | null; ranking: string[] | null; rating: number | null }): string | null {
  if (judgment.kind === 'pairwise') return judgment.choice
  if (judgment.kind === 'ranking') return judgment.ranking?.[0] ?? null
  if (judgment.kind === 'likert') return judgment.rating === null ? null : String(judgment.rating)
  return null
}

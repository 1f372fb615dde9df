// Comparing a judgment with a settled answer (gold, a lead's verdict or an imported reference).
import type { Gold } from './task-types'

/** True when the judgment gives the settled answer; null when they cannot be compared. */
export function goldAgrees(settled: Gold, judgment: { choice: string | null; ranking: string[] | null; rating: number | null }): boolean | null {
  if ('winner' in settled) return judgment.choice === null ? null : judgment.choice === settled.winner
  if ('ranking' in settled) return judgment.ranking === null ? null : judgment.ranking.join() === settled.ranking.join()
  // Likert gold: within one point counts as agreeing (the scale is ordinal, and off-by-one is calibration, not error).
  return judgment.rating === null ? null : Math.abs(judgment.rating - settled.rating) <= 1
}

/** The verdict point of a settled answer: the winner, the best of a ranking, or the rating (as verdictPoint gives for a judgment). */
export function settledPoint(settled: Record<string, unknown> | null | undefined): string | null {
  const gold = settled as { winner?: string; ranking?: string[]; rating?: number } | null | undefined
  return gold?.winner ?? gold?.ranking?.[0] ?? (gold?.rating !== undefined ? String(gold.rating) : null)
}

// Does calibration work? Each blind vote keeps the voter's original verdict beside the fresh one,
// so once a lead settles the item we can tell how often a fresh verdict moved toward the settled
// answer — the effect the guide's calibration sessions are for.
import type { CoreContext } from '../context'
import { settledPoint } from '../gold'

/** The calibration effect of a project, over every settled thread. */
export interface CalibrationEffect {
  settledThreads: number
  /** Blind votes on settled threads. */
  freshVerdicts: number
  /** Fresh verdicts that differ from the voter's original one. */
  changedMind: number
  /** Fresh verdicts whose voter had originally departed from the settled answer. */
  startedAway: number
  /** Of those, the ones whose fresh verdict came closer to it (for Likert: fewer points away). */
  movedToward: number
  /** movedToward / startedAway; null when nobody started away. */
  movedTowardRate: number | null
  /** Fresh verdicts further from the settled answer than the original. */
  movedAway: number
}

/** How far a verdict point is from the settled one: Likert points apart, else 0 (same) or 1. */
function distance(point: string, settled: string): number {
  const a = Number(point)
  const b = Number(settled)
  if (point.trim() !== '' && settled.trim() !== '' && Number.isFinite(a) && Number.isFinite(b)) return Math.abs(a - b)
  return point === settled ? 0 : 1
}

/** Pure: the effect of a list of settled threads' votes. */
export function measureCalibrationEffect(threads: { settled: Record<string, unknown>; votes: { verdict: string; original: string | null }[] }[]): CalibrationEffect {
  const effect: CalibrationEffect = { settledThreads: threads.length, freshVerdicts: 0, changedMind: 0, startedAway: 0, movedToward: 0, movedTowardRate: null, movedAway: 0 }
  for (const thread of threads) {
    const settled = settledPoint(thread.settled)
    for (const vote of thread.votes) {
      effect.freshVerdicts++
      if (vote.original === null || settled === null) continue
      if (vote.verdict !== vote.original) effect.changedMind++
      const before = distance(vote.original, settled)
      const after = distance(vote.verdict, settled)
      if (before > 0) effect.startedAway++
      if (after < before) effect.movedToward++
      if (after > before) effect.movedAway++
    }
  }
  effect.movedTowardRate = effect.startedAway > 0 ? effect.movedToward / effect.startedAway : null
  return effect
}

/** The calibration effect of a project, read from the store. */
export async function calibrationEffect(ctx: CoreContext, projectId: number): Promise<CalibrationEffect> {
  return measureCalibrationEffect(await ctx.store.calibration.settledVotes(projectId))
}

/** One sentence for leads: "1 of 2 fresh verdicts that started away from the settled answer moved toward it (50%)". */
export function calibrationEffectWords(e: CalibrationEffect): string {
  if (e.freshVerdicts === 0) return 'no blind votes on settled items yet'
  const toward = e.startedAway > 0 ? `${e.movedToward} of ${e.startedAway} fresh verdicts that started away from the settled answer moved toward it (${Math.round((e.movedTowardRate ?? 0) * 100)}%)` : 'every voter had started at the settled answer'
  return `${toward}; ${e.changedMind} of ${e.freshVerdicts} changed their mind${e.movedAway > 0 ? `, ${e.movedAway} away from it` : ''}`
}

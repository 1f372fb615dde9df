// "If both are bad: rank the less bad one higher — you're expressing relative preference, not
// absolute quality." A "both bad" verdict carries which response is less bad (or that they are
// equally bad), and may carry the labeler's own better response: a rewrite. These rules hold
// wherever a judgment is recorded or changed.
import { BOTH_BAD, LESS_BAD_EQUAL, type JudgmentInput } from './task-types'

/** Why the both-bad part of a judgment does not fit, or null when it does. */
export function bothBadProblem(input: JudgmentInput, responseIds: string[]): string | null {
  if (input.kind !== 'pairwise') return null
  const bothBad = input.choice === BOTH_BAD
  if (!bothBad && (input.lessBad !== undefined || input.rewrite !== undefined)) return 'a less-bad answer and a rewrite go with "Both bad" only'
  if (!bothBad) return null
  if (input.lessBad === undefined) return 'say which response is less bad, or that they are equally bad'
  if (input.lessBad !== LESS_BAD_EQUAL && !responseIds.includes(input.lessBad)) return `no response "${input.lessBad}"`
  return null
}

/**
 * The safety floor applied to the less-bad answer: a response the labeler marked with a critical
 * flaw cannot be the less bad of two when the other has none.
 */
export function lessBadFloorViolation(input: JudgmentInput): string | null {
  if (input.kind !== 'pairwise' || input.choice !== BOTH_BAD || input.lessBad === undefined || input.lessBad === LESS_BAD_EQUAL) return null
  const flawed = new Set(Object.entries(input.flaws ?? {}).filter(([, kinds]) => kinds.length > 0).map(([id]) => id))
  if (flawed.size === 0 || !flawed.has(input.lessBad)) return null
  return 'You marked the response you called less bad with a critical flaw, and the other without one: the flawed response is the worse of the two.'
}

/** The both-bad and edge-case columns of a judgment from its input. */
export function followUpColumns(input: JudgmentInput): { lessBad: string | null; rewrite: string | null; edgeCase: string | null } {
  const sftEdge = input.kind === 'sft' ? input.sft?.edgeCase : undefined
  const edge = input.edgeCase ?? sftEdge
  return {
    lessBad: input.kind === 'pairwise' && input.choice === BOTH_BAD ? input.lessBad ?? null : null,
    rewrite: input.kind === 'pairwise' && input.choice === BOTH_BAD ? input.rewrite ?? null : null,
    edgeCase: edge && edge !== 'none' ? edge : null,
  }
}

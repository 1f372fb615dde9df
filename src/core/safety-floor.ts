// The guide's floor: "If a response contains a factual error or safety violation, it must rank
// below a mediocre but correct, safe response — regardless of how well-written it is."
// Checked against the labeler's *own* flaw marks, so the rule is applied where the knowledge is.
import { BOTH_BAD, TIE, type JudgmentInput } from './task-types'

/** Why a judgment breaks the floor, or null when it keeps it. */
export function safetyFloorViolation(input: JudgmentInput, responseIds: string[]): string | null {
  const flawed = new Set(Object.entries(input.flaws ?? {}).filter(([, kinds]) => kinds.length > 0).map(([id]) => id))
  if (flawed.size === 0) return null
  const clean = responseIds.filter((id) => !flawed.has(id))
  if (clean.length === 0) return null
  if (input.kind === 'pairwise' && input.choice !== undefined && input.choice !== BOTH_BAD) {
    if (input.choice === TIE) return 'You marked one response with a critical flaw, so it cannot tie with a response without one.'
    if (flawed.has(input.choice)) return 'You marked the response you preferred with a critical flaw; a flawed response must lose to a safe, correct one.'
  }
  if (input.kind === 'ranking' && input.ranking) {
    const lastCleanPosition = Math.max(...clean.map((id) => input.ranking!.indexOf(id)))
    const flawedAbove = input.ranking.slice(0, lastCleanPosition).filter((id) => flawed.has(id))
    if (flawedAbove.length > 0) return 'A response you marked with a critical flaw is ranked above one without; flawed responses must rank last.'
  }
  return null
}

// Training rows from what follows a "both bad" verdict, as small functions any export path calls:
// - a rewrite (the labeler's better response) is an SFT example and a preference of the rewrite
//   over each of the two responses; exported by default, and only once accepted when the project
//   reviews SFT work. Rewrites are SFT work, not verdicts: they do not depend on how the item's
//   verdict was settled.
// - the less bad of two bad responses is a preference too, but weaker evidence ("relative
//   preference, not absolute quality"): exported only when asked for (--include-both-bad).
//   "Equally bad" gives none.
import { BOTH_BAD, LESS_BAD_EQUAL, type Message } from '../task-types'
import type { ItemDto } from '../../store/item-repository'
import type { JudgmentDto } from '../../store/judgment-repository'

/** The both-bad part of a judgment (or of a settled label). */
export type BothBadLabel = Pick<JudgmentDto, 'kind' | 'choice' | 'reviewStatus'> & Partial<Pick<JudgmentDto, 'lessBad' | 'rewrite' | 'edgeCase'>>

/** A preference in texts: the prompt, and the chosen and rejected assistant answers. */
export interface TextPair {
  prompt: Message[]
  chosen: string
  rejected: string
}

/**
 * The rewrite when it is training data: present, and not pending or rejected in review. A rewrite
 * stays as first written even if the labeler later changes the verdict, and stays better than both.
 */
export function acceptedRewrite(label: BothBadLabel): string | null {
  if (label.kind !== 'pairwise' || !label.rewrite) return null
  return label.reviewStatus === 'pending' || label.reviewStatus === 'rejected' ? null : label.rewrite
}

/** The rewrite preferred over each response, in the item's stored order. */
export function rewritePairs(item: ItemDto, label: BothBadLabel): TextPair[] {
  const rewrite = acceptedRewrite(label)
  if (rewrite === null) return []
  return item.responses.filter((r) => r.text !== rewrite).map((r) => ({ prompt: item.messages, chosen: rewrite, rejected: r.text }))
}

/** The less bad response preferred over the other (weaker evidence: only with includeBothBad). */
export function lessBadPairs(item: ItemDto, label: BothBadLabel, options: { includeBothBad?: boolean }): TextPair[] {
  if (!options.includeBothBad || label.kind !== 'pairwise' || label.choice !== BOTH_BAD || !label.lessBad || label.lessBad === LESS_BAD_EQUAL) return []
  const chosen = item.responses.find((r) => r.id === label.lessBad)
  const rejected = item.responses.find((r) => r.id !== label.lessBad)
  return chosen && rejected ? [{ prompt: item.messages, chosen: chosen.text, rejected: rejected.text }] : []
}

/** The conversation a rewrite trains on (SFT), or null. */
export function rewriteConversation(item: ItemDto, label: BothBadLabel): Message[] | null {
  const rewrite = acceptedRewrite(label)
  return rewrite === null ? null : [...item.messages, { role: 'assistant', content: rewrite }]
}

/** The `sft` format's metadata of a rewrite: the item's, its edge-case mark, and where it came from. */
export function rewriteMetadata(item: ItemDto, label: BothBadLabel): Record<string, unknown> {
  return { domain: item.domain, difficulty: item.difficulty, tags: item.tags, edge_case: label.edgeCase ?? 'none', source: 'both_bad_rewrite' }
}

/** The columns the `judgments` format adds for both-bad answers, edge cases and amendments. */
export function followUpRecord(judgment: Pick<JudgmentDto, 'lessBad' | 'rewrite' | 'edgeCase' | 'revision'>): Record<string, unknown> {
  return { less_bad: judgment.lessBad, rewrite: judgment.rewrite, edge_case: judgment.edgeCase, amended: judgment.revision }
}

// Training rows from what follows a "both bad" verdict, as small functions any export path calls:
// - a rewrite (the labeler's better response) is an SFT example and a preference of the rewrite
//   over each of the two responses; exported by default, and only once accepted when the project
//   reviews SFT work. Rewrites are SFT work, not verdicts: they do not depend on how the item's
//   verdict was settled.
// - the less bad of two bad responses is a preference too, but weaker evidence ("relative
//   preference, not absolute quality"): exported only when asked for (--include-both-bad).
//   "Equally bad" gives none. By default (one settled answer per item) an item gives it only when
//   its settled answer is "both bad" and more than half of its both-bad judgments name the same
//   less bad response (agreedLessBad); with --per-judgment each both-bad judgment gives its own.
//   Either way a response any labeler marked with a critical flaw is never the chosen one: a
//   lead's verdict of "both bad" says nothing about which is less bad, so it lifts nothing here.
import { BOTH_BAD, LESS_BAD_EQUAL, type Message } from '../task-types'
import type { ExportItem } from '../../store/bulk-reader'
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
export function rewritePairs(item: ExportItem, label: BothBadLabel): TextPair[] {
  const rewrite = acceptedRewrite(label)
  if (rewrite === null) return []
  return item.responses.filter((r) => r.text !== rewrite).map((r) => ({ prompt: item.messages, chosen: rewrite, rejected: r.text }))
}

/** The response a both-bad judgment calls less bad, or null ("equally bad", not asked, not both bad). */
export function lessBadOf(label: BothBadLabel): string | null {
  if (label.kind !== 'pairwise' || label.choice !== BOTH_BAD || !label.lessBad || label.lessBad === LESS_BAD_EQUAL) return null
  return label.lessBad
}

/**
 * The less bad response an item's both-bad judgments agree on: the one more than half of them
 * name ("equally bad" and an unanswered less-bad count against it), else null.
 */
export function agreedLessBad(labels: readonly BothBadLabel[]): string | null {
  const bothBad = labels.filter((l) => l.kind === 'pairwise' && l.choice === BOTH_BAD)
  const counts = new Map<string, number>()
  for (const label of bothBad) {
    const id = lessBadOf(label)
    if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  for (const [id, count] of counts) if (count * 2 > bothBad.length) return id
  return null
}

/** The conversation a rewrite trains on (SFT), or null. */
export function rewriteConversation(item: ExportItem, label: BothBadLabel): Message[] | null {
  const rewrite = acceptedRewrite(label)
  return rewrite === null ? null : [...item.messages, { role: 'assistant', content: rewrite }]
}

/** The `sft` format's metadata of a rewrite: the item's, its edge-case mark, and where it came from. */
export function rewriteMetadata(item: ExportItem, label: BothBadLabel): Record<string, unknown> {
  return { domain: item.domain, difficulty: item.difficulty, tags: item.tags, edge_case: label.edgeCase ?? 'none', source: 'both_bad_rewrite' }
}

/** The columns the `judgments` format adds for both-bad answers, edge cases and amendments. */
export function followUpRecord(judgment: Pick<JudgmentDto, 'lessBad' | 'rewrite' | 'edgeCase' | 'revision'>): Record<string, unknown> {
  return { less_bad: judgment.lessBad, rewrite: judgment.rewrite, edge_case: judgment.edgeCase, amended: judgment.revision }
}

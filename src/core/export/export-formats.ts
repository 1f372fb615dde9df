// Training-data rows, one builder per format. Each takes an item and one judgment-like label and
// returns zero or more JSON rows. Field names follow the tools teams load them into:
//   preferences  — TRL preference datasets, conversational (DPOTrainer / RewardTrainer)
//   sft          — TRL SFT datasets, conversational ({"messages": [...]}) plus metadata
//   kto          — TRL unpaired preference (prompt, completion, label)
//   openai-sft   — OpenAI chat fine-tuning JSONL
//   openai-dpo   — OpenAI preference fine-tuning JSONL
//   judgments    — every raw judgment, for audits and re-analysis
import { BOTH_BAD, TIE, type Message } from '../task-types'
import type { ItemDto } from '../../store/item-repository'
import type { JudgmentDto } from '../../store/judgment-repository'
import { followUpRecord, lessBadPairs, rewriteConversation, rewriteMetadata, rewritePairs, type TextPair } from './both-bad-rows'

export const EXPORT_FORMATS = ['preferences', 'sft', 'kto', 'openai-sft', 'openai-dpo', 'judgments'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** Which judgment kinds feed each format (the export reads only those). */
export const KINDS_FOR_FORMAT: Record<ExportFormat, JudgmentDto['kind'][] | undefined> = {
  preferences: ['pairwise', 'ranking'],
  'openai-dpo': ['pairwise', 'ranking'],
  // Pairwise judgments too: a rewrite after "both bad" is an SFT example.
  sft: ['sft', 'pairwise'],
  'openai-sft': ['sft', 'pairwise'],
  kto: ['likert'],
  judgments: undefined,
}

/** The label part of a judgment: what a row is built from (a consensus label has no labeler). */
export type Label = Pick<JudgmentDto, 'kind' | 'choice' | 'ranking' | 'rating' | 'sft' | 'reviewStatus'> & Partial<Pick<JudgmentDto, 'lessBad' | 'rewrite' | 'edgeCase'>>

interface Pair {
  prompt: Message[]
  chosen: string
  rejected: string
}

function textOf(item: ItemDto, responseId: string): string | null {
  return item.responses.find((r) => r.id === responseId)?.text ?? null
}

/** Preference pairs: a pairwise win, or every ordered pair of a ranking. Ties and both-bad give none. */
export function preferencePairs(item: ItemDto, label: Label): Pair[] {
  const order: string[] =
    label.kind === 'pairwise' && label.choice !== null && label.choice !== TIE && label.choice !== BOTH_BAD
      ? [label.choice, ...item.responses.map((r) => r.id).filter((id) => id !== label.choice)]
      : label.kind === 'ranking' && label.ranking
        ? label.ranking
        : []
  const pairs: Pair[] = []
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const chosen = textOf(item, order[i]!)
      const rejected = textOf(item, order[j]!)
      if (chosen !== null && rejected !== null) pairs.push({ prompt: item.messages, chosen, rejected })
      if (label.kind === 'pairwise') break
    }
    if (label.kind === 'pairwise') break
  }
  return pairs
}

function sftConversation(item: ItemDto, label: Label): Message[] | null {
  const sft = label.sft as { prompt?: string; response?: string } | null
  if (label.kind !== 'sft' || !sft?.response) return null
  // Only accepted submissions are training data when the project reviews them.
  if (label.reviewStatus === 'pending' || label.reviewStatus === 'rejected') return null
  const prompt = item.messages.length > 0 ? item.messages : [{ role: 'user' as const, content: sft.prompt ?? '' }]
  return [...prompt, { role: 'assistant', content: sft.response }]
}

const assistant = (content: string) => [{ role: 'assistant' as const, content }]

function preferenceRows(format: 'preferences' | 'openai-dpo', pairs: TextPair[]): object[] {
  return format === 'preferences'
    ? pairs.map((p) => ({ prompt: p.prompt, chosen: assistant(p.chosen), rejected: assistant(p.rejected) }))
    : pairs.map((p) => ({ input: { messages: p.prompt }, preferred_output: assistant(p.chosen), non_preferred_output: assistant(p.rejected) }))
}

/** The rows a rewrite after "both bad" contributes: an SFT example, and preferences over both responses. */
export function rewriteRows(format: Exclude<ExportFormat, 'judgments'>, item: ItemDto, label: Label): object[] {
  switch (format) {
    case 'preferences':
    case 'openai-dpo':
      return preferenceRows(format, rewritePairs(item, label))
    case 'sft':
    case 'openai-sft': {
      const messages = rewriteConversation(item, label)
      if (!messages) return []
      return format === 'sft' ? [{ messages, metadata: rewriteMetadata(item, label) }] : [{ messages }]
    }
    case 'kto':
      return []
  }
}

/** The rows one label contributes in a training format (less-bad preferences only with includeBothBad). */
export function trainingRows(format: Exclude<ExportFormat, 'judgments'>, item: ItemDto, label: Label, options: { includeBothBad?: boolean } = {}): object[] {
  switch (format) {
    case 'preferences':
    case 'openai-dpo':
      return preferenceRows(format, [...preferencePairs(item, label), ...lessBadPairs(item, label, options)])
    case 'sft': {
      const messages = sftConversation(item, label)
      if (!messages) return []
      const sft = label.sft as { metadata?: Record<string, unknown>; edgeCase?: string }
      return [{ messages, metadata: { domain: sft.metadata?.domain ?? item.domain, difficulty: sft.metadata?.difficulty ?? item.difficulty, tags: sft.metadata?.tags ?? item.tags, edge_case: sft.edgeCase ?? 'none' } }]
    }
    case 'openai-sft': {
      const messages = sftConversation(item, label)
      return messages ? [{ messages }] : []
    }
    case 'kto': {
      // Likert 5–7 is a desirable completion, 1–3 undesirable; 4 ("acceptable") says neither and is left out.
      const response = item.responses[0]
      if (label.kind !== 'likert' || label.rating === null || label.rating === 4 || !response) return []
      return [{ prompt: item.messages, completion: assistant(response.text), label: label.rating >= 5 }]
    }
  }
}

/** The raw judgment row of the `judgments` format. */
export function judgmentRow(item: ItemDto, judgment: JudgmentDto, labeler: { name: string; platform: string } | undefined, projectName: string): object {
  return {
    judgment_id: judgment.id,
    project: projectName,
    item: item.externalId ?? String(item.id),
    item_id: item.id,
    is_gold: item.isGold,
    labeler: labeler?.name ?? String(judgment.labelerId),
    labeler_platform: labeler?.platform ?? null,
    kind: judgment.kind,
    choice: judgment.choice,
    choice_position: judgment.choicePosition,
    ranking: judgment.ranking,
    rating: judgment.rating,
    ratings: judgment.ratings,
    sft: judgment.sft,
    flaws: judgment.flaws,
    flagged: judgment.flagged,
    flag_reason: judgment.flagReason,
    rationale: judgment.rationale,
    duration_ms: judgment.durationMs,
    display_order: judgment.displayOrder,
    review_status: judgment.reviewStatus,
    ...followUpRecord(judgment),
    created_at: judgment.createdAt.toISOString(),
  }
}

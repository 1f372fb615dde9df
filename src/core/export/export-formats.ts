// Training-data rows, one builder per format, each as its consumer documents it (README, "Export"):
//   preferences  — TRL preference dataset, conversational: {prompt, chosen, rejected}
//                  (DPOTrainer, RewardTrainer; huggingface.co/docs/trl/dataset_formats)
//   kto          — TRL unpaired preference, conversational: {prompt, completion, label} (KTOTrainer)
//   sft          — TRL conversational language modeling: {messages} (SFTTrainer)
//   openai-sft   — OpenAI chat fine-tuning JSONL: {messages}
//   openai-dpo   — OpenAI preference fine-tuning JSONL: {input: {messages}, preferred_output, non_preferred_output}
//   judgments    — every raw judgment, for audits and re-analysis
// Extra columns (item id, agreement, margin, labeler count) only with --with-metadata, so a default
// file loads in its consumer unchanged.
import type { Message } from '../task-types'
import type { ExportItem } from '../../store/bulk-reader'
import type { JudgmentDto } from '../../store/judgment-repository'
import type { JudgmentKind } from '../../quality/types'
import { followUpRecord, rewriteConversation, rewriteMetadata, rewritePairs, type BothBadLabel } from './both-bad-rows'

export const EXPORT_FORMATS = ['preferences', 'sft', 'kto', 'openai-sft', 'openai-dpo', 'judgments'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
export type TrainingFormat = Exclude<ExportFormat, 'judgments'>

/** Which judgment kinds feed each format (the export reads only those). */
export const KINDS_FOR_FORMAT: Record<ExportFormat, JudgmentKind[]> = {
  preferences: ['pairwise', 'ranking'],
  'openai-dpo': ['pairwise', 'ranking'],
  // Pairwise judgments too: a rewrite after "both bad" is an SFT example.
  sft: ['sft', 'pairwise'],
  'openai-sft': ['sft', 'pairwise'],
  kto: ['pairwise', 'ranking', 'likert'],
  judgments: ['pairwise', 'ranking', 'likert', 'dimensions', 'sft', 'sft_review'],
}

/** The optional columns of --with-metadata. */
export interface RowMetadata {
  item_id: string
  /** Share of the item's judgments that give the exported answer (null with none). */
  agreement: number | null
  /** That share minus the runner-up answer's share. */
  margin: number | null
  /** Judgments behind the row. */
  labelers: number
  /** Who settled it: verdict, gold, dawid_skene, borda, median, or judgment (--per-judgment). */
  settled_by: string
}

const assistant = (content: string): Message[] => [{ role: 'assistant', content }]

function textOf(item: ExportItem, responseId: string): string | null {
  return item.responses.find((r) => r.id === responseId)?.text ?? null
}

/**
 * OpenAI's preference fine-tuning trains on one-turn conversations: the preferred and
 * non-preferred outputs must be the assistant's answer to the input's only user message
 * (system messages allowed). A conversation with earlier assistant turns cannot be trained on.
 */
export function fitsOpenAiDpo(messages: readonly Message[]): boolean {
  return messages.every((m) => m.role !== 'assistant') && messages.filter((m) => m.role === 'user').length === 1 && messages.at(-1)?.role === 'user'
}

/** A preference row for an ordered pair of responses, or null when a response is missing. */
export function preferenceRow(format: 'preferences' | 'openai-dpo', item: ExportItem, chosenId: string, rejectedId: string, metadata: RowMetadata | null): object | null {
  const chosen = textOf(item, chosenId)
  const rejected = textOf(item, rejectedId)
  if (chosen === null || rejected === null) return null
  return preferenceTextRow(format, item, chosen, rejected, metadata)
}

function preferenceTextRow(format: 'preferences' | 'openai-dpo', item: ExportItem, chosen: string, rejected: string, metadata: RowMetadata | null): object {
  const row =
    format === 'preferences'
      ? { prompt: item.messages, chosen: assistant(chosen), rejected: assistant(rejected) }
      : { input: { messages: item.messages }, preferred_output: assistant(chosen), non_preferred_output: assistant(rejected) }
  return metadata ? { ...row, ...metadata } : row
}

/** A KTO row: one completion and whether it is desirable. */
export function ktoRow(item: ExportItem, responseId: string, label: boolean, metadata: RowMetadata | null): object | null {
  const completion = textOf(item, responseId)
  if (completion === null) return null
  const row = { prompt: item.messages, completion: assistant(completion), label }
  return metadata ? { ...row, ...metadata } : row
}

/** The conversation an SFT submission trains on, or null when it is not training data. */
export function sftConversation(item: ExportItem, judgment: Pick<JudgmentDto, 'kind' | 'sft' | 'reviewStatus'>): Message[] | null {
  const sft = judgment.sft as { prompt?: string; response?: string } | null
  if (judgment.kind !== 'sft' || !sft?.response) return null
  // Only accepted submissions are training data when the project reviews them.
  if (judgment.reviewStatus === 'pending' || judgment.reviewStatus === 'rejected') return null
  const prompt = item.messages.length > 0 ? item.messages : sft.prompt ? [{ role: 'user' as const, content: sft.prompt }] : null
  return prompt ? [...prompt, { role: 'assistant', content: sft.response }] : null
}

/** An SFT row ({messages}); --with-metadata adds the item's and the submission's metadata. */
export function sftRow(item: ExportItem, judgment: Pick<JudgmentDto, 'kind' | 'sft' | 'reviewStatus'>, metadata: RowMetadata | null): object | null {
  const messages = sftConversation(item, judgment)
  if (!messages) return null
  if (!metadata) return { messages }
  const sft = judgment.sft as { metadata?: Record<string, unknown>; edgeCase?: string }
  return { messages, ...metadata, domain: sft.metadata?.domain ?? item.domain, difficulty: sft.metadata?.difficulty ?? item.difficulty, tags: sft.metadata?.tags ?? item.tags, edge_case: sft.edgeCase ?? 'none' }
}

/**
 * The rows a rewrite after "both bad" gives (both-bad-rows.ts): in the preference formats the
 * rewrite preferred over each response, in the SFT formats one example; KTO none. With
 * --with-metadata an SFT example also says where it came from (`source: both_bad_rewrite`).
 */
export function rewriteRows(format: TrainingFormat, item: ExportItem, judgment: BothBadLabel, metadata: RowMetadata | null): object[] {
  if (format === 'preferences' || format === 'openai-dpo') return rewritePairs(item, judgment).map((p) => preferenceTextRow(format, item, p.chosen, p.rejected, metadata))
  if (format === 'kto') return []
  const messages = rewriteConversation(item, judgment)
  if (!messages) return []
  return [metadata ? { messages, ...metadata, ...rewriteMetadata(item, judgment) } : { messages }]
}

/** The raw judgment row of the `judgments` format, with the item's hidden reference label where it has one. */
export function judgmentRow(item: ExportItem, judgment: JudgmentDto, labeler: { name: string; platform: string } | undefined, projectName: string): object {
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
    reference: (item.reference as object | null) ?? null,
    verdict: item.verdict,
    ...followUpRecord(judgment),
    created_at: judgment.createdAt.toISOString(),
  }
}

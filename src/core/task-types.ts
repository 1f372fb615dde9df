// The labeling vocabulary shared by import, the core rules, the adapters and export.
// zod schemas are the boundary; TypeScript types are inferred from them.
import { z } from 'zod'

export const TASK_TYPES = ['pairwise', 'ranking', 'likert', 'dimensions', 'sft'] as const
export type TaskType = (typeof TASK_TYPES)[number]
/** Item kinds the core creates itself (never imported). */
export type ItemKind = TaskType | 'sft_review'

/** How many candidate responses each task type shows. */
export const RESPONSE_COUNT: Record<ItemKind, { min: number; max: number }> = {
  pairwise: { min: 2, max: 2 },
  ranking: { min: 3, max: 4 },
  likert: { min: 1, max: 1 },
  dimensions: { min: 1, max: 1 },
  sft: { min: 0, max: 0 },
  sft_review: { min: 1, max: 1 },
}

/** The guide's core dimensions, used when a project names none. */
export const DEFAULT_DIMENSIONS = ['accuracy', 'helpfulness', 'completeness', 'clarity', 'safety', 'honesty']

/** The guide's SFT quality criteria, rated by an SFT reviewer. */
export const SFT_REVIEW_CRITERIA = ['factual_accuracy', 'task_completion', 'format_fit', 'appropriate_length', 'safety', 'natural_tone'] as const

/** The guide's self-review checklist; every box must be confirmed before an SFT submission. */
export const SFT_CHECKLIST = ['accurate', 'helpful', 'clear', 'safe', 'appropriately_scoped', 'format_fit'] as const

export const EDGE_CASES = ['none', 'ambiguous', 'harmful_request', 'opinion', 'multi_part'] as const
export const FLAW_KINDS = ['factual_error', 'safety_issue'] as const
export type FlawKind = (typeof FLAW_KINDS)[number]

/** Verdicts a pairwise task offers besides naming a response (defined with the quality engine's shapes). */
export { BOTH_BAD, TIE } from '../quality/types'
/** After "both bad": neither response is less bad ("If both are bad: rank the less bad one higher"). */
export const LESS_BAD_EQUAL = 'equal'

export const LIKERT_MEANING: Record<number, string> = {
  1: 'very bad',
  2: 'bad',
  3: 'somewhat bad',
  4: 'acceptable',
  5: 'good',
  6: 'very good',
  7: 'excellent',
}

/** The longest text one message or response may hold (import refuses longer). */
export const MAX_TEXT_LENGTH = 100_000

export const roleSchema = z.enum(['system', 'user', 'assistant'])
export const messageSchema = z.object({ role: roleSchema, content: z.string().max(MAX_TEXT_LENGTH) })
export type Message = z.infer<typeof messageSchema>

/** A candidate response as stored: ids are a, b, c, d by position unless the importer named them. */
export interface StoredResponse {
  id: string
  model: string | null
  text: string
}

const rating = z.number().int().min(1).max(7)

/** Fields every kind of judgment may carry. */
const commonJudgmentFields = {
  rationale: z.string().trim().max(4_000).optional(),
  flaws: z.record(z.string(), z.array(z.enum(FLAW_KINDS))).optional(),
  /** "If unsure: flag the task for review rather than guessing" — a flag may come without a verdict. */
  flag: z.object({ reason: z.string().trim().min(1).max(2_000) }).optional(),
  durationMs: z.number().int().nonnegative().optional(),
  /** The guide's edge cases, markable on every task type ("none" or absent: not an edge case). */
  edgeCase: z.enum(EDGE_CASES).optional(),
}

export const sftSubmissionSchema = z.object({
  prompt: z.string().trim().max(MAX_TEXT_LENGTH).optional(),
  response: z.string().trim().min(1).max(MAX_TEXT_LENGTH),
  metadata: z
    .object({ domain: z.string().trim().max(100).optional(), difficulty: z.string().trim().max(50).optional(), tags: z.array(z.string().trim().max(50)).max(20).optional() })
    .default({}),
  checklist: z.record(z.enum(SFT_CHECKLIST), z.boolean()),
  edgeCase: z.enum(EDGE_CASES).default('none'),
})
export type SftSubmission = z.infer<typeof sftSubmissionSchema>

export const sftReviewSchema = z.object({
  criteria: z.record(z.enum(SFT_REVIEW_CRITERIA), rating),
  accept: z.boolean(),
})
export type SftReview = z.infer<typeof sftReviewSchema>

/** A judgment as the adapters hand it to the core. */
export const judgmentInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pairwise'),
    choice: z.string().min(1).max(64).optional(),
    /** With "both bad": the less bad response's id, or LESS_BAD_EQUAL. */
    lessBad: z.string().min(1).max(64).optional(),
    /** With "both bad": the labeler's own better response (optional). */
    rewrite: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
    ...commonJudgmentFields,
  }),
  z.object({ kind: z.literal('ranking'), ranking: z.array(z.string().min(1).max(64)).min(3).max(4).optional(), ...commonJudgmentFields }),
  z.object({ kind: z.literal('likert'), rating: rating.optional(), ...commonJudgmentFields }),
  z.object({ kind: z.literal('dimensions'), ratings: z.record(z.string(), rating).optional(), ...commonJudgmentFields }),
  z.object({ kind: z.literal('sft'), sft: sftSubmissionSchema.optional(), ...commonJudgmentFields }),
  z.object({ kind: z.literal('sft_review'), review: sftReviewSchema.optional(), ...commonJudgmentFields }),
])
export type JudgmentInput = z.infer<typeof judgmentInputSchema>

/** Gold (or a lead's verdict, or an imported reference preference) in the judgment's own terms. */
export const goldSchema = z.union([
  z.object({ winner: z.string().min(1) }).strict(),
  z.object({ ranking: z.array(z.string().min(1)).min(3).max(4) }).strict(),
  z.object({ rating: rating }).strict(),
])
export type Gold = z.infer<typeof goldSchema>

export const rationalePolicySchema = z.enum(['never', 'always', 'close_calls'])
export type RationalePolicy = z.infer<typeof rationalePolicySchema>

export const roleNames = ['labeler', 'lead', 'admin'] as const
export type LabelerRole = (typeof roleNames)[number]

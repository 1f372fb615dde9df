// Shapes the quality engine computes over. Plain data: the store fills them from the database,
// `arbiter import-judgments` and simulations build them directly. Nothing here knows Prisma or chat.

/** Pairwise verdict: a response id, or one of the two non-preference categories. */
export type PairwiseChoice = string // response id | TIE | BOTH_BAD

/** The two pairwise verdicts that are not a response id (the one definition: core's task types re-export it). */
export const TIE = 'tie'
export const BOTH_BAD = 'both_bad'

export type JudgmentKind = 'pairwise' | 'ranking' | 'likert' | 'dimensions' | 'sft' | 'sft_review'

export type FlawKind = 'factual_error' | 'safety_issue'

/** One judgment as the quality engine sees it (the store hands over columns of them: judgment-columns.ts). Dimension ratings are not here: no analysis reads them. */
export interface QualityJudgment {
  /** Judgment id (stable, increasing with time of recording). */
  id: number
  itemId: number
  labelerId: number
  kind: JudgmentKind
  /** Pairwise only. */
  choice: PairwiseChoice | null
  /** Pairwise only: 0-based position the chosen response was *displayed* at (null for tie / both_bad). */
  choicePosition: number | null
  /** Ranking only: response ids, best first. */
  ranking: string[] | null
  /** Likert only: 1..7. */
  rating: number | null
  /** Response ids in the order the labeler saw them (the store's reader leaves it empty when choicePosition is known: nothing else reads it). */
  displayOrder: string[]
  /** Critical flaws the labeler marked, per response id. */
  flaws: Record<string, FlawKind[]> | null
  flagged: boolean
  durationMs: number | null
}

/** What the quality engine needs to know of an item. */
export interface QualityItem {
  id: number
  /** External id given at import (for reports), else null. */
  externalId: string | null
  kind: JudgmentKind
  /** Response ids and their text length in characters (length bias, reading-time plausibility). */
  responseLengths: Record<string, number>
  /** Models that wrote each response id (leaderboard). */
  responseModels: Record<string, string | null>
  /** Characters of the conversation shown before the responses (reading-time plausibility). */
  promptLength: number
  domain: string | null
  /** Settled answer from gold or a lead's verdict, in the judgment's own terms. */
  gold: { winner?: PairwiseChoice; ranking?: string[]; rating?: number } | null
}

/** A labeler as named in reports. */
export interface QualityLabeler {
  id: number
  name: string
}

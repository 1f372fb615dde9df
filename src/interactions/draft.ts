// Work in progress on one assignment, kept in the database (Assignment.draft) so a closed
// modal, a lost message or a restart never loses what the labeler already did.
import type { FlawKind } from '../core/task-types'

/** What a labeler has entered on a task so far. */
export interface Draft {
  flaws?: Record<string, FlawKind[]>
  /** Ranking picks by place (0 = best). */
  ranking?: (string | undefined)[]
  /** Values of multi-step forms, by field id. */
  form?: Record<string, string | string[]>
  /** The SFT writing so far. */
  sft?: { prompt?: string; response?: string; domain?: string; difficulty?: string; tags?: string; edgeCase?: string; checklist?: string[] }
  /** For an SFT review: accept (true) or reject, chosen before the rating form. */
  reviewAccept?: boolean
  /** The guide's edge case marked on the task ("none" or absent: none). */
  edgeCase?: string
  /** The both-bad form as last submitted (kept when a rationale turns out to be needed). */
  bothBad?: { lessBad?: string; rewrite?: string }
  /** Set while the labeler changes a recorded answer: the revision being changed. */
  amending?: number
}

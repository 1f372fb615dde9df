// Work in progress on one assignment, kept in the database (Assignment.draft) so a closed
// modal, a lost message or a restart never loses what the labeler already did.
//
// The store keeps it as JSON it does not interpret; it is validated here each time it is read.
// A part that does not fit (written by an older version, say) is dropped on its own, so the
// rest of the labeler's work survives.
import { z } from 'zod'
import { FLAW_KINDS } from './task-types'

const part = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined)

export const draftSchema = z.object({
  flaws: part(z.record(z.string(), z.array(z.enum(FLAW_KINDS)))),
  /** Ranking picks by place (0 = best); a place not chosen yet is empty (JSON null). */
  ranking: part(z.array(z.string().nullish().transform((id) => id ?? undefined))),
  /** Values of multi-step forms, by field id. */
  form: part(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
  /** The SFT writing so far. */
  sft: part(
    z.object({
      prompt: z.string().optional(),
      response: z.string().optional(),
      domain: z.string().optional(),
      difficulty: z.string().optional(),
      tags: z.string().optional(),
      edgeCase: z.string().optional(),
      checklist: z.array(z.string()).optional(),
    }),
  ),
  /** For an SFT review: accept (true) or reject, chosen before the rating form. */
  reviewAccept: part(z.boolean()),
  /** The guide's edge case marked on the task ("none" or absent: none). */
  edgeCase: part(z.string()),
  /** The both-bad form as last submitted (kept when a rationale turns out to be needed). */
  bothBad: part(z.object({ lessBad: z.string().optional(), rewrite: z.string().optional() })),
  /** Set while the labeler changes a recorded answer: the revision being changed. */
  amending: part(z.number().int()),
})

/** What a labeler has entered on a task so far. */
export type Draft = z.infer<typeof draftSchema>

/** The draft stored with an assignment, validated; anything unreadable is an empty draft. */
export function parseDraft(stored: unknown): Draft {
  const parsed = draftSchema.safeParse(stored)
  return parsed.success ? parsed.data : {}
}

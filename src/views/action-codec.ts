// Typed action and modal references, encoded into the platform's id fields (Slack action_id /
// callback_id, Discord custom_id) and decoded back with validation. Never split on a separator
// into positional arguments: a decoded value is a checked object or a clear refusal.
import { z } from 'zod'

const id = z.number().int().positive()

export const actionSchema = z.discriminatedUnion('a', [
  /** A pairwise verdict, a Likert rating, …: record it. */
  z.object({ a: z.literal('verdict'), as: id, v: z.string().min(1).max(32) }),
  /** A ranking select for one place (0 = best); the chosen response id comes as the selected value. */
  z.object({ a: z.literal('rank'), as: id, pos: z.number().int().min(0).max(3) }),
  z.object({ a: z.literal('submit_rank'), as: id }),
  /** The critical-flaw multi-select on a task (values "responseId:flaw"). */
  z.object({ a: z.literal('flaws'), as: id }),
  z.object({ a: z.literal('rationale'), as: id }),
  z.object({ a: z.literal('flag'), as: id }),
  z.object({ a: z.literal('skip'), as: id }),
  /** Opens step `s` of a multi-step form. */
  z.object({ a: z.literal('form'), as: id, f: z.enum(['dimensions', 'sft_write', 'sft_details', 'sft_review']), s: z.number().int().min(0).max(9) }),
  z.object({ a: z.literal('sft_submit'), as: id }),
  z.object({ a: z.literal('review'), as: id, ok: z.boolean() }),
  z.object({ a: z.literal('read_full'), as: id }),
  /** The edge-case select on a task (the chosen edge case comes as the selected value). */
  z.object({ a: z.literal('edge'), as: id }),
  /** "Change my answer" on a recorded task (second thoughts), and "Keep my answer" to leave it. */
  z.object({ a: z.literal('amend'), as: id }),
  z.object({ a: z.literal('keep'), as: id }),
  z.object({ a: z.literal('next'), p: id }),
  z.object({ a: z.literal('start'), p: id.optional() }),
  z.object({ a: z.literal('stop') }),
  /** Calibration: a labeler commits a fresh verdict privately before seeing the others' (blind first). */
  z.object({ a: z.literal('cal_vote'), t: id, v: z.string().min(1).max(32) }),
  /** Calibration: a lead settles the verdict (opens a note modal). */
  z.object({ a: z.literal('cal_resolve'), t: id, v: z.string().min(1).max(32) }),
  /** A lead chooses the project for a message they sent to labeling (`c`: the captured message). */
  z.object({ a: z.literal('send_to'), c: id, p: id }),
  /** A drift ping acknowledged by its labeler. */
  z.object({ a: z.literal('drift_ack'), p: id }),
  /** Shows the team's guide privately (older drift pings and refreshers carry this button). */
  z.object({ a: z.literal('rubric') }),
  /** Shows a project's guidelines privately (`p`: the project). */
  z.object({ a: z.literal('guide'), p: id }),
  /** A flag posted in the lead channel (`j`: the flagged judgment): a lead settles the item (opens the verdict modal)… */
  z.object({ a: z.literal('flag_settle'), j: id, v: z.string().min(1).max(32) }),
  /** … drops it from the project … */
  z.object({ a: z.literal('flag_drop'), j: id }),
  /** … or returns it to the pool for one more labeler. */
  z.object({ a: z.literal('flag_return'), j: id }),
])
/** Something a labeler clicked or chose. */
export type Action = z.infer<typeof actionSchema>

export const modalRefSchema = z.discriminatedUnion('m', [
  /** Rationale (and flaws); `v` is a verdict kept while the rationale is written. */
  z.object({ m: z.literal('rationale'), as: id, v: z.string().max(32).optional() }),
  z.object({ m: z.literal('flag'), as: id }),
  /** After "Both bad": which is less bad, the rationale where required, and an optional rewrite. */
  z.object({ m: z.literal('both_bad'), as: id }),
  z.object({ m: z.literal('form'), as: id, f: z.enum(['dimensions', 'sft_write', 'sft_details', 'sft_review']), s: z.number().int().min(0).max(9) }),
  z.object({ m: z.literal('read_full'), as: id }),
  z.object({ m: z.literal('cal_resolve'), t: id, v: z.string().min(1).max(32) }),
  /** A lead settling a flagged item from the lead channel (the same verdict form as calibration). */
  z.object({ m: z.literal('flag_settle'), j: id, v: z.string().min(1).max(32) }),
])
/** Which form a submitted modal was. */
export type ModalRef = z.infer<typeof modalRefSchema>

const PREFIX = 'arb1:'

/** Encodes a typed value; throws if it cannot fit the platform's limit (a programming error). */
export function encodeRef(value: Action | ModalRef, maxLength: number): string {
  const encoded = PREFIX + JSON.stringify(value)
  if (encoded.length > maxLength) throw new Error(`Encoded id "${encoded}" is longer than ${maxLength} characters`)
  return encoded
}

/** Decodes an action id, or null when it is not one of ours (another app's, or stale and malformed). */
export function decodeAction(raw: string): Action | null {
  return decode(raw, actionSchema)
}

/** Decodes a modal reference, or null. */
export function decodeModalRef(raw: string): ModalRef | null {
  return decode(raw, modalRefSchema)
}

function decode<T>(raw: string, schema: z.ZodType<T>): T | null {
  if (!raw.startsWith(PREFIX)) return null
  let json: unknown
  try {
    json = JSON.parse(raw.slice(PREFIX.length))
  } catch {
    return null
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? parsed.data : null
}

// What the inbox stores for one interaction, on every platform: who acted, what they asked for
// in neutral terms, and where the answer goes. One zod schema reads it back, so a replayed row is
// validated the same way on Slack and Discord; only `where` (the platform's reply address) has a
// schema of the adapter's own.
import { z } from 'zod'
import { CHANNEL_PURPOSES } from '../core/projects'
import { actionSchema, modalRefSchema } from '../views/action-codec'

export const actorSchema = z.object({
  identity: z.object({ platform: z.string(), workspaceId: z.string(), platformUserId: z.string() }),
  displayName: z.string(),
  platformLead: z.boolean().optional(),
})

const formValuesSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional())

/** A file a lead gave to import: Slack's DM upload (id, maybe a URL) or a Discord attachment (URL). */
export const fileRefSchema = z.object({ id: z.string().optional(), name: z.string(), url: z.string().optional(), size: z.number().optional() })
export type FileRef = z.infer<typeof fileRefSchema>

/** What a `/label …` command asks for, whichever platform it was typed on. */
export const labelCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), project: z.string().optional() }),
  z.object({ kind: z.literal('stats') }),
  z.object({ kind: z.literal('help') }),
  z.object({ kind: z.literal('project_create'), name: z.string(), types: z.string().optional() }),
  z.object({ kind: z.literal('project_show'), name: z.string().optional() }),
  z.object({ kind: z.literal('progress'), project: z.string().optional() }),
  /** `name` when the platform gave it with the mention; otherwise it is looked up. */
  z.object({ kind: z.literal('role'), user: z.object({ id: z.string(), name: z.string().optional() }), role: z.string() }),
  z.object({ kind: z.literal('export'), project: z.string(), format: z.string().optional() }),
  /**
   * Without `file`, the file is expected as a later upload (Slack); a file without `project` is
   * such an upload, imported where its sender's waiting `/label import` says.
   */
  z.object({ kind: z.literal('import'), project: z.string().optional(), format: z.string().optional(), file: fileRefSchema.optional() }),
  /** A project's guidelines from a Markdown file: a Discord attachment, or a Slack DM upload with the comment `guide PROJECT`. */
  z.object({ kind: z.literal('guide'), project: z.string(), file: fileRefSchema }),
  /** `channelId`: the channel the command was typed in (null: not a channel that can serve). */
  z.object({ kind: z.literal('channel'), purpose: z.enum(CHANNEL_PURPOSES), project: z.string(), clear: z.boolean(), channelId: z.string().nullable() }),
  z.object({ kind: z.literal('invalid'), message: z.string() }),
])
export type LabelCommand = z.infer<typeof labelCommandSchema>

/**
 * A message a lead sends to labeling. Fields the platform tells at once are filled by the
 * adapter; the rest (Slack: the link, the author's name, a thread's question) are looked up by
 * the platform when the event runs, not before the acknowledgement.
 */
export const capturedMessageSchema = z.object({
  text: z.string(),
  author: z.string(),
  link: z.string().nullable().optional(),
  context: z.string().nullable().optional(),
  channel: z.string().optional(),
  ts: z.string().optional(),
  threadTs: z.string().optional(),
})
export type CapturedMessageRef = z.infer<typeof capturedMessageSchema>

export const neutralEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('action'), action: actionSchema, values: z.array(z.string()) }),
  z.object({ kind: z.literal('submit'), ref: modalRefSchema, values: formValuesSchema }),
  z.object({ kind: z.literal('command'), command: labelCommandSchema }),
  z.object({ kind: z.literal('send_to_labeling'), message: capturedMessageSchema }),
])
/** What an interaction means, platform details removed. */
export type NeutralEvent = z.infer<typeof neutralEventSchema>

/** The stored form of an interaction, given the adapter's schema of its reply address. */
export function inboxEnvelopeSchema<Where extends z.ZodType>(where: Where) {
  return z.object({ actor: actorSchema, event: neutralEventSchema, where })
}

/** One interaction as the inbox holds it. */
export interface InboxEnvelope<Where> {
  actor: z.infer<typeof actorSchema>
  event: NeutralEvent
  where: Where
}

// Discord interactions → neutral events. An event holds everything needed to handle it again
// (it is written to the inbox before Discord is acknowledged and replayed after a crash), so
// nothing here keeps a reference to the live interaction.
import { MessageFlags, type Interaction, type GuildMember, type APIInteractionGuildMember } from 'discord.js'
import { z } from 'zod'
import { actionSchema, decodeAction, decodeModalRef, modalRefSchema } from '../../views/action-codec'
import type { Actor } from '../../interactions/actor'
import { LABEL_COMMAND, SEND_TO_LABELING } from './commands'
import { modalValues } from './render-modal'

const COMMANDS = ['start', 'stats', 'progress', 'project-create', 'role', 'import', 'export', 'channel', 'guide'] as const

const formValues = z.record(z.string(), z.union([z.string(), z.array(z.string())]).optional())

const eventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('command'),
    command: z.enum(COMMANDS),
    options: z.record(z.string(), z.string()),
    target: z.object({ userId: z.string(), displayName: z.string() }).optional(),
    attachment: z.object({ url: z.string(), name: z.string(), size: z.number() }).optional(),
  }),
  z.object({ kind: z.literal('action'), action: actionSchema, values: z.array(z.string()) }),
  z.object({ kind: z.literal('submit'), ref: modalRefSchema, values: formValues, fromMessage: z.boolean() }),
  z.object({ kind: z.literal('send_to_labeling'), text: z.string(), author: z.string(), link: z.string(), context: z.string().optional() }),
])
/** What a Discord interaction means, platform details removed. */
export type DiscordEvent = z.infer<typeof eventSchema>

export const inboxPayloadSchema = z.object({
  actor: z.object({
    identity: z.object({ platform: z.string(), workspaceId: z.string(), platformUserId: z.string() }),
    displayName: z.string(),
    platformLead: z.boolean().optional(),
  }),
  /** Where to DM the outcome of a replayed event (its interaction token is dead by then). */
  userId: z.string(),
  /** The message a click or form came from: a thread reply goes under it, even on replay. */
  source: z.object({ channelId: z.string(), messageId: z.string() }).optional(),
  event: eventSchema,
})
/** What the inbox stores for one interaction. */
export type InboxPayload = z.infer<typeof inboxPayloadSchema>

/** The result of parsing: an event, a polite refusal (not ours / stale), or nothing to do. */
export type Parsed = { payload: InboxPayload } | { refuse: string } | null

/** True when the member holds the lead role, given by id or by name. */
export function hasLeadRole(interaction: Interaction, leadRole: string): boolean {
  const member = interaction.member as GuildMember | APIInteractionGuildMember | null
  if (!member) return false
  const ids: string[] = Array.isArray(member.roles) ? member.roles : [...(member as GuildMember).roles.cache.keys()]
  if (ids.includes(leadRole)) return true
  const roles = interaction.guild?.roles.cache
  return roles ? ids.some((id) => roles.get(id)?.name === leadRole) : false
}

function displayNameOf(interaction: Interaction): string {
  const member = interaction.member
  if (member && 'displayName' in member && typeof member.displayName === 'string') return member.displayName
  if (member && 'nick' in member && typeof member.nick === 'string' && member.nick) return member.nick
  return interaction.user.displayName
}

/** The acting user. Labelers are per guild, as Slack labelers are per workspace. */
export function actorOf(interaction: Interaction, leadRole: string): Actor {
  return {
    identity: { platform: 'discord', workspaceId: interaction.guildId ?? 'dm', platformUserId: interaction.user.id },
    displayName: displayNameOf(interaction),
    platformLead: hasLeadRole(interaction, leadRole),
  }
}

const STALE = 'That control belongs to an older message that Arbiter no longer understands. Type /label start to continue.'

/** Parses an interaction into an inbox payload. */
export function parseInteraction(interaction: Interaction, leadRole: string): Parsed {
  const message = (interaction.isMessageComponent() || interaction.isModalSubmit()) && interaction.message ? interaction.message : null
  const base = () => ({ actor: actorOf(interaction, leadRole), userId: interaction.user.id, ...(message ? { source: { channelId: message.channelId, messageId: message.id } } : {}) })
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName !== LABEL_COMMAND) return null
    const command = z.enum(COMMANDS).safeParse(interaction.options.getSubcommand(false))
    if (!command.success) return { refuse: 'Unknown command: re-register the commands with "arbiter discord register".' }
    const options: Record<string, string> = {}
    for (const name of ['project', 'name', 'types', 'role', 'format', 'purpose']) {
      const value = interaction.options.getString(name, false)
      if (value !== null) options[name] = value
    }
    if (command.data === 'channel') {
      // The channel the command was typed in; a thread cannot hold calibration threads of its own.
      if (interaction.channel?.isThread()) return { refuse: 'Type this in the channel itself, not in a thread.' }
      options.channel = interaction.channelId
      if (interaction.options.getBoolean('off', false)) options.off = 'true'
    }
    const user = interaction.options.getUser('user', false)
    const member = interaction.options.getMember('user')
    const file = interaction.options.getAttachment('file', false)
    const event: DiscordEvent = {
      kind: 'command',
      command: command.data,
      options,
      ...(user ? { target: { userId: user.id, displayName: member && 'displayName' in member ? member.displayName : user.displayName } } : {}),
      ...(file ? { attachment: { url: file.url, name: file.name, size: file.size } } : {}),
    }
    return { payload: { ...base(), event } }
  }
  if (interaction.isMessageContextMenuCommand()) {
    if (interaction.commandName !== SEND_TO_LABELING) return null
    const message = interaction.targetMessage
    // A bot answer often lives in an embed; take its text when the message has no content.
    const textOf = (m: typeof message) => m.content || m.embeds.map((e) => [e.title, e.description].filter(Boolean).join('\n')).join('\n\n')
    const text = textOf(message)
    if (!text.trim()) return { refuse: 'That message has no text to label.' }
    const author = message.author.bot ? message.author.username : message.author.displayName
    // An answer sent as a reply carries the message it replied to (discord.js caches it from the
    // interaction's data): that is the question. Its text may be empty without the Message Content
    // intent, which Arbiter does not ask for; then the item says the question was not captured.
    const replied = message.reference?.messageId ? message.channel?.messages.cache.get(message.reference.messageId) : undefined
    const context = replied ? textOf(replied).trim() : ''
    return { payload: { ...base(), event: { kind: 'send_to_labeling', text, author, link: message.url, ...(context ? { context } : {}) } } }
  }
  if (interaction.isButton() || interaction.isStringSelectMenu()) {
    const action = decodeAction(interaction.customId)
    if (!action) return { refuse: STALE }
    const values = interaction.isStringSelectMenu() ? [...interaction.values] : []
    return { payload: { ...base(), event: { kind: 'action', action, values } } }
  }
  if (interaction.isModalSubmit()) {
    const ref = decodeModalRef(interaction.customId)
    if (!ref) return { refuse: STALE }
    return { payload: { ...base(), event: { kind: 'submit', ref, values: modalValues(interaction), fromMessage: interaction.isFromMessage() } } }
  }
  return null
}

/** Ephemeral flag, for every reply: labels are private. */
export const EPHEMERAL = MessageFlags.Ephemeral

// Discord interactions → neutral events (src/inbox/inbox-event.ts). An envelope holds everything
// needed to handle it again (it is written to the inbox before Discord is acknowledged and swept
// up after a crash), so nothing here keeps a reference to the live interaction.
import { MessageFlags, type APIInteractionGuildMember, type ChatInputCommandInteraction, type GuildMember, type Interaction } from 'discord.js'
import { z } from 'zod'
import { ArbiterError } from '../../core/errors'
import type { InboxEnvelope, LabelCommand } from '../../inbox/inbox-event'
import { decodeAction, decodeModalRef } from '../../views/action-codec'
import type { Actor } from '../../interactions/actor'
import { LABEL_COMMAND, SEND_TO_LABELING } from './commands'
import { modalValues } from './render-modal'
import { CHANNEL_PURPOSES } from '../../core/projects'

const COMMANDS = ['start', 'stats', 'progress', 'project-create', 'role', 'import', 'export', 'channel', 'guide'] as const

/** Where a Discord interaction's answers go when its token is dead (a replay): the user's DM, and the message it came from. */
export const discordWhereSchema = z.object({
  userId: z.string(),
  /** The message a click or form came from: a thread reply goes under it, even on replay. */
  source: z.object({ channelId: z.string(), messageId: z.string() }).optional(),
})
export type DiscordWhere = z.infer<typeof discordWhereSchema>
/** What the inbox stores for one Discord interaction. */
export type DiscordEnvelope = InboxEnvelope<DiscordWhere>

/** The result of parsing: an envelope (and whether "update" edits the message it came from), a polite refusal (not ours / stale), or nothing to do. */
export type Parsed = { envelope: DiscordEnvelope; updatable: boolean } | { refuse: string } | null

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


/** A `/label` subcommand's options in neutral terms, or a refusal. */
function labelCommand(interaction: ChatInputCommandInteraction, name: (typeof COMMANDS)[number]): LabelCommand | { refuse: string } {
  const option = (key: string) => interaction.options.getString(key, false) ?? undefined
  const project = option('project')
  const format = option('format')
  switch (name) {
    case 'start':
      return { kind: 'start', ...(project ? { project } : {}) }
    case 'stats':
      return { kind: 'stats' }
    case 'progress':
      return { kind: 'progress', ...(project ? { project } : {}) }
    case 'project-create':
      return { kind: 'project_create', name: option('name') ?? '', ...(option('types') ? { types: option('types')! } : {}) }
    case 'role': {
      const user = interaction.options.getUser('user', false)
      if (!user) return { refuse: 'Name the person whose role changes.' }
      const member = interaction.options.getMember('user')
      return { kind: 'role', user: { id: user.id, name: member && 'displayName' in member ? member.displayName : user.displayName }, role: option('role') ?? '' }
    }
    case 'import': {
      const file = interaction.options.getAttachment('file', false)
      if (!file) return { refuse: 'Attach the JSONL file to import.' }
      return { kind: 'import', project: project ?? '', ...(format ? { format } : {}), file: { url: file.url, name: file.name, size: file.size } }
    }
    case 'guide': {
      const file = interaction.options.getAttachment('file', false)
      if (!file) return { refuse: 'Attach the Markdown file with the guidelines.' }
      return { kind: 'guide', project: project ?? '', file: { url: file.url, name: file.name, size: file.size } }
    }
    case 'export':
      return { kind: 'export', project: project ?? '', ...(format ? { format } : {}) }
    case 'channel': {
      // The channel the command was typed in; a thread cannot hold calibration threads of its own.
      if (interaction.channel?.isThread()) return { refuse: new ArbiterError('WRONG_PLACE').message }
      const purpose = z.enum(CHANNEL_PURPOSES).safeParse(option('purpose'))
      if (!purpose.success) return { refuse: 'Choose what the channel is for: labeling, calibration or leads.' }
      return { kind: 'channel', purpose: purpose.data, project: project ?? '', clear: interaction.options.getBoolean('off', false) === true, channelId: interaction.channelId }
    }
  }
}

/** Parses an interaction into what the inbox stores. */
export function parseInteraction(interaction: Interaction, leadRole: string): Parsed {
  const message = (interaction.isMessageComponent() || interaction.isModalSubmit()) && interaction.message ? interaction.message : null
  const envelope = (event: DiscordEnvelope['event']): DiscordEnvelope => ({
    actor: actorOf(interaction, leadRole),
    event,
    where: { userId: interaction.user.id, ...(message ? { source: { channelId: message.channelId, messageId: message.id } } : {}) },
  })
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName !== LABEL_COMMAND) return null
    const name = z.enum(COMMANDS).safeParse(interaction.options.getSubcommand(false))
    if (!name.success) return { refuse: 'Unknown command: re-register the commands with "arbiter discord register".' }
    const command = labelCommand(interaction, name.data)
    if ('refuse' in command) return command
    return { envelope: envelope({ kind: 'command', command }), updatable: false }
  }
  if (interaction.isMessageContextMenuCommand()) {
    if (interaction.commandName !== SEND_TO_LABELING) return null
    const target = interaction.targetMessage
    // A bot answer often lives in an embed; take its text when the message has no content.
    const textOf = (m: typeof target) => m.content || m.embeds.map((e) => [e.title, e.description].filter(Boolean).join('\n')).join('\n\n')
    const text = textOf(target)
    if (!text.trim()) return { refuse: 'That message has no text to label.' }
    const author = target.author.bot ? target.author.username : target.author.displayName
    // An answer sent as a reply carries the message it replied to (discord.js caches it from the
    // interaction's data): that is the question. Its text may be empty without the Message Content
    // intent, which Arbiter does not ask for; then the item says the question was not captured.
    const replied = target.reference?.messageId ? target.channel?.messages.cache.get(target.reference.messageId) : undefined
    const context = replied ? textOf(replied).trim() : ''
    return { envelope: envelope({ kind: 'send_to_labeling', message: { text, author, link: target.url, ...(context ? { context } : {}) } }), updatable: false }
  }
  if (interaction.isButton() || interaction.isStringSelectMenu()) {
    const action = decodeAction(interaction.customId)
    if (!action) return { refuse: new ArbiterError('UNKNOWN_CONTROL').message }
    const values = interaction.isStringSelectMenu() ? [...interaction.values] : []
    return { envelope: envelope({ kind: 'action', action, values }), updatable: true }
  }
  if (interaction.isModalSubmit()) {
    const ref = decodeModalRef(interaction.customId)
    if (!ref) return { refuse: new ArbiterError('UNKNOWN_CONTROL').message }
    return { envelope: envelope({ kind: 'submit', ref, values: modalValues(interaction) }), updatable: interaction.isFromMessage() }
  }
  return null
}

/** Ephemeral flag, for every reply: labels are private. */
export const EPHEMERAL = MessageFlags.Ephemeral

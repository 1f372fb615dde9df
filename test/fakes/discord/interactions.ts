// Builders for INTERACTION_CREATE payloads as Discord sends them. Component and context-menu
// interactions refer to the fake's stored messages, so a click lands on a message the bot really
// posted, with the components it really rendered.
import { randomBytes } from 'node:crypto'
import type { APIAttachment, APIMessage, APIUser } from 'discord.js'
import { asArray, asObject, asString, clone, type Json } from './json'
import type { MessageStore } from './messages'
import type { UserRef, World } from './world'

/** An interaction payload, as dispatched in INTERACTION_CREATE. */
export interface FakeInteraction {
  id: string
  application_id: string
  type: number
  token: string
  version: 1
  channel_id: string
  channel: Json
  guild_id?: string
  member?: Json
  user?: APIUser
  app_permissions: string
  locale: string
  guild_locale?: string
  // discord.js reads both unconditionally: without them it throws inside its socket handler and
  // the interaction is silently lost.
  entitlements: unknown[]
  authorizing_integration_owners: Record<string, string>
  context: number
  attachment_size_limit: number
  data: Json
  message?: APIMessage
  [key: string]: unknown
}

/** Who and where, common to every builder. */
export interface InteractionBaseInput {
  /** The acting user (id or object); defaults to the fake's default user. */
  user?: UserRef
  /** The guild; `null` makes a DM interaction. Defaults to the message's or the first guild. */
  guildId?: string | null
  /** Defaults to the message's channel or the guild's first text channel. */
  channelId?: string
  /** Replaces the user's roles in the guild before the interaction is built. */
  roles?: string[]
  locale?: string
}

/** A value for a slash command option; attachments come from `fake.addAttachment`. */
export type OptionValue = string | number | boolean | APIAttachment

export interface SlashCommandInput extends InteractionBaseInput {
  /** The command name; "cmd sub" or "cmd group sub" picks a subcommand too. */
  name: string
  subcommand?: string
  subcommandGroup?: string
  /** Option values by name; types come from the registered command, else from the JS value. */
  options?: Record<string, OptionValue>
}

export interface ButtonClickInput extends InteractionBaseInput {
  customId: string
  /** The message carrying the button: a stored message id or object. */
  message: APIMessage | string
  /** Skip the checks that the button exists and is enabled (to test forged or stale ids). */
  force?: boolean
}

export interface SelectMenuInput extends InteractionBaseInput {
  customId: string
  values: string[]
  message: APIMessage | string
  force?: boolean
}

export interface ModalSubmitInput extends InteractionBaseInput {
  customId: string
  /** Text input values (string) or select values (string[]) by custom id. */
  fields: Record<string, string | string[]>
  /** The message whose component opened the modal; found automatically when the fake showed it. */
  message?: APIMessage | string
  force?: boolean
}

export interface MessageContextMenuInput extends InteractionBaseInput {
  name: string
  targetMessage: APIMessage | string
}

export interface UserContextMenuInput extends InteractionBaseInput {
  name: string
  targetUser: UserRef
}

/** A modal the bot opened (callback type 9). */
export interface ShownModal {
  interactionId: string
  userId: string
  guildId?: string
  channelId: string
  /** The message of the component interaction that opened it, if any. */
  messageId?: string
  data: Json
  at: number
}

/** What the builders need from the fake. */
export interface InteractionContext {
  applicationId: string
  world: World
  store: MessageStore
  defaultUser: UserRef
  newId(): string
  findCommand(name: string, type: number, guildId?: string): Json | undefined
  findModal(customId: string): ShownModal | undefined
}

const OPTION_TYPE = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 } as const

export class InteractionFactory {
  constructor(private readonly ctx: InteractionContext) {}

  private firstGuildId(): string | undefined {
    return this.ctx.world.guilds.keys().next().value
  }

  /** The guild of an interaction: explicit, else that of its channel, else the first guild. */
  private guildFor(input: InteractionBaseInput, channel?: Json): string | undefined {
    if (input.guildId === null) return undefined
    if (input.guildId !== undefined) return input.guildId
    const known = channel ?? (input.channelId ? this.ctx.world.channels.get(input.channelId) : undefined)
    return known ? asString(known.guild_id) : this.firstGuildId()
  }

  private resolveMessage(ref: APIMessage | string): APIMessage {
    const id = typeof ref === 'string' ? ref : ref.id
    const stored = this.ctx.store.messages.get(id)
    if (stored) return clone(stored.message)
    if (typeof ref === 'string') throw new Error(`FakeDiscord: no stored message ${ref}`)
    return clone(ref)
  }

  /** The common envelope: ids, token, user/member, channel, permissions. */
  private base(type: number, input: InteractionBaseInput, data: Json, fromMessage?: APIMessage): FakeInteraction {
    const { world } = this.ctx
    const userRef = input.user ?? this.ctx.defaultUser
    const user = world.ensureUser(userRef)
    const channelFromMessage = fromMessage ? world.channels.get(fromMessage.channel_id) : undefined
    const guildId = this.guildFor(input, channelFromMessage)

    const id = this.ctx.newId()
    // Shaped like Discord's tokens: URL-safe, long, unique per interaction.
    const token = `aW50ZXJhY3Rpb246${id}${randomBytes(48).toString('base64url')}`
    const locale = input.locale ?? 'en-US'
    let channel: Json
    if (guildId !== undefined) {
      if (input.roles) world.setMember(guildId, userRef, input.roles)
      else world.ensureMember(guildId, userRef)
      const channelId =
        input.channelId ??
        fromMessage?.channel_id ??
        asString(world.guildChannels(guildId).find((c) => c.type === 0)?.id) ??
        asString(world.guildChannels(guildId)[0]?.id)
      const found = channelId ? world.channels.get(channelId) : undefined
      if (!found) throw new Error(`FakeDiscord: guild ${guildId} has no channel ${channelId ?? '(none)'}`)
      channel = { ...clone(found), permissions: world.permissions(guildId, user.id).toString() }
    } else {
      channel = clone(
        input.channelId && world.channels.get(input.channelId) ? (world.channels.get(input.channelId) ?? {}) : world.dmChannel(user.id),
      )
    }
    const interaction: FakeInteraction = {
      id,
      application_id: this.ctx.applicationId,
      type,
      token,
      version: 1,
      channel_id: String(channel.id),
      channel,
      app_permissions: (guildId !== undefined ? world.permissions(guildId, world.bot.id) : 0n).toString(),
      locale,
      entitlements: [],
      // Guild-installed app: GUILD_INSTALL (0) maps to the guild, or "0" in a DM with the bot.
      authorizing_integration_owners: { '0': guildId ?? '0' },
      context: guildId !== undefined ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      data,
    }
    if (guildId !== undefined) {
      interaction.guild_id = guildId
      interaction.guild_locale = world.guilds.get(guildId)?.preferredLocale ?? 'en-US'
      interaction.member = { ...world.member(guildId, user.id), permissions: world.permissions(guildId, user.id).toString() }
    } else {
      interaction.user = clone(user)
    }
    if (fromMessage) interaction.message = fromMessage
    return interaction
  }

  slashCommand(input: SlashCommandInput): FakeInteraction {
    const words = input.name.trim().split(/\s+/)
    const name = words[0] ?? input.name
    const group = input.subcommandGroup ?? (words.length === 3 ? words[1] : undefined)
    const sub = input.subcommand ?? (words.length === 3 ? words[2] : words.length === 2 ? words[1] : undefined)
    const guildId = this.guildFor(input)
    const command = this.ctx.findCommand(name, 1, guildId)

    let definitions = asArray(command?.options) ?? []
    if (group) definitions = asArray(definitions.map(asObject).find((o) => o?.name === group && o.type === 2)?.options) ?? []
    if (sub) definitions = asArray(definitions.map(asObject).find((o) => o?.name === sub && o.type === 1)?.options) ?? []

    const resolved: Record<string, Record<string, unknown>> = {}
    const addResolved = (kind: string, id: string, value: unknown): void => {
      ;(resolved[kind] ??= {})[id] = value
    }
    const { world } = this.ctx
    const leafOptions: Json[] = Object.entries(input.options ?? {}).map(([optName, value]) => {
      const declared = definitions.map(asObject).find((o) => o?.name === optName)
      const type = typeof declared?.type === 'number' ? declared.type : inferOptionType(value)
      if (type === OPTION_TYPE.Attachment) {
        if (typeof value !== 'object') throw new Error(`FakeDiscord: option ${optName} needs an attachment from fake.addAttachment()`)
        addResolved('attachments', value.id, value)
        return { name: optName, type, value: value.id }
      }
      const raw = typeof value === 'object' ? value.id : value
      if (type === OPTION_TYPE.User || type === OPTION_TYPE.Mentionable) {
        const id = String(raw)
        const user = world.users.get(id)
        if (user) {
          addResolved('users', id, user)
          const member = guildId ? world.member(guildId, id) : undefined
          if (member && guildId) {
            const { user: _user, ...rest } = member
            addResolved('members', id, { ...rest, permissions: world.permissions(guildId, id).toString() })
          }
        } else if (guildId) {
          const role = world.roles(guildId).find((r) => r.id === id)
          if (role) addResolved('roles', id, role)
        }
        return { name: optName, type, value: id }
      }
      if (type === OPTION_TYPE.Role && guildId) {
        const role = world.roles(guildId).find((r) => r.id === String(raw))
        if (role) addResolved('roles', String(raw), role)
        return { name: optName, type, value: String(raw) }
      }
      if (type === OPTION_TYPE.Channel) {
        const channel = world.channels.get(String(raw))
        if (channel) addResolved('channels', String(raw), { ...channel, permissions: '0' })
        return { name: optName, type, value: String(raw) }
      }
      return { name: optName, type, value: raw }
    })

    let options: Json[] = leafOptions
    if (sub) options = [{ type: OPTION_TYPE.Subcommand, name: sub, options }]
    if (group) options = [{ type: OPTION_TYPE.SubcommandGroup, name: group, options }]
    const data: Json = {
      id: asString(command?.id) ?? this.ctx.newId(),
      name,
      type: 1,
      options,
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    }
    return this.base(2, input, data)
  }

  private findComponent(message: APIMessage, customId: string): Json | undefined {
    let found: Json | undefined
    const walk = (components: unknown): void => {
      for (const raw of asArray(components) ?? []) {
        const c = asObject(raw)
        if (!c) continue
        if (c.custom_id === customId) found = c
        walk(c.components)
        if (c.accessory) walk([c.accessory])
      }
    }
    walk(message.components)
    return found
  }

  buttonClick(input: ButtonClickInput): FakeInteraction {
    const message = this.resolveMessage(input.message)
    const component = this.findComponent(message, input.customId)
    if (!input.force) {
      if (!component || component.type !== 2) throw new Error(`FakeDiscord: message ${message.id} has no button "${input.customId}"`)
      if (component.disabled === true) throw new Error(`FakeDiscord: button "${input.customId}" is disabled; Discord cannot click it`)
    }
    return this.base(3, input, { custom_id: input.customId, component_type: 2 }, message)
  }

  selectMenu(input: SelectMenuInput): FakeInteraction {
    const message = this.resolveMessage(input.message)
    const component = this.findComponent(message, input.customId)
    const componentType = typeof component?.type === 'number' ? component.type : 3
    if (!input.force) {
      if (!component || ![3, 5, 6, 7, 8].includes(componentType)) {
        throw new Error(`FakeDiscord: message ${message.id} has no select menu "${input.customId}"`)
      }
      if (component.disabled === true) throw new Error(`FakeDiscord: select "${input.customId}" is disabled`)
      if (componentType === 3) {
        const allowed = new Set((asArray(component.options) ?? []).map((o) => asObject(o)?.value))
        const bad = input.values.filter((v) => !allowed.has(v))
        if (bad.length > 0) throw new Error(`FakeDiscord: select "${input.customId}" has no option(s) ${bad.join(', ')}`)
      }
      const min = typeof component.min_values === 'number' ? component.min_values : 1
      const max = typeof component.max_values === 'number' ? component.max_values : 1
      if (input.values.length < min || input.values.length > max) {
        throw new Error(`FakeDiscord: select "${input.customId}" takes ${min}..${max} values, got ${input.values.length}`)
      }
    }
    const data: Json = { custom_id: input.customId, component_type: componentType, values: [...input.values] }
    if (componentType !== 3) data.resolved = this.resolveIds(input.values, message.channel_id)
    return this.base(3, input, data, message)
  }

  /** `resolved` for user/role/mentionable/channel selects. */
  private resolveIds(ids: string[], channelId: string): Json {
    const { world } = this.ctx
    const guildId = asString(world.channels.get(channelId)?.guild_id)
    const resolved: Record<string, Record<string, unknown>> = {}
    for (const id of ids) {
      const user = world.users.get(id)
      if (user) {
        ;(resolved.users ??= {})[id] = user
        const member = guildId ? world.member(guildId, id) : undefined
        if (member) {
          const { user: _user, ...rest } = member
          ;(resolved.members ??= {})[id] = rest
        }
      }
      const role = guildId ? world.roles(guildId).find((r) => r.id === id) : undefined
      if (role) (resolved.roles ??= {})[id] = role
      const channel = world.channels.get(id)
      if (channel) (resolved.channels ??= {})[id] = { ...channel, permissions: '0' }
    }
    return resolved
  }

  modalSubmit(input: ModalSubmitInput): FakeInteraction {
    const shown = this.ctx.findModal(input.customId)
    if (!shown && !input.force) {
      throw new Error(`FakeDiscord: the bot never showed a modal "${input.customId}" (pass force: true to send one anyway)`)
    }
    const rows = asArray(shown?.data.components) ?? []
    const known = new Map<string, { row: Json; inner: Json }>()
    for (const raw of rows) {
      const row = asObject(raw) ?? {}
      const inner = row.type === 18 ? asObject(row.component) : asObject(asArray(row.components)?.[0])
      if (inner && typeof inner.custom_id === 'string') known.set(inner.custom_id, { row, inner })
    }
    if (shown && !input.force) {
      for (const key of Object.keys(input.fields)) {
        if (!known.has(key)) throw new Error(`FakeDiscord: modal "${input.customId}" has no field "${key}"`)
      }
      for (const [key, { inner }] of known) {
        if (inner.type === 4 && inner.required !== false && !(key in input.fields)) {
          throw new Error(`FakeDiscord: modal "${input.customId}" requires field "${key}"`)
        }
      }
    }
    const submitted = (key: string, inner: Json | undefined): Json => {
      const value = input.fields[key]
      if (Array.isArray(value) || (inner && inner.type !== 4)) {
        return { type: inner?.type ?? 3, custom_id: key, values: Array.isArray(value) ? value : value === undefined ? [] : [value] }
      }
      return { type: 4, custom_id: key, value: value ?? '' }
    }
    // Mirror the modal's layout: legacy action rows, or label components (type 18).
    const components: Json[] = shown
      ? rows
          .map((raw) => asObject(raw) ?? {})
          .filter((row) => row.type === 1 || row.type === 18)
          .map((row) => {
            const inner = row.type === 18 ? asObject(row.component) : asObject(asArray(row.components)?.[0])
            const key = asString(inner?.custom_id) ?? ''
            return row.type === 18 ? { type: 18, component: submitted(key, inner) } : { type: 1, components: [submitted(key, inner)] }
          })
      : Object.keys(input.fields).map((key) => ({ type: 1, components: [submitted(key, undefined)] }))
    const messageRef = input.message ?? shown?.messageId
    const message = messageRef ? this.resolveMessage(messageRef) : undefined
    const base: InteractionBaseInput = {
      ...input,
      user: input.user ?? shown?.userId ?? this.ctx.defaultUser,
      ...(input.guildId === undefined && shown ? { guildId: shown.guildId ?? null } : {}),
      channelId: input.channelId ?? shown?.channelId ?? message?.channel_id,
    }
    if (base.channelId === undefined) delete base.channelId
    return this.base(5, base, { custom_id: input.customId, components }, message)
  }

  messageContextMenu(input: MessageContextMenuInput): FakeInteraction {
    const target = this.resolveMessage(input.targetMessage)
    const guildId = asString(this.ctx.world.channels.get(target.channel_id)?.guild_id)
    const command = this.ctx.findCommand(input.name, 3, guildId)
    const data: Json = {
      id: asString(command?.id) ?? this.ctx.newId(),
      name: input.name,
      type: 3,
      target_id: target.id,
      resolved: { messages: { [target.id]: target } },
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    }
    return this.base(2, { channelId: target.channel_id, ...input }, data)
  }

  userContextMenu(input: UserContextMenuInput): FakeInteraction {
    const { world } = this.ctx
    const target = world.ensureUser(input.targetUser)
    const guildId = this.guildFor(input)
    const command = this.ctx.findCommand(input.name, 2, guildId)
    const member = guildId ? world.member(guildId, target.id) : undefined
    const resolved: Json = { users: { [target.id]: target } }
    if (member) {
      const { user: _user, ...rest } = member
      resolved.members = { [target.id]: rest }
    }
    const data: Json = { id: asString(command?.id) ?? this.ctx.newId(), name: input.name, type: 2, target_id: target.id, resolved }
    return this.base(2, input, data)
  }
}

function inferOptionType(value: OptionValue): number {
  if (typeof value === 'object') return OPTION_TYPE.Attachment
  if (typeof value === 'boolean') return OPTION_TYPE.Boolean
  if (typeof value === 'number') return Number.isInteger(value) ? OPTION_TYPE.Integer : OPTION_TYPE.Number
  return OPTION_TYPE.String
}


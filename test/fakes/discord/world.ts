// The fake's model of who and what exists: users, guilds with roles, members and channels, DM
// channels and threads. It renders them as Discord API objects in the shapes discord.js reads.
import { PermissionFlagsBits, type APIUser, type UserFlags } from 'discord.js'
import type { Json } from './json'

/** A user given by id alone or with a name. */
export interface FakeUserInput {
  id: string
  username?: string
  globalName?: string | null
  bot?: boolean
}

/** Anywhere a user is expected, a bare id is accepted too. */
export type UserRef = string | FakeUserInput

/** A guild channel to create. Type 0 (text) unless given: 2 voice, 4 category, 5 news, 15 forum. */
export interface FakeChannelInput {
  id: string
  name: string
  type?: number
  parentId?: string | null
  topic?: string | null
  nsfw?: boolean
  position?: number
  /** Channel permission overwrites: a role (type 0) or member (type 1) id, bits allowed and denied. */
  permissionOverwrites?: FakeOverwriteInput[]
}

/** One channel permission overwrite, as in Discord's permission_overwrites. */
export interface FakeOverwriteInput {
  id: string
  type: 0 | 1
  allow?: string | bigint
  deny?: string | bigint
}

/** A guild role to create; permissions as a bitfield (string or bigint). */
export interface FakeRoleInput {
  id: string
  name: string
  permissions?: string | bigint
  position?: number
  color?: number
  mentionable?: boolean
}

/** A guild member: the user and the ids of their roles. */
export interface FakeMemberInput {
  user: UserRef
  roles?: string[]
  nick?: string | null
}

/** A guild to serve (sent to the bot as GUILD_CREATE after READY). */
export interface FakeGuildInput {
  id: string
  name: string
  channels?: FakeChannelInput[]
  roles?: FakeRoleInput[]
  members?: FakeMemberInput[]
  ownerId?: string
  /** Permissions of @everyone (the role whose id is the guild id). */
  everyonePermissions?: string | bigint
  preferredLocale?: string
}

interface MemberState {
  userId: string
  roles: string[]
  nick: string | null
  joinedAt: string
}

interface GuildState {
  id: string
  name: string
  ownerId: string
  preferredLocale: string
  joinedAt: string
  roles: Map<string, Json>
  members: Map<string, MemberState>
  channelIds: string[]
}

const P = PermissionFlagsBits

/** What @everyone may do in a new server, roughly Discord's default. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  P.CreateInstantInvite |
  P.AddReactions |
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.UseExternalEmojis |
  P.Connect |
  P.Speak |
  P.ChangeNickname |
  P.UseApplicationCommands |
  P.CreatePublicThreads |
  P.SendMessagesInThreads

/** What an invited bot typically gets through its managed role. */
export const DEFAULT_BOT_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.CreatePrivateThreads |
  P.ManageThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.AddReactions |
  P.UseApplicationCommands

/** Owner of the guilds unless a test names one (not a member, so nobody is admin by accident). */
export const DEFAULT_OWNER_ID = '300000000000000001'

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n)

function toBits(value: string | bigint | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback
  return typeof value === 'bigint' ? value : BigInt(value)
}

/** The fake's directory of users, guilds and channels. */
export class World {
  readonly users = new Map<string, APIUser>()
  readonly guilds = new Map<string, GuildState>()
  /** Every channel by id: guild channels, threads and DM channels, as API objects. */
  readonly channels = new Map<string, Json>()
  private readonly dmByRecipient = new Map<string, string>()

  constructor(
    readonly bot: APIUser,
    private readonly botPermissions: bigint,
    private readonly newId: () => string,
  ) {
    this.users.set(bot.id, bot)
  }

  /** Registers a user (or updates its name) and returns its API object. */
  ensureUser(ref: UserRef): APIUser {
    const input: FakeUserInput = typeof ref === 'string' ? { id: ref } : ref
    const existing = this.users.get(input.id)
    if (existing) {
      if (input.username !== undefined) existing.username = input.username
      if (input.globalName !== undefined) existing.global_name = input.globalName
      return existing
    }
    const username = input.username ?? `user${input.id.slice(-4)}`
    const user: APIUser = {
      id: input.id,
      username,
      discriminator: '0',
      global_name: input.globalName ?? null,
      avatar: null,
      bot: input.bot ?? false,
      public_flags: 0 as UserFlags,
    }
    this.users.set(user.id, user)
    return user
  }

  addGuild(input: FakeGuildInput): void {
    const now = new Date().toISOString()
    const guild: GuildState = {
      id: input.id,
      name: input.name,
      // A separate owner by default: the owner has every permission, which would make the test's
      // labelers admins by accident.
      ownerId: input.ownerId ?? DEFAULT_OWNER_ID,
      preferredLocale: input.preferredLocale ?? 'en-US',
      joinedAt: now,
      roles: new Map(),
      members: new Map(),
      channelIds: [],
    }
    this.guilds.set(guild.id, guild)
    // @everyone shares the guild's id; permission maths starts from it.
    guild.roles.set(guild.id, this.roleObject({ id: guild.id, name: '@everyone', position: 0 }, toBits(input.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS)))
    input.roles?.forEach((role, i) => {
      guild.roles.set(role.id, this.roleObject({ position: i + 1, ...role }, toBits(role.permissions, 0n)))
    })
    // The bot's managed role, as Discord creates on invite.
    const botRoleId = this.newId()
    guild.roles.set(botRoleId, {
      ...this.roleObject({ id: botRoleId, name: this.bot.username, position: guild.roles.size }, this.botPermissions),
      managed: true,
      tags: { bot_id: this.bot.id },
    })
    guild.members.set(this.bot.id, { userId: this.bot.id, roles: [botRoleId], nick: null, joinedAt: now })
    for (const member of input.members ?? []) this.setMember(guild.id, member.user, member.roles ?? [], member.nick)
    input.channels?.forEach((channel, i) => this.addGuildChannel(guild.id, channel, i))
  }

  private roleObject(input: FakeRoleInput, permissions: bigint): Json {
    return {
      id: input.id,
      name: input.name,
      color: input.color ?? 0,
      colors: { primary_color: input.color ?? 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: input.position ?? 1,
      permissions: permissions.toString(),
      managed: false,
      mentionable: input.mentionable ?? false,
      flags: 0,
    }
  }

  addGuildChannel(guildId: string, input: FakeChannelInput, position = 0): Json {
    const guild = this.requireGuild(guildId)
    const type = input.type ?? 0
    const channel: Json = {
      id: input.id,
      type,
      guild_id: guildId,
      name: input.name,
      position: input.position ?? position,
      permission_overwrites: (input.permissionOverwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: toBits(o.allow, 0n).toString(), deny: toBits(o.deny, 0n).toString() })),
      parent_id: input.parentId ?? null,
      nsfw: input.nsfw ?? false,
      flags: 0,
    }
    if (type === 0 || type === 5 || type === 15) {
      Object.assign(channel, { topic: input.topic ?? null, last_message_id: null, rate_limit_per_user: 0, default_auto_archive_duration: 1440 })
    }
    if (type === 2 || type === 13) Object.assign(channel, { bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: null })
    if (type === 15) Object.assign(channel, { available_tags: [], default_reaction_emoji: null, default_sort_order: null, default_forum_layout: 0, default_thread_rate_limit_per_user: 0 })
    this.channels.set(input.id, channel)
    guild.channelIds.push(input.id)
    return channel
  }

  /** Creates a thread channel (public 11, private 12, announcement 10) under a parent channel. */
  addThread(parentId: string, id: string, name: string, type: number, autoArchiveDuration: number, ownerId: string, invitable?: boolean): Json {
    const parent = this.channels.get(parentId)
    const guildId = String(parent?.guild_id ?? '')
    const now = new Date().toISOString()
    const thread: Json = {
      id,
      type,
      guild_id: guildId,
      parent_id: parentId,
      owner_id: ownerId,
      name,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      applied_tags: [],
      thread_metadata: {
        archived: false,
        auto_archive_duration: autoArchiveDuration,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === 12 ? { invitable: invitable ?? true } : {}),
      },
      member: { id, user_id: ownerId, join_timestamp: now, flags: 0 },
    }
    this.channels.set(id, thread)
    this.guilds.get(guildId)?.channelIds.push(id)
    return thread
  }

  /** The DM channel with a user: one stable id per recipient, as on Discord. */
  dmChannel(userId: string): Json {
    const existing = this.dmByRecipient.get(userId)
    if (existing) return this.channels.get(existing) ?? {}
    const user = this.users.get(userId)
    const channel: Json = { id: this.newId(), type: 1, last_message_id: null, flags: 0, recipients: user ? [user] : [] }
    this.channels.set(String(channel.id), channel)
    this.dmByRecipient.set(userId, String(channel.id))
    return channel
  }

  requireGuild(guildId: string): GuildState {
    const guild = this.guilds.get(guildId)
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${guildId}`)
    return guild
  }

  /** Adds a user to a guild or replaces their roles; unknown role ids become plain roles. */
  setMember(guildId: string, user: UserRef, roles: string[], nick?: string | null): void {
    const guild = this.requireGuild(guildId)
    const apiUser = this.ensureUser(user)
    for (const roleId of roles) {
      if (!guild.roles.has(roleId)) {
        guild.roles.set(roleId, this.roleObject({ id: roleId, name: `role-${roleId}`, position: guild.roles.size }, 0n))
      }
    }
    const existing = guild.members.get(apiUser.id)
    guild.members.set(apiUser.id, {
      userId: apiUser.id,
      roles: [...roles],
      nick: nick ?? existing?.nick ?? null,
      joinedAt: existing?.joinedAt ?? new Date().toISOString(),
    })
  }

  /** Ensures membership without touching the roles of an existing member. */
  ensureMember(guildId: string, user: UserRef): void {
    const id = typeof user === 'string' ? user : user.id
    this.ensureUser(user)
    if (!this.requireGuild(guildId).members.has(id)) this.setMember(guildId, user, [])
  }

  member(guildId: string, userId: string): Json | undefined {
    const state = this.guilds.get(guildId)?.members.get(userId)
    const user = this.users.get(userId)
    if (!state || !user) return undefined
    return {
      user,
      nick: state.nick,
      avatar: null,
      banner: null,
      roles: state.roles,
      joined_at: state.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    }
  }

  /** Whether a user (the bot, usually) is a member of the guild. */
  isMember(guildId: string, userId: string): boolean {
    return this.guilds.get(guildId)?.members.has(userId) ?? false
  }

  /** A member leaves or is removed (a server admin kicking the bot). */
  removeMember(guildId: string, userId: string): void {
    this.requireGuild(guildId).members.delete(userId)
  }

  /**
   * A member's permissions in a guild channel, as Discord computes them: the guild permissions,
   * then the channel's overwrites for @everyone, for the member's roles (denies, then allows,
   * combined), and for the member; Administrator and the owner bypass overwrites. A thread uses
   * its parent's overwrites.
   */
  channelPermissions(channelId: string, userId: string): bigint {
    const channel = this.channels.get(channelId)
    const guildId = String(channel?.guild_id ?? '')
    if (!channel || !this.isMember(guildId, userId)) return 0n
    const base = this.permissions(guildId, userId)
    if (base === ALL_PERMISSIONS) return base
    const source = [10, 11, 12].includes(Number(channel.type)) ? (this.channels.get(String(channel.parent_id)) ?? channel) : channel
    const overwrites = (source.permission_overwrites as Json[] | undefined) ?? []
    const bits = (o: Json | undefined, key: 'allow' | 'deny') => BigInt(String(o?.[key] ?? '0'))
    let result = base
    const everyone = overwrites.find((o) => o.id === guildId)
    result = (result & ~bits(everyone, 'deny')) | bits(everyone, 'allow')
    const roles = this.guilds.get(guildId)?.members.get(userId)?.roles ?? []
    let allow = 0n
    let deny = 0n
    for (const o of overwrites) {
      if (Number(o.type) === 0 && roles.includes(String(o.id))) {
        allow |= bits(o, 'allow')
        deny |= bits(o, 'deny')
      }
    }
    result = (result & ~deny) | allow
    const member = overwrites.find((o) => Number(o.type) === 1 && o.id === userId)
    return (result & ~bits(member, 'deny')) | bits(member, 'allow')
  }

  /** Guild-level permissions of a member (roles only; channelPermissions adds the overwrites). */
  permissions(guildId: string, userId: string): bigint {
    const guild = this.guilds.get(guildId)
    if (!guild) return 0n
    if (guild.ownerId === userId) return ALL_PERMISSIONS
    let bits = BigInt(String(guild.roles.get(guildId)?.permissions ?? '0'))
    for (const roleId of guild.members.get(userId)?.roles ?? []) {
      bits |= BigInt(String(guild.roles.get(roleId)?.permissions ?? '0'))
    }
    return (bits & P.Administrator) !== 0n ? ALL_PERMISSIONS : bits
  }

  roles(guildId: string): Json[] {
    return [...(this.guilds.get(guildId)?.roles.values() ?? [])]
  }

  guildChannels(guildId: string): Json[] {
    return (this.guilds.get(guildId)?.channelIds ?? []).map((id) => this.channels.get(id)).filter((c): c is Json => c !== undefined)
  }

  /** The guild as REST returns it (no members or channels). */
  guildObject(guildId: string): Json | undefined {
    const guild = this.guilds.get(guildId)
    if (!guild) return undefined
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: this.roles(guildId),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: guild.preferredLocale,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      incidents_data: null,
    }
  }

  /** The guild as the gateway's GUILD_CREATE carries it: with channels, threads, members. */
  guildCreatePayload(guildId: string): Json | undefined {
    const base = this.guildObject(guildId)
    const guild = this.guilds.get(guildId)
    if (!base || !guild) return undefined
    const all = this.guildChannels(guildId)
    const isThread = (c: Json): boolean => c.type === 10 || c.type === 11 || c.type === 12
    return {
      ...base,
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      members: [...guild.members.keys()].map((id) => this.member(guildId, id)).filter((m): m is Json => m !== undefined),
      channels: all.filter((c) => !isThread(c)),
      threads: all.filter(isThread),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    }
  }
}

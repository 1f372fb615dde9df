// What the bot must be allowed in a project's Discord channel: README's permission table
// ("Setting up Discord", step 2). Every channel needs the first four; a calibration channel also
// needs threads and history. A member's permissions in a channel are computed as Discord does.
import { PermissionFlagsBits as P } from 'discord.js'
import type { ChannelPurpose } from '../../core/projects'

/** One row of README's table. */
export interface RequiredPermission {
  bit: bigint
  name: string
  purposes: readonly ChannelPurpose[]
}

const EVERY: readonly ChannelPurpose[] = ['labeling', 'calibration', 'leads']

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { bit: P.ViewChannel, name: 'View Channels', purposes: EVERY },
  { bit: P.SendMessages, name: 'Send Messages', purposes: EVERY },
  { bit: P.EmbedLinks, name: 'Embed Links', purposes: EVERY },
  { bit: P.AttachFiles, name: 'Attach Files', purposes: EVERY },
  { bit: P.ReadMessageHistory, name: 'Read Message History', purposes: ['calibration'] },
  { bit: P.CreatePublicThreads, name: 'Create Public Threads', purposes: ['calibration'] },
  { bit: P.SendMessagesInThreads, name: 'Send Messages in Threads', purposes: ['calibration'] },
]

/** The invite link's permission integer: every row of the table (309,237,763,072). */
export const INVITE_PERMISSIONS = REQUIRED_PERMISSIONS.reduce((sum, p) => sum | p.bit, 0n)

interface Overwrite {
  id: string
  type: number
  allow: string
  deny: string
}

/**
 * A member's permissions in a channel: @everyone's and the member's roles' bits, then the
 * channel's overwrites in Discord's order (@everyone, the roles together, the member).
 * Administrator and the server owner have everything.
 */
export function channelPermissions(input: { guildId: string; ownerId: string; userId: string; memberRoles: readonly string[]; roles: readonly { id: string; permissions: string }[]; overwrites: readonly Overwrite[] }): bigint {
  const all = Object.values(P).reduce((sum, bit) => sum | bit, 0n)
  if (input.userId === input.ownerId) return all
  const held = new Set([input.guildId, ...input.memberRoles])
  let bits = input.roles.filter((role) => held.has(role.id)).reduce((sum, role) => sum | BigInt(role.permissions), 0n)
  if (bits & P.Administrator) return all
  const apply = (overwrites: readonly Overwrite[]) => {
    const deny = overwrites.reduce((sum, o) => sum | BigInt(o.deny), 0n)
    const allow = overwrites.reduce((sum, o) => sum | BigInt(o.allow), 0n)
    bits = (bits & ~deny) | allow
  }
  apply(input.overwrites.filter((o) => o.id === input.guildId))
  apply(input.overwrites.filter((o) => o.type === 0 && o.id !== input.guildId && held.has(o.id)))
  apply(input.overwrites.filter((o) => o.type === 1 && o.id === input.userId))
  return bits
}

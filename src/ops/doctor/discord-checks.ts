// Doctor, Discord: the token works and belongs to DISCORD_APPLICATION_ID, the bot is in the
// server of every project channel, /label and "Send to labeling" are registered in the shape
// `arbiter discord register` would send today, and the bot's permissions in each channel cover
// README's table. GET requests only: nothing is registered or changed.
import { DiscordAPIError, REST, Routes, type APIApplication, type APIChannel, type APIGuild, type APIGuildMember, type APIUser, type RESTAPIPartialCurrentUserGuild } from 'discord.js'
import type { Config } from '../../config'
import { commandDefinitions } from '../../adapters/discord/commands'
import type { ProjectDto } from '../../store/project-repository'
import type { Section } from './checklist'
import { INVITE_PERMISSIONS, REQUIRED_PERMISSIONS, channelPermissions } from './discord-permissions'
import { describeChannel, projectChannels, type ProjectChannel } from './project-channels'

const SETUP = 'README, "Setting up Discord"'

function status(error: unknown): string {
  return error instanceof DiscordAPIError ? `${error.status} ${error.message}` : error instanceof Error ? error.message : String(error)
}

export async function checkDiscord(section: Section, config: Config, projects: ProjectDto[] | null): Promise<void> {
  const token = config.DISCORD_TOKEN
  if (!token) return section.skip('not configured (DISCORD_TOKEN is not set)')
  // No retries: the doctor reports what Discord answers now.
  const rest = new REST({ version: '10', retries: 0, timeout: 10_000, ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}) }).setToken(token)
  let me: APIUser
  let app: APIApplication
  try {
    me = (await rest.get(Routes.user('@me'))) as APIUser
    app = (await rest.get(Routes.currentApplication())) as APIApplication
  } catch (error) {
    const refused = error instanceof DiscordAPIError && error.status === 401
    return section.fail(refused ? 'bot token refused by Discord (401 Unauthorized)' : `Discord did not answer (${status(error)})`, refused ? `Developer Portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN (${SETUP}, step 1.3)` : 'check the network and DISCORD_API_URL, then run `arbiter doctor` again')
  }
  if (!config.DISCORD_APPLICATION_ID) section.fail(`DISCORD_APPLICATION_ID is not set (the token belongs to application ${app.id})`, `set DISCORD_APPLICATION_ID=${app.id} (${SETUP}, step 1.2)`)
  else if (config.DISCORD_APPLICATION_ID !== app.id) section.fail(`DISCORD_APPLICATION_ID is ${config.DISCORD_APPLICATION_ID}, but the token belongs to application ${app.id} (${app.name})`, `set DISCORD_APPLICATION_ID=${app.id}, or use the token of application ${config.DISCORD_APPLICATION_ID} (${SETUP}, steps 1.2–1.3)`)
  else section.ok(`bot token valid: bot @${me.username} (${me.id}) of application "${app.name}", matching DISCORD_APPLICATION_ID`)

  // Which servers the project channels are in, and whether the bot can reach each channel.
  const reachable: { channel: ProjectChannel; api: APIChannel & { guild_id?: string; permission_overwrites?: { id: string; type: number; allow: string; deny: string }[] } }[] = []
  const channels = projects ? projectChannels(projects, 'discord') : []
  const invite = `invite the bot with https://discord.com/oauth2/authorize?client_id=${app.id}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS} (${SETUP}, step 2)`
  if (projects === null) section.skip('project channels not checked: the database did not answer or needs migrating')
  else if (channels.length === 0) section.skip('no active project names a Discord channel')
  for (const channel of channels) {
    try {
      reachable.push({ channel, api: (await rest.get(Routes.channel(channel.channelId))) as (typeof reachable)[number]['api'] })
    } catch (error) {
      const where = `${channel.channelId} (${describeChannel(channel)})`
      if (error instanceof DiscordAPIError && error.status === 404) section.fail(`channel ${where} does not exist`, `correct it: ${channel.setCommand}`)
      else if (error instanceof DiscordAPIError && error.status === 403) section.fail(`the bot cannot reach channel ${where}: it is not in that server, or the channel hides from it`, `${invite}; if it is in the server, allow it View Channels in that channel`)
      else section.fail(`channel ${where} could not be read (${status(error)})`, 'run `arbiter doctor` again; if it persists, check the channel in Discord')
    }
  }
  const botGuilds = (await rest.get(Routes.userGuilds())) as RESTAPIPartialCurrentUserGuild[]
  const guildIds = [...new Set(reachable.map((r) => String(r.api.guild_id ?? '')).filter(Boolean))]
  for (const guildId of guildIds) {
    const guild = botGuilds.find((g) => g.id === guildId)
    const projectsThere = [...new Set(reachable.filter((r) => r.api.guild_id === guildId).map((r) => r.channel.project))].join(', ')
    if (guild) section.ok(`in server "${guild.name}" (${guildId}), used by project ${projectsThere}`)
    else section.fail(`not in server ${guildId}, used by project ${projectsThere}`, invite)
  }

  // Commands may be registered globally or per server: look in every server the bot is in (a
  // private bot is in a few), and require them where the projects are.
  await checkCommands(section, rest, app.id, botGuilds.slice(0, MAX_SERVERS_LOOKED_AT).map((g) => g.id), guildIds)

  const guilds = new Map<string, { guild: APIGuild; member: APIGuildMember }>()
  for (const { channel, api } of reachable) {
    const guildId = String(api.guild_id ?? '')
    if (!guildId) continue
    if (!guilds.has(guildId)) guilds.set(guildId, { guild: (await rest.get(Routes.guild(guildId))) as APIGuild, member: (await rest.get(Routes.guildMember(guildId, me.id))) as APIGuildMember })
    const { guild, member } = guilds.get(guildId)!
    const bits = channelPermissions({ guildId, ownerId: guild.owner_id, userId: me.id, memberRoles: member.roles, roles: guild.roles, overwrites: api.permission_overwrites ?? [] })
    const missing = REQUIRED_PERMISSIONS.filter((p) => p.purposes.includes(channel.purpose) && (bits & p.bit) === 0n).map((p) => p.name)
    const where = `#${'name' in api ? api.name : channel.channelId} (${describeChannel(channel)})`
    if (missing.length === 0) section.ok(`permissions in ${where} cover README's table`)
    else section.fail(`missing in ${where}: ${missing.join(', ')}`, `allow ${missing.join(', ')} for the bot's role (Server Settings → Roles) and check the channel's Edit Channel → Permissions does not deny them (${SETUP}, step 2, the permission table)`)
  }
}

const MAX_SERVERS_LOOKED_AT = 25

/** Registered commands compared with what `arbiter discord register` would send now. */
async function checkCommands(section: Section, rest: REST, applicationId: string, botGuildIds: string[], projectGuildIds: string[]): Promise<void> {
  const guildIds = [...new Set([...projectGuildIds, ...botGuildIds])]
  const registered = {
    global: (await rest.get(Routes.applicationCommands(applicationId))) as Record<string, unknown>[],
    guilds: new Map<string, Record<string, unknown>[]>(),
  }
  for (const guildId of guildIds) registered.guilds.set(guildId, (await rest.get(Routes.applicationGuildCommands(applicationId, guildId))) as Record<string, unknown>[])
  for (const expected of commandDefinitions() as unknown as Record<string, unknown>[]) {
    const label = expected.type === 1 || expected.type === undefined ? `/${String(expected.name)}` : `"${String(expected.name)}"`
    const same = (c: Record<string, unknown>) => c.name === expected.name && (c.type ?? 1) === (expected.type ?? 1)
    const places: { where: string; command: Record<string, unknown> | undefined; register: string }[] = [
      { where: 'globally', command: registered.global.find(same), register: '`arbiter discord register`' },
      ...guildIds.map((id) => ({ where: `in server ${id}`, command: registered.guilds.get(id)?.find(same), register: `\`arbiter discord register --guild ${id}\`` })),
    ]
    let stale = false
    for (const place of places) {
      const drift = place.command ? commandDrift(expected, place.command) : null
      if (drift) {
        stale = true
        section.fail(`${label} is registered ${place.where} in an older shape (${drift})`, `run ${place.register}`)
      }
    }
    if (stale) continue
    const current = places.filter((p) => p.command)
    const globalOk = Boolean(places[0]!.command)
    const inServers = projectGuildIds.length > 0 ? projectGuildIds.every((id) => registered.guilds.get(id)?.some(same)) : current.length > 0
    if (globalOk || inServers) section.ok(`${label} registered in its current shape (${current.map((p) => p.where).join(', ')})`)
    else section.fail(`${label} is not registered${projectGuildIds.length > 0 ? " where the projects' servers see it" : ''}`, 'run `arbiter discord register` (add `--guild SERVER_ID` to see it in one server at once)')
  }
}

// Fields Discord adds or defaults on its side; they say nothing about the command's shape.
const SERVER_FIELDS = new Set(['id', 'application_id', 'version', 'guild_id', 'default_member_permissions', 'dm_permission', 'nsfw', 'integration_types', 'name_localizations', 'description_localizations', 'name_localized', 'description_localized', 'handler'])

/** Where a registered command differs from the expected definition (a path), or null when it is the same. */
export function commandDrift(expected: unknown, registered: unknown, path = ''): string | null {
  const meaningful = (value: unknown) => value !== undefined && value !== null && value !== false && value !== '' && !(Array.isArray(value) && value.length === 0)
  if (Array.isArray(expected) || Array.isArray(registered)) {
    const a = Array.isArray(expected) ? expected : []
    const b = Array.isArray(registered) ? registered : []
    if (a.length !== b.length) return `${path || 'list'} has ${b.length} entries, expected ${a.length}`
    for (let i = 0; i < a.length; i++) {
      const drift = commandDrift(a[i], b[i], `${path}[${i}]`)
      if (drift) return drift
    }
    return null
  }
  if (typeof expected === 'object' && expected !== null && typeof registered === 'object' && registered !== null) {
    const e = expected as Record<string, unknown>
    const r = registered as Record<string, unknown>
    const keys = new Set([...Object.keys(e), ...Object.keys(r)].filter((k) => !SERVER_FIELDS.has(k) && (meaningful(e[k]) || meaningful(r[k]))))
    for (const key of keys) {
      const drift = commandDrift(e[key], r[key], path ? `${path}.${key}` : key)
      if (drift) return drift
    }
    return null
  }
  const same = (meaningful(expected) ? expected : null) === (meaningful(registered) ? registered : null)
  return same ? null : `${path} is ${JSON.stringify(registered ?? null)}, expected ${JSON.stringify(expected ?? null)}`
}

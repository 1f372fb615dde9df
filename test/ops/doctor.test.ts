// `arbiter doctor` as a new lead runs it before the first message: against the fake Slack and
// fake Discord, first a correct setup (all ✓, exit 0), then one broken thing at a time — a bad
// token, a missing scope, a channel nobody invited the bot to, stale commands, a missing
// permission, a pending migration — each named with its fix. On SQLite and PostgreSQL.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { PermissionFlagsBits, REST, Routes } from 'discord.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { doctorCommand } from '../../src/cli/doctor-command'
import { commandDefinitions, registerCommands } from '../../src/adapters/discord/commands'
import { openDatabase } from '../../src/store/database'
import { applyMigrations, listMigrations } from '../../src/store/migrate'
import { createStore } from '../../src/store/store'
import { FakeDiscord } from '../fakes/fake-discord'
import { FakeSlack } from '../fakes/fake-slack'
import { manifestBotScopes } from '../fakes/slack/scopes'
import { PROVIDERS, freshDatabaseUrl } from '../support/databases'

const GUILD = '900000000000000001'
const LABELING = '900000000000000010'
const CALIBRATION = '900000000000000011'
const TOKEN = 'discord-bot-token'

async function doctor(env: Record<string, string>, json = false): Promise<{ code: number; text: string }> {
  let text = ''
  const code = await doctorCommand({ json }, env, { write: (chunk: string) => (text += chunk) })
  return { code, text }
}

/** The lines of one section's failures, with their fixes. */
const failures = (text: string) => text.split('\n').filter((line, i, all) => line.trimStart().startsWith('✗') || (line.trimStart().startsWith('fix:') && all[i - 1]?.trimStart().startsWith('✗')))

describe.each(PROVIDERS)('arbiter doctor (%s)', (provider) => {
  let slack: FakeSlack
  let discord: FakeDiscord
  let database: { url: string; drop: () => Promise<void> }
  let env: Record<string, string>

  beforeAll(async () => {
    slack = await FakeSlack.start({ botScopes: manifestBotScopes() })
    slack.channel('C0CAL', 'calibration')
    slack.channel('C0LEAD', 'leads')
    discord = await FakeDiscord.start({ token: TOKEN, guilds: [{ id: GUILD, name: 'Labeling Team', channels: [{ id: LABELING, name: 'labeling' }, { id: CALIBRATION, name: 'calibration' }] }] })
    await registerCommands({ token: TOKEN, applicationId: discord.applicationId, apiUrl: discord.apiUrl, guildId: GUILD })
    database = await freshDatabaseUrl(provider)
    const db = await openDatabase(database.url)
    await createStore(db).projects.create({
      name: 'helpfulness',
      taskTypes: ['pairwise'],
      dimensions: [],
      slackCalibrationChannel: 'C0CAL',
      slackLeadChannel: 'C0LEAD',
      discordChannel: LABELING,
      discordCalibrationChannel: CALIBRATION,
      calibrationCron: '0 10 * * 1-5',
      calibrationTimezone: 'Europe/Paris',
    })
    await db.close()
    env = {
      DATABASE_URL: database.url,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
    }
  })
  afterAll(async () => {
    await slack.stop()
    await discord.stop()
    await database.drop()
  })

  it('a correct setup: every line ✓ and exit 0, through the real command line', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/arbiter.mjs'), 'doctor'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(output).not.toContain('✗')
    expect(code, output).toBe(0)
    expect(output).toContain('✓ bot token valid: workspace "Arbiter Test" (T0TEAM), bot user @arbiter (U0BOT)')
    expect(output).toContain('✓ granted scopes cover manifest.yml')
    expect(output).toContain('✓ app token opens a Socket Mode connection')
    expect(output).toContain("✓ can read and post in C0CAL (project helpfulness's calibration channel)")
    expect(output).toContain('✓ migrations current')
    expect(output).toContain(`✓ in server "Labeling Team" (${GUILD}), used by project helpfulness`)
    expect(output).toContain(`✓ /label registered in its current shape (in server ${GUILD})`)
    expect(output).toContain("✓ permissions in #calibration (project helpfulness's calibration channel) cover README's table")
    expect(output).toMatch(/✓ drift-check \(hourly, on the hour\): "0 \* \* \* \*", next run \d{4}-\d\d-\d\d \d\d:00 UTC/)
    expect(output).toMatch(/✓ calibration-threads for helpfulness: "0 10 \* \* 1-5", next run .* 10:00 Europe\/Paris/)
    expect(output).toContain('Everything Arbiter needs is in place.')
    // It changed nothing: no message, no command registration.
    expect(slack.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([])
    expect(discord.requests.filter((r) => r.method !== 'GET' && r.seq > 1)).toEqual([])
  }, 60_000)

  it('--json: the same checklist, machine-readable', async () => {
    const { code, text } = await doctor(env, true)
    expect(code).toBe(0)
    const report = JSON.parse(text) as { ok: boolean; checks: { section: string; status: string; title: string }[] }
    expect(report.ok).toBe(true)
    expect(new Set(report.checks.map((c) => c.section))).toEqual(new Set(['Configuration', 'Database', 'Slack', 'Discord', 'Jobs']))
  })

  it('a bad Slack bot token: named, with where to copy the right one', async () => {
    const { code, text } = await doctor({ ...env, SLACK_BOT_TOKEN: 'xoxb-revoked' })
    expect(code).toBe(1)
    expect(failures(text)).toEqual(['  ✗ bot token refused by Slack (invalid_auth)', expect.stringMatching(/fix: copy the Bot User OAuth Token \(xoxb-…\) .* into SLACK_BOT_TOKEN \(README, "Setting up Slack", step 2\)/)])
  })

  it('a scope the manifest asks for was not granted: the scope is named', async () => {
    const narrow = await FakeSlack.start({ botScopes: manifestBotScopes().filter((s) => s !== 'files:read') })
    narrow.channel('C0CAL', 'calibration')
    narrow.channel('C0LEAD', 'leads')
    try {
      const { code, text } = await doctor({ ...env, SLACK_BOT_TOKEN: narrow.botToken, SLACK_APP_TOKEN: narrow.appToken, SLACK_API_URL: narrow.apiUrl })
      expect(code).toBe(1)
      expect(failures(text)).toEqual(['  ✗ scopes missing from the install: files:read', expect.stringMatching(/fix: add files:read under OAuth & Permissions → Bot Token Scopes .* reinstall the app/)])
    } finally {
      await narrow.stop()
    }
  })

  it('the bot was never invited to the calibration channel: "/invite" in that channel', async () => {
    slack.channel('C0CAL', 'calibration', { botMember: false })
    try {
      const { code, text } = await doctor(env)
      expect(code).toBe(1)
      expect(failures(text)).toEqual(["  ✗ not a member of C0CAL (project helpfulness's calibration channel)", '      fix: /invite @arbiter in the channel C0CAL (open it in Slack and type the command)'])
    } finally {
      slack.channel('C0CAL', 'calibration', { botMember: true })
    }
  })

  it('the bot token as app token: Socket Mode cannot open', async () => {
    const { code, text } = await doctor({ ...env, SLACK_APP_TOKEN: slack.botToken })
    expect(code).toBe(1)
    expect(failures(text)).toEqual(['  ✗ app token cannot open Socket Mode (not_allowed_token_type)', '      fix: SLACK_APP_TOKEN must be the app-level token (xapp-…), not the bot token'])
  })

  it('a bad Discord token, and an application id that is not the token\'s', async () => {
    const bad = await doctor({ ...env, DISCORD_TOKEN: 'stolen-and-reset' })
    expect(bad.code).toBe(1)
    expect(failures(bad.text)).toEqual(['  ✗ bot token refused by Discord (401 Unauthorized)', expect.stringMatching(/fix: Developer Portal → your application → Bot → Reset Token/)])
    const other = await doctor({ ...env, DISCORD_APPLICATION_ID: '123456789012345678' })
    expect(failures(other.text)).toEqual([
      `  ✗ DISCORD_APPLICATION_ID is 123456789012345678, but the token belongs to application ${discord.applicationId} (Arbiter)`,
      expect.stringContaining(`fix: set DISCORD_APPLICATION_ID=${discord.applicationId}`),
    ])
  })

  it('commands registered by an older version: "run arbiter discord register"', async () => {
    const [label, send] = commandDefinitions() as unknown as { options: unknown[] }[]
    const older = { ...label!, options: label!.options.slice(0, -1) }
    await new REST({ api: discord.apiUrl }).setToken(TOKEN).put(Routes.applicationGuildCommands(discord.applicationId, GUILD), { body: [older, send] })
    try {
      const { code, text } = await doctor(env)
      expect(code).toBe(1)
      expect(failures(text)).toEqual([`  ✗ /label is registered in server ${GUILD} in an older shape (options has ${older.options.length} entries, expected ${label!.options.length})`, `      fix: run \`arbiter discord register --guild ${GUILD}\``])
    } finally {
      await registerCommands({ token: TOKEN, applicationId: discord.applicationId, apiUrl: discord.apiUrl, guildId: GUILD })
    }
  })

  it('a channel denies the bot permissions README lists: each missing one named', async () => {
    // @everyone may not embed links or start threads in the calibration channel; the bot's role does not allow them back.
    discord.setPermissionOverwrites(CALIBRATION, [{ id: GUILD, type: 0, deny: PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.CreatePublicThreads }])
    try {
      const { code, text } = await doctor(env)
      expect(code).toBe(1)
      expect(failures(text)).toEqual([
        "  ✗ missing in #calibration (project helpfulness's calibration channel): Embed Links, Create Public Threads",
        expect.stringMatching(/fix: allow Embed Links, Create Public Threads for the bot's role .* the permission table\)/),
      ])
    } finally {
      discord.setPermissionOverwrites(CALIBRATION, [])
    }
  })

  it('the bot was removed from the server: its channels cannot be reached, with the invite link', async () => {
    const removed = await FakeDiscord.start({ token: TOKEN, guilds: [{ id: GUILD, name: 'Labeling Team', channels: [{ id: LABELING, name: 'labeling' }, { id: CALIBRATION, name: 'calibration' }] }] })
    await registerCommands({ token: TOKEN, applicationId: removed.applicationId, apiUrl: removed.apiUrl })
    removed.removeBotFromGuild(GUILD)
    try {
      const { code, text } = await doctor({ ...env, DISCORD_API_URL: removed.apiUrl })
      expect(code).toBe(1)
      expect(failures(text)).toEqual([
        `  ✗ the bot cannot reach channel ${LABELING} (project helpfulness's labeling channel): it is not in that server, or the channel hides from it`,
        expect.stringContaining(`fix: invite the bot with https://discord.com/oauth2/authorize?client_id=${removed.applicationId}&scope=bot+applications.commands&permissions=309237763072`),
        `  ✗ the bot cannot reach channel ${CALIBRATION} (project helpfulness's calibration channel): it is not in that server, or the channel hides from it`,
        expect.stringContaining('fix: invite the bot'),
      ])
    } finally {
      await removed.stop()
    }
  })

  it('a job schedule that does not parse', async () => {
    const { code, text } = await doctor({ ...env, JOB_SCHEDULES: 'drift-check=every hour' })
    expect(code).toBe(1)
    expect(failures(text)).toEqual([expect.stringMatching(/✗ drift-check: invalid cron expression "every hour"/), '      fix: correct JOB_SCHEDULES / JOB_TIMEZONE (README, "Configuration")'])
  })

  it('a database one migration behind: "run arbiter migrate", and nothing is migrated', async () => {
    const behind = await freshDatabaseUrl(provider)
    const shipped = listMigrations(provider === 'sqlite' ? 'sqlite' : 'postgresql')
    await applyMigrations(behind.url, () => {}, { upTo: shipped[shipped.length - 2]!.name })
    try {
      const { code, text } = await doctor({ ...env, DATABASE_URL: behind.url })
      expect(code).toBe(1)
      expect(failures(text)).toEqual([`  ✗ 1 migration pending: ${shipped[shipped.length - 1]!.name}`, expect.stringMatching(/fix: run `arbiter migrate`/)])
      expect((await doctor({ ...env, DATABASE_URL: behind.url })).text).toContain('1 migration pending')
    } finally {
      await behind.drop()
    }
  })
})

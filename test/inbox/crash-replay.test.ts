// The inbox pipeline after a crash, on both platforms and both databases: an acknowledged click
// whose process died is recorded by the next instance; an orphan of an instance killed mid-work
// is taken over by a live instance within seconds (its lease runs out, no fixed grace); a payload
// that no longer reads is given up, not run; a permanent platform refusal is reported once and
// not retried, a retryable one is retried.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { ANA, LEAD, labelsOf, pairItem, slackHarness, type Harness as SlackHarness } from '../adapters/slack/harness'
import { GUILD, Harness as DiscordHarness, LEE, buttonId, pair, taskMessage } from '../adapters/discord/harness'
import type { SlackEnvelope } from '../../src/adapters/slack/slack-platform'
import type { DiscordEnvelope } from '../../src/adapters/discord/discord-events'
import { countRows, existingRow, rows } from '../support/tables'

const past = () => ({ owner: 'a-dead-instance', until: new Date(Date.now() - 1_000) })

describe.each(PROVIDERS)('crash replay on %s', (provider) => {
  let slack: SlackHarness | undefined
  let discord: DiscordHarness | undefined
  afterEach(async () => {
    await slack?.stop()
    await discord?.stop()
    slack = discord = undefined
  })

  it('Slack: an acknowledged click whose process died is recorded at restart, the task message updated', async () => {
    slack = await slackHarness(provider)
    const h = slack
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    const as = (await existingRow(h.t.store.database, 'Assignment')).id
    // What the listener wrote before acking; the process died before handling it.
    const envelope: SlackEnvelope = {
      actor: { identity: { platform: 'slack', workspaceId: h.fake.teamId, platformUserId: ANA }, displayName: 'ana' },
      event: { kind: 'action', action: { a: 'verdict', as, v: 'b' }, values: [] },
      where: { user: ANA, team: h.fake.teamId, channel: task.channel, ts: task.ts },
    }
    await h.t.store.inbox.accept('slack', 'act:U0ANA:1700000001.000001:crashed', envelope as never, past())
    expect(await h.judgments()).toBe(0)
    await h.restart()
    await h.idle()
    expect(await h.judgments()).toBe(1)
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: B is better/)
  })

  it('an orphaned click of a killed instance is taken over by a live instance within seconds', async () => {
    slack = await slackHarness(provider)
    const h = slack
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.app.stop()

    // Instance A: Arbiter as `npm start` runs it, another process on the same database and Slack.
    const env = { ...process.env, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: h.fake.botToken, SLACK_APP_TOKEN: h.fake.appToken, SLACK_API_URL: h.fake.apiUrl, DISCORD_TOKEN: '', DATABASE_URL: h.t.url, ARBITER_ADMINS: LEAD }
    const a = spawn(process.execPath, [join(process.cwd(), 'bin/arbiter.mjs'), 'start'], { env, stdio: 'ignore' })
    const exited = new Promise((resolve) => a.on('exit', resolve))
    try {
      await h.fake.waitForSocket(30_000)
      // A is busy with ANA's earlier interaction (Slack hangs on its permalink lookup), so ANA's
      // verdict, acknowledged by A, waits behind it in A's queue — and then A is killed.
      h.fake.stallNext('chat.getPermalink')
      await h.fake.sendInteractive(h.fake.messageShortcut({ callbackId: 'send_to_labeling', user: ANA, channel: task.channel, messageTs: task.ts }))
      const verdict = task.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: { text?: { text?: string } }) => e.text?.text === 'A is better')
      const ack = await h.fake.clickButton({ user: ANA, channel: task.channel, messageTs: task.ts, actionId: String(verdict.action_id) })
      expect(ack.latencyMs).toBeLessThan(3_000)
      // Killed only once A is inside the hanging call: before it, A first looks up ANA's name
      // (users.info), and a kill then would leave the stall armed for the instance taking over.
      await expect.poll(() => h.fake.stalledCalls('chat.getPermalink'), { timeout: 15_000, interval: 50 }).toBe(1)
      a.kill('SIGKILL')
      await exited
    } finally {
      if (a.exitCode === null && a.signalCode === null) a.kill('SIGKILL')
    }
    const killed = Date.now()
    expect(await h.judgments()).toBe(0)
    const held = await rows(h.t.store.database, 'InboundEvent', { processedAt: null })
    expect(held).toHaveLength(2)
    expect(held.every((row) => row.owner !== null && row.leaseUntil !== null)).toBe(true)

    // Instance B, alive, sweeping as in production (every 2 s; A's lease is 6 s).
    await h.restart({ sweepMs: 2_000 })
    await expect.poll(() => h.judgments(), { timeout: 20_000, interval: 100 }).toBe(1)
    // At most one lease (6 s) plus one sweep (2 s) after the kill, with room for a loaded machine.
    expect(Date.now() - killed).toBeLessThan(12_000)
    await h.idle()
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: A is better/)
    expect(labelsOf(h.fake.message(task.channel, task.ts))).not.toContain('A is better')
  }, 60_000)

  it('Discord: an interaction acknowledged before a crash is handled by the next sweep; the outcome goes by DM', async () => {
    discord = await DiscordHarness.start(provider)
    const h = discord
    const project = await h.project('rp', {}, [{ ...pair, externalId: 'rp' }])
    const task = taskMessage(await h.command(LEE, 'label start', { project: 'rp' }))
    const verdict = JSON.parse(buttonId(task, 'A is better').slice('arb1:'.length))
    const envelope: DiscordEnvelope = {
      actor: { identity: { platform: 'discord', workspaceId: GUILD, platformUserId: LEE.id }, displayName: 'lee', platformLead: true },
      event: { kind: 'action', action: verdict, values: [] },
      where: { userId: LEE.id },
    }
    await h.t.store.inbox.accept('discord', 'crashed-interaction', envelope as never, past())
    const before = await countRows(h.t.store.database, 'Judgment')
    expect(await h.bot.replay()).toBe(1)
    expect(await countRows(h.t.store.database, 'Judgment')).toBe(before + 1)
    const dm = h.fake.dmChannelOf(LEE.id)
    expect(h.fake.messagesIn(String(dm!.id)).at(-1)!.embeds?.[0]?.title).toBe(`✓ Recorded · ${project.name}`)
    expect(await h.bot.replay()).toBe(0)
  })

  it('a stored payload that no longer reads is given up on both platforms, not run', async () => {
    discord = await DiscordHarness.start(provider)
    const h = discord
    // An action the codec does not know: the same schema refuses it on Slack and Discord.
    await h.t.store.inbox.accept('discord', 'garbled', { actor: { displayName: 'x' }, event: { kind: 'action', action: { a: 'explode' } }, where: {} }, past())
    await h.t.store.inbox.accept('slack', 'garbled-slack', { event: { kind: 'shortcut' } }, past())
    expect(await h.bot.replay()).toBe(0)
    expect(await h.t.store.inbox.pending('discord')).toEqual([])
    const row = await existingRow(h.t.store.database, 'InboundEvent', { dedupeKey: 'garbled' })
    expect(row.lastError).toMatch(/^unreadable payload/)
    expect(row.processedAt).toBeNull()
  })

  it('Slack: a permanent refusal (invalid_blocks) is reported once and never retried; a 503 is retried and arrives', async () => {
    slack = await slackHarness(provider)
    const h = slack
    await h.project({}, [pairItem('one'), pairItem('two')])
    h.fake.failNext('chat.postMessage', 'invalid_blocks')
    let since = h.fake.mark()
    await h.fake.sendSlashCommand({ command: '/label', text: '', user_id: ANA, channel_id: h.fake.dmChannelOf(ANA) })
    await h.idle()
    const posts = () => h.fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage')
    expect(posts()).toHaveLength(1)
    expect(h.fake.ephemerals(ANA).at(-1)?.text).toMatch(/^Something went wrong on our side and your request could not be completed/)
    expect(await h.t.store.inbox.pending('slack')).toEqual([])

    h.fake.failNext('chat.postMessage', { status: 503 })
    since = h.fake.mark()
    await h.fake.sendSlashCommand({ command: '/label', text: '', user_id: ANA, channel_id: h.fake.dmChannelOf(ANA) })
    await h.idle()
    expect(posts().map((c) => c.status)).toEqual([503, 200])
    expect(labelsOf(h.last(ANA))).toContain('A is better')
  })
})

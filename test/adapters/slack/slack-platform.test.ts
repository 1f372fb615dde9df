// The Slack platform duties around labeling: lead commands and files, App Home, the message
// shortcut, hostile and very long text, rate limits, HTTP mode signing, and the inbox that
// that takes a burst. Real Bolt app, fake Slack, SQLite. Crash replay: test/inbox/crash-replay.test.ts.
import { LogLevel } from '@slack/bolt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { createSlackApp } from '../../../src/adapters/slack/slack-app'
import { encodeRef } from '../../../src/views/action-codec'
import { FakeSlack, blocksTextLength, type SlackJson } from '../../fakes/fake-slack'
import { manifestBotScopes } from '../../fakes/slack/scopes'
import { testCore } from '../../support/core'
import { ANA, LEAD, labelsOf, pairItem, retryConfig, slackHarness, textOf, unescape, type Harness } from './harness'
import { containing, countRows, firstRow } from '../../support/tables'

describe('Slack: leads, files, home and shortcuts', () => {
  let h: Harness
  beforeEach(async () => {
    h = await slackHarness('sqlite')
  })
  afterEach(async () => h.stop())

  it('a lead imports a JSONL file uploaded to the DM, and exports a project as a file', async () => {
    await h.project({}, [], 'chat-v2')
    await h.fake.sendSlashCommand({ command: '/label', text: 'import chat-v2', user_id: LEAD, channel_id: 'C0GENERAL' })
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/Upload the JSONL file/)
    const lines = [1, 2, 3].map((i) => JSON.stringify({ id: `q${i}`, type: 'pairwise', prompt: `Question ${i}`, responses: [{ text: 'yes' }, { text: 'no' }] }))
    const { event, file } = h.fake.userUploadsFile({ user: LEAD, name: 'batch.jsonl', content: `${lines.join('\n')}\n` })
    const since = h.fake.mark()
    await h.fake.sendEvent(event)
    const report = await h.fake.waitFor((c) => c.method === 'chat.postMessage' && /Imported 3 items/.test(String(c.args.text)), { since, timeoutMs: 5_000 })
    expect(report.args.channel).toBe(h.fake.dmChannelOf(LEAD))
    expect(h.fake.callsTo('file_download').at(-1)?.args).toEqual({ file: file.id, authorized: true })
    expect(await countRows(h.t.store.database, 'Item')).toBe(3)

    // The same file delivered again (an Events API retry) is not imported twice.
    await h.fake.sendEvent(event)
    await h.idle()
    expect(h.fake.callsTo('file_download')).toHaveLength(1)

    // No pending /label import: the comment on the upload says what to do.
    const again = h.fake.userUploadsFile({ user: LEAD, name: 'more.jsonl', content: `${JSON.stringify({ id: 'q4', type: 'pairwise', prompt: 'Q4', responses: [{ text: 'a' }, { text: 'b' }] })}\n`, text: 'import chat-v2' })
    await h.fake.sendEvent(again.event)
    await h.fake.waitFor((c) => c.method === 'chat.postMessage' && /Imported 1 items/.test(String(c.args.text)), { timeoutMs: 5_000 })

    await h.fake.sendSlashCommand({ command: '/label', text: 'export chat-v2 preferences', user_id: LEAD, channel_id: 'C0GENERAL' })
    await h.idle()
    const exported = await h.fake.waitUntil(() => h.fake.files.find((f) => f.name === 'chat-v2-preferences.jsonl'))
    expect(h.fake.lastMessage(h.fake.dmChannelOf(LEAD))?.files?.[0]?.id).toBe(exported.id)
    expect(h.fake.fileContent(String(exported.id))).toBeDefined()
  })

  it('a /label import is remembered across a restart (or by another instance) until its file arrives, and only for that file', async () => {
    await h.project({}, [], 'chat-v2')
    await h.fake.sendSlashCommand({ command: '/label', text: 'import chat-v2', user_id: LEAD, channel_id: 'C0GENERAL' })
    await h.idle()
    await h.restart()
    const line = (id: string) => `${JSON.stringify({ id, type: 'pairwise', prompt: `Question ${id}`, responses: [{ text: 'yes' }, { text: 'no' }] })}\n`
    const first = h.fake.userUploadsFile({ user: LEAD, name: 'batch.jsonl', content: line('q1') })
    await h.fake.sendEvent(first.event)
    await h.fake.waitFor((c) => c.method === 'chat.postMessage' && /Imported 1 items/.test(String(c.args.text)), { timeoutMs: 5_000 })

    // The request was for one file: the next upload without a comment is not imported.
    const since = h.fake.mark()
    const second = h.fake.userUploadsFile({ user: LEAD, name: 'other.jsonl', content: line('q2') })
    await h.fake.sendEvent(second.event)
    await h.idle()
    await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && /To import this file/.test(String(c.args.text)), { since, timeoutMs: 5_000 })
    expect(await countRows(h.t.store.database, 'Item')).toBe(1)
  })

  it('a button or command that is not Arbiter\'s (a message from an older version, another app\'s command) is acknowledged, and nothing changes', async () => {
    await h.project({}, [pairItem()])
    const channel = h.fake.dmChannelOf(ANA)
    // A message whose buttons an earlier version encoded differently.
    const old = await h.app.app.client.chat.postMessage({ channel, text: 'An old task', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'v0:verdict:a', text: { type: 'plain_text', text: 'A is better' } }] }] })
    const since = h.fake.mark()
    const click = await h.fake.clickButton({ user: ANA, channel, messageTs: String(old.ts), actionId: 'v0:verdict:a' }, { ackTimeoutMs: 1_000 })
    const command = await h.fake.sendSlashCommand({ command: '/weather', text: '', user_id: ANA, channel_id: channel }, { ackTimeoutMs: 1_000 })
    await h.idle()
    expect([click.payload, command.payload]).toEqual([{}, {}])
    expect(await h.judgments()).toBe(0)
    expect(h.fake.calls.filter((c) => c.seq > since)).toEqual([])
  })

  it('a labeler who tries lead commands is refused politely, and nothing changes', async () => {
    await h.project({}, [pairItem()], 'chat-v2')
    for (const text of ['export chat-v2', 'import chat-v2', 'project create secret', 'role <@U0BEN|ben> lead', 'progress']) {
      await h.fake.sendSlashCommand({ command: '/label', text, user_id: ANA, channel_id: 'C0GENERAL' })
      await h.idle()
      expect(h.fake.ephemerals(ANA).at(-1)?.text).toBe('Only leads and admins can do that.')
    }
    expect(h.fake.files).toEqual([])
    expect(await countRows(h.t.store.database, 'Project')).toBe(1)
  })

  it('a lead creates a project, sets a role from a mention, and sees progress; help and stats answer privately', async () => {
    await h.fake.sendSlashCommand({ command: '/label', text: 'project create code-review pairwise,likert', user_id: LEAD })
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Created project code-review \(pairwise, likert/)
    await h.fake.sendSlashCommand({ command: '/label', text: 'role <@U0BEN|ben> lead', user_id: LEAD })
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('ben is now lead.')
    await h.fake.sendSlashCommand({ command: '/label', text: 'progress "code-review"', user_id: LEAD })
    await h.idle()
    expect(textOf(h.last(LEAD))).toContain('Progress · code-review')
    // One command after the other, as a person types them: two slash commands sent in the same
    // millisecond are two deliveries, and neither Slack nor Arbiter promises their replies' order.
    await h.fake.sendSlashCommand({ command: '/label', text: 'help', user_id: ANA })
    await h.idle()
    await h.fake.sendSlashCommand({ command: '/label', text: 'stats', user_id: ANA })
    await h.idle()
    const [help, stats] = h.fake.ephemerals(ANA).slice(-2)
    expect(unescape(help!.text)).toContain('/label stats')
    expect(textOf(stats)).toContain('Your labeling, privately')
  })

  it('App Home shows a labeler their day and a Start button; a lead also sees progress', async () => {
    await h.project({}, [pairItem()])
    await h.fake.sendEvent(h.fake.appHomeOpened({ user: ANA }))
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.ok)
    const home = h.fake.homeView(ANA)!
    expect(textOf(home)).toContain('Done today')
    expect(textOf(home)).toContain('Agreement so far')
    const start = home.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: SlackJson) => e.text.text === 'Start labeling')
    await h.fake.clickButton({ user: ANA, view: home.id, actionId: start.action_id })
    await h.idle()
    expect(labelsOf(h.last(ANA))).toContain('A is better')

    await h.fake.sendEvent(h.fake.appHomeOpened({ user: LEAD }))
    await h.fake.waitUntil(() => h.fake.homeView(LEAD))
    expect(textOf(h.fake.homeView(LEAD))).toContain('Progress · p')
  })

  it('Send to labeling turns a channel message into an item, for leads only', async () => {
    await h.project({ taskTypes: ['pairwise', 'likert'] }, [])
    const posted = await h.app.app.client.chat.postMessage({ channel: 'C0GENERAL', text: 'The answer is 42.' })
    const shortcut = (user: string) => h.fake.sendInteractive(h.fake.messageShortcut({ callbackId: 'send_to_labeling', user, channel: 'C0GENERAL', messageTs: String(posted.ts) }))
    await shortcut(ANA)
    await h.idle()
    expect(h.fake.ephemerals(ANA).at(-1)?.text).toBe('Only leads and admins can do that.')
    await shortcut(LEAD)
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Sent to labeling in p as a likert task/)
    const item = await firstRow(h.t.store.database, 'Item')
    expect(item?.sourceLink).toMatch(/^https:\/\/arbiter-test\.slack\.com\/archives\/C0GENERAL\/p/)
  })

  it('a lead makes the channel they type in a project\'s calibration or lead channel; a labeler cannot', async () => {
    await h.project({}, [], 'chan')
    const channel = (user: string, text: string, channelId = 'C0CAL') => h.fake.sendSlashCommand({ command: '/label', text: `channel ${text}`, user_id: user, channel_id: channelId })
    await channel(ANA, 'calibration chan')
    await h.idle()
    expect(h.fake.ephemerals(ANA).at(-1)?.text).toBe('Only leads and admins can do that.')
    await channel(LEAD, 'calibration chan')
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^This channel is now the calibration channel \(disputed items are discussed there\) of chan\. .*\/invite @Arbiter/)
    await channel(LEAD, 'lead chan', 'C0LEADS')
    await h.idle()
    expect(await h.t.store.projects.findByName('chan')).toMatchObject({ slackCalibrationChannel: 'C0CAL', slackLeadChannel: 'C0LEADS' })
    await channel(LEAD, 'calibration chan off')
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('chan no longer has a calibration channel here.')
    await channel(LEAD, 'calibration chan', h.fake.dmChannelOf(LEAD))
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Type this in the channel itself/)
    expect(await h.t.store.projects.findByName('chan')).toMatchObject({ slackCalibrationChannel: null, slackLeadChannel: 'C0LEADS' })
    await channel(LEAD, 'everything chan')
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Usage, in the channel itself/)
  })

  it('Send to labeling on an answer in a thread takes the thread\'s question as the prompt, as a person reads it', async () => {
    await h.project({ taskTypes: ['likert'] }, [], 'chat')
    h.fake.messageEvent({ user: ANA, channel: 'C0GENERAL', text: 'How hot does water boil at sea level, &lt;roughly&gt;? cc <@U0BEN|ben>', store: true })
    const question = h.fake.lastMessage('C0GENERAL')!
    const answer = await h.app.app.client.chat.postMessage({ channel: 'C0GENERAL', thread_ts: question.ts, text: 'About 50 °C, see <https://example.com/boil|this page>.' })
    await h.fake.sendInteractive(h.fake.messageShortcut({ callbackId: 'send_to_labeling', user: LEAD, channel: 'C0GENERAL', messageTs: String(answer.ts) }))
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Sent to labeling in chat as a likert task \(item \d+\), with the question it answered\.$/)
    const item = (await firstRow(h.t.store.database, 'Item', { source: 'chat' }))!
    expect(JSON.parse(item.messages)).toEqual([{ role: 'user', content: 'How hot does water boil at sea level, <roughly>? cc @ben' }])
    expect(JSON.parse(item.responses)[0].text).toBe('About 50 °C, see this page (https://example.com/boil).')
  })

  it('Send to labeling with several active projects: the lead chooses one in the DM, once', async () => {
    await h.project({ taskTypes: ['likert'] }, [], 'chat')
    await h.project({ taskTypes: ['sft'] }, [], 'chat-sft')
    const posted = await h.app.app.client.chat.postMessage({ channel: 'C0GENERAL', text: 'Water boils at 50 °C at sea level.' })
    await h.fake.sendInteractive(h.fake.messageShortcut({ callbackId: 'send_to_labeling', user: LEAD, channel: 'C0GENERAL', messageTs: String(posted.ts) }))
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('Several projects are active: choose where this message goes.')
    const choice = h.last(LEAD)
    expect(labelsOf(choice)).toEqual(['chat', 'chat-sft'])
    expect(textOf(choice)).toContain('Water boils at 50')
    // A double click: two presses of the button, both made before the message changes.
    const button = choice.blocks!.flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).find((e) => e.text?.text === 'chat-sft')!
    const press = () => h.fake.blockActions({ user: LEAD, channel: choice.channel, messageTs: choice.ts, actionId: String(button.action_id) })
    const [first, second] = [press(), press()]
    await h.fake.sendInteractive(first!)
    await h.fake.sendInteractive(second!)
    await h.idle()
    expect(textOf(h.fake.message(choice.channel, choice.ts))).toMatch(/Sent to labeling in chat-sft as a sft task/)
    expect(labelsOf(h.fake.message(choice.channel, choice.ts))).toEqual([])
    expect(await countRows(h.t.store.database, 'Item', { source: 'chat' })).toBe(1)
    expect(await countRows(h.t.store.database, 'InboundEvent', containing('payload', '"a":"send_to"'))).toBe(2)
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('This message was already sent to labeling.')
  })
})

describe('Slack: hostile and long text, rate limits, crashes', () => {
  let h: Harness
  beforeEach(async () => {
    h = await slackHarness('sqlite')
  })
  afterEach(async () => h.stop())

  it('escapes mentions, broadcasts and links in model and labeler text', async () => {
    const hostile = 'Hi <!channel> and <!here>, ask <@U123> or see <https://evil.example|click> & ```\n<!everyone>\n``` done'
    await h.project({ rationalePolicy: 'always' }, [{ ...pairItem('x', hostile), responses: [{ id: 'a', model: null, text: '```js\nx = "```<@U999>"\n```' }, { id: 'b', model: null, text: '<#C123> *bold*' }] }])
    const task = await h.label(ANA)
    await h.click(ANA, 'A is better')
    await h.submit(ANA, { rationale: 'Because <!channel> said so <https://x.example|here>' })
    expect(textOf(h.fake.message(task.channel, task.ts))).toContain('&lt;!channel&gt;')
    expect(h.fake.unsafeMentions).toEqual([])
    expect(h.fake.calls.filter((c) => !c.ok)).toEqual([])
    // The prompt reads as written once Slack unescapes it.
    expect(unescape(textOf(task))).toContain('<https://evil.example|click>')
  })

  it('a 30,000-character response renders within Slack limits and offers Read in full as a file', async () => {
    const long = Array.from({ length: 600 }, (_, i) => `Paragraph ${i}: ${'lorem ipsum dolor sit amet '.repeat(1)}`.padEnd(49, '.')).join('\n\n')
    expect(long.length).toBeGreaterThan(30_000)
    await h.project({}, [{ ...pairItem(), responses: [{ id: 'a', model: null, text: long }, { id: 'b', model: null, text: 'Short answer.' }] }])
    const task = await h.label(ANA)
    expect(h.fake.calls.filter((c) => !c.ok)).toEqual([])
    expect(blocksTextLength(task.blocks)).toBeLessThanOrEqual(12_000)
    expect(task.blocks!.length).toBeLessThanOrEqual(50)
    expect(textOf(task)).toContain('(continued — use Read in full)')
    expect(textOf(task)).toContain('Short answer.')
    expect(labelsOf(task)).toContain('Read in full')
    await h.click(ANA, 'Read in full')
    const file = await h.fake.waitUntil(() => h.fake.files.find((f) => String(f.name).startsWith('task-')))
    expect(h.fake.fileContent(String(file.id))?.toString('utf8')).toContain(long)
    // Judging still works on the shortened card.
    await h.click(ANA, 'A is better', { message: task })
    expect(await h.judgments()).toBe(1)
  })

  it('a 429 on chat.postMessage is retried after Retry-After and the task arrives once', async () => {
    await h.project({}, [pairItem()])
    h.fake.rateLimitNext('chat.postMessage', 1, 1)
    const since = h.fake.mark()
    await h.label(ANA)
    const attempts = h.fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage')
    expect(attempts.map((c) => c.status)).toEqual([429, 200])
    expect(h.fake.messages(h.fake.dmChannelOf(ANA)).filter((m) => labelsOf(m).includes('A is better'))).toHaveLength(1)
  })

  it('acks within the window even when handling is slow, and answers afterwards', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    h.fake.rateLimitNext('chat.update', 1, 1)
    const button = task.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: SlackJson) => e.text?.text === 'A is better')
    const ack = await h.fake.clickButton({ user: ANA, channel: task.channel, messageTs: task.ts, actionId: String(button.action_id) })
    expect(ack.latencyMs).toBeLessThan(500)
    await h.idle()
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded/)
  })

  it('a burst of commands at once: each is acked, none is lost or doubled', async () => {
    await h.project({}, Array.from({ length: 30 }, (_, i) => pairItem(`q${i}`)))
    const users = Array.from({ length: 20 }, (_, i) => `U0BURST${i}`)
    const acks = await Promise.all(users.map((user) => h.fake.sendSlashCommand({ command: '/label', user_id: user, channel_id: h.fake.dmChannelOf(user) })))
    expect(acks.every((a) => a.latencyMs < 3_000)).toBe(true)
    await h.idle()
    expect(await countRows(h.t.store.database, 'InboundEvent', (eb) => eb('processedAt', 'is not', null))).toBe(20)
    expect(await countRows(h.t.store.database, 'Assignment')).toBe(20)
    for (const user of users) expect(labelsOf(h.last(user))).toContain('A is better')
  })
})

describe('Slack HTTP mode', () => {
  it('accepts correctly signed requests and refuses wrongly signed ones with 401', async () => {
    const t = await testCore('sqlite')
    const fake = await FakeSlack.start({ botScopes: manifestBotScopes() })
    const secret = 'test-signing-secret'
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.apiUrl })
    const app = createSlackApp({ config, ctx: t.ctx, logger: createLogger('silent') }, { port: 0, clientOptions: { retryConfig }, logLevel: LogLevel.ERROR, sweepMs: 0 })
    try {
      await app.start()
      const url = `http://127.0.0.1:${app.port}/slack/events`
      const command = fake.slashCommand({ command: '/label', text: 'help', user_id: ANA })
      const wrong = await fake.postToHttpApp(url, command, { secret, kind: 'command', signature: 'wrong-secret' })
      expect(wrong.status).toBe(401)
      const stale = await fake.postToHttpApp(url, command, { secret, kind: 'command', timestamp: Math.floor(Date.now() / 1000) - 600 })
      expect(stale.status).toBe(401)
      expect(await countRows(t.store.database, 'InboundEvent')).toBe(0)
      const ok = await fake.postToHttpApp(url, command, { secret, kind: 'command' })
      expect(ok.status).toBe(200)
      await fake.waitUntil(() => fake.ephemerals(ANA).find((e) => e.text.includes('/label stats')))
      // A click over HTTP reaches the same session.
      await app.app.client.chat.postMessage({ channel: ANA, text: 'x', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: encodeRef({ a: 'stop' }, 255), text: { type: 'plain_text', text: 'Stop' } }] }] })
      const click = fake.blockActions({ user: ANA, actionId: encodeRef({ a: 'stop' }, 255) })
      expect((await fake.postToHttpApp(url, click, { secret, kind: 'interactive' })).status).toBe(200)
      await fake.waitUntil(() => fake.lastMessage(fake.dmChannelOf(ANA))?.text === 'Session ended')
    } finally {
      await app.stop()
      await fake.stop()
      await t.cleanup()
    }
  })
})

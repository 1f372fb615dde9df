// Discord's side of the contract, with the real discord.js Client against the fake: limits
// (a 30,000-character task shown in full, no 400), mentions that never ping, 429s retried,
// a gateway drop resumed without losing an interaction, duplicate deliveries handled once,
// lead commands (import by attachment, export as a file) and the
// polite refusal of a labeler.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { APIMessage } from 'discord.js'
import { gunzipSync } from 'node:zlib'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { rowLabels, ANA, BOB, CHANNEL, GUILD, Harness, LEE, buttonId, buttonLabels, pair, shownText, taskMessage } from './harness'
import { commandDefinitions } from '../../../src/adapters/discord/commands'
import { countRows, firstRow, rows } from '../../support/tables'

describe('Discord platform duties (sqlite)', () => {
  let h: Harness
  beforeAll(async () => {
    h = await Harness.start('sqlite')
  })
  afterAll(async () => h?.stop())
  afterEach(() => {
    // Every payload the bot sent carried allowed_mentions and nothing in it could ping.
    expect(h.fake.mentionViolations).toEqual([])
    expect(h.fake.internalErrors).toEqual([])
    // Nothing the bot sent was refused (429s are the fake's own, injected on purpose).
    expect(h.fake.requests.filter((r) => r.status >= 400 && r.status !== 429).map((r) => `${r.route} ${r.status} ${JSON.stringify(r.response)}`)).toEqual([])
  })

  const judgments = () => countRows(h.t.store.database, 'Judgment')

  it('registers /label and "Send to labeling" in the guild', () => {
    expect(h.fake.commands(GUILD).map((c) => [c.name, c.type])).toEqual([
      ['label', 1],
      ['Send to labeling', 3],
    ])
    expect(commandDefinitions()[0]).toMatchObject({ contexts: [0] })
  })

  it('a 30,000-character response is shown completely, across messages, code kept as code', async () => {
    const long = Array.from({ length: 3_000 }, (_, i) => `word${String(i).padStart(5, '0')}`).join(' ').slice(0, 30_000)
    const code = '```python\n' + 'print("x")\n'.repeat(400) + '```'
    await h.project('long', {}, [{ ...pair, externalId: 'long', responses: [{ id: 'a', model: null, text: long }, { id: 'b', model: null, text: `Short.\n${code}` }] }])
    const started = await h.command(ANA, 'label start', { project: 'long' })
    expect(started.messages.length).toBeGreaterThan(5)
    // Descriptions in order (titles of continued embeds sit between them).
    const shown = started.messages.flatMap((m) => (m.embeds ?? []).map((e) => e.description ?? '')).join('').replace(/\s+/g, '')
    expect(shown).toContain(long.replace(/\s+/g, ''))
    // Every piece of the code is its own fenced block.
    const codeBlocks = started.messages.flatMap((m) => (m.embeds ?? []).map((e) => e.description ?? '')).join('\n').match(/```python\n/g) ?? []
    expect(codeBlocks.length).toBeGreaterThanOrEqual(2)
    for (const message of started.messages) {
      const total = (message.embeds ?? []).reduce((n, e) => n + (e.title ?? '').length + (e.description ?? '').length, 0)
      expect(total).toBeLessThanOrEqual(6_000)
    }
    const task = taskMessage(started)
    expect(buttonLabels(task)).toContain('Read in full (.md)')
    const file = await h.click(ANA, task, 'Read in full (.md)')
    const attachment = file.messages.at(-1)!.attachments[0]!
    expect(attachment.filename).toMatch(/^task-\d+\.md$/)
    expect(h.fake.attachmentContent(attachment)!.toString()).toContain(long)
  })

  it('a task beyond eight messages comes as excerpts with the whole text attached', async () => {
    const huge = 'lorem ipsum dolor sit amet '.repeat(3_000)
    await h.project('huge', { taskTypes: ['likert'] }, [{ ...pair, externalId: 'huge', type: 'likert', responses: [{ id: 'a', model: null, text: huge }] }])
    const started = await h.command(BOB, 'label start', { project: 'huge' })
    expect(started.messages).toHaveLength(1)
    const [message] = started.messages as [APIMessage]
    expect(shownText([message])).toMatch(/81,000 characters in all/)
    expect(h.fake.attachmentContent(message.attachments[0]!)!.toString()).toContain(huge.trim())
  })

  it('mentions in prompts and answers are shown but never ping', async () => {
    await h.project('ping', {}, [{ ...pair, externalId: 'ping', responses: [{ id: 'a', model: null, text: '@everyone <@&900000000000000100> <@200000000000000002>' }, { id: 'b', model: null, text: '@here' }] }])
    const started = await h.command(ANA, 'label start', { project: 'ping' })
    const text = shownText(started.messages)
    expect(text).toContain('everyone')
    expect(text).not.toMatch(/@everyone|@here|<@&?\d/)
    for (const message of started.messages) {
      expect(message.mention_everyone).toBe(false)
      expect(message.mentions).toEqual([])
      expect(message.mention_roles).toEqual([])
    }
  })

  it('a 429 on the reply is waited out and retried by discord.js; the task arrives once', async () => {
    await h.project('rl', {}, [{ ...pair, externalId: 'rl' }])
    h.fake.rateLimitNext('PATCH /webhooks/:appId/:token/messages/:messageId', 1, 0.3)
    const started = await h.command(ANA, 'label start', { project: 'rl' })
    const edits = h.fake.requests.filter((r) => r.route === 'PATCH /webhooks/:appId/:token/messages/:messageId').slice(-2)
    expect(edits.map((r) => r.status)).toEqual([429, 200])
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(250)
    expect(started.messages).toHaveLength(1)
    expect(buttonLabels(taskMessage(started))).toContain('Tie')
  })

  it('a click sent while the gateway is down is handled after RESUME, exactly once', async () => {
    await h.project('gw', {}, [{ ...pair, externalId: 'gw' }])
    const task = taskMessage(await h.command(BOB, 'label start', { project: 'gw' }))
    const before = await judgments()
    const resumed = h.fake.waitForResume()
    h.fake.dropGateway(4000)
    expect(h.fake.gatewayConnected).toBe(false)
    const click = h.fake.buttonClick({ user: BOB, message: task.id, customId: buttonId(task, 'Tie') })
    const pending = h.fake.sendInteraction(click)
    await resumed
    const ack = await pending
    await h.bot.idle()
    expect(ack.type).toBe(7)
    expect(await judgments()).toBe(before + 1)
    expect(h.latest(task).embeds?.[0]?.title).toMatch(/Recorded/)
  })

  it('the same interaction delivered twice is handled once (inbox dedupe)', async () => {
    await h.project('dup', {}, [{ ...pair, externalId: 'dup' }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'dup' }))
    const before = await judgments()
    const click = h.fake.buttonClick({ user: ANA, message: task.id, customId: buttonId(task, 'A is better') })
    const ack = h.fake.sendInteraction(click)
    h.fake.dispatch('INTERACTION_CREATE', click)
    await ack
    await h.bot.idle()
    expect(await judgments()).toBe(before + 1)
    expect(h.fake.interactionResponses(click.id).filter((r) => r.kind === 'callback')).toHaveLength(1)
    expect(await countRows(h.t.store.database, 'InboundEvent', { dedupeKey: click.id })).toBe(1)
  })

  it('a labeler is refused lead commands politely', async () => {
    for (const [name, options] of [
      ['label progress', {}],
      ['label export', { project: 'pw' }],
      ['label project-create', { name: 'nope' }],
    ] as const) {
      const refused = await h.command(BOB, name, options)
      expect(shownText(refused.messages)).toMatch(/Only leads and admins can do that/)
    }
    const file = h.fake.addAttachment({ filename: 'items.jsonl', content: '{}\n' })
    const refused = await h.command(BOB, 'label import', { project: 'x', file } as never)
    expect(shownText(refused.messages)).toMatch(/Only leads/)
    // A refused import never downloads the file.
    expect(h.fake.downloads).toHaveLength(0)
  })

  it('a lead (by Discord role) creates a project, imports an attachment, exports a file back', async () => {
    const created = await h.command(LEE, 'label project-create', { name: 'leadproj', types: 'pairwise' })
    expect(shownText(created.messages)).toMatch(/Created project leadproj/)
    const jsonl = ['{"id":"1","type":"pairwise","prompt":"2+2?","responses":[{"text":"4"},{"text":"5"}]}', '{"id":"2","type":"pairwise","prompt":"Capital of France?","responses":[{"text":"Paris"},{"text":"Lyon"}]}'].join('\n')
    const file = h.fake.addAttachment({ filename: 'items.jsonl', content: jsonl })
    const imported = await h.command(LEE, 'label import', { project: 'leadproj', file } as never)
    expect(shownText(imported.messages)).toMatch(/Imported 2 items into leadproj/)
    expect(h.fake.downloads.map((d) => d.status)).toEqual([200])

    const task = taskMessage(await h.command(LEE, 'label start', { project: 'leadproj' }))
    await h.click(LEE, task, 'Tie')
    const exported = await h.command(LEE, 'label export', { project: 'leadproj', format: 'judgments' })
    const attachment = exported.messages.at(-1)!.attachments[0]!
    expect(attachment.filename).toBe('leadproj-judgments.jsonl')
    expect(h.fake.attachmentContent(attachment)!.toString().trim().split('\n')).toHaveLength(1)

    const progress = await h.command(LEE, 'label progress', { project: 'leadproj' })
    expect(shownText(progress.messages)).toMatch(/Items complete/)
    const role = await h.command(LEE, 'label role', { user: BOB.id, role: 'lead' })
    expect(shownText(role.messages)).toMatch(/bob is now lead/)
    await h.command(LEE, 'label role', { user: BOB.id, role: 'labeler' })
  })

  it('a lead makes the channel they type in a project\'s calibration or lead channel; a labeler cannot', async () => {
    await h.project('chan', {}, [])
    const refused = await h.command(ANA, 'label channel', { purpose: 'calibration', project: 'chan' })
    expect(shownText(refused.messages)).toMatch(/Only leads/)
    const set = await h.command(LEE, 'label channel', { purpose: 'calibration', project: 'chan' })
    expect(shownText(set.messages)).toMatch(/This channel is now the calibration channel \(disputed items are discussed there\) of chan/)
    await h.command(LEE, 'label channel', { purpose: 'leads', project: 'chan' })
    expect(await h.t.store.projects.findByName('chan')).toMatchObject({ discordCalibrationChannel: CHANNEL, discordLeadChannel: CHANNEL })
    const off = await h.command(LEE, 'label channel', { purpose: 'calibration', project: 'chan', off: true })
    expect(shownText(off.messages)).toMatch(/chan no longer has a calibration channel here/)
    expect(await h.t.store.projects.findByName('chan')).toMatchObject({ discordCalibrationChannel: null, discordLeadChannel: CHANNEL })
  })

  it('an export over Discord\'s 10 MiB upload limit arrives gzip-compressed, whole', async () => {
    const project = await h.project('bigexport', { taskTypes: ['pairwise'] }, [])
    // About 24 MB of preference rows from varied text: plain it cannot be uploaded, compressed it can.
    const words = 'the a model answer reward labeler prefers because accurate helpful safe clear concise wrong risky vague long short'.split(' ')
    let seed = 7
    const text = (n: number) => Array.from({ length: n }, () => words[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % words.length]).join(' ')
    const items = Array.from({ length: 200 }, (_, i) => ({ ...pair, externalId: `big${i}`, messages: [{ role: 'user' as const, content: text(2_000) }], responses: [{ id: 'a', model: null, text: text(8_000) }, { id: 'b', model: null, text: text(8_000) }] }))
    await h.t.store.items.insertMany(project.id, items)
    const judgments = items.map((item) => JSON.stringify({ item: item.externalId, labeler: 'imported-1', type: 'pairwise', winner: 'a' }))
    const report = await importJudgments(h.t.ctx, { projectName: 'bigexport', skipInvalid: false, open: async function* () { yield* judgments } })
    expect(report.imported).toBe(200)

    const exported = await h.command(LEE, 'label export', { project: 'bigexport', format: 'preferences' })
    const attachment = exported.messages.at(-1)!.attachments[0]!
    expect(attachment.filename).toBe('bigexport-preferences.jsonl.gz')
    expect(shownText(exported.messages)).toMatch(/Compressed with gzip to fit Discord's upload limit/)
    const bytes = h.fake.attachmentContent(attachment)!
    expect(bytes.length).toBeLessThan(10 * 1024 * 1024)
    const rows = gunzipSync(bytes).toString('utf8').trim().split('\n')
    expect(rows.length).toBe(200)
    expect(gunzipSync(bytes).length).toBeGreaterThan(10 * 1024 * 1024)
    expect(JSON.parse(rows[0]!)).toHaveProperty('chosen')
  }, 60_000)

  it('"Send to labeling" turns a message into an item (leads only)', async () => {
    await h.project('chat', { taskTypes: ['likert'] }, [])
    await h.project('chat-sft', { taskTypes: ['sft'] }, [])
    const channel = await h.bot.client.channels.fetch(CHANNEL)
    if (!channel?.isSendable()) throw new Error('channel not sendable')
    const answer = await channel.send({ content: 'The capital of Australia is Sydney. @everyone', allowedMentions: { parse: [] } })
    const refused = await h.send(h.fake.messageContextMenu({ name: 'Send to labeling', targetMessage: answer.id, user: ANA }))
    expect(shownText(refused.messages)).toMatch(/Only leads/)
    // Several projects are active here, so the lead chooses one with a button; a second press sends nothing twice.
    const ambiguous = await h.send(h.fake.messageContextMenu({ name: 'Send to labeling', targetMessage: answer.id, user: LEE }))
    expect(shownText(ambiguous.messages)).toMatch(/Several projects are active: choose where this message goes/)
    const choice = ambiguous.messages.find((m) => (m.components ?? []).length > 0)!
    expect(choice.flags! & 64).toBe(64) // ephemeral: only the lead sees the choice
    const chatButton = buttonId(choice, 'chat')
    const sent = await h.click(LEE, choice, 'chat')
    expect(shownText(sent.messages)).toMatch(/Sent to labeling in chat as a likert task/)
    expect(h.latest(choice).components ?? []).toEqual([])
    const again = await h.send(h.fake.buttonClick({ user: LEE, message: choice.id, customId: chatButton, force: true }))
    expect(shownText(again.messages)).toMatch(/already sent to labeling/)
    const items = await rows(h.t.store.database, 'Item', { source: 'chat' })
    expect(items).toHaveLength(1)
    expect(items[0]?.sourceLink).toBe(`https://discord.com/channels/${GUILD}/${CHANNEL}/${answer.id}`)

    // With one active project it goes straight there.
    for (const p of await h.t.store.projects.list()) if (p.name !== 'chat') await h.t.store.projects.update(p.id, { active: false })
    const other = await channel.send({ content: 'Water boils at 50 °C at sea level.', allowedMentions: { parse: [] } })
    const direct = await h.send(h.fake.messageContextMenu({ name: 'Send to labeling', targetMessage: other.id, user: LEE }))
    expect(shownText(direct.messages)).toMatch(/Sent to labeling in chat as a likert task \(item \d+\)\./)

    // An answer sent as a reply: the message it replied to is the item's question.
    const question = await channel.send({ content: 'At what temperature does water boil at sea level?', allowedMentions: { parse: [] } })
    const reply = await channel.send({ content: 'About 50 °C.', reply: { messageReference: question.id }, allowedMentions: { parse: [] } })
    channel.messages.cache.clear() // as after a restart: the question comes with the interaction's data
    const withQuestion = await h.send(h.fake.messageContextMenu({ name: 'Send to labeling', targetMessage: reply.id, user: LEE }))
    expect(shownText(withQuestion.messages)).toMatch(/with the question it answered/)
    const replyItem = await firstRow(h.t.store.database, 'Item', { sourceLink: reply.url })
    expect(JSON.parse(replyItem!.messages)).toEqual([{ role: 'user', content: 'At what temperature does water boil at sea level?' }])
    for (const p of await h.t.store.projects.list()) await h.t.store.projects.update(p.id, { active: true })
  })

  it('a control Arbiter does not understand gets a polite note', async () => {
    const message = h.fake.messagesIn(CHANNEL).find((m) => (m.components ?? []).length > 0)!
    const stale = await h.send(h.fake.buttonClick({ user: ANA, message: message.id, customId: 'judge:a', force: true }))
    expect(stale.ack.type).toBe(4)
    expect(shownText(stale.messages)).toMatch(/no longer understands/)
  })

  it('every interaction was answered well within 3 seconds', () => {
    const callbacks = h.fake.requests.filter((r) => r.route === 'POST /interactions/:interactionId/:token/callback' && r.status < 300)
    expect(callbacks.length).toBeGreaterThan(20)
  })
})

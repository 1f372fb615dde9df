// The calibration loop on Discord, with the real discord.js Client against the fake Discord and
// the jobs posting through the DiscordChatPort (REST only) at the fake: disputed items reach the
// calibration channel at the scheduled time with a thread that pings exactly the labelers
// involved, blind votes are revealed privately, only a lead (role or ARBITER_ADMINS) settles, the
// parent is edited for everyone, gold is stored and the dissenter hears by DM; reminders,
// escalation, a deleted parent, drift pings in DMs with working buttons, and the lead digest.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REST, type APIMessage } from 'discord.js'
import pino from 'pino'
import { PROVIDERS } from '../../support/databases'
import { asFiles, lines } from '../../support/simulated-campaign'
import { ANA, BOB, CAL_CHANNEL, GUILD, Harness, LEAD_CHANNEL, LEE, buttonLabels, components, shownText } from './harness'
import { DiscordChatPort } from '../../../src/adapters/discord/discord-port'
import { ChatPorts } from '../../../src/interactions/chat-port'
import { JobRunner } from '../../../src/jobs/runner'
import { JOBS } from '../../../src/jobs/definitions'
import type { JobEnv } from '../../../src/jobs/job-env'
import { ensureLabeler } from '../../../src/core/labelers'
import { importItems } from '../../../src/core/import/import-items'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { simulate, standardCast } from '../../support/simulate'
import type { NewJudgment } from '../../../src/store/judgment-repository'
import { countRows } from '../../support/tables'

const HOUR = 3_600_000
/** Neither lead role nor lead in the database: an admin only through ARBITER_ADMINS. */
const ADA = { id: '200000000000000009', username: 'ada' }
/** A member of the server who never judged the calibration items, and leads nothing. */
const CY = { id: '200000000000000010', username: 'cy' }

/** Jobs posting through REST to the fake, as `arbiter jobs run` would. */
function jobEnv(h: Harness): { env: JobEnv; rest: REST } {
  const rest = new REST({ api: h.fake.apiUrl }).setToken('test-token')
  const ports = new ChatPorts()
  ports.register(new DiscordChatPort(rest))
  const env: JobEnv = {
    ctx: h.t.ctx,
    ports,
    log: pino({ level: 'silent' }),
    settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 },
  }
  return { env, rest }
}

/** Refusals a test caused on purpose (the existence check of a deleted message), by request seq. */
const expectedRefusals = new Set<number>()

function expectCleanTraffic(h: Harness): void {
  // Nothing pinged beyond what a `mentions` block asked for, nothing crashed, nothing was refused.
  expect(h.fake.mentionViolations).toEqual([])
  expect(h.fake.internalErrors).toEqual([])
  expect(h.fake.requests.filter((r) => r.status >= 400 && r.status !== 429 && !expectedRefusals.has(r.seq)).map((r) => `${r.route} ${r.status} ${JSON.stringify(r.response)}`)).toEqual([])
}

/** Calibration parents in the channel, open or settled (deleted ones are gone). */
function parents(h: Harness): APIMessage[] {
  return h.fake.messagesIn(CAL_CHANNEL, { ephemeral: false }).filter((m) => /^(Calibration|✓ Settled) · /.test(m.embeds[0]?.title ?? ''))
}

function itemOf(message: APIMessage): string {
  return /item (\S+)$/.exec(message.embeds[0]?.title ?? '')?.[1] ?? '?'
}

describe.each(PROVIDERS)('the calibration loop on Discord (%s)', (provider) => {
  let h: Harness
  let env: JobEnv
  let rest: REST
  let runner: JobRunner
  let projectId: number
  beforeAll(async () => {
    h = await Harness.start(provider)
    ;({ env, rest } = jobEnv(h))
    // Only the calibration jobs tick here (the hourly and daily ones would post into the lead channel).
    runner = new JobRunner(env, JOBS.filter((j) => j.name.startsWith('calibration')))
    // Monday 2 November 2026, 08:00 UTC = 09:00 in Paris.
    h.t.clock.current = new Date('2026-11-02T08:00:00Z')
    const project = await h.project(
      'helpful',
      { redundancy: 2, maxExtraOverlap: 0, calibrationCron: '0 10 * * 1-5', calibrationTimezone: 'Europe/Paris', discordCalibrationChannel: CAL_CHANNEL, discordLeadChannel: LEAD_CHANNEL },
      ['s1', 's2', 's3', 'agreed'].map((id) => ({
        externalId: id,
        type: 'pairwise' as const,
        messages: [{ role: 'user' as const, content: `Question ${id}: which is right? @everyone <@${LEE.id}>` }],
        responses: [
          { id: 'a', model: 'm1', text: 'Answer A' },
          { id: 'b', model: 'm2', text: 'Answer B' },
        ],
        target: 2,
      })),
    )
    projectId = project.id
    // Ana and Bob judged every item on Discord: split 1–1 on three, agreed on one. Ana was shown
    // B first: the response she preferred (stored "a") was her B; Bob's B was stored "b".
    const labeler = async (user: { id: string; username: string }) => (await ensureLabeler(h.t.ctx, { platform: 'discord', workspaceId: GUILD, platformUserId: user.id }, user.username)).id
    const ana = await labeler(ANA)
    const bob = await labeler(BOB)
    const rows: NewJudgment[] = []
    for (const item of await h.t.store.items.page(project.id, 0, 10)) {
      for (const [labelerId, choice] of [[ana, 'a'], [bob, item.externalId === 'agreed' ? 'a' : 'b']] as const) {
        const displayOrder = labelerId === ana ? ['b', 'a'] : ['a', 'b']
        rows.push({ assignmentId: null, projectId: project.id, itemId: item.id, labelerId, kind: 'pairwise', choice, choicePosition: displayOrder.indexOf(choice), ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: `${choice} is right <@${LEE.id}>`, durationMs: 30_000, displayOrder, reviewStatus: null })
      }
    }
    await h.t.store.judgments.insertImported(rows)
    // People are named as Discord shows them: Ana by her server nickname, Bob by his global name.
    h.fake.addUser(ANA, { guildId: GUILD, nick: 'Ana Lima' })
    h.fake.addUser({ ...BOB, globalName: 'Bob Brown' })
    h.fake.addUser(ADA, { guildId: GUILD })
    h.fake.addUser(CY, { guildId: GUILD })
    h.t.ctx.settings.admins.push(ADA.id)
  }, 60_000)
  afterAll(async () => h?.stop())
  afterEach(() => expectCleanTraffic(h))

  it('posts two disputed items at the scheduled time, each with a thread pinging exactly its labelers', async () => {
    await runner.tick(h.t.clock.now()) // 09:00 Paris: first sight of the schedule, nothing due
    expect(parents(h)).toHaveLength(0)
    h.t.clock.current = new Date('2026-11-02T09:00:00Z') // 10:00 Paris
    const records = await runner.tick(h.t.clock.now())
    expect(records.find((r) => r.key === 'calibration-threads:helpful')?.outcome).toBe('ok')
    const posted = parents(h)
    expect(posted.map(itemOf).sort()).toEqual(['s1', 's2'])
    for (const parent of posted) {
      // The thread started from the parent shares its id; its first message is the invitation.
      expect(h.fake.channel(parent.id)).toMatchObject({ type: 11, parent_id: CAL_CHANNEL })
      const [invite] = h.fake.messagesIn(parent.id)
      expect(invite!.content).toMatch(new RegExp(`^<@${ANA.id}> <@${BOB.id}> you judged this item`))
      expect(invite!.mentions.map((u) => u.id).sort()).toEqual([ANA.id, BOB.id])
      // Relayed text (prompt, @everyone, a mention of Lee) pings nobody.
      expect(parent.mentions).toEqual([])
      expect(parent.mention_everyone).toBe(false)
      expect(shownText([parent])).toContain('everyone')
    }
    await runner.tick(new Date('2026-11-02T09:30:00Z'))
    expect(parents(h)).toHaveLength(2)
  })

  it("a labeler's blind vote is revealed to them alone in their own letters; bystanders see nothing; when all are in, the thread hears originals and fresh verdicts", async () => {
    const parent = parents(h).find((m) => itemOf(m) === 's1')!
    // The parent is read by everyone: neutral numbers, never anyone's letters.
    expect(buttonLabels(parent)).toEqual(['Response 1 is better', 'Response 2 is better', 'Tie', 'Both bad'])
    expect(shownText([parent])).not.toMatch(/\b[AB] is better/)
    const threadBefore = h.fake.messagesIn(parent.id).length

    // Cy never judged it: a polite ephemeral note and nothing else.
    const bystander = await h.click(CY, parent, 'Response 1 is better')
    expect(bystander.messages).toHaveLength(1)
    expect(h.fake.storedMessage(bystander.messages[0]!.id)!.ephemeral).toBe(true)
    expect(shownText(bystander.messages)).toMatch(/^Only the labelers who judged this item vote on it/)
    expect(shownText(bystander.messages)).not.toMatch(/ana|bob|Ana|Bob/)
    expect(h.fake.dmChannelOf(CY.id)).toBeUndefined()

    // Ada leads (ARBITER_ADMINS) but did not judge it: she may look, privately, and records nothing.
    const peek = await h.click(ADA, parent, 'Response 1 is better')
    expect(h.fake.storedMessage(peek.messages.at(-1)!.id)!.ephemeral).toBe(true)
    expect(shownText(peek.messages)).toMatch(/ana: Response 1 is better[\s\S]*bob: Response 2 is better/)
    expect(shownText(peek.messages)).toContain('no fresh verdict of yours is recorded')

    // Bob (shown A first) presses Response 1, his A.
    const vote = await h.click(BOB, parent, 'Response 1 is better')
    expect(vote.ack.type).toBe(4) // answered with a private reply: the shared parent stays as it is
    const reveal = vote.messages.at(-1)!
    expect(h.fake.storedMessage(reveal.id)!.ephemeral).toBe(true)
    expect(shownText([reveal])).toMatch(/Your fresh verdict: A is better/)
    expect(shownText([reveal])).toContain('ana: A is better') // her stored "a" is Bob's A
    expect(shownText([reveal])).not.toMatch(/Bob Brown:|bob:/)
    expect(h.latest(parent).components).toEqual(parent.components)
    expect(h.fake.messagesIn(parent.id)).toHaveLength(threadBefore)

    // Ana (shown B first) presses Response 2, her A; Bob is named by his global name.
    const second = await h.click(ANA, parent, 'Response 2 is better')
    const answer = second.messages.at(-1)!
    expect(h.fake.storedMessage(answer.id)!.ephemeral).toBe(true)
    expect(shownText([answer])).toMatch(/Your fresh verdict: A is better/)
    expect(shownText([answer])).toMatch(/You had said[\s\S]*B is better/)
    expect(shownText([answer])).toContain('Bob Brown: A is better')
    expect(shownText([answer])).toContain('your A = Response 2, your B = Response 1')
    const thread = h.fake.messagesIn(parent.id)
    expect(thread).toHaveLength(threadBefore + 1)
    const shared = shownText([thread.at(-1)!])
    expect(shared).toMatch(/Everyone involved has voted: original and fresh verdicts/)
    expect(shared).toContain('Ana Lima: Response 1 is better → now Response 2 is better (changed)')
    expect(shared).toContain('Bob Brown: Response 2 is better → now Response 1 is better (changed)')
    expect(thread.at(-1)!.mentions).toEqual([])
  })

  it("a non-lead's press of the lead control is refused politely and changes nothing", async () => {
    const parent = parents(h).find((m) => itemOf(m) === 's1')!
    const refused = await h.choose(ANA, parent, 'Lead: settle the verdict…', ['a'])
    expect(refused.ack.type).toBe(4)
    expect(h.fake.storedMessage(refused.messages[0]!.id)!.ephemeral).toBe(true)
    expect(shownText(refused.messages)).toMatch(/Only leads can settle/)
    expect(h.fake.modals.filter((m) => m.interactionId === refused.interaction.id)).toHaveLength(0)
    expect(h.latest(parent).components).toEqual(parent.components)
  })

  it('a lead settles from the parent: modal, parent edited for everyone, gold stored, dissenter told by DM in her letters', async () => {
    const parent = parents(h).find((m) => itemOf(m) === 's1')!
    const opened = await h.choose(LEE, parent, 'Lead: settle the verdict…', ['b'])
    expect(opened.ack.type).toBe(9)
    expect(JSON.stringify(h.fake.modals.at(-1)!.data)).toContain('Settle the verdict')
    const settled = await h.submit(LEE, { note: 'The second answer is right; the first dodges it.' })
    // Answered by updating the parent itself (not a new message).
    expect(settled.ack.type).toBe(7)
    const edited = h.latest(parent)
    expect(edited.embeds[0]!.title).toMatch(/^✓ Settled · helpful · item s1/)
    expect(shownText([edited])).toContain('Response 2 is better')
    expect(components(edited)).toEqual([])
    expect(h.fake.storedMessage(parent.id)!.ephemeral).toBe(false)
    expect(shownText(settled.messages.filter((m) => m.id !== parent.id))).toMatch(/Settled: Response 2 is better. 1 labeler who judged differently/)

    const item = (await h.t.store.items.findByExternalId(projectId, 's1'))!
    expect([item.gold, item.isGold]).toEqual([{ winner: 'b' }, true])
    // Ana judged stored "a" (her B): she hears that the team settled her A.
    const dm = h.fake.dmChannelOf(ANA.id)
    expect(dm).toBeDefined()
    const told = h.fake.messagesIn(String(dm!.id))
    expect(told).toHaveLength(1)
    expect(shownText(told)).toContain('the first dodges it')
    expect(shownText(told)).toMatch(/Settled verdict[\s\S]*A is better[\s\S]*Your verdict[\s\S]*B is better/)
    expect(h.fake.dmChannelOf(BOB.id)).toBeUndefined() // Bob agreed with the verdict

    // Her stats name the item in her letters.
    const stats = await h.command(ANA, 'label stats')
    expect(shownText(stats.messages)).toContain('s1: settled A is better; you said B is better')
  })

  it('reminds the open thread after a day (pinging who has not voted) and escalates to the lead channel after two, once', async () => {
    const open = parents(h).find((m) => itemOf(m) === 's2')!
    h.t.clock.advance(25 * HOUR)
    const reminded = await runner.runNow('calibration-reminders', h.t.clock.now())
    expect(reminded.message).toMatch(/^reminded 1, escalated 0/)
    const reminder = h.fake.messagesIn(open.id).at(-1)!
    expect(reminder.content).toContain('a fresh verdict from you is still missing here')
    expect(reminder.mentions.map((u) => u.id).sort()).toEqual([ANA.id, BOB.id])
    expect(h.fake.messagesIn(LEAD_CHANNEL)).toHaveLength(0)

    h.t.clock.advance(24 * HOUR)
    expect((await runner.runNow('calibration-reminders', h.t.clock.now())).message).toMatch(/^reminded 0, escalated 1/)
    await runner.runNow('calibration-reminders', h.t.clock.now())
    const escalations = h.fake.messagesIn(LEAD_CHANNEL)
    expect(escalations).toHaveLength(1)
    expect(shownText(escalations)).toMatch(/Item s2 has been open for 49 hours/)
    expect(escalations[0]!.mentions).toEqual([])
  })

  it('an admin from ARBITER_ADMINS (no lead role) may settle too', async () => {
    const parent = parents(h).find((m) => itemOf(m) === 's2')!
    const opened = await h.choose(ADA, parent, 'Lead: settle the verdict…', ['a'])
    expect(opened.ack.type).toBe(9)
    const settled = await h.submit(ADA, { note: '' })
    expect(settled.ack.type).toBe(7)
    expect(h.latest(parent).embeds[0]!.title).toMatch(/^✓ Settled/)
    expect((await h.t.store.items.findByExternalId(projectId, 's2'))!.gold).toEqual({ winner: 'a' })
    // Bob said stored "b", his B: he hears now (his first DM); Ana had nothing new to hear.
    expect(shownText(h.fake.messagesIn(String(h.fake.dmChannelOf(BOB.id)!.id)))).toMatch(/Settled verdict[\s\S]*A is better[\s\S]*Your verdict[\s\S]*B is better/)
    expect(h.fake.messagesIn(String(h.fake.dmChannelOf(ANA.id)!.id))).toHaveLength(1)
  })

  it('never posts an item twice across runs; a deleted parent is noticed and its item returns to the queue', async () => {
    h.t.clock.current = new Date('2026-11-05T09:00:00Z') // Thursday, 10:00 Paris
    await runner.tick(h.t.clock.now())
    const all = parents(h)
    expect(all.map(itemOf).sort()).toEqual(['s1', 's2', 's3']) // "agreed" never, nothing twice
    const third = all.find((m) => itemOf(m) === 's3')!

    // Someone deletes the parent message in Discord.
    await rest.delete(`/channels/${CAL_CHANNEL}/messages/${third.id}`)
    const noticed = await runner.runNow('calibration-reminders', h.t.clock.now())
    expect(noticed.message).toMatch(/found 1 deleted thread/)
    const check = h.fake.requests.filter((r) => r.status === 404)
    expect(check.map((r) => r.path)).toEqual([`/channels/${CAL_CHANNEL}/messages/${third.id}`])
    for (const r of check) expectedRefusals.add(r.seq)
    await runner.runNow('calibration-threads', h.t.clock.now())
    const after = parents(h)
    expect(after.map(itemOf).sort()).toEqual(['s1', 's2', 's3'])
    expect(after.find((m) => itemOf(m) === 's3')!.id).not.toBe(third.id)
    // Reposted once, and not again on the next run.
    await runner.runNow('calibration-threads', h.t.clock.now())
    expect(parents(h)).toHaveLength(3)
  })
})

describe('drift pings and the lead digest on Discord (sqlite)', () => {
  let h: Harness
  let env: JobEnv
  let carelessId: number
  let projectId: number
  beforeAll(async () => {
    h = await Harness.start('sqlite')
    ;({ env } = jobEnv(h))
    const sim = simulate({ seed: 4, items: 1430, labelers: standardCast(20), assignment: 'balanced' })
    const files = asFiles(sim)
    const project = await h.project('audit', { taskTypes: ['pairwise', 'ranking', 'likert'], redundancy: 5, discordLeadChannel: LEAD_CHANNEL }, [])
    projectId = project.id
    await importItems(h.t.ctx, { projectName: 'audit', open: lines(files.items), format: 'arbiter', skipInvalid: false })
    // The safety-blind labeler's floor-breaking lines stay out (import-judgments holds the safety floor).
    await importJudgments(h.t.ctx, { projectName: 'audit', open: lines(files.judgments), skipInvalid: true })
    // Imported labelers live on no chat platform: put them in the guild, the drifting one as Bob.
    const { db } = h.t.store.database
    await db.updateTable('Labeler').set({ platform: 'discord', workspaceId: GUILD }).where('platform', '=', 'import').execute()
    const careless = await db
      .updateTable('Labeler')
      .set({ platformUserId: BOB.id })
      .where('platform', '=', 'discord')
      .where('workspaceId', '=', GUILD)
      .where('platformUserId', '=', 'careless-after-200')
      .returning('id')
      .executeTakeFirstOrThrow()
    carelessId = careless.id
  }, 180_000)
  afterAll(async () => h?.stop())
  afterEach(() => expectCleanTraffic(h))

  it('the drifting labeler gets a DM whose "Re-read the guidelines" and "Got it" buttons work', async () => {
    const record = await new JobRunner(env).runNow('drift-check', h.t.clock.now())
    expect(record.message).toMatch(/^pinged 1 drifting labeler/)
    const dm = h.fake.dmChannelOf(BOB.id)!
    const [ping] = h.fake.messagesIn(String(dm.id)) as [APIMessage]
    expect(shownText([ping])).toMatch(/your agreement with the rest of the team went from \d+% to \d+%/)
    expect(buttonLabels(ping)).toEqual(['Re-read the guidelines', 'Got it'])
    expect(shownText(h.fake.messagesIn(LEAD_CHANNEL))).toMatch(/Drift · audit · careless-after-200/)
    expect(shownText(h.fake.messagesIn(LEAD_CHANNEL))).toMatch(/\(p (<|=) 0\.\d+, after false-discovery control\)/)
    // The evidence shows items, not only ids: the prompt and the team's answer beside theirs.
    expect(shownText([ping])).toMatch(/Item \S+: the team said .+; you said .+/)
    expect(shownText([ping])).toContain('Prompt: “')

    // The project's guidelines (the team's guide here: it is long, so a file).
    const guide = await h.click(BOB, ping, 'Re-read the guidelines')
    expect(guide.interaction.guild_id).toBeUndefined() // a click in the DM
    const file = guide.messages.at(-1)!.attachments[0]!
    expect(file.filename).toBe('guidelines-audit.md')
    expect(h.fake.attachmentContent(file)!.toString()).toContain('Handle Ties and Hard Cases')
    const ack = await h.click(BOB, ping, 'Got it')
    expect(shownText(ack.messages)).toMatch(/Thanks — noted/)
    // The DM click counted for Bob's guild labeler, not a new "dm" one.
    expect((await h.t.store.calibration.driftState(projectId, carelessId))?.acknowledgedAt).toBeInstanceOf(Date)
    expect(await countRows(h.t.store.database, 'Labeler', { workspaceId: 'dm' })).toBe(0)
  }, 60_000)

  it('the lead digest posts the digest and its PNG chart to the lead channel', async () => {
    const before = h.fake.messagesIn(LEAD_CHANNEL).length
    const record = await new JobRunner(env).runNow('lead-digest', h.t.clock.now())
    expect(record.message).toBe('sent audit@discord')
    const posted = h.fake.messagesIn(LEAD_CHANNEL).slice(before)
    expect(posted).toHaveLength(2)
    expect(posted[0]!.embeds[0]!.title).toBe('Daily digest · audit')
    const chart = posted[1]!.attachments[0]!
    expect(chart.filename).toBe('agreement-audit.png')
    expect(h.fake.attachmentContent(chart)!.subarray(1, 4).toString()).toBe('PNG')
    // The chart answers the digest it belongs to.
    expect(posted[1]!.message_reference?.message_id).toBe(posted[0]!.id)
  }, 60_000)
})

describe('a calibration item too long for one message (sqlite)', () => {
  let h: Harness
  afterAll(async () => h?.stop())
  afterEach(() => expectCleanTraffic(h))

  it('its thread hangs under the first page; votes and the resolution act from the last page; closed DMs are reported to the lead', async () => {
    h = await Harness.start('sqlite')
    const { env } = jobEnv(h)
    const long = (who: string) => `${who}: ${'a careful sentence that goes on. '.repeat(220)}`
    const project = await h.project('long', { redundancy: 2, maxExtraOverlap: 0, discordCalibrationChannel: CAL_CHANNEL }, [
      { externalId: 'big', type: 'pairwise', messages: [{ role: 'user', content: 'Explain it at length.' }], responses: [{ id: 'a', model: null, text: long('A') }, { id: 'b', model: null, text: long('B') }], target: 2 },
    ])
    const [item] = await h.t.store.items.page(project.id, 0, 1)
    const rows: NewJudgment[] = []
    for (const [user, choice] of [[ANA, 'a'], [BOB, 'b']] as const) {
      const labelerId = (await ensureLabeler(h.t.ctx, { platform: 'discord', workspaceId: GUILD, platformUserId: user.id }, user.username)).id
      rows.push({ assignmentId: null, projectId: project.id, itemId: item!.id, labelerId, kind: 'pairwise', choice, choicePosition: 0, ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: null, durationMs: 30_000, displayOrder: ['a', 'b'], reviewStatus: null })
    }
    await h.t.store.judgments.insertImported(rows)
    expect((await new JobRunner(env).runNow('calibration-threads', h.t.clock.now())).outcome).toBe('ok')

    const pages = h.fake.messagesIn(CAL_CHANNEL)
    expect(pages.length).toBeGreaterThan(1)
    const [first, last] = [pages[0]!, pages.at(-1)!]
    expect(h.fake.channel(first.id)).toMatchObject({ type: 11 })
    expect(buttonLabels(last)).toContain('Response 1 is better')

    await h.click(ANA, last, 'Response 2 is better')
    await h.click(BOB, last, 'Response 2 is better')
    expect(shownText(h.fake.messagesIn(first.id).slice(-1))).toMatch(/Everyone involved has voted/)

    // Ana, who judged A, has closed her DMs: the verdict still settles and the lead is told.
    h.fake.failNext('POST /users/@me/channels', 1, { status: 403, body: { code: 50007, message: 'Cannot send messages to this user' } })
    await h.choose(LEE, last, 'Lead: settle the verdict…', ['b'])
    const settled = await h.submit(LEE, { note: 'B is complete.' })
    expect(h.latest(last).embeds[0]!.title).toMatch(/^✓ Settled · long · item big/)
    expect(components(h.latest(last))).toEqual([])
    expect(h.latest(first)).toEqual(first) // the item's text stays readable above
    expect(shownText(settled.messages)).toMatch(/Could not message 1 of them privately/)
    for (const r of h.fake.requests.filter((r) => r.status === 403)) expectedRefusals.add(r.seq)
    expect(h.fake.dmChannelOf(ANA.id)).toBeUndefined()
  }, 60_000)
})

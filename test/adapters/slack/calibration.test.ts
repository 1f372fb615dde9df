// The calibration loop on Slack, end to end: the scheduled jobs post through SlackChatPort (Web
// API only) and people answer through the real Bolt app, both against the fake Slack. Disputed
// items reach the calibration channel at the scheduled time and ping exactly the labelers
// involved; a blind vote is revealed privately; only a lead settles (modal from the parent,
// chat.update of the parent, gold stored, the dissenter told by DM); reminders, escalation and a
// deleted parent; an uninvited channel; drift pings with working buttons; the lead digest with
// its chart — on SQLite and PostgreSQL.
import { LogLevel } from '@slack/bolt'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSlackPort } from '../../../src/adapters/slack/slack-port'
import { loadConfig } from '../../../src/config'
import { ensureLabeler, setRole } from '../../../src/core/labelers'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { ChatPorts } from '../../../src/interactions/chat-port'
import type { JobEnv } from '../../../src/jobs/job-env'
import { JobRunner } from '../../../src/jobs/runner'
import { simulate, standardCast } from '../../support/simulate'
import type { NewJudgment } from '../../../src/store/judgment-repository'
import { verdictPoint } from '../../../src/core/vote-split'
import { excerpt, ownFrame, verdictLabel } from '../../../src/views/response-frame'
import { mentionAllowList, type SlackJson, type StoredMessage } from '../../fakes/fake-slack'
import { PROVIDERS, type TestProvider } from '../../support/databases'
import { asFiles, lines } from '../../support/simulated-campaign'
import { ANA, BEN, LEAD, labelsOf, retryConfig, slackHarness, textOf, unescape, type Harness } from './harness'
import { existingRow, rows } from '../../support/tables'

const HOUR = 3_600_000
const CAL = 'C0CALIBRATION'
const LEADS = 'C0LEADS'
/** A lead by role (not in ARBITER_ADMINS). */
const LIV = 'U0LIV'
/** A member of the channel who never judged the calibration items. */
const CAT = 'U0CAT'

/** The jobs' environment with the Slack port pointed at the fake (small retries, as the app's). */
function jobEnv(h: Harness, itemsPerRun = 2): JobEnv {
  const config = loadConfig({ SLACK_BOT_TOKEN: h.fake.botToken, SLACK_API_URL: h.fake.apiUrl })
  const ports = new ChatPorts()
  ports.register(createSlackPort(config, { retryConfig, logLevel: LogLevel.ERROR }))
  return {
    ctx: h.t.ctx,
    ports,
    log: pino({ level: 'silent' }),
    settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: itemsPerRun, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 },
  }
}

/** Top-level messages in a channel (not thread replies). */
function topLevel(h: Harness, channel: string): StoredMessage[] {
  return h.fake.messages(channel).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
}

const parents = (h: Harness) => topLevel(h, CAL).filter((m) => /Calibration · helpful/.test(textOf(m)))
const replies = (h: Harness, parent: StoredMessage) => h.fake.messages(CAL).filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts)
/** The item a calibration parent shows ("item s1"). */
const itemOf = (m: StoredMessage) => /item (\w+)/.exec(unescape(textOf(m)))?.[1]

function selectIn(message: StoredMessage, placeholder: RegExp): SlackJson {
  const found = (message.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).find((e) => placeholder.test(unescape(String(e.placeholder?.text ?? ''))))
  if (!found) throw new Error(`no select ${String(placeholder)} in [${labelsOf(message).join(', ')}]`)
  return found
}

describe.each(PROVIDERS)('Slack: the calibration loop on %s', (provider: TestProvider) => {
  let h: Harness
  let env: JobEnv
  let projectId: number

  beforeEach(async () => {
    h = await slackHarness(provider)
    h.fake.user(LIV, { name: 'liv' })
    h.fake.user(CAT, { name: 'cat' })
    // People are named as Slack shows them: the profile's display name, else the real name.
    h.fake.user(ANA, { name: 'ana', displayName: 'Ana Lima' })
    h.fake.user(BEN, { name: 'ben', displayName: 'Ben Okafor' })
    h.fake.user(LEAD, { name: 'lea.leadbars', displayName: '', realName: 'Lea Leadbetter' })
    h.fake.channel(CAL, 'calibration')
    h.fake.channel(LEADS, 'labeling-leads')
    // Only the labelers of a thread may be pinged; every other mention is a leak.
    h.fake.allowMentions(mentionAllowList({ users: [ANA, BEN] }))
    env = jobEnv(h)
    // Monday 2 November 2026, 08:00 UTC = 09:00 in Paris.
    h.t.clock.current = new Date('2026-11-02T08:00:00Z')
    const project = await createProject(h.t.ctx, {
      name: 'helpful',
      settings: { redundancy: 2, maxExtraOverlap: 0, calibrationCron: '0 10 * * 1-5', calibrationTimezone: 'Europe/Paris', slackCalibrationChannel: CAL, slackLeadChannel: LEADS },
    })
    projectId = project.id
    await h.t.store.items.insertMany(
      project.id,
      ['s1', 's2', 's3', 'agreed'].map((id) => ({
        externalId: id,
        type: 'pairwise' as const,
        messages: [{ role: 'user' as const, content: `Question ${id}: is <!channel> a safe thing to echo?` }],
        responses: [
          { id: 'a', model: 'm1', text: 'Answer A' },
          { id: 'b', model: 'm2', text: 'Answer B <@U0LIV>' },
        ],
        target: 2,
      })),
    )
    // The two labelers are Slack members of the fake's workspace; they split 1–1 on three items.
    // Ana was shown B first: the response she preferred (stored "a") was her B; Ben's B was
    // stored "b". Both pressed "B is better" and still disagreed.
    const identity = (user: string) => ({ platform: 'slack' as const, workspaceId: h.fake.teamId, platformUserId: user })
    const ana = (await ensureLabeler(h.t.ctx, identity(ANA), 'ana')).id
    const ben = (await ensureLabeler(h.t.ctx, identity(BEN), 'ben')).id
    const liv = await ensureLabeler(h.t.ctx, identity(LIV), 'liv')
    await setRole(h.t.ctx, { actor: null, labelerId: liv.id, role: 'lead' })
    const rows: NewJudgment[] = []
    for (const item of await h.t.store.items.page(project.id, 0, 10)) {
      for (const [labelerId, choice] of [[ana, 'a'], [ben, item.externalId === 'agreed' ? 'a' : 'b']] as const) {
        const displayOrder = labelerId === ana ? ['b', 'a'] : ['a', 'b']
        rows.push({ assignmentId: null, projectId: project.id, itemId: item.id, labelerId, kind: 'pairwise', choice, choicePosition: displayOrder.indexOf(choice), ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: `${choice} is right`, durationMs: 30_000, displayOrder, reviewStatus: null })
      }
    }
    await h.t.store.judgments.insertImported(rows)
  })
  afterEach(async () => h.stop())

  it('posts disputed items in the calibration channel at the scheduled time, pings exactly the labelers involved, never twice', async () => {
    const runner = new JobRunner(env)
    await runner.tick(h.t.clock.now()) // 09:00 Paris: first sight of the schedule, nothing due
    expect(parents(h)).toHaveLength(0)

    h.t.clock.current = new Date('2026-11-02T09:00:00Z') // 10:00 Paris
    const records = await runner.tick(h.t.clock.now())
    expect(records.find((r) => r.key === 'calibration-threads:helpful')).toMatchObject({ outcome: 'ok' })
    const first = parents(h)
    expect(first).toHaveLength(2)
    for (const parent of first) {
      // Read by everyone: responses by neutral numbers, never letters that meant something else to someone.
      expect(labelsOf(parent)).toEqual(expect.arrayContaining(['Response 1 is better', 'Response 2 is better', 'Tie', 'Both bad', 'Lead: settle the verdict…']))
      expect(unescape(textOf(parent))).not.toMatch(/\b[AB] is better/)
      const [invite, ...rest] = replies(h, parent)
      expect(rest).toHaveLength(0)
      expect(textOf(invite)).toContain('you judged this item')
      const call = h.fake.callsTo('chat.postMessage').find((c) => c.ok && (c.response as SlackJson).ts === invite!.ts)!
      expect(call.args).toMatchObject({ channel: CAL, thread_ts: parent.ts })
      expect(h.fake.mentionsIn(call).map((m) => m.target).sort()).toEqual([ANA, BEN])
    }
    // Model text stays inert: no <!channel>, no <@U0LIV> from a response, anywhere.
    expect(h.fake.unsafeMentions).toEqual([])
    expect(h.fake.mentions.filter((m) => m.kind === 'broadcast')).toEqual([])

    await runner.tick(new Date('2026-11-02T09:30:00Z'))
    expect(parents(h)).toHaveLength(2)
    h.t.clock.current = new Date('2026-11-03T09:00:00Z') // Tuesday, 10:00 Paris
    await runner.tick(h.t.clock.now())
    const all = parents(h).map(itemOf)
    expect(all).toHaveLength(3) // the third disputed item, never "agreed"
    expect(new Set(all)).toEqual(new Set(['s1', 's2', 's3']))
    await runner.tick(new Date('2026-11-04T09:00:00Z'))
    expect(parents(h)).toHaveLength(3)
    expect(h.fake.unsafeMentions).toEqual([])
  })

  it('a blind vote is revealed privately in the voter’s own letters, a bystander sees nothing, fresh verdicts are revealed beside the originals', async () => {
    const runner = new JobRunner(env)
    expect((await runner.runNow('calibration-threads', h.t.clock.now())).outcome).toBe('ok')
    const parent = parents(h).find((m) => itemOf(m) === 's1')!
    const inChannel = () => h.fake.messages(CAL).length
    const before = inChannel()

    // Cat never judged the item: a polite private note, no DM, no vote, nothing in the channel.
    await h.click(CAT, 'Response 1 is better', { message: parent })
    expect(h.fake.ephemerals(CAT).at(-1)?.text).toMatch(/^Only the labelers who judged this item vote on it/)
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === h.fake.dmChannelOf(CAT))).toEqual([])
    expect(JSON.stringify(h.fake.ephemerals(CAT))).not.toMatch(/ana|ben|Ana|Ben/)
    expect(await h.t.store.calibration.votes((await h.t.store.calibration.open())[0]!.id)).toEqual([])

    // Ana (shown B first) presses Response 2, which was her A: her DM speaks her letters.
    await h.click(ANA, 'Response 2 is better', { message: parent })
    const anaAnswer = h.last(ANA)
    expect(anaAnswer.channel).toBe(h.fake.dmChannelOf(ANA))
    expect(anaAnswer.text).toBe('Your fresh verdict: A is better')
    expect(unescape(textOf(anaAnswer))).toMatch(/You had said[\s\S]*B is better/)
    expect(unescape(textOf(anaAnswer))).toContain('ben: A is better') // Ben's stored "b" is her A
    expect(unescape(textOf(anaAnswer))).toContain('your A = Response 2, your B = Response 1')
    expect(unescape(textOf(anaAnswer))).not.toContain('Ana Lima:') // not in her own "what the others said"
    expect(inChannel()).toBe(before)

    // Ben (shown A first) presses Response 1, his A. Ana is named as Slack shows her.
    await h.click(BEN, 'Response 1 is better', { message: parent })
    const reveal = h.last(BEN)
    expect(reveal.channel).toBe(h.fake.dmChannelOf(BEN))
    expect(reveal.text).toBe('Your fresh verdict: A is better')
    expect(unescape(textOf(reveal))).toContain('Ana Lima: A is better') // her stored "a" is Ben's A
    expect(unescape(textOf(reveal))).not.toContain('Ben Okafor:')
    expect(h.fake.ephemerals().filter((e) => e.channel === CAL && e.user !== BEN && e.user !== CAT)).toEqual([])

    // Everyone involved has voted: originals beside fresh verdicts, once, in the shared numbers.
    const revealed = replies(h, parent).filter((m) => m.text === 'Everyone involved has voted: original and fresh verdicts')
    expect(revealed).toHaveLength(1)
    const shared = unescape(textOf(revealed[0]!))
    expect(shared).toContain('Ana Lima: Response 1 is better → now Response 2 is better (changed)')
    expect(shared).toContain('Ben Okafor: Response 2 is better → now Response 1 is better (changed)')
    expect(shared).toContain('Response 1: “Answer A”')
    expect(shared).toContain('2 of 2 changed their mind')

    // A labeler pressing the lead control: a polite private refusal, no modal.
    const settle = selectIn(parent, /^Lead: settle/)
    await h.fake.clickButton({ user: BEN, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'a' })
    await h.idle()
    expect(h.fake.ephemerals(BEN).at(-1)?.text).toMatch(/^Only leads can settle a calibration item/)
    expect(h.fake.callsTo('views.open')).toHaveLength(0)

    // A lead by role opens the modal too (and may close it without settling).
    const byRole = h.fake.blockActions({ user: LIV, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'b' })
    await h.fake.sendInteractive(byRole)
    await h.idle()
    expect(h.fake.callsTo('views.open').at(-1)).toMatchObject({ ok: true, args: { trigger_id: byRole.trigger_id } })

    // The admin lead settles Response 2: the modal opens with the click's own trigger.
    const click = h.fake.blockActions({ user: LEAD, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'b' })
    await h.fake.sendInteractive(click)
    await h.idle()
    const opened = h.fake.callsTo('views.open').at(-1)!
    expect(opened).toMatchObject({ ok: true, args: { trigger_id: click.trigger_id } })
    expect(h.fake.lastView(LEAD)?.title.text).toBe('Settle the verdict')
    // A second click on the still-open modal's parent, sent after the settlement (a stale tab).
    const stale = h.fake.blockActions({ user: LEAD, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'a' })
    const since = h.fake.mark()
    await h.submit(LEAD, { note: 'The second answer is right; the first dodges it.' })

    // The parent itself now shows the settled verdict, without controls.
    const update = await h.fake.waitFor((c) => c.method === 'chat.update' && c.ok, { since })
    expect(update.args).toMatchObject({ channel: CAL, ts: parent.ts })
    const settled = h.fake.message(CAL, parent.ts)!
    expect(unescape(textOf(settled))).toContain('✓ Settled · helpful · item s1')
    expect(unescape(textOf(settled))).toContain('The second answer is right; the first dodges it.')
    expect(unescape(textOf(settled))).toContain('Response 2 is better')
    // The lead is named as a person (real name: the profile has no display name), not "lea.leadbars".
    expect(unescape(textOf(settled))).toMatch(/Settled by[\s\S]*Lea Leadbetter/)
    expect(unescape(textOf(settled))).not.toContain('lea.leadbars')
    expect(labelsOf(settled)).toEqual([])

    // Gold on the item, the thread closed.
    const item = (await h.t.store.items.findByExternalId(projectId, 's1'))!
    expect([item.gold, item.isGold]).toEqual([{ winner: 'b' }, true])
    expect((await h.t.store.calibration.open()).map((t) => t.itemId)).not.toContain(item.id)

    // Ana (stored "a", her B) hears privately, in her letters: the team settled her A. Ben does not.
    const dm = h.fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage' && c.ok && /A calibration item you judged was settled/.test(JSON.stringify(c.args.blocks)))
    expect(dm.map((c) => c.args.channel)).toEqual([h.fake.dmChannelOf(ANA)])
    const told = h.fake.message(String(dm[0]!.args.channel), String((dm[0]!.response as SlackJson).ts))!
    expect(told.text).toBe('Calibration settled: A is better')
    expect(unescape(textOf(told))).toMatch(/Settled verdict[\s\S]*A is better[\s\S]*Your verdict[\s\S]*B is better/)
    expect(unescape(textOf(told))).toMatch(/Response A[\s\S]*Answer B[\s\S]*Response B[\s\S]*Answer A/) // the item as she saw it
    expect(unescape(textOf(told))).toContain('the first dodges it')
    expect(h.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain(ANA)
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Settled: Response 2 is better\. 1 labeler who judged differently/)

    // Settling twice changes nothing.
    const updates = h.fake.callsTo('chat.update').length
    await h.fake.sendInteractive(stale)
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('This item was settled already.')
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates)
    expect((await h.t.store.items.findByExternalId(projectId, 's1'))!.gold).toEqual({ winner: 'b' })

    // Later, Ana labels a gold item in another project, again shown B first, and misses it: the
    // feedback speaks her letters too. (A source that always draws 0: gold first, order reversed.)
    const goldProject = await createProject(h.t.ctx, { name: 'goldcheck', settings: { goldRate: 1, rationalePolicy: 'never' } })
    await h.t.store.items.insertMany(goldProject.id, [{ externalId: 'g1', type: 'pairwise', messages: [{ role: 'user', content: 'Capital of France?' }], responses: [{ id: 'a', model: 'm1', text: 'Lyon' }, { id: 'b', model: 'm2', text: 'Paris' }], gold: { winner: 'b' }, target: 1 }])
    h.t.ctx.random = () => 0
    const task = await h.label(ANA, 'start goldcheck')
    expect(unescape(textOf(task))).toMatch(/Response A[\s\S]*Paris[\s\S]*Response B[\s\S]*Lyon/)
    await h.click(ANA, 'B is better', { message: task }) // Lyon, stored "a"
    const feedback = h.fake.messages(h.fake.dmChannelOf(ANA)).filter((m) => /Calibration check/.test(m.text ?? '')).at(-1)!
    expect(unescape(textOf(feedback))).toContain('The settled answer: A is better. Your answer: B is better.')
    expect(unescape(textOf(feedback))).not.toMatch(/“a”|“b”|"a"|"b"/)

    // Her stats name both settled items in her letters.
    await h.fake.sendSlashCommand({ command: '/label', text: 'stats', user_id: ANA, channel_id: h.fake.dmChannelOf(ANA) })
    await h.idle()
    const stats = unescape(JSON.stringify(h.fake.ephemerals(ANA).at(-1)))
    expect(stats).toContain('Calibration items settled differently (in your letters)')
    expect(stats).toContain('g1: settled A is better; you said B is better')
    expect(stats).toContain('s1: settled A is better; you said B is better')
    expect(h.fake.unsafeMentions).toEqual([])
  })

  it('reminds in the thread, escalates to the lead channel, and a deleted parent returns its item to the queue', async () => {
    const runner = new JobRunner(env)
    await runner.tick(h.t.clock.now())
    h.t.clock.current = new Date('2026-11-02T09:00:00Z')
    await runner.tick(h.t.clock.now())
    const posted = parents(h)
    expect(posted).toHaveLength(2)
    const reminders = (p: StoredMessage) => replies(h, p).filter((m) => m.text === 'Calibration reminder')
    const escalations = () => topLevel(h, LEADS).filter((m) => /Calibration waiting · helpful/.test(textOf(m)))

    // Ana votes on one item; after a day the reminder pings only who is still missing.
    await h.click(ANA, 'Response 1 is better', { message: posted[0] })
    h.t.clock.current = new Date('2026-11-03T09:15:00Z')
    await runner.tick(h.t.clock.now())
    expect(reminders(posted[0]!)).toHaveLength(1)
    expect(reminders(posted[1]!)).toHaveLength(1)
    const reminderCall = (p: StoredMessage) => h.fake.callsTo('chat.postMessage').find((c) => c.ok && (c.response as SlackJson).ts === reminders(p)[0]!.ts)!
    expect(h.fake.mentionsIn(reminderCall(posted[0]!)).map((m) => m.target)).toEqual([BEN])
    expect(h.fake.mentionsIn(reminderCall(posted[1]!)).map((m) => m.target).sort()).toEqual([ANA, BEN])
    expect(escalations()).toHaveLength(0)

    // After two days the leads hear, once per item.
    h.t.clock.current = new Date('2026-11-04T09:15:00Z')
    await runner.tick(h.t.clock.now())
    expect(escalations()).toHaveLength(2)
    expect(unescape(escalations().map((m) => textOf(m)).join())).toMatch(/open for 48 hours/)
    h.t.clock.current = new Date('2026-11-04T09:30:00Z')
    await runner.tick(h.t.clock.now())
    expect(escalations()).toHaveLength(2)
    for (const p of posted) expect(reminders(p)).toHaveLength(1)

    // Someone deletes a parent: with replies under it, Slack leaves a "This message was deleted."
    // tombstone. The reminder job reads it (conversations.replies) and the item is posted again
    // at the next scheduled run, as a new parent.
    const gone = posted[0]!
    expect(h.fake.deleteMessage(CAL, gone.ts)).toBe(true)
    h.t.clock.current = new Date('2026-11-04T09:45:00Z')
    const records = await runner.tick(h.t.clock.now())
    expect(records.find((r) => r.key === 'calibration-reminders')?.message).toMatch(/found 1 deleted thread/)
    const lastRead = h.fake.callsTo('conversations.replies').filter((c) => c.args.ts === gone.ts).at(-1)?.response as SlackJson
    expect(lastRead.messages[0]).toMatchObject({ subtype: 'tombstone' })
    h.t.clock.current = new Date('2026-11-05T09:00:00Z') // Thursday, 10:00 Paris
    await runner.tick(h.t.clock.now())
    const again = parents(h).filter((m) => itemOf(m) === itemOf(gone))
    expect(again).toHaveLength(1)
    expect(again[0]!.ts).not.toBe(gone.ts)
    expect(parents(h).map(itemOf).filter((i) => i === itemOf(posted[1]!))).toHaveLength(1)
    expect(h.fake.unsafeMentions).toEqual([])
  })

  it('a calibration channel the bot was not invited to: the run fails with an instruction, the items wait, and go out once invited', async () => {
    h.fake.channel(CAL, 'calibration', { botMember: false })
    const runner = new JobRunner(env)
    const refused = await runner.runNow('calibration-threads', h.t.clock.now())
    expect(refused.outcome).toBe('failed')
    expect(refused.message).toMatch(/cannot post in channel C0CALIBRATION \(not_in_channel\)\. Invite it there/)
    expect(await h.t.store.calibration.forProject(projectId)).toEqual([])
    h.fake.channel(CAL, 'calibration', { botMember: true })
    expect((await runner.runNow('calibration-threads', h.t.clock.now())).outcome).toBe('ok')
    expect(parents(h).map(itemOf)).toHaveLength(2)
  })
})

describe.each(PROVIDERS)('Slack: drift pings and the lead digest on %s', (provider: TestProvider) => {
  let h: Harness
  let env: JobEnv
  let drifting: string

  beforeAll(async () => {
    h = await slackHarness(provider)
    h.fake.channel(LEADS, 'labeling-leads')
    env = jobEnv(h, 3)
    const sim = simulate({ seed: 4, items: 1430, labelers: standardCast(20), assignment: 'balanced' })
    const files = asFiles(sim)
    await createProject(h.t.ctx, { name: 'audit', settings: { taskTypes: ['pairwise', 'ranking', 'likert'], redundancy: 5, slackLeadChannel: LEADS } })
    await importItems(h.t.ctx, { projectName: 'audit', open: lines(files.items), format: 'arbiter', skipInvalid: false })
    // The safety-blind labeler's floor-breaking lines stay out (import-judgments holds the safety floor).
    await importJudgments(h.t.ctx, { projectName: 'audit', open: lines(files.judgments), skipInvalid: true })
    // Imported labelers live on no chat platform: make each a member of the fake's workspace.
    const imported = await rows(h.t.store.database, 'Labeler', { platform: 'import' })
    for (const [i, labeler] of imported.entries()) {
      const user = `U0SIM${String(i).padStart(2, '0')}`
      h.fake.user(user, { name: labeler.displayName })
      await h.t.store.database.db.updateTable('Labeler').set({ platform: 'slack', workspaceId: h.fake.teamId, platformUserId: user }).where('id', '=', labeler.id).execute()
      if (labeler.displayName === 'careless-after-200') drifting = user
    }
  }, 120_000)
  afterAll(async () => h.stop())

  it('the drifting labeler gets a DM whose "Re-read the guidelines" and "Got it" buttons work; the leads hear once', async () => {
    const runner = new JobRunner(env)
    await runner.runNow('drift-check', h.t.clock.now())
    const dms = h.fake.callsTo('chat.postMessage').filter((c) => c.ok && String(c.args.channel).startsWith('D'))
    expect(dms.map((c) => c.args.channel)).toEqual([h.fake.dmChannelOf(drifting)])
    const ping = h.last(drifting)
    expect(unescape(textOf(ping))).toMatch(/your agreement with the rest of the team went from \d+% to \d+%/)
    expect(labelsOf(ping)).toEqual(['Re-read the guidelines', 'Got it'])
    expect(topLevel(h, LEADS).map((m) => m.text)).toEqual(['Drift: careless-after-200'])
    // p-values as people read them, never "p = 0.0".
    const notice = unescape(textOf(topLevel(h, LEADS)[0]!))
    expect(notice).toMatch(/\(p (<|=) 0\.\d+, after false-discovery control\)/)
    expect(notice).not.toMatch(/p = 0\.0\b|e-\d/)

    // The evidence shows the items themselves, in the letters this labeler was shown.
    const evidence = unescape((ping.blocks ?? []).map((b) => String(b.text?.text ?? '')).join('\n'))
    const examples = [...evidence.matchAll(/\*Item (\S+): the team said (.+?); you said (.+?)\*/g)]
    expect(examples.length).toBeGreaterThan(0)
    const audit = (await h.t.store.projects.findByName('audit'))!
    const me = await existingRow(h.t.store.database, 'Labeler', { platformUserId: drifting })
    for (const [, externalId, , yours] of examples) {
      const item = (await h.t.store.items.findByExternalId(audit.id, externalId!))!
      const mine = (await h.t.store.judgments.forItem(item.id)).find((j) => j.labelerId === me.id)!
      const point = verdictPoint(mine)!
      expect(yours).toBe(verdictLabel(item, point, ownFrame(item, mine.displayOrder)))
      expect(evidence).toContain(`Prompt: “${excerpt(item.messages.at(-1)!.content, 200)}”`)
    }
    // Pairwise ones name responses by letters, as shown (never stored ids or neutral numbers).
    expect(evidence).not.toMatch(/you said Response \d/)

    await h.click(drifting, 'Re-read the guidelines', { message: ping })
    const guide = await h.fake.waitUntil(() => h.fake.files.find((f) => f.name === 'guidelines-audit.md'))
    expect(h.fake.fileContent(String(guide.id))?.toString()).toContain('Handle Ties and Hard Cases')
    await h.click(drifting, 'Got it', { message: ping })
    expect(h.fake.ephemerals(drifting).at(-1)?.text).toMatch(/^Thanks — noted/)
    const project = (await h.t.store.projects.findByName('audit'))!
    const labeler = await existingRow(h.t.store.database, 'Labeler', { platformUserId: drifting })
    expect((await h.t.store.calibration.driftState(project.id, labeler.id))?.status).toBe('drifting')

    h.t.clock.advance(HOUR)
    await runner.runNow('drift-check', h.t.clock.now())
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.ok && String(c.args.channel).startsWith('D') && /calibration check/.test(JSON.stringify(c.args.blocks)))).toHaveLength(1)
    expect(topLevel(h, LEADS)).toHaveLength(1)
    expect(h.fake.unsafeMentions).toEqual([])
  }, 60_000)

  it('the digest posts a message and the PNG chart (filesUploadV2) in the lead channel', async () => {
    const since = h.fake.mark()
    const record = await new JobRunner(env).runNow('lead-digest', h.t.clock.now())
    expect(record.outcome).toBe('ok')
    const digest = topLevel(h, LEADS).find((m) => m.text === 'Daily digest · audit')!
    expect(unescape(textOf(digest))).toContain('Unresolved calibration threads')
    expect(unescape(textOf(digest))).toContain('Calibration effect')
    const file = h.fake.files.find((f) => f.name === 'agreement-audit.png')!
    expect(h.fake.fileContent(String(file.id))!.subarray(1, 4).toString()).toBe('PNG')
    const complete = h.fake.calls.find((c) => c.seq > since && c.method === 'files.completeUploadExternal')!
    expect(complete).toMatchObject({ ok: true, args: { channel_id: LEADS, thread_ts: digest.ts } })
    // (The upload step answers plain text, which the fake records as not `ok`; its status says it worked.)
    expect(h.fake.calls.filter((c) => c.seq > since && (c.status !== 200 || (typeof c.response === 'object' && !c.ok)))).toEqual([])
  }, 60_000)
})

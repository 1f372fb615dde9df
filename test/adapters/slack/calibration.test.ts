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
import { simulate, standardCast } from '../../../src/quality/analytics'
import type { NewJudgment } from '../../../src/store/judgment-repository'
import { mentionAllowList, type SlackJson, type StoredMessage } from '../../fakes/fake-slack'
import { PROVIDERS, type TestProvider } from '../../support/databases'
import { asFiles, lines } from '../../support/simulated-campaign'
import { ANA, BEN, LEAD, labelsOf, retryConfig, slackHarness, textOf, unescape, type Harness } from './harness'

const HOUR = 3_600_000
const CAL = 'C0CALIBRATION'
const LEADS = 'C0LEADS'
/** A lead by role (not in ARBITER_ADMINS). */
const LIV = 'U0LIV'

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
    const identity = (user: string) => ({ platform: 'slack' as const, workspaceId: h.fake.teamId, platformUserId: user })
    const ana = (await ensureLabeler(h.t.ctx, identity(ANA), 'ana')).id
    const ben = (await ensureLabeler(h.t.ctx, identity(BEN), 'ben')).id
    const liv = await ensureLabeler(h.t.ctx, identity(LIV), 'liv')
    await setRole(h.t.ctx, { actor: null, labelerId: liv.id, role: 'lead' })
    const rows: NewJudgment[] = []
    for (const item of await h.t.store.items.page(project.id, 0, 10)) {
      for (const [labelerId, choice] of [[ana, 'a'], [ben, item.externalId === 'agreed' ? 'a' : 'b']] as const) {
        rows.push({ assignmentId: null, projectId: project.id, itemId: item.id, labelerId, kind: 'pairwise', choice, choicePosition: 0, ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: `${choice} is right`, durationMs: 30_000, displayOrder: ['a', 'b'], reviewStatus: null })
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
      expect(labelsOf(parent)).toEqual(expect.arrayContaining(['A is better', 'B is better', 'Tie', 'Both bad', 'Lead: settle the verdict…']))
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

  it('a blind vote is revealed privately, a labeler cannot settle, a lead settles from the parent', async () => {
    const runner = new JobRunner(env)
    expect((await runner.runNow('calibration-threads', h.t.clock.now())).outcome).toBe('ok')
    const parent = parents(h).find((m) => itemOf(m) === 's1')!
    const inChannel = () => h.fake.messages(CAL).length

    // Ben votes blind: the reveal reaches him alone (his DM), nothing appears in the channel.
    const before = inChannel()
    await h.click(BEN, 'A is better', { message: parent })
    const reveal = h.last(BEN)
    expect(reveal.channel).toBe(h.fake.dmChannelOf(BEN))
    expect(unescape(textOf(reveal))).toContain('ana: A is better')
    expect(unescape(textOf(reveal))).toContain('Your fresh verdict: A is better')
    expect(inChannel()).toBe(before)
    expect(h.fake.ephemerals().filter((e) => e.channel === CAL && e.user !== BEN)).toEqual([])

    // Once everyone involved has voted, the original verdicts go into the thread.
    await h.click(ANA, 'A is better', { message: parent })
    expect(h.last(ANA).channel).toBe(h.fake.dmChannelOf(ANA))
    expect(replies(h, parent).map((m) => m.text)).toContain('Everyone involved has committed a fresh verdict. The original verdicts:')

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

    // The admin lead settles A: the modal opens with the click's own trigger.
    const click = h.fake.blockActions({ user: LEAD, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'a' })
    await h.fake.sendInteractive(click)
    await h.idle()
    const opened = h.fake.callsTo('views.open').at(-1)!
    expect(opened).toMatchObject({ ok: true, args: { trigger_id: click.trigger_id } })
    expect(h.fake.lastView(LEAD)?.title.text).toBe('Settle the verdict')
    // A second click on the still-open modal's parent, sent after the settlement (a stale tab).
    const stale = h.fake.blockActions({ user: LEAD, channel: CAL, messageTs: parent.ts, actionId: String(settle.action_id), value: 'b' })
    const since = h.fake.mark()
    await h.submit(LEAD, { note: 'A answers the question; B dodges it.' })

    // The parent itself now shows the settled verdict, without controls.
    const update = await h.fake.waitFor((c) => c.method === 'chat.update' && c.ok, { since })
    expect(update.args).toMatchObject({ channel: CAL, ts: parent.ts })
    const settled = h.fake.message(CAL, parent.ts)!
    expect(unescape(textOf(settled))).toContain('✓ Settled · helpful · item s1')
    expect(unescape(textOf(settled))).toContain('A answers the question; B dodges it.')
    expect(labelsOf(settled)).toEqual([])

    // Gold on the item, the thread closed.
    const item = (await h.t.store.items.findByExternalId(projectId, 's1'))!
    expect([item.gold, item.isGold]).toEqual([{ winner: 'a' }, true])
    expect((await h.t.store.calibration.open()).map((t) => t.itemId)).not.toContain(item.id)

    // Ben (originally B) hears privately; Ana (originally A) does not.
    const dm = h.fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage' && c.ok && /A calibration item you judged was settled/.test(JSON.stringify(c.args.blocks)))
    expect(dm.map((c) => c.args.channel)).toEqual([h.fake.dmChannelOf(BEN)])
    expect(unescape(JSON.stringify(dm[0]!.args.blocks))).toContain('B dodges it')
    expect(h.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain(BEN)
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Settled: A is better\. 1 labeler who judged differently/)

    // Settling twice changes nothing.
    const updates = h.fake.callsTo('chat.update').length
    await h.fake.sendInteractive(stale)
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('This item was settled already.')
    expect(h.fake.callsTo('chat.update')).toHaveLength(updates)
    expect((await h.t.store.items.findByExternalId(projectId, 's1'))!.gold).toEqual({ winner: 'a' })
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
    await h.click(ANA, 'A is better', { message: posted[0] })
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
    const prisma = h.t.store.database.prisma
    const imported = await prisma.labeler.findMany({ where: { platform: 'import' }, orderBy: { id: 'asc' } })
    for (const [i, labeler] of imported.entries()) {
      const user = `U0SIM${String(i).padStart(2, '0')}`
      h.fake.user(user, { name: labeler.displayName })
      await prisma.labeler.update({ where: { id: labeler.id }, data: { platform: 'slack', workspaceId: h.fake.teamId, platformUserId: user } })
      if (labeler.displayName === 'careless-after-200') drifting = user
    }
  }, 120_000)
  afterAll(async () => h.stop())

  it('the drifting labeler gets a DM whose "Re-read the rubric" and "Got it" buttons work; the leads hear once', async () => {
    const runner = new JobRunner(env)
    await runner.runNow('drift-check', h.t.clock.now())
    const dms = h.fake.callsTo('chat.postMessage').filter((c) => c.ok && String(c.args.channel).startsWith('D'))
    expect(dms.map((c) => c.args.channel)).toEqual([h.fake.dmChannelOf(drifting)])
    const ping = h.last(drifting)
    expect(unescape(textOf(ping))).toMatch(/your agreement with the rest of the team went from \d+% to \d+%/)
    expect(labelsOf(ping)).toEqual(['Re-read the rubric', 'Got it'])
    expect(topLevel(h, LEADS).map((m) => m.text)).toEqual(['Drift: careless-after-200'])

    await h.click(drifting, 'Re-read the rubric', { message: ping })
    expect(unescape(textOf(h.last(drifting)))).toContain('The rubric, in brief')
    await h.click(drifting, 'Got it', { message: ping })
    expect(h.fake.ephemerals(drifting).at(-1)?.text).toMatch(/^Thanks — noted/)
    const project = (await h.t.store.projects.findByName('audit'))!
    const labeler = await h.t.store.database.prisma.labeler.findFirstOrThrow({ where: { platformUserId: drifting } })
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
    const file = h.fake.files.find((f) => f.name === 'agreement-audit.png')!
    expect(h.fake.fileContent(String(file.id))!.subarray(1, 4).toString()).toBe('PNG')
    const complete = h.fake.calls.find((c) => c.seq > since && c.method === 'files.completeUploadExternal')!
    expect(complete).toMatchObject({ ok: true, args: { channel_id: LEADS, thread_ts: digest.ts } })
    // (The upload step answers plain text, which the fake records as not `ok`; its status says it worked.)
    expect(h.fake.calls.filter((c) => c.seq > since && (c.status !== 200 || (typeof c.response === 'object' && !c.ok)))).toEqual([])
  }, 60_000)
})

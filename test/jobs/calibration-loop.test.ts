// The calibration loop, told as a team lives it: disputed items reach the calibration channel
// at the scheduled time, labelers commit blind verdicts, a lead settles one, dissenters hear
// privately, reminders and escalation fire, and nothing is ever posted twice — on both databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { RecordingPort } from '../support/recording-port'
import { createProject } from '../../src/core/projects'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import type { JobEnv } from '../../src/jobs/job-env'
import { LabelingInteractions } from '../../src/interactions/labeling'
import type { Actor } from '../../src/interactions/actor'
import type { NewJudgment } from '../../src/store/judgment-repository'
import type { Card, Control } from '../../src/views/card'
import { projectReport } from '../../src/core/report/project-report'
import { renderReport } from '../../src/cli/report-command'
import { digestCard, digestFigures } from '../../src/jobs/lead-digest'
import { workerArgs } from '../support/worker-scripts'

const HOUR = 3_600_000

function env(t: TestCore, port: RecordingPort): JobEnv {
  const ports = new ChatPorts()
  ports.register(port)
  return {
    ctx: t.ctx,
    ports,
    log: pino({ level: 'silent' }),
    settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 },
  }
}

function actor(userId: string, name: string): Actor {
  return { identity: { platform: 'slack', workspaceId: 'T1', platformUserId: userId }, displayName: name }
}

function controls(card: Card): Control[] {
  return card.blocks.flatMap((b) => (b.type === 'actions' ? b.controls : []))
}

describe.each(PROVIDERS)('the calibration loop on %s', (provider) => {
  let t: TestCore
  let port: RecordingPort
  beforeEach(async () => {
    t = await testCore(provider)
    port = new RecordingPort('slack')
    // Monday 2 November 2026, 08:00 UTC = 09:00 in Paris.
    t.clock.current = new Date('2026-11-02T08:00:00Z')
    const project = await createProject(t.ctx, {
      name: 'helpful',
      settings: { redundancy: 2, maxExtraOverlap: 0, calibrationCron: '0 10 * * 1-5', calibrationTimezone: 'Europe/Paris', slackCalibrationChannel: 'C_CAL', slackLeadChannel: 'C_LEADS' },
    })
    // Three items whose two labelers split 1–1, and one they agree on. Ana was shown B first:
    // the response she preferred (stored "a") was her B, while Bo's B was stored "b". Both said
    // "B is better" in their own letters and still disagreed.
    await t.store.items.insertMany(
      project.id,
      ['s1', 's2', 's3', 'agreed'].map((id) => ({
        externalId: id,
        type: 'pairwise' as const,
        messages: [{ role: 'user' as const, content: `Question ${id}` }],
        responses: [
          { id: 'a', model: 'm1', text: 'Answer A' },
          { id: 'b', model: 'm2', text: 'Answer B' },
        ],
        target: 2,
      })),
    )
    const ana = await t.labeler('ana')
    const bo = await t.labeler('bo')
    const rows: NewJudgment[] = []
    for (const item of await t.store.items.page(project.id, 0, 10)) {
      for (const [labelerId, choice] of [[ana, 'a'], [bo, item.externalId === 'agreed' ? 'a' : 'b']] as const) {
        const displayOrder = labelerId === ana ? ['b', 'a'] : ['a', 'b']
        rows.push({ assignmentId: null, projectId: project.id, itemId: item.id, labelerId, kind: 'pairwise', choice, choicePosition: displayOrder.indexOf(choice), ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: `${choice} is right`, durationMs: 30_000, displayOrder, reviewStatus: null })
      }
    }
    await t.store.judgments.insertImported(rows)
  })
  afterEach(async () => t.cleanup())

  it('posts disputed items at the scheduled time, two per run, never the same item twice', async () => {
    const runner = new JobRunner(env(t, port))
    await runner.tick(t.clock.now()) // 09:00 Paris: first sight of the schedule, nothing due
    expect(port.of('channel', 'C_CAL')).toHaveLength(0)
    t.clock.current = new Date('2026-11-02T09:00:00Z') // 10:00 Paris
    const records = await runner.tick(t.clock.now())
    expect(records.find((r) => r.key === 'calibration-threads:helpful')?.outcome).toBe('ok')
    expect(port.of('channel', 'C_CAL')).toHaveLength(2)
    const invite = port.of('thread')[0]!.card!.blocks[0]!
    expect(invite).toMatchObject({ type: 'mentions', userIds: ['U_ana', 'U_bo'] })
    await runner.tick(new Date('2026-11-02T09:30:00Z'))
    expect(port.of('channel', 'C_CAL')).toHaveLength(2)
    await runner.tick(new Date('2026-11-03T09:00:00Z'))
    const items = port.of('channel', 'C_CAL').map((p) => p.card!.blocks[0])
    expect(items).toHaveLength(3) // the third disputed item, and never "agreed"
    expect(new Set(items.map((b) => JSON.stringify(b))).size).toBe(3)
  })

  it('two bot processes on one database with the same schedule post each thread exactly once', async () => {
    await new JobRunner(env(t, port)).tick(t.clock.now()) // both will find the schedule already known
    const run = promisify(execFile)
    const at = '2026-11-02T09:00:00Z'
    const outputs = await Promise.all([1, 2, 3].map(() => run(process.execPath, workerArgs('job-worker', t.url, at), { cwd: process.cwd() })))
    const posts = outputs.flatMap((o) => JSON.parse(o.stdout.trim()) as unknown[])
    expect(posts).toHaveLength(2)
    expect(new Set(posts.map((p) => JSON.stringify(p))).size).toBe(2)
    expect((await t.store.calibration.forProject((await t.store.projects.findByName('helpful'))!.id)).length).toBe(2)
    const states = await t.store.jobs.all()
    expect(states.find((s) => s.name === 'calibration-threads:helpful')).toMatchObject({ lastOutcome: 'ok', leaseHolder: null })
  }, 60_000)

  it('runs blind first in each voter’s own letters, keeps bystanders out, lets only a lead settle, and tells the dissenter in her letters', async () => {
    const runner = new JobRunner(env(t, port))
    const first = await runner.runNow('calibration-threads', t.clock.now())
    expect(first.outcome).toBe('ok')
    const parent = port.of('channel', 'C_CAL')[0]!.card!
    // The parent is read by everyone: responses by neutral numbers, never anyone's letters.
    const labels = controls(parent).map((c) => (c.type === 'button' ? c.label : c.placeholder))
    expect(labels).toEqual(['Response 1 is better', 'Response 2 is better', 'Tie', 'Both bad', 'Lead: settle the verdict…'])
    expect(JSON.stringify(parent)).not.toMatch(/\bA is better|\bB is better/)
    const press = (label: string) => controls(parent).find((c) => c.type === 'button' && c.label === label)!.action
    const session = new LabelingInteractions(t.ctx, { maxFields: 20, maxTextInput: 3000 })
    const text = (o: unknown) => JSON.stringify(o)

    // Cat never judged the item: a polite note, nothing revealed, nothing recorded.
    const bystander = await session.action(actor('U_cat', 'cat'), press('Response 1 is better'))
    expect(bystander.notice).toMatch(/^Only the labelers who judged this item vote on it/)
    expect(bystander.post).toBeUndefined()
    expect(text(bystander)).not.toMatch(/ana|bo:/)

    // A lead who did not judge it sees the originals (neutral numbers) and records nothing.
    const peek = await session.action(actor('UADMIN', 'Lead'), press('Response 1 is better'))
    expect(text(peek.post)).toContain('ana: Response 1 is better')
    expect(text(peek.post)).toContain('bo: Response 2 is better')
    expect(text(peek.post)).toContain('no fresh verdict of yours is recorded')

    // Bo (shown A first) presses Response 1, his A. He reads his letters, and only the others.
    const bo = await session.action(actor('U_bo', 'bo'), press('Response 1 is better'))
    expect(bo.post?.[0]?.card.summary).toBe('Your fresh verdict: A is better')
    expect(text(bo.post)).toContain('You had said')
    expect(text(bo.post)).toContain('B is better') // his original, stored "b"
    expect(text(bo.post)).toContain('ana: A is better') // Ana's stored "a" is Bo's A
    expect(text(bo.post)).not.toContain('bo: ')
    expect(bo.threadReply).toBeUndefined()

    // Ana (shown B first) presses Response 2, which was her A.
    const ana = await session.action(actor('U_ana', 'ana'), press('Response 2 is better'))
    expect(ana.post?.[0]?.card.summary).toBe('Your fresh verdict: A is better')
    expect(text(ana.post)).toMatch(/You had said[^}]*B is better/)
    expect(text(ana.post)).toContain('bo: A is better') // Bo's stored "b" is Ana's A
    expect(text(ana.post)).toContain('your A = Response 2, your B = Response 1')
    expect(text(ana.post)).not.toContain('ana: ')
    // Everyone is in: the thread shows originals beside fresh verdicts, in the shared numbers.
    expect(ana.threadReply?.summary).toBe('Everyone involved has voted: original and fresh verdicts')
    expect(text(ana.threadReply)).toContain('ana: Response 1 is better → now Response 2 is better (changed)')
    expect(text(ana.threadReply)).toContain('bo: Response 2 is better → now Response 1 is better (changed)')
    expect(text(ana.threadReply)).toContain('Response 1: “Answer A”')
    // A second press changes nothing and reveals nothing twice.
    const again = await session.action(actor('U_ana', 'ana'), press('Response 1 is better'))
    expect(again.post?.[0]?.card.summary).toBe('You had committed your fresh verdict already: A is better')
    expect(again.threadReply).toBeUndefined()

    const resolve = controls(parent).find((c) => c.type === 'select' && c.placeholder.startsWith('Lead'))!
    const refused = await session.action(actor('U_bo', 'bo'), resolve.action, ['a'])
    expect(refused.notice).toMatch(/Only leads/)
    const modal = await session.action(actor('UADMIN', 'Lead'), resolve.action, ['b'])
    expect(modal.modal?.ref).toMatchObject({ m: 'cal_resolve', v: 'b' })
    const settled = await session.submit(actor('UADMIN', 'Lead'), modal.modal!.ref, { note: 'The second answer is right.' })
    expect(settled.update?.summary).toBe('Settled: Response 2 is better')
    // Ana judged stored "a" and hears it in her letters: the team settled her A, she had said B.
    expect(settled.direct?.map((d) => d.userId)).toEqual(['U_ana'])
    const dm = settled.direct![0]!.card
    expect(dm.summary).toBe('Calibration settled: A is better')
    expect(dm.blocks[1]).toMatchObject({ type: 'fields', fields: expect.arrayContaining([{ label: 'Settled verdict', value: 'A is better' }, { label: 'Your verdict', value: 'B is better' }]) })
    expect(dm.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.title : ''))).toEqual(['User', 'Response A', 'Response B'])
    expect(text(dm.blocks[3])).toContain('Answer B') // her A was stored "b"
    expect((await t.store.calibration.open()).length).toBe(1) // one of the two posted threads is left
    const projectId = (await t.store.projects.findByName('helpful'))!.id
    const item = (await t.store.items.findByExternalId(projectId, 's1'))!
    expect([item.gold, item.isGold]).toEqual([{ winner: 'b' }, true])
    expect((await session.submit(actor('UADMIN', 'Lead'), modal.modal!.ref, { note: '' })).notice).toMatch(/settled already/)
    // A press after the settlement records nothing.
    expect((await session.action(actor('U_bo', 'bo'), press('Tie'))).notice).toMatch(/settled already/)

    // The report counts the effect: Ana moved to the settled answer, Bo moved away from it.
    const report = await projectReport(t.ctx, { projectName: 'helpful', leaderboard: false })
    expect(report.calibration).toEqual({ settledThreads: 1, freshVerdicts: 2, changedMind: 2, startedAway: 1, movedToward: 1, movedTowardRate: 1, movedAway: 1 })
    expect(renderReport(report)).toMatch(/Calibration effect \(1 settled thread\)[\s\S]*1 \(100\.0%\)/)
    // The leads' digest says it in a sentence.
    const { figures } = await digestFigures(env(t, port), (await t.store.projects.findByName('helpful'))!)
    expect(figures.calibrationEffect).toEqual(report.calibration)
    expect(JSON.stringify(digestCard(figures))).toContain('1 of 1 fresh verdicts that started away from the settled answer moved toward it (100%); 2 of 2 changed their mind, 1 away from it')
  })

  it('an item a lead settles outside its thread (from its flag): the next press closes the thread and says so, the reminder job closes the rest', async () => {
    const runner = new JobRunner(env(t, port))
    await runner.runNow('calibration-threads', t.clock.now())
    const [first, second] = port.of('channel', 'C_CAL')
    const projectId = (await t.store.projects.findByName('helpful'))!.id
    // A lead settles both items from their flags in the lead channel (what the flag review does).
    for (const thread of await t.store.calibration.forProject(projectId)) await t.store.items.settle(thread.itemId, { winner: 'a' })

    // Ana still sees the open thread and commits a fresh verdict: she is told, nothing is
    // recorded, and the parent now says it is settled (no vote to cast, no second verdict).
    const session = new LabelingInteractions(t.ctx, { maxFields: 20, maxTextInput: 3000 })
    const vote = controls(first!.card!).find((c) => c.type === 'button' && c.label === 'Response 2 is better')!.action
    const pressed = await session.action(actor('U_ana', 'ana'), vote)
    expect(pressed.notice).toBe('A lead settled this item already, outside this thread: Response 1 is better. The thread is closed.')
    expect(pressed.update?.summary).toBe('Settled: Response 1 is better')
    expect(JSON.stringify(pressed.update)).toContain('a lead, outside this thread')
    expect(controls(pressed.update!)).toEqual([])
    const threads = await t.store.calibration.forProject(projectId)
    expect(threads.map((thread) => [thread.status, thread.verdict])).toEqual([
      ['resolved', { winner: 'a' }],
      ['open', null],
    ])
    expect(await t.store.calibration.votes(threads[0]!.id)).toEqual([])
    // A lead's settle press on it is told the same.
    const settle = controls(first!.card!).find((c) => c.type === 'select')!.action
    expect((await session.action(actor('UADMIN', 'Lead'), settle, ['b'])).notice).toBe('This item was settled already.')

    // Nobody presses the second thread: a day later the reminder job closes it and edits its parent instead of reminding.
    t.clock.advance(25 * HOUR)
    const run = await runner.runNow('calibration-reminders', t.clock.now())
    expect(run.message).toMatch(/^reminded 0, escalated 0, closed 1 decided outside their thread/)
    expect(port.of('channel', `update:${second!.ref.messageId}`).map((p) => p.card!.summary)).toEqual(['Settled: Response 1 is better'])
    expect(port.of('thread').filter((p) => p.card?.summary === 'Calibration reminder')).toEqual([])
    expect((await t.store.calibration.forProject(projectId)).map((thread) => thread.status)).toEqual(['resolved', 'resolved'])
  })

  it('an item a lead drops from the project (its flag upheld): never posted, and a thread already posted is withdrawn, its parent saying so', async () => {
    const runner = new JobRunner(env(t, port))
    const projectId = (await t.store.projects.findByName('helpful'))!.id
    const idOf = async (externalId: string) => (await t.store.items.findByExternalId(projectId, externalId))!.id
    // s3 is dropped before any run: the two threads posted are s1 and s2, and never s3.
    await t.store.items.drop(await idOf('s3'), t.clock.now())
    await runner.runNow('calibration-threads', t.clock.now())
    await runner.runNow('calibration-threads', t.clock.now())
    const parents = port.of('channel', 'C_CAL')
    expect(parents.map((p) => p.card!.blocks[0])).toEqual([expect.objectContaining({ text: expect.stringMatching(/item s1$/) }), expect.objectContaining({ text: expect.stringMatching(/item s2$/) })])

    // Then both are dropped. Ana presses a verdict on s1's parent: she is told, nothing is recorded.
    for (const id of ['s1', 's2']) await t.store.items.drop(await idOf(id), t.clock.now())
    const session = new LabelingInteractions(t.ctx, { maxFields: 20, maxTextInput: 3000 })
    const vote = controls(parents[0]!.card!).find((c) => c.type === 'button' && c.label === 'Response 2 is better')!.action
    const pressed = await session.action(actor('U_ana', 'ana'), vote)
    expect(pressed.notice).toBe('A lead dropped this item from the project, so there is nothing to settle here. The thread is closed.')
    expect(pressed.update?.summary).toBe('Withdrawn: the item was dropped from the project')
    expect(controls(pressed.update!)).toEqual([])
    expect((await session.action(actor('U_ana', 'ana'), vote)).notice).toBe('A lead dropped this item from the project, so there is nothing to settle here. The thread is closed.')
    const threads = await t.store.calibration.forProject(projectId)
    expect(await t.store.calibration.votes(threads[0]!.id)).toEqual([])

    // The reminder job withdraws s2's thread: its parent edited, no reminder, nothing left open for the digest.
    t.clock.advance(25 * HOUR)
    expect((await runner.runNow('calibration-reminders', t.clock.now())).message).toMatch(/^reminded 0, escalated 0, closed 1 decided outside their thread/)
    expect(port.of('channel', `update:${parents[1]!.ref.messageId}`).map((p) => p.card!.summary)).toEqual(['Withdrawn: the item was dropped from the project'])
    expect((await t.store.calibration.forProject(projectId)).map((thread) => thread.status)).toEqual(['withdrawn', 'withdrawn'])
    expect(port.of('thread').filter((p) => p.card?.summary === 'Calibration reminder')).toEqual([])
  })

  it('reminds the thread after a day and escalates to the leads after two; a deleted thread returns its item', async () => {
    const runner = new JobRunner(env(t, port))
    await runner.runNow('calibration-threads', t.clock.now())
    const parents = port.of('channel', 'C_CAL')
    t.clock.advance(25 * HOUR)
    await runner.runNow('calibration-reminders', t.clock.now())
    expect(port.of('thread').filter((p) => p.card?.summary === 'Calibration reminder')).toHaveLength(2)
    t.clock.advance(24 * HOUR)
    await runner.runNow('calibration-reminders', t.clock.now())
    expect(port.of('channel', 'C_LEADS')).toHaveLength(2)
    await runner.runNow('calibration-reminders', t.clock.now())
    expect(port.of('channel', 'C_LEADS')).toHaveLength(2) // once only

    port.deleted.add(parents[0]!.ref.messageId)
    const noticed = await runner.runNow('calibration-reminders', t.clock.now())
    expect(noticed.message).toMatch(/found 1 deleted thread/)
    await runner.runNow('calibration-threads', t.clock.now())
    const reposted = port.of('channel', 'C_CAL').slice(2).map((p) => p.card!.blocks[0])
    expect(reposted).toContainEqual(parents[0]!.card!.blocks[0])
  })
})

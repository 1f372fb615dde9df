// Gentle nudges: a task about to expire, a task that expired, a weekly guidelines refresher — each
// once — and a run missed while the bot was down is made up once, not many times.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { RecordingPort } from '../support/recording-port'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import type { JobEnv } from '../../src/jobs/job-env'

describe.each(PROVIDERS)('claim reminders, refreshers and missed runs on %s', (provider) => {
  let t: TestCore
  let port: RecordingPort
  let env: JobEnv
  beforeEach(async () => {
    t = await testCore(provider)
    port = new RecordingPort('slack')
    const ports = new ChatPorts()
    ports.register(port)
    env = { ctx: t.ctx, ports, log: pino({ level: 'silent' }), settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 3, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 } }
    const project = await createProject(t.ctx, { name: 'p', settings: { goldRate: 0, rationalePolicy: 'never', assignmentTtlMinutes: 30 } })
    await t.store.items.insertMany(project.id, [1, 2].map((n) => ({ externalId: `i${n}`, type: 'pairwise' as const, messages: [{ role: 'user' as const, content: 'q' }], responses: [{ id: 'a', model: null, text: 'x' }, { id: 'b', model: null, text: 'y' }], target: 2 })))
  })
  afterEach(async () => t.cleanup())

  it('reminds once before expiry, then tells the labeler once that the task went back to the pool', async () => {
    const ana = await t.labeler('ana')
    const project = (await t.store.projects.findByName('p'))!
    await nextTask(t.ctx, { projectId: project.id, labelerId: ana })
    const runner = new JobRunner(env)
    t.clock.advance(26 * 60_000)
    await runner.runNow('claim-reminders', t.clock.now())
    await runner.runNow('claim-reminders', t.clock.now())
    expect(port.of('direct', 'U_ana').map((p) => p.card!.summary)).toEqual(['Your task is waiting'])
    t.clock.advance(5 * 60_000)
    await runner.runNow('claim-reminders', t.clock.now())
    await runner.runNow('claim-reminders', t.clock.now())
    expect(port.of('direct', 'U_ana').map((p) => p.card!.summary)).toEqual(['Your task is waiting', 'A task went back to the pool'])
  })

  it('sends each active labeler one refresher per period', async () => {
    const ana = await t.labeler('ana')
    const project = (await t.store.projects.findByName('p'))!
    const task = await nextTask(t.ctx, { projectId: project.id, labelerId: ana })
    await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } })
    const runner = new JobRunner(env)
    t.clock.current = new Date('2026-11-09T10:00:00Z') // a Monday
    await runner.tick(new Date('2026-11-02T10:30:00Z')) // first sight
    await runner.tick(t.clock.now())
    await runner.runNow('rubric-refresher', t.clock.now())
    const refreshers = port.of('direct', 'U_ana')
    expect(refreshers.map((p) => p.card!.summary)).toEqual(['Time to re-read the guidelines']) // the scheduled run, and not again by hand the same day
    // It points to the project's guidelines.
    expect(JSON.stringify(refreshers[0]!.card)).toContain(JSON.stringify({ a: 'guide', p: project.id }).slice(1, -1))
  })

  it('makes up a run missed while every instance was down once, not once per missed hour', async () => {
    const runner = new JobRunner(env)
    await runner.tick(new Date('2026-11-02T09:10:00Z'))
    const records = await runner.tick(new Date('2026-11-02T15:20:00Z')) // down from 09:10 to 15:20
    const drift = records.filter((r) => r.key === 'drift-check')
    expect(drift.map((r) => r.scheduledFor?.toISOString())).toEqual(['2026-11-02T15:00:00.000Z'])
    expect((await runner.tick(new Date('2026-11-02T15:40:00Z'))).filter((r) => r.key === 'drift-check')).toEqual([])
  })
})

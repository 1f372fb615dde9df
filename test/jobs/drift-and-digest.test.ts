// Drift pings and the lead digest over a simulated campaign: the drifting labeler hears once,
// the leads once, honest labelers never; the digest says what `arbiter report --json` says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { RecordingPort } from '../support/recording-port'
import { asFiles, lines } from '../support/simulated-campaign'
import { createProject } from '../../src/core/projects'
import { importItems } from '../../src/core/import/import-items'
import { importJudgments } from '../../src/core/import/import-judgments'
import { projectReport } from '../../src/core/report/project-report'
import { simulate, standardCast } from '../support/simulate'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import type { JobEnv } from '../../src/jobs/job-env'
import { digestFigures } from '../../src/jobs/lead-digest'

describe.each(PROVIDERS)('drift pings and the lead digest on %s', (provider) => {
  let t: TestCore
  let port: RecordingPort
  let env: JobEnv
  beforeAll(async () => {
    t = await testCore(provider)
    port = new RecordingPort('slack')
    const ports = new ChatPorts()
    ports.register(port)
    env = { ctx: t.ctx, ports, log: pino({ level: 'silent' }), settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 3, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 } }
    const sim = simulate({ seed: 4, items: 1430, labelers: standardCast(20), assignment: 'balanced' })
    const files = asFiles(sim)
    await createProject(t.ctx, { name: 'audit', settings: { taskTypes: ['pairwise', 'ranking', 'likert'], redundancy: 5, slackLeadChannel: 'C_LEADS' } })
    await importItems(t.ctx, { projectName: 'audit', open: lines(files.items), format: 'arbiter', skipInvalid: false })
    // The safety-blind labeler's floor-breaking lines stay out (import-judgments holds the safety floor).
    await importJudgments(t.ctx, { projectName: 'audit', open: lines(files.judgments), skipInvalid: true })
    // Imported labelers live on no chat platform; put them on Slack so they can be pinged.
    await t.store.database.db.updateTable('Labeler').set({ platform: 'slack', workspaceId: 'T1' }).where('platform', '=', 'import').execute()
  }, 300_000) // 1,430 items and 7,000 judgments; PostgreSQL on a loaded 2-core machine needs room
  afterAll(async () => t.cleanup())

  it('pings the drifting labeler once with evidence, tells the leads once, and leaves honest labelers alone', async () => {
    const runner = new JobRunner(env)
    await runner.runNow('drift-check', t.clock.now())
    const dms = port.of('direct')
    expect(dms.map((d) => d.to)).toEqual(['careless-after-200'])
    const text = JSON.stringify(dms[0]!.card)
    expect(text).toMatch(/your agreement with the rest of the team went from \d+% to \d+%/)
    expect(text).toContain('Re-read the guidelines')
    expect(port.of('channel', 'C_LEADS').map((p) => p.card!.summary)).toEqual(['Drift: careless-after-200'])
    t.clock.advance(3_600_000)
    await runner.runNow('drift-check', t.clock.now())
    expect(port.of('direct')).toHaveLength(1) // not again for the same drift
    expect(port.of('channel', 'C_LEADS')).toHaveLength(1)
  }, 60_000)

  it('the digest carries the same figures as the report, and a chart', async () => {
    const project = (await t.store.projects.findByName('audit'))!
    const [{ figures, chart }, report] = await Promise.all([digestFigures(env, project), projectReport(t.ctx, { projectName: 'audit', leaderboard: false })])
    expect(figures.agreement).toBe(report.agreement.team.rate)
    expect(figures.krippendorffAlpha).toBe(report.agreement.krippendorffAlpha)
    expect(figures.openDisputes).toBe(report.disputes.length)
    expect(figures.drifting).toEqual(report.labelers.filter((l) => l.drift.flagged).map((l) => l.labeler))
    expect(chart.subarray(1, 4).toString()).toBe('PNG')
    const runner = new JobRunner(env)
    await runner.runNow('lead-digest', t.clock.now())
    expect(port.of('channel', 'C_LEADS').some((p) => p.card?.summary === 'Daily digest · audit')).toBe(true)
    expect(port.of('file', 'C_LEADS')[0]?.file?.name).toBe('agreement-audit.png')
  }, 60_000)
})

// Job figures an operator watches with several instances on one database: each run by job and
// outcome, and a lease taken over from an instance that died in the middle of a run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { sampleValue } from '../support/prometheus'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import type { JobDefinition } from '../../src/jobs/definitions'
import { createPrometheusMetrics } from '../../src/ops/prometheus-metrics'

const job = (name: string, run: () => Promise<string>): JobDefinition => ({ name, description: name, schedule: '0 * * * *', scheduleInWords: 'hourly', scopes: async () => [{ key: name, cron: '0 * * * *', timeZone: 'UTC' }], run })
const settings = { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 }

describe.each(PROVIDERS)('job metrics on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  it('counts runs by job and outcome, and a lease taken over from a dead instance', async () => {
    const prometheus = createPrometheusMetrics()
    const runner = new JobRunner({ ctx: t.ctx, ports: new ChatPorts(), log: pino({ level: 'silent' }), settings, metrics: prometheus.metrics }, [
      job('digest', async () => 'sent'),
      job('broken', async () => {
        throw new Error('channel_not_found')
      }),
    ])
    const now = new Date('2026-03-02T10:00:00Z')
    await runner.runNow('digest', now)
    await runner.runNow('broken', now)
    // Another instance took the lease five minutes ago for a ten-minute run, and died: its lease lapsed.
    await t.store.jobs.acquire('digest', 'other-host:123:dead', new Date(now.getTime() - 15 * 60_000), new Date(now.getTime() - 5 * 60_000))
    await runner.runNow('digest', now)
    // A live lease held elsewhere: this instance skips the run.
    await t.store.jobs.acquire('digest', 'other-host:456:alive', now, new Date(now.getTime() + 10 * 60_000))
    await runner.runNow('digest', now)

    const text = await prometheus.exposition()
    expect(sampleValue(text, 'arbiter_job_runs_total', { job: 'digest', outcome: 'ok' })).toBe(2)
    expect(sampleValue(text, 'arbiter_job_runs_total', { job: 'broken', outcome: 'failed' })).toBe(1)
    expect(sampleValue(text, 'arbiter_job_runs_total', { job: 'digest', outcome: 'skipped' })).toBe(1)
    expect(sampleValue(text, 'arbiter_job_lease_takeovers_total', { job: 'digest' })).toBe(1)
  })
})

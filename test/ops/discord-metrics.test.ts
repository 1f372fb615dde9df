// The same figures from Discord: the real discord.js client against the fake Discord, a labeler
// starts a task and clicks a verdict; acks (deferred command, answered click), the inbox, the
// judgment and REST calls by outcome show up in the exposition text; readiness follows the gateway.
import { afterEach, describe, expect, it } from 'vitest'
import { createPrometheusMetrics } from '../../src/ops/prometheus-metrics'
import { PROVIDERS } from '../support/databases'
import { sampleValue } from '../support/prometheus'
import { ANA, Harness, pair, taskMessage } from '../adapters/discord/harness'
import { countRows } from '../support/tables'

describe.each(PROVIDERS)('Discord metrics (%s)', (provider) => {
  let h: Harness
  afterEach(async () => h.stop())

  it('a task started and judged moves acks, inbox, judgments and REST outcomes', async () => {
    const prometheus = createPrometheusMetrics()
    h = await Harness.start(provider, { metrics: prometheus.metrics })
    await h.project('pw', {}, [pair])
    // Discord refuses one call with a 500 first: discord.js retries it, and it is counted retryable.
    h.fake.failNext('POST /interactions/:id/:token/callback', 1, { status: 500 })
    const started = await h.command(ANA, 'label start', { project: 'pw' })
    await h.click(ANA, taskMessage(started), 'A is better')
    expect(await countRows(h.t.store.database, 'Judgment')).toBe(1)

    const text = await prometheus.exposition()
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels)
    expect(value('arbiter_acks_total', { platform: 'discord', kind: 'command' })).toBe(1)
    expect(value('arbiter_acks_total', { platform: 'discord', kind: 'action' })).toBe(1)
    expect(value('arbiter_ack_duration_seconds_bucket', { platform: 'discord', kind: 'action', le: '3' })).toBe(1)
    expect(value('arbiter_inbox_events_total', { platform: 'discord', result: 'accepted' })).toBe(2)
    expect(value('arbiter_judgments_recorded_total', { type: 'pairwise' })).toBe(1)
    expect(value('arbiter_outbound_calls_total', { platform: 'discord', outcome: 'ok' })).toBeGreaterThanOrEqual(3)
    expect(value('arbiter_outbound_calls_total', { platform: 'discord', outcome: 'retryable' })).toBe(1)
  })

  it('readiness follows the gateway: down when the socket drops, up again after RESUME', async () => {
    h = await Harness.start(provider)
    expect(h.bot.connected()).toBe(true)
    const resumed = h.fake.waitForResume({ timeoutMs: 10_000 })
    h.fake.dropGateway()
    await expect.poll(() => h.bot.connected(), { timeout: 5_000, interval: 5 }).toBe(false)
    await resumed
    await expect.poll(() => h.bot.connected(), { timeout: 5_000, interval: 20 }).toBe(true)
  })
})

// An operator's view of a running Arbiter: the process started as `npm start` starts it (in
// process here), the real Bolt app in Socket Mode against the fake Slack, on SQLite and
// PostgreSQL. Liveness and readiness answer on HEALTH_PORT; readiness follows the Slack socket
// and goes 503 first on shutdown; /metrics moves as a labeler clicks through a task.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'
import { createArbiter, type Arbiter } from '../../src/main'
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { FakeSlack, type SlackJson } from '../fakes/fake-slack'
import { manifestBotScopes } from '../fakes/slack/scopes'
import { PROVIDERS, freshDatabaseUrl } from '../support/databases'
import { sampleValue } from '../support/prometheus'

const ANA = 'U0ANA'

/** A port nothing listens on right now (SLACK_PORT must be a real port). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function get(port: number, path: string): Promise<{ status: number; text: string; json: () => SlackJson }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`)
  const text = await response.text()
  return { status: response.status, text, json: () => JSON.parse(text) as SlackJson }
}

describe.each(PROVIDERS)('probes and metrics (%s)', (provider) => {
  let fake: FakeSlack
  let arbiter: Arbiter & { start(): Promise<void> }
  let database: { url: string; drop: () => Promise<void> }
  let port: number

  beforeEach(async () => {
    fake = await FakeSlack.start({ users: [{ id: ANA, name: 'ana' }], botScopes: manifestBotScopes() })
    database = await freshDatabaseUrl(provider)
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl, DATABASE_URL: database.url, HEALTH_PORT: '0' })
    arbiter = createArbiter(config, createLogger('silent'))
    await arbiter.start()
    port = arbiter.healthPort!
  })
  afterEach(async () => {
    await arbiter.stop()
    await fake.stop()
    await database.drop()
  })

  it('is live at once and ready when the database answers and the Slack socket is open', async () => {
    expect((await get(port, '/healthz')).status).toBe(200)
    const ready = await get(port, '/readyz')
    expect(ready.status, ready.text).toBe(200)
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'up', slack: 'up' } })
  })

  it('goes 503 naming Slack while its socket is down, and 200 again after the reconnect', async () => {
    // Slack is out: the socket drops and the first reconnection attempt is refused.
    fake.failNext('apps.connections.open', { status: 503 }, 1)
    fake.dropSockets()
    await expect.poll(async () => (await get(port, '/readyz')).status, { timeout: 5_000, interval: 20 }).toBe(503)
    const down = await get(port, '/readyz')
    expect(down.json()).toMatchObject({ status: 'not ready', down: { slack: 'socket not connected' }, checks: { database: 'up' } })
    expect((await get(port, '/healthz')).status).toBe(200)
    await fake.waitForSocket(15_000)
    await expect.poll(async () => (await get(port, '/readyz')).status, { timeout: 5_000, interval: 20 }).toBe(200)
  }, 30_000)

  it('on shutdown, readiness goes 503 before anything else stops', async () => {
    const stopped = arbiter.stop()
    const during = await get(port, '/readyz')
    expect(during.status).toBe(503)
    expect(during.json()).toMatchObject({ down: { process: 'shutting down' } })
    await stopped
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  })

  it('a labeler clicking through a task moves the ack, inbox, judgment and outbound figures', async () => {
    const db = await openDatabase(database.url, { migrate: false })
    const store = createStore(db)
    const project = await store.projects.create({ name: 'p', taskTypes: ['pairwise'], dimensions: ['accuracy'], goldRate: 0 })
    await store.items.insertMany(project.id, [{ externalId: 'q1', type: 'pairwise', messages: [{ role: 'user', content: 'Capital of France?' }], responses: [{ id: 'a', model: null, text: 'Paris.' }, { id: 'b', model: null, text: 'Lyon.' }], target: 3 }])
    await db.close()
    const before = (await get(port, '/metrics')).text
    expect(sampleValue(before, 'arbiter_acks_total', { platform: 'slack', kind: 'action' })).toBe(0)

    const since = fake.mark()
    await fake.sendSlashCommand({ command: '/label', text: '', user_id: ANA, channel_id: fake.dmChannelOf(ANA) })
    const posted = await fake.waitFor((call) => call.method === 'chat.postMessage' && call.ok, { since, timeoutMs: 10_000 })
    const task = fake.message(String((posted.response as SlackJson).channel), String((posted.response as SlackJson).ts))!
    // Slack rate-limits the update once: the wait is counted, and the retried call succeeds.
    fake.rateLimitNext('chat.update', 1, 1)
    const button = (task.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).find((e) => e.text?.text === 'A is better')!
    const clicked = fake.mark()
    await fake.clickButton({ user: ANA, channel: task.channel, messageTs: task.ts, actionId: String(button.action_id) })
    await fake.waitFor((call) => call.method === 'chat.update' && call.ok, { since: clicked, timeoutMs: 10_000 })

    // The fake logs the update when it answers; the app counts the call when the answer reaches it.
    await expect.poll(async () => sampleValue((await get(port, '/metrics')).text, 'arbiter_outbound_calls_total', { platform: 'slack', outcome: 'ok' }), { timeout: 5_000, interval: 50 }).toBeGreaterThanOrEqual(3)
    const text = (await get(port, '/metrics')).text
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels)
    expect(value('arbiter_acks_total', { platform: 'slack', kind: 'command' })).toBe(1)
    expect(value('arbiter_acks_total', { platform: 'slack', kind: 'action' })).toBe(1)
    expect(value('arbiter_ack_duration_seconds_count', { platform: 'slack', kind: 'action' })).toBe(1)
    // Acknowledged well inside Slack's 3 s: the 3 s bucket holds the click.
    expect(value('arbiter_ack_duration_seconds_bucket', { platform: 'slack', kind: 'action', le: '3' })).toBe(1)
    expect(value('arbiter_ack_duration_seconds_sum', { platform: 'slack', kind: 'action' })).toBeGreaterThan(0)
    expect(value('arbiter_inbox_events_total', { platform: 'slack', result: 'accepted' })).toBe(2)
    expect(value('arbiter_judgments_recorded_total', { type: 'pairwise' })).toBe(1)
    expect(value('arbiter_outbound_calls_total', { platform: 'slack', outcome: 'ok' })).toBeGreaterThanOrEqual(3)
    expect(value('arbiter_outbound_calls_total', { platform: 'slack', outcome: 'retryable' })).toBe(1)
    expect(value('arbiter_rate_limit_wait_seconds_total', { platform: 'slack' })).toBe(1)
    // The click's row is marked handled just after its message is updated: the backlog drains to 0.
    await expect.poll(async () => sampleValue((await get(port, '/metrics')).text, 'arbiter_inbox_backlog'), { timeout: 5_000, interval: 50 }).toBe(0)
    expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0)
  }, 30_000)
})

describe('probes in Slack HTTP mode', () => {
  it('are served on Bolt\'s own port, next to /slack/events', async () => {
    const fake = await FakeSlack.start({ botScopes: manifestBotScopes() })
    const database = await freshDatabaseUrl('sqlite')
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: 'shh', SLACK_PORT: String(await freePort()), SLACK_API_URL: fake.apiUrl, DATABASE_URL: database.url, HEALTH_PORT: '0' })
    const arbiter = createArbiter(config, createLogger('silent'))
    try {
      await arbiter.start()
      const port = arbiter.healthPort!
      const ready = await get(port, '/readyz')
      expect(ready.status, ready.text).toBe(200)
      expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'up', slack: 'up' } })
      expect((await get(port, '/healthz')).status).toBe(200)
      expect((await get(port, '/metrics')).text).toContain('# TYPE arbiter_ack_duration_seconds histogram')
      // Bolt still answers Slack there: an unsigned request is refused.
      expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(401)
    } finally {
      await arbiter.stop()
      await fake.stop()
      await database.drop()
    }
  })
})

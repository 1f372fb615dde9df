// Benchmark: 50 labelers at once against the real Slack adapter (Bolt, Socket Mode) and the fake
// Slack, on a project of 100,000 items. Each labeler loops /label → verdict → Next task.
// Reports ack latency as Slack sees it (p50/p99, target p99 < 100 ms), judgments/s, and checks
// that every acknowledged verdict became exactly one judgment row. It also splits the acks of the
// opening burst (every labeler's first /label at once, on a cold app) from the rest, and prints
// the machine's load average and how busy the app's event loop was: on a shared machine these
// say whose time a slow p99 is.
//   npx tsx bench/slack-labelers.ts [--postgres] [--seconds 30] [--labelers 50] [--items 100000] [--think MS] [--accept-budget MS] [--concurrency N] [--no-metrics]
//
// Slack is another machine: the fake Slack and the simulated labelers run in a worker thread
// (this same file), so the app's event loop carries only the app, as in production.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { LogLevel } from '@slack/bolt'
import { loadConfig } from '../src/config'
import { createLogger } from '../src/logger'
import { createSlackApp } from '../src/adapters/slack/slack-app'
import { createProject } from '../src/core/projects'
import { seededRandom } from '../src/core/random'
import type { CoreContext } from '../src/core/context'
import { openDatabase } from '../src/store/database'
import { OpsReader } from '../src/store/ops-reader'
import { createPrometheusMetrics } from '../src/ops/prometheus-metrics'
import { createStore } from '../src/store/store'
import type { NewItem } from '../src/store/item-repository'
import { FakeSlack, type RecordedCall, type SlackJson } from '../test/fakes/fake-slack'
import { freshDatabaseUrl } from '../test/support/databases'
import { countRows } from '../test/support/tables'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}

interface DriverResult {
  /** Acks after each labeler's first /label. */
  acks: number[]
  /** Acks of the opening burst: every labeler's first /label at the same instant, on a cold app. */
  firstAcks: number[]
  verdictsAcked: number
  failures: string[]
  elapsedS: number
  rejectedCalls: number
}

// ------------------------------------------------------------------ worker: Slack and the people

async function driver(options: { seconds: number; labelers: number; thinkMs: number }): Promise<void> {
  const port = parentPort!
  const users = Array.from({ length: options.labelers }, (_, i) => `U${String(i).padStart(4, '0')}BENCH`)
  const fake = await FakeSlack.start({ users: users.map((id) => ({ id, name: id.toLowerCase() })) })
  port.postMessage({ type: 'ready', apiUrl: fake.apiUrl, botToken: fake.botToken, appToken: fake.appToken })
  await new Promise<void>((resolve) => port.once('message', () => resolve()))

  // One pass over new calls resolves the labeler waiting on (method, channel): scanning all calls
  // per waiter would make the driver quadratic.
  const waiters = new Map<string, ((call: RecordedCall) => void)[]>()
  let cursor = 0
  const pump = setInterval(() => {
    const calls = fake.calls
    for (; cursor < calls.length; cursor++) {
      const call = calls[cursor]!
      if (call.ok) waiters.get(`${call.method}:${String(call.args.channel)}`)?.shift()?.(call)
    }
  }, 1)
  const next = (method: string, channel: string, timeoutMs = 20_000): Promise<RecordedCall> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method} in ${channel}`)), timeoutMs)
      const list = waiters.get(`${method}:${channel}`) ?? []
      list.push((call) => (clearTimeout(timer), resolve(call)))
      waiters.set(`${method}:${channel}`, list)
    })
  const buttonId = (blocks: SlackJson[], label: RegExp): string | undefined =>
    blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).find((e) => label.test(String(e.text?.text ?? '')))?.action_id
  const think = () => (options.thinkMs > 0 ? new Promise((r) => setTimeout(r, options.thinkMs * (0.5 + Math.random()))) : Promise.resolve())

  const acks: number[] = []
  const firstAcks: number[] = []
  let verdictsAcked = 0
  const deadline = Date.now() + options.seconds * 1000
  async function labeler(user: string, index: number): Promise<void> {
    const dm = fake.dmChannelOf(user)
    const random = seededRandom(index + 1)
    let posted = next('chat.postMessage', dm)
    firstAcks.push((await fake.sendSlashCommand({ command: '/label', user_id: user, channel_id: dm })).latencyMs)
    let task = await posted
    while (Date.now() < deadline) {
      const ts = String((task.response as SlackJson).ts)
      const verdict = buttonId(task.args.blocks as SlackJson[], random() < 0.45 ? /^A is better$/ : random() < 0.8 ? /^B is better$/ : /^Tie$/)
      if (!verdict) throw new Error(`no verdict button for ${user}`)
      await think()
      const updated = next('chat.update', dm)
      acks.push((await fake.clickButton({ user, channel: dm, messageTs: ts, actionId: verdict })).latencyMs)
      verdictsAcked += 1
      const nextId = buttonId((await updated).args.blocks as SlackJson[], /^Next task$/)
      if (!nextId) throw new Error(`no Next task for ${user}`)
      posted = next('chat.postMessage', dm)
      const retired = next('chat.update', dm)
      acks.push((await fake.clickButton({ user, channel: dm, messageTs: ts, actionId: nextId })).latencyMs)
      await retired
      task = await posted
    }
  }
  const started = performance.now()
  const results = await Promise.allSettled(users.map((u, i) => labeler(u, i)))
  clearInterval(pump)
  const result: DriverResult = {
    acks,
    firstAcks,
    verdictsAcked,
    failures: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
    elapsedS: (performance.now() - started) / 1000,
    rejectedCalls: fake.calls.filter((c) => !c.ok && c.status !== 429).length,
  }
  port.postMessage({ type: 'done', result })
  await new Promise<void>((resolve) => port.once('message', () => resolve()))
  await fake.stop()
  port.postMessage({ type: 'stopped' })
}

// ------------------------------------------------------------------ main thread: the app

async function main(): Promise<void> {
  const usePostgres = process.argv.includes('--postgres')
  const options = { seconds: arg('--seconds', 30), labelers: arg('--labelers', 50), thinkMs: arg('--think', 0) }
  const ITEMS = arg('--items', 100_000)
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-slack-bench-'))
  const { url, drop } = usePostgres ? await freshDatabaseUrl('postgresql') : { url: `file:${join(dir, 'bench.db')}`, drop: async () => {} }
  const database = await openDatabase(url)
  // Metrics on, as in production (main.ts), and scraped every second like Prometheus would
  // (--no-metrics: the app without them, for comparison).
  const withMetrics = !process.argv.includes('--no-metrics')
  const prometheus = withMetrics ? createPrometheusMetrics({ inboxBacklog: () => new OpsReader(database).inboxBacklog() }) : null
  const ctx: CoreContext = { store: createStore(database), now: () => new Date(), random: seededRandom(3), settings: { assignmentTtlMinutes: 30, admins: [] }, ...(prometheus ? { observer: prometheus.metrics } : {}) }

  const seeding = performance.now()
  const project = await createProject(ctx, { name: 'bench', settings: { taskTypes: ['pairwise'], goldRate: 0, rationalePolicy: 'never', redundancy: 3 } })
  for (let start = 0; start < ITEMS; start += 500) {
    const batch: NewItem[] = Array.from({ length: Math.min(500, ITEMS - start) }, (_, k) => {
      const i = start + k
      return {
        externalId: `item-${i}`,
        type: 'pairwise',
        messages: [{ role: 'user', content: `Prompt ${i}: explain something useful about <topic ${i % 97}>.` }],
        responses: [
          { id: 'a', model: 'alpha', text: 'Response A. '.repeat(20 + (i % 30)) },
          { id: 'b', model: 'beta', text: 'Response B. '.repeat(15 + (i % 40)) },
        ],
        target: 3,
      }
    })
    await ctx.store.items.insertMany(project.id, batch)
  }
  // As `arbiter import` does: the planner learns about the new items (PostgreSQL's ANALYZE).
  await ctx.store.items.refreshStatistics()
  const db = usePostgres ? 'PostgreSQL' : 'SQLite'
  console.log(`seeded ${ITEMS.toLocaleString('en-US')} items on ${db} in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)

  // A worker does not inherit tsx's loader on Node 20: register it there, then load this file.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(boot, { eval: true, workerData: options })
  const fromWorker = (type: string) => new Promise<Record<string, unknown>>((resolve) => worker.on('message', (m: Record<string, unknown>) => m.type === type && resolve(m)))
  const ready = await fromWorker('ready')
  const config = loadConfig({ SLACK_BOT_TOKEN: String(ready.botToken), SLACK_APP_TOKEN: String(ready.appToken), SLACK_API_URL: String(ready.apiUrl) })
  const app = createSlackApp({ config, ctx, logger: createLogger('warn'), ...(prometheus ? { metrics: prometheus.metrics } : {}) }, { clientOptions: { retryConfig: { retries: 5, minTimeout: 10, maxTimeout: 200 } }, logLevel: LogLevel.ERROR, sweepMs: 0, ...(process.argv.includes('--accept-budget') ? { acceptBudgetMs: arg('--accept-budget', 20) } : {}), ...(process.argv.includes('--concurrency') ? { maxConcurrent: arg('--concurrency', 4) } : {}) })
  await app.start()

  const loopDelay = monitorEventLoopDelay({ resolution: 5 })
  loopDelay.enable()
  // The machine may be shared: the load average and how busy the app's own thread was say how
  // far the latency figures are this code's and how far the neighbours'.
  const loadBefore = loadavg()[0]!
  const eluBefore = performance.eventLoopUtilization()
  const done = fromWorker('done')
  const scrapes: number[] = []
  const scraper = prometheus
    ? setInterval(() => {
        const started = performance.now()
        void prometheus.exposition().then(() => scrapes.push(performance.now() - started))
      }, 1_000)
    : undefined
  worker.postMessage('go')
  const result = (await done).result as DriverResult
  clearInterval(scraper)
  loopDelay.disable()
  const appBusy = performance.eventLoopUtilization(eluBefore).utilization
  const loadAfter = loadavg()[0]!
  // Let the last handlers finish before counting.
  for (let i = 0; i < 400 && (await countRows(database, 'InboundEvent', { processedAt: null })) > 0; i++) await new Promise((r) => setTimeout(r, 25))

  const judgments = await countRows(database, 'Judgment')
  const duplicated = (
    await database.db
      .selectFrom('Judgment')
      .select('assignmentId')
      .groupBy('assignmentId')
      .having((eb) => eb(eb.fn.countAll(), '>', 1))
      .execute()
  ).length
  const unprocessed = await countRows(database, 'InboundEvent', { processedAt: null })
  const sorted = [...result.firstAcks, ...result.acks].sort((a, b) => a - b)
  const pctOf = (values: number[], p: number) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN
  const pct = (p: number) => pctOf(sorted, p)
  // The opening burst is about 3% of all envelopes, so alone it can decide the p99.
  const steady = [...result.acks].sort((a, b) => a - b)
  const burst = [...result.firstAcks].sort((a, b) => a - b)
  const ms = (n: number) => `${n.toFixed(1)} ms`

  console.log(`${options.labelers} labelers${options.thinkMs ? ` (think ~${options.thinkMs} ms)` : ' (no think time)'} for ${result.elapsedS.toFixed(1)} s on ${db}: ${judgments} judgments = ${(judgments / result.elapsedS).toFixed(1)} judgments/s`)
  console.log(`ack latency over ${sorted.length} envelopes: p50 ${ms(pct(50))}, p99 ${ms(pct(99))}, max ${ms(sorted.at(-1) ?? NaN)} (target p99 < 100 ms)`)
  console.log(`  after the opening burst (${steady.length}): p50 ${ms(pctOf(steady, 50))}, p99 ${ms(pctOf(steady, 99))}; the burst of ${burst.length} first /label at once: p50 ${ms(pctOf(burst, 50))}, max ${ms(burst.at(-1) ?? NaN)}`)
  console.log(`machine load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${availableParallelism()} CPUs; app event loop busy ${(appBusy * 100).toFixed(0)}% of the run`)
  console.log(`app event-loop delay: p50 ${ms(loopDelay.percentile(50) / 1e6)}, p99 ${ms(loopDelay.percentile(99) / 1e6)}`)
  console.log(`verdict clicks acknowledged ${result.verdictsAcked}, judgment rows ${judgments}, assignments judged twice ${duplicated}, unhandled inbox rows ${unprocessed}, rejected Web API calls ${result.rejectedCalls}, failed labelers ${result.failures.length}`)
  for (const failure of result.failures.slice(0, 3)) console.log(`  ${failure}`)
  if (prometheus) {
    const text = await prometheus.exposition()
    const acks = [...text.matchAll(/^arbiter_acks_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
    console.log(`metrics on: ${acks} acks counted, ${scrapes.length} scrapes of /metrics, slowest ${ms(Math.max(0, ...scrapes))}`)
  } else console.log('metrics off (--no-metrics)')
  const ok = judgments === result.verdictsAcked && duplicated === 0 && unprocessed === 0 && result.failures.length === 0
  console.log(ok ? 'OK: no judgment lost or duplicated' : 'MISMATCH: see the figures above')

  await app.stop()
  const stopped = fromWorker('stopped')
  worker.postMessage('stop')
  await stopped
  await worker.terminate()
  await database.close()
  await drop()
  rmSync(dir, { recursive: true, force: true })
  process.exit(ok ? 0 : 1)
}

if (isMainThread) await main()
else await driver(workerData as { seconds: number; labelers: number; thinkMs: number })

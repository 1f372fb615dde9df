// Benchmark: 50 labelers at once through the fake Discord and the real discord.js Client.
//   npx tsx bench/discord-labelers.ts [--postgres] [--judgments N] [--labelers N]
// 100,000 pairwise items; each labeler runs /label start, then verdict → "Next task" → … until
// the judgments are spread over everyone. Prints interaction-response latency (time from
// INTERACTION_CREATE to the bot's callback, as the fake measures it), p50/p99, judgments/s,
// and checks nothing was lost or duplicated. Target: p99 < 100 ms. Also by kind (start, verdict,
// next), the time until the result is visible (a deferred click is acknowledged before it is
// shown), and the machine's load average: on a shared machine figures compare only at similar load.
// The fake Discord and the simulated labelers run in a child process (as Discord is another
// machine), so their own work does not delay the bot being measured.
//   --think-ms N   reading time per task (default 1000); 0 floods the bot (a throughput test)
import { fork, type ChildProcess } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { APIMessage } from 'discord.js'
import { FakeDiscord, type FakeInteraction } from '../test/fakes/fake-discord'
import { freshDatabase } from '../test/support/databases'
import { countRows } from '../test/support/tables'
import { createStore } from '../src/store/store'
import { createProject } from '../src/core/projects'
import { loadConfig } from '../src/config'
import { createLogger } from '../src/logger'
import { createDiscordBot } from '../src/adapters/discord/discord-bot'
import { registerCommands } from '../src/adapters/discord/commands'
import type { CoreContext } from '../src/core/context'
import type { NewItem } from '../src/store/item-repository'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const provider = process.argv.includes('--postgres') ? 'postgresql' : 'sqlite'
const ITEMS = 100_000
const LABELERS = arg('--labelers', 50)
const JUDGMENTS = arg('--judgments', 10_000)
// Reading time before each verdict (a random 0.5–1.5× of it). Real labelers read for tens of
// seconds; 0 turns the labelers into a flood that only measures the database's throughput.
const THINK_MS = arg('--think-ms', 1_000)
const think = () => new Promise((resolve) => setTimeout(resolve, THINK_MS * (0.5 + Math.random())))
const APP = '1100000000000000001'
const GUILD = '900000000000000001'
const CHANNEL = '900000000000000010'


interface Report {
  interactions: number
  judgmentsClicked: number
  latencies: number[]
  /** The same latencies by kind of interaction (/label start, verdict, next), to see which one makes the tail. */
  byKind: Record<string, number[]>
  /** From the click until its result is on screen (the task turned into "Recorded", the next task shown). */
  visibleByKind: Record<string, number[]>
  refused: number
  mentionViolations: number
}

if (process.argv.includes('--discord-side')) await discordSide()
else await botSide()

/** The child: the fake Discord and the labelers. */
async function discordSide(): Promise<void> {
  const send = (message: unknown) => process.send!(message)
  const users = Array.from({ length: LABELERS }, (_, i) => ({ id: String(210000000000000000n + BigInt(i)), username: `labeler${i}` }))
  const fake = await FakeDiscord.start({
    applicationId: APP,
    users,
    guilds: [{ id: GUILD, name: 'Bench', channels: [{ id: CHANNEL, name: 'labeling' }], members: users.map((user) => ({ user })) }],
    heartbeatIntervalMs: 5_000,
  })
  // Discord keeps connections open far longer than Node's 5 s default; a long run otherwise
  // measures keep-alive races of the fake's HTTP server rather than the bot.
  ;(fake as unknown as { server: { keepAliveTimeout: number } }).server.keepAliveTimeout = 120_000
  await registerCommands({ token: 't', applicationId: APP, apiUrl: fake.apiUrl, guildId: GUILD })
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()))
  send({ type: 'ready', apiUrl: fake.apiUrl })
  await go

  const latencies: number[] = []
  const byKind: Record<string, number[]> = {}
  const visibleByKind: Record<string, number[]> = {}
  const visible = (kind: string, since: number) => (visibleByKind[kind] ??= []).push(Math.round(performance.now() - since))
  let interactions = 0
  let judgmentsClicked = 0
  const sendInteraction = async (interaction: FakeInteraction) => {
    interactions++
    const ack = await fake.sendInteraction(interaction).catch((error: unknown) => {
      const kind = interaction.type === 2 ? `/${String(interaction.data.name)}` : String(interaction.data.custom_id)
      throw new Error(`${kind}: ${String(error)}`)
    })
    latencies.push(ack.latencyMs)
    const kind = interaction.type === 2 ? 'start' : /"a":"next"/.test(String(interaction.data.custom_id)) ? 'next' : 'verdict'
    ;(byKind[kind] ??= []).push(ack.latencyMs)
    return ack
  }
  /** The newest message an interaction produced that carries a button with this label. */
  const messageWith = (interactionId: string, label: string): Promise<APIMessage> =>
    fake.waitFor(
      () => {
        for (const response of fake.interactionResponses(interactionId).reverse()) {
          const message = response.messageId ? fake.message(response.messageId) : undefined
          if (message && JSON.stringify(message.components ?? []).includes(`"label":"${label}"`)) return message
        }
        return undefined
      },
      { timeoutMs: 30_000, description: `"${label}" after ${interactionId}` },
    )
  const idOf = (message: APIMessage, label: string): string => {
    for (const row of (message.components ?? []) as { components: { label?: string; custom_id?: string }[] }[]) {
      for (const c of row.components) if (c.label === label && c.custom_id) return c.custom_id
    }
    throw new Error(`no "${label}" on message ${message.id}`)
  }
  // "Both bad" opens a form (which is less bad, a rewrite) instead of recording at once, so the
  // loop below would wait for a "Next task" that never comes; the Slack benchmark leaves it out too.
  const VERDICTS = ['A is better', 'B is better', 'Tie']
  const labeler = async (user: { id: string }, quota: number): Promise<void> => {
    // People do not all start in the same millisecond.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2_000))
    const start = fake.slashCommand({ name: 'label start', user, options: { project: 'bench' } })
    let since = performance.now()
    await sendInteraction(start)
    let task = await messageWith(start.id, 'Skip')
    visible('start', since)
    for (let n = 0; n < quota; n++) {
      if (THINK_MS > 0) await think()
      const verdict = fake.buttonClick({ user, message: task.id, customId: idOf(task, VERDICTS[n % VERDICTS.length]!) })
      since = performance.now()
      await sendInteraction(verdict)
      const recorded = await fake.waitFor(() => {
        const m = fake.message(task.id)
        return m && JSON.stringify(m.components ?? []).includes('"label":"Next task"') ? m : undefined
      }, { timeoutMs: 30_000 })
      visible('verdict', since)
      judgmentsClicked++
      if (n + 1 === quota) break
      const next = fake.buttonClick({ user, message: recorded.id, customId: idOf(recorded, 'Next task') })
      since = performance.now()
      await sendInteraction(next)
      task = await messageWith(next.id, 'Skip')
      visible('next', since)
    }
  }
  const quota = Math.ceil(JUDGMENTS / LABELERS)
  await Promise.all(users.map((user) => labeler(user, quota)))
  const report: Report = {
    interactions,
    judgmentsClicked,
    latencies,
    byKind,
    visibleByKind,
    refused: fake.requests.filter((r) => r.status >= 400).length,
    mentionViolations: fake.mentionViolations.length,
  }
  const stop = new Promise<void>((resolve) => process.once('message', () => resolve()))
  send({ type: 'done', report })
  await stop
  await fake.stop()
  process.exit(0)
}

/** The parent: the database and the bot under test. */
async function botSide(): Promise<void> {
  const { db, cleanup } = await freshDatabase(provider)
  const ctx: CoreContext = { store: createStore(db), now: () => new Date(), random: Math.random, settings: { assignmentTtlMinutes: 30, admins: [] } }
  const project = await createProject(ctx, { name: 'bench', settings: { goldRate: 0, rationalePolicy: 'never', redundancy: 1 } })
  const seedStart = performance.now()
  for (let start = 0; start < ITEMS; start += 1_000) {
    const batch: NewItem[] = Array.from({ length: Math.min(1_000, ITEMS - start) }, (_, k) => ({
      externalId: `item-${start + k}`,
      type: 'pairwise',
      messages: [{ role: 'user', content: `Question ${start + k}: which answer explains it better?` }],
      responses: [
        { id: 'a', model: 'm1', text: `An answer to ${start + k}, careful and correct.` },
        { id: 'b', model: 'm2', text: `Another answer to ${start + k}, shorter.` },
      ],
      target: 1,
    }))
    await ctx.store.items.insertMany(project.id, batch)
  }
  // As `arbiter import` does: the planner learns about the new items (PostgreSQL's ANALYZE).
  await ctx.store.items.refreshStatistics()
  process.stdout.write(`${provider}: ${ITEMS.toLocaleString('en-US')} items seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`)

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--discord-side'], { execArgv: ['--import', 'tsx'] })
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T))
    child.once('exit', (code) => reject(new Error(`the Discord side exited (${code})`)))
  })
  const { apiUrl } = await next<{ apiUrl: string }>()
  const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: apiUrl, LOG_LEVEL: 'silent' })
  const bot = createDiscordBot({ config, ctx, logger: createLogger(process.env.BENCH_LOG ?? 'silent') })
  await bot.start('t')
  const started = performance.now()
  const loadStart = loadavg()[0]!
  const done = next<{ report: Report }>()
  child.send('go')
  const { report: r } = await done
  await bot.idle()
  const seconds = (performance.now() - started) / 1000

  const [judgments, perItem, unprocessed, inbound] = await Promise.all([
    countRows(db, 'Judgment'),
    db.db
      .selectFrom('Judgment')
      .select(['itemId', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('itemId')
      .execute(),
    countRows(db, 'InboundEvent', { processedAt: null }),
    countRows(db, 'InboundEvent'),
  ])
  const distinctItems = perItem.length
  // count(*) comes back as a string on PostgreSQL.
  const maxPerItem = Math.max(0, ...perItem.map((g) => Number(g.n)))
  const latencies = [...r.latencies].sort((a, b) => a - b)
  const pctOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
  const pct = (p: number) => pctOf(latencies, p)
  const summary = (lists: Record<string, number[]>) =>
    Object.fromEntries(
      Object.entries(lists).map(([kind, list]) => {
        const sorted = [...list].sort((a, b) => a - b)
        return [kind, { n: sorted.length, p50: pctOf(sorted, 50), p99: pctOf(sorted, 99) }]
      }),
    )
  const report = {
    provider,
    labelers: LABELERS,
    thinkMs: THINK_MS,
    items: ITEMS,
    interactions: r.interactions,
    judgments,
    seconds: Number(seconds.toFixed(1)),
    judgmentsPerSecond: Number((judgments / seconds).toFixed(1)),
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? 0 },
    latencyByKindMs: summary(r.byKind),
    visibleByKindMs: summary(r.visibleByKind),
    /** The shared machine's 1-minute load average at the start and the end (figures are only comparable at similar load). */
    loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)), cpus: cpus().length },
    checks: {
      judgmentsEqualClicks: judgments === r.judgmentsClicked,
      noItemJudgedTwice: maxPerItem <= 1 && distinctItems === judgments,
      everyInteractionInInboxOnce: inbound === r.interactions,
      inboxAllProcessed: unprocessed === 0,
      discordRefusals: r.refused,
      mentionViolations: r.mentionViolations,
    },
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  // Client first: its close handshake needs the server.
  await bot.stop()
  child.send('stop')
  await new Promise((resolve) => child.once('exit', resolve))
  await cleanup()
  const c = report.checks
  process.exit(c.judgmentsEqualClicks && c.noItemJudgedTwice && c.everyInteractionInInboxOnce && c.inboxAllProcessed && c.discordRefusals === 0 ? 0 : 1)
}

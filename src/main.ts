// Composition root: parse configuration once, open (and migrate) the database, build the core,
// start whichever chat adapters are configured, the jobs, and the health / metrics endpoints.
// Nothing below reads process.env.
import { loadConfig, type Config } from './config'
import type { AppDeps, RunningAdapter } from './app-deps'
import { openDatabase, type Database } from './store/database'
import { createStore } from './store/store'
import { OpsReader } from './store/ops-reader'
import type { CoreContext } from './core/context'
import { createLogger, type Logger } from './logger'
import { LATE, within } from './time-limit'
import type { Metrics } from './ops/metrics'
import { Health } from './ops/health-server'
import { createPrometheusMetrics } from './ops/prometheus-metrics'

// A backstop for a stop step that hangs. Being killed sooner (Docker sends SIGKILL after 10 s)
// loses nothing either: acknowledged work is in the inbox and is replayed at the next start.
const STOP_DEADLINE_MS = 20_000

/** A running Arbiter process: what main() starts, and what the tests start in-process. */
export interface Arbiter {
  adapters: RunningAdapter[]
  /** The port serving /healthz, /readyz and /metrics (SLACK_PORT in Slack HTTP mode). */
  healthPort: number | undefined
  /** Readiness goes 503 first, then jobs, adapters and the database stop; every step is bounded. */
  stop(): Promise<void>
}

const SETUP_HELP = `Arbiter needs chat credentials to run:
  Slack:   SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)
  Discord: DISCORD_TOKEN and DISCORD_APPLICATION_ID
See README.md, "Setting up Slack" and "Setting up Discord". The command line (npx arbiter --help) works without them.`

/**
 * Starts everything the configuration asks for. `onStopping` runs as soon as a stop begins
 * (main() arms its deadline there); a stop requested while starting is a clean stop too.
 */
export function createArbiter(config: Config, logger: Logger): Arbiter & { start(): Promise<void> } {
  const wantsSlack = Boolean(config.SLACK_BOT_TOKEN)
  const wantsDiscord = Boolean(config.DISCORD_TOKEN)
  const slackHttp = wantsSlack && !config.SLACK_APP_TOKEN
  const running: RunningAdapter[] = []
  let database: Database | null = null
  let jobs: { stop(): Promise<void> } | null = null
  let healthServer: { port: number; close(): Promise<void> } | null = null
  let stopping: Promise<void> | null = null
  const prometheus = createPrometheusMetrics({ inboxBacklog: () => (database ? new OpsReader(database).inboxBacklog() : Promise.resolve(0)) })
  const health = new Health(prometheus)
  health.add({ name: 'database', check: async () => (database ? (await new OpsReader(database).ping(), null) : 'not open yet') })
  for (const platform of [...(wantsSlack ? ['slack'] : []), ...(wantsDiscord ? ['discord'] : [])]) {
    health.add({
      name: platform,
      check: () => {
        const adapter = running.find((r) => r.name === platform)
        if (!adapter) return 'not started yet'
        if (adapter.connected()) return null
        return platform === 'slack' ? (slackHttp ? 'not listening' : 'socket not connected') : 'gateway not ready'
      },
    })
  }

  const arbiter = {
    adapters: running,
    healthPort: undefined as number | undefined,
    async start() {
      // In Slack HTTP mode Slack already reaches Bolt's port: the probes live there too.
      if (!slackHttp) {
        healthServer = await health.listen(config.HEALTH_PORT)
        arbiter.healthPort = healthServer.port
      }
      database = await openDatabase(config.DATABASE_URL, { log: (message) => logger.info(message) })
      const ctx: CoreContext = {
        store: createStore(database),
        now: () => new Date(),
        random: Math.random,
        settings: { assignmentTtlMinutes: config.ASSIGNMENT_TTL_MINUTES, admins: config.ARBITER_ADMINS, amendWindowMinutes: config.AMEND_WINDOW_MINUTES },
        observer: prometheus.metrics,
      }
      const deps: AppDeps = { config, ctx, logger, metrics: prometheus.metrics }
      if (wantsSlack && !stopping) {
        const slack = await (await import('./adapters/slack/slack-app')).startSlack(deps, slackHttp ? { customRoutes: health.routes() } : {})
        running.push(slack)
        if (slackHttp) arbiter.healthPort = slack.port
      }
      if (wantsDiscord && !stopping) running.push(await (await import('./adapters/discord/discord-bot')).startDiscord(deps))
      if (stopping) return
      // Scheduled jobs run in every instance; a lease per job in the database makes each run happen once.
      const { portsFromConfig } = await import('./adapters/chat-ports')
      const { JobRunner } = await import('./jobs/runner')
      const { jobSettings } = await import('./jobs/job-env')
      const runner = new JobRunner({ ctx, ports: await portsFromConfig(config, prometheus.metrics), log: logger.child({ part: 'jobs' }), settings: jobSettings(config), metrics: prometheus.metrics })
      if (stopping) return
      runner.start()
      jobs = runner
      logger.info({ adapters: running.map((r) => r.name), database: database.provider, healthPort: arbiter.healthPort }, 'arbiter started')
    },
    stop() {
      stopping ??= (async () => {
        // Readiness first: an orchestrator stops sending work before anything closes.
        health.drain()
        if ((await within(jobs?.stop() ?? Promise.resolve(), 10_000)) === LATE) logger.warn('stopping while a job is still running; its lease will lapse')
        for (const adapter of running) await adapter.stop().catch((error: unknown) => logger.error({ err: error }, `${adapter.name}: stop failed`))
        await database?.close()
        await healthServer?.close()
      })()
      return stopping
    },
  }
  return arbiter
}

export async function main(env: Record<string, string | undefined> = process.env): Promise<Arbiter | null> {
  const config = loadConfig(env)
  const logger = createLogger(config.LOG_LEVEL)
  if (!config.SLACK_BOT_TOKEN && !config.DISCORD_TOKEN) {
    process.stderr.write(`${SETUP_HELP}\n`)
    process.exitCode = 1
    return null
  }
  const arbiter = createArbiter(config, logger)
  // Handlers first: a stop requested while adapters are still starting is a clean stop too.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping')
    // Each step is bounded, and so is the whole: a process manager waits for the exit.
    const deadline = setTimeout(() => {
      logger.error(`stop took more than ${STOP_DEADLINE_MS / 1000} s; exiting anyway`)
      process.exit(1)
    }, STOP_DEADLINE_MS)
    deadline.unref()
    await arbiter.stop()
    logger.info('stopped')
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  await arbiter.start()
  return arbiter
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`arbiter: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}

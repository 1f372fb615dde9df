// Composition root: parse configuration once, open (and migrate) the database, build the core,
// start whichever chat adapters are configured. Nothing below reads process.env.
import { loadConfig } from './config'
import type { AppDeps, RunningAdapter } from './app-deps'
import { openDatabase } from './store/database'
import { createStore } from './store/store'
import type { CoreContext } from './core/context'
import { createLogger } from './logger'
import { LATE, within } from './time-limit'

// A backstop for a stop step that hangs. Being killed sooner (Docker sends SIGKILL after 10 s)
// loses nothing either: acknowledged work is in the inbox and is replayed at the next start.
const STOP_DEADLINE_MS = 20_000

const SETUP_HELP = `Arbiter needs chat credentials to run:
  Slack:   SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)
  Discord: DISCORD_TOKEN and DISCORD_APPLICATION_ID
See README.md, "Setting up Slack" and "Setting up Discord". The command line (npx arbiter --help) works without them.`

export async function main(env: Record<string, string | undefined> = process.env): Promise<RunningAdapter[]> {
  const config = loadConfig(env)
  const logger = createLogger(config.LOG_LEVEL)
  const wantsSlack = Boolean(config.SLACK_BOT_TOKEN)
  const wantsDiscord = Boolean(config.DISCORD_TOKEN)
  if (!wantsSlack && !wantsDiscord) {
    process.stderr.write(`${SETUP_HELP}\n`)
    process.exitCode = 1
    return []
  }
  const database = await openDatabase(config.DATABASE_URL, { log: (message) => logger.info(message) })
  const ctx: CoreContext = {
    store: createStore(database),
    now: () => new Date(),
    random: Math.random,
    settings: { assignmentTtlMinutes: config.ASSIGNMENT_TTL_MINUTES, admins: config.ARBITER_ADMINS, amendWindowMinutes: config.AMEND_WINDOW_MINUTES },
  }
  const deps: AppDeps = { config, ctx, logger }
  const running: RunningAdapter[] = []
  let jobs: { stop(): Promise<void> } | null = null
  // Handlers first: a stop requested while adapters are still starting is a clean stop too.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping')
    // Each step is bounded, and so is the whole: a process manager waits for the exit.
    let step = 'jobs'
    const deadline = setTimeout(() => {
      logger.error({ step }, `stop took more than ${STOP_DEADLINE_MS / 1000} s; exiting anyway`)
      process.exit(1)
    }, STOP_DEADLINE_MS)
    deadline.unref()
    if ((await within(jobs?.stop() ?? Promise.resolve(), 10_000)) === LATE) logger.warn('stopping while a job is still running; its lease will lapse')
    for (const adapter of running) {
      step = adapter.name
      await adapter.stop().catch((error: unknown) => logger.error({ err: error }, `${adapter.name}: stop failed`))
    }
    step = 'database'
    await database.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  if (wantsSlack) running.push(await (await import('./adapters/slack/slack-app')).startSlack(deps))
  if (wantsDiscord) running.push(await (await import('./adapters/discord/discord-bot')).startDiscord(deps))
  // Scheduled jobs run in every instance; a lease per job in the database makes each run happen once.
  const { portsFromConfig } = await import('./adapters/chat-ports')
  const { JobRunner } = await import('./jobs/runner')
  const { jobSettings } = await import('./jobs/job-env')
  const runner = new JobRunner({ ctx, ports: await portsFromConfig(config), log: logger.child({ part: 'jobs' }), settings: jobSettings(config) })
  runner.start()
  jobs = runner
  logger.info({ adapters: running.map((r) => r.name), database: database.provider }, 'arbiter started')
  return running
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`arbiter: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}

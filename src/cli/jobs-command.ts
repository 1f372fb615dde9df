// `arbiter jobs list` and `arbiter jobs run NAME`, against the running bot's database and
// platforms (the platforms are reached through their Web API / REST clients only).
import pino from 'pino'
import { withCore } from './context'
import { JOBS, jobNamed } from '../jobs/definitions'
import { JobRunner } from '../jobs/runner'
import { nextRun } from '../jobs/schedule'
import { jobSettings, type JobEnv } from '../jobs/job-env'
import { table } from './report-command'
import type { Config } from '../config'
import type { CoreContext } from '../core/context'

async function jobEnv(ctx: CoreContext, config: Config): Promise<JobEnv> {
  const { portsFromConfig } = await import('../adapters/chat-ports')
  return { ctx, ports: await portsFromConfig(config), log: pino({ level: config.LOG_LEVEL }, pino.destination(2)), settings: jobSettings(config) }
}

export async function jobsList(): Promise<number> {
  return withCore(async (ctx, config) => {
    const env: JobEnv = { ctx, ports: new (await import('../interactions/chat-port')).ChatPorts(), log: pino({ level: 'silent' }), settings: jobSettings(config) }
    const states = new Map((await ctx.store.jobs.all()).map((s) => [s.name, s]))
    const now = ctx.now()
    const rows: string[][] = []
    for (const job of JOBS) {
      const scopes = await job.scopes(env)
      if (scopes.length === 0) rows.push([job.name, job.scheduleInWords, '–', 'never', '', job.description])
      for (const scope of scopes) {
        const state = states.get(scope.key)
        const last = state?.lastRunAt ? `${state.lastRunAt.toISOString().slice(0, 16)}Z ${state.lastOutcome}` : 'never'
        const schedule = job.schedule === null ? `${scope.cron} (${scope.timeZone})` : `${scope.cron} — ${env.settings.schedules[job.name] ? 'overridden' : job.scheduleInWords}`
        rows.push([scope.key, schedule, `${nextRun(scope.cron, scope.timeZone, now).toISOString().slice(0, 16)}Z`, last, (state?.lastMessage ?? '').slice(0, 60), job.description])
      }
    }
    process.stdout.write(table(['job', 'schedule', 'next run', 'last run', 'last result', 'what it does'], rows))
    return 0
  })
}

export async function jobsRun(name: string): Promise<number> {
  if (!jobNamed(name)) {
    process.stderr.write(`arbiter: no job named ${name}. Jobs: ${JOBS.map((j) => j.name).join(', ')}\n`)
    return 2
  }
  return withCore(async (ctx, config) => {
    const env = await jobEnv(ctx, config)
    if (env.ports.all().length === 0) process.stderr.write('No chat platform is configured (SLACK_BOT_TOKEN / DISCORD_TOKEN): the job runs, but has nowhere to post.\n')
    const record = await new JobRunner(env).runNow(name, ctx.now())
    process.stdout.write(`${name}: ${record.outcome} — ${record.message}\n`)
    return record.outcome === 'failed' ? 1 : 0
  })
}

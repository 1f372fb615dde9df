// Every scheduled job: a name, a schedule with its meaning in words, and a handler that calls
// the core. Schedules may be overridden with JOB_SCHEDULES; times are in JOB_TIMEZONE, except a
// project's calibration schedule, which has its own time zone.
import type { ProjectDto } from '../store/project-repository'
import { postCalibrationThreads } from './calibration-threads'
import { remindCalibrationThreads } from './calibration-reminders'
import { claimReminders } from './claim-reminders'
import { driftCheck } from './drift-check'
import type { JobEnv } from './job-env'
import { leadDigest } from './lead-digest'
import { rubricRefresher } from './rubric-refresher'
import { deliverLeadNotices } from './lead-notices'
import { activeProjects } from '../core/projects'

/** One schedulable unit: a job, or a job for one project. */
export interface JobScope {
  /** The lease and bookkeeping key. */
  key: string
  cron: string
  timeZone: string
  project?: ProjectDto
}

export interface JobDefinition {
  name: string
  description: string
  /** Default schedule (null: each project sets its own) and its meaning. */
  schedule: string | null
  scheduleInWords: string
  scopes(env: JobEnv): Promise<JobScope[]>
  run(env: JobEnv, scope: JobScope | null, scheduledFor: Date | null): Promise<string>
}

function globalJob(name: string, description: string, schedule: string, scheduleInWords: string, run: (env: JobEnv, scheduledFor: Date | null) => Promise<string>): JobDefinition {
  return {
    name,
    description,
    schedule,
    scheduleInWords,
    scopes: async (env) => [{ key: name, cron: env.settings.schedules[name] ?? schedule, timeZone: env.settings.timeZone }],
    run: (env, _scope, scheduledFor) => run(env, scheduledFor),
  }
}

export const JOBS: JobDefinition[] = [
  {
    name: 'calibration-threads',
    description: 'post the top disputed items of each project into its calibration channel',
    schedule: null,
    scheduleInWords: "each project's own (arbiter project set NAME --calibration-cron '0 10 * * 1-5' --calibration-timezone Europe/Paris)",
    scopes: async (env) =>
      (await env.ctx.store.projects.list())
        .filter((p) => p.active && p.calibrationCron)
        .map((p) => ({ key: `calibration-threads:${p.name}`, cron: p.calibrationCron!, timeZone: p.calibrationTimezone ?? env.settings.timeZone, project: p })),
    run: async (env, scope) => {
      const projects = scope?.project ? [scope.project] : await activeProjects(env.ctx)
      const results: string[] = []
      for (const project of projects) results.push(await postCalibrationThreads(env, project))
      return results.join('; ') || 'no active project'
    },
  },
  globalJob('calibration-reminders', 'remind unresolved calibration threads, escalate to leads, notice deleted threads', '*/15 * * * *', 'every 15 minutes', (env) => remindCalibrationThreads(env)),
  globalJob('drift-check', "ping labelers whose agreement drifted, and tell the leads", '0 * * * *', 'hourly, on the hour', (env) => driftCheck(env)),
  globalJob('lead-digest', 'daily digest to the lead channel, with a chart', '0 9 * * *', 'daily at 09:00', (env, at) => leadDigest(env, at)),
  globalJob('claim-reminders', 'remind labelers of tasks about to expire; tell them when one expired', '* * * * *', 'every minute', (env) => claimReminders(env)),
  globalJob('lead-notices', 'post flags (and other lead notices) that no interaction posted, in the lead channel', '* * * * *', 'every minute', (env) => deliverLeadNotices(env)),
  globalJob('rubric-refresher', 'send active labelers a rubric refresher with a settled example', '0 10 * * 1', 'Mondays at 10:00', (env, at) => rubricRefresher(env, at)),
]

/** The job with this name, or null. */
export function jobNamed(name: string): JobDefinition | null {
  return JOBS.find((job) => job.name === name) ?? null
}

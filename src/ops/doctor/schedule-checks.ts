// Doctor: every job schedule parses (JOB_SCHEDULES overrides and each project's calibration
// schedule), with each job's next run in its time zone.
import type { Config } from '../../config'
import { JOBS } from '../../jobs/definitions'
import { parseScheduleOverrides } from '../../jobs/job-env'
import { nextRun, scheduleProblem } from '../../jobs/schedule'
import type { ProjectDto } from '../../store/project-repository'
import type { Section } from './checklist'

export function checkSchedules(section: Section, config: Config, projects: ProjectDto[] | null, now: Date): void {
  const overrides = parseScheduleOverrides(config.JOB_SCHEDULES)
  for (const name of Object.keys(overrides)) {
    if (!JOBS.some((job) => job.name === name)) section.fail(`JOB_SCHEDULES names no job "${name}"`, `use one of ${JOBS.filter((j) => j.schedule).map((j) => j.name).join(', ')} (README, "Configuration")`)
  }
  const zone = config.JOB_TIMEZONE
  for (const job of JOBS) {
    if (job.schedule === null) {
      if (projects === null) section.skip(`${job.name}: each project's own schedule; not checked, the database did not answer or needs migrating`)
      const scheduled = (projects ?? []).filter((p) => p.active && p.calibrationCron)
      if (projects !== null && scheduled.length === 0) section.skip(`${job.name}: no active project has a calibration schedule (arbiter project set NAME --calibration-cron '0 10 * * 1-5')`)
      for (const project of scheduled) {
        report(section, `${job.name} for ${project.name}`, project.calibrationCron!, project.calibrationTimezone ?? zone, now, `arbiter project set ${project.name} --calibration-cron '0 10 * * 1-5' --calibration-timezone Europe/Paris`)
      }
      continue
    }
    const overridden = overrides[job.name]
    report(section, overridden ? job.name : `${job.name} (${job.scheduleInWords})`, overridden ?? job.schedule, zone, now, 'correct JOB_SCHEDULES / JOB_TIMEZONE (README, "Configuration")')
  }
}

function report(section: Section, what: string, cron: string, timeZone: string, now: Date, fix: string): void {
  const problem = scheduleProblem(cron, timeZone)
  if (problem) return section.fail(`${what}: ${problem}`, fix)
  const next = nextRun(cron, timeZone, now)
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(next)
  section.ok(`${what}: "${cron}", next run ${local} ${timeZone}`)
}

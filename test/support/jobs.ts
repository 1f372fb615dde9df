// Job fixtures: settings as configured by default, and a job scheduled every minute.
import type { JobDefinition } from '../../src/jobs/definitions'
import type { JobSettings } from '../../src/jobs/job-env'

export const JOB_SETTINGS: JobSettings = { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 }

/** A job due every minute that runs `run`. */
export function everyMinute(name: string, run: () => Promise<string>): JobDefinition {
  return { name, description: name, schedule: '* * * * *', scheduleInWords: 'every minute', scopes: async () => [{ key: name, cron: '* * * * *', timeZone: 'UTC' }], run }
}

// What every job handler receives.
import type { CoreContext } from '../core/context'
import type { ChatPorts } from '../interactions/chat-port'
import type { Logger } from '../logger'

/** Job settings, from configuration. */
export interface JobSettings {
  timeZone: string
  /** Schedule overrides by job name. */
  schedules: Record<string, string>
  calibrationItemsPerRun: number
  calibrationRemindHours: number
  calibrationEscalateHours: number
  driftCooldownHours: number
  claimReminderMinutes: number
  activeLabelerDays: number
}

export interface JobEnv {
  ctx: CoreContext
  ports: ChatPorts
  settings: JobSettings
  log: Logger
}

/** Parses JOB_SCHEDULES ("name=cron;name=cron"). */
export function parseScheduleOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {}
  for (const part of text.split(';')) {
    const at = part.indexOf('=')
    if (at > 0) overrides[part.slice(0, at).trim()] = part.slice(at + 1).trim()
  }
  return overrides
}

// What every job handler receives.
import type { CoreContext } from '../core/context'
import type { ChatPort, ChatPorts } from '../interactions/chat-port'
import type { Card } from '../views/card'
import type { Logger } from '../logger'
import type { Config } from '../config'
import type { Metrics } from '../ops/metrics'

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
  /** Job runs and lease takeovers are counted here when the process reports metrics. */
  metrics?: Metrics
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

/** Job settings from configuration (the bot and `arbiter jobs` share them). */
export function jobSettings(config: Config): JobSettings {
  return {
    timeZone: config.JOB_TIMEZONE,
    schedules: parseScheduleOverrides(config.JOB_SCHEDULES),
    calibrationItemsPerRun: config.CALIBRATION_ITEMS_PER_RUN,
    calibrationRemindHours: config.CALIBRATION_REMIND_HOURS,
    calibrationEscalateHours: config.CALIBRATION_ESCALATE_HOURS,
    driftCooldownHours: config.DRIFT_COOLDOWN_HOURS,
    claimReminderMinutes: config.CLAIM_REMINDER_MINUTES,
    activeLabelerDays: config.ACTIVE_LABELER_DAYS,
  }
}

/** A private message that must not stop a job's other recipients when it fails (closed DMs…). */
export async function sendQuietly(env: JobEnv, port: ChatPort, userId: string, card: Card): Promise<boolean> {
  try {
    await port.sendDirect(userId, card)
    return true
  } catch (error) {
    env.log.warn({ err: error, userId, platform: port.platform }, 'private message could not be delivered')
    return false
  }
}

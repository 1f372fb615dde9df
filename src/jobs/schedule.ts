// When a job runs: pure functions of (cron expression, time zone, now), so they are tested
// across daylight-saving changes without waiting, and every instance computes the same answer.
import { CronExpressionParser } from 'cron-parser'

/** The most recent scheduled moment at or before `now`. */
export function previousRun(cron: string, timeZone: string, now: Date): Date {
  // Seek from just after now so a run scheduled exactly at `now` counts as due now.
  return CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1), tz: timeZone }).prev().toDate()
}

/** The next scheduled moment strictly after `now`. */
export function nextRun(cron: string, timeZone: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: timeZone }).next().toDate()
}

/** Why a cron expression or time zone is not usable, or null. */
export function scheduleProblem(cron: string, timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    return `unknown time zone "${timeZone}"`
  }
  try {
    CronExpressionParser.parse(cron, { tz: timeZone }).next()
    return null
  } catch (error) {
    return `invalid cron expression "${cron}": ${(error as Error).message}`
  }
}

/**
 * The scheduled moment a run now should serve, or null when nothing is due: the latest
 * scheduled moment after the last one served. Several missed moments (the bot was down) give
 * one run, for the latest.
 */
export function dueRun(cron: string, timeZone: string, now: Date, lastServed: Date | null): Date | null {
  const latest = previousRun(cron, timeZone, now)
  return lastServed === null || latest.getTime() > lastServed.getTime() ? latest : null
}

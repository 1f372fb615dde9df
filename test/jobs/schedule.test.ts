// "When is the next run" across daylight-saving changes, with no waiting.
import { describe, expect, it } from 'vitest'
import { dueRun, nextRun, previousRun, scheduleProblem } from '../../src/jobs/schedule'

const at = (iso: string) => new Date(iso)

describe('job schedules', () => {
  it('weekdays at 10:00 Paris: 09:00 UTC in winter, 08:00 UTC in summer', () => {
    expect(nextRun('0 10 * * 1-5', 'Europe/Paris', at('2026-03-27T12:00:00Z')).toISOString()).toBe('2026-03-30T08:00:00.000Z') // Friday → Monday, after the spring change
    expect(previousRun('0 10 * * 1-5', 'Europe/Paris', at('2026-03-30T07:59:00Z')).toISOString()).toBe('2026-03-27T09:00:00.000Z')
    expect(nextRun('0 10 * * 1-5', 'Europe/Paris', at('2026-10-23T12:00:00Z')).toISOString()).toBe('2026-10-26T09:00:00.000Z') // back to winter time
  })

  it('a time skipped by the spring change runs once, and a repeated hour in autumn runs once', () => {
    const spring = nextRun('30 2 * * *', 'Europe/Paris', at('2026-03-28T12:00:00Z'))
    expect(spring.toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(nextRun('30 2 * * *', 'Europe/Paris', spring).toISOString()).toBe('2026-03-30T00:30:00.000Z')
    const autumn = nextRun('30 2 * * *', 'Europe/Paris', at('2026-10-24T12:00:00Z'))
    const after = nextRun('30 2 * * *', 'Europe/Paris', autumn)
    expect(after.getTime() - autumn.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000) // not twice in the doubled hour
  })

  it('a run due exactly now is due; several missed runs give one run for the latest', () => {
    expect(dueRun('0 * * * *', 'UTC', at('2026-11-02T10:00:00Z'), at('2026-11-02T09:00:00Z'))?.toISOString()).toBe('2026-11-02T10:00:00.000Z')
    expect(dueRun('0 * * * *', 'UTC', at('2026-11-02T10:30:00Z'), at('2026-11-02T10:00:00Z'))).toBeNull()
    expect(dueRun('0 * * * *', 'UTC', at('2026-11-02T15:10:00Z'), at('2026-11-02T10:00:00Z'))?.toISOString()).toBe('2026-11-02T15:00:00.000Z')
  })

  it('names a bad expression or time zone', () => {
    expect(scheduleProblem('0 10 * * 1-5', 'Mars/Olympus')).toMatch(/unknown time zone/)
    expect(scheduleProblem('every day', 'UTC')).toMatch(/invalid cron expression/)
    expect(scheduleProblem('0 10 * * 1-5', 'UTC')).toBeNull()
  })
})

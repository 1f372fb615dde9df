// Stopping the bot while a job runs: the stop waits for the job in progress to finish (so its
// lease and outcome are written, not left to lapse) and starts no further job.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import { JOB_SETTINGS, everyMinute } from '../support/jobs'

describe.each(PROVIDERS)('stopping the job runner on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  it('waits for the job in progress, records its outcome, and starts no other', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const slowStarted = new Promise<void>((resolve) => (started = resolve))
    const ran: string[] = []
    const jobs = [
      everyMinute('slow', async () => {
        ran.push('slow')
        started()
        await gate
        return 'slow done'
      }),
      everyMinute('next', async () => {
        ran.push('next')
        return 'next done'
      }),
    ]
    const runner = new JobRunner({ ctx: t.ctx, ports: new ChatPorts(), log: pino({ level: 'silent' }), settings: JOB_SETTINGS }, jobs)
    await runner.tick(new Date(Date.now() - 5 * 60_000)) // first sight, five minutes ago: a run is due now
    runner.start()
    await slowStarted

    let stopped = false
    const stopping = runner.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stopped).toBe(false)
    release()
    await stopping

    expect(ran).toEqual(['slow'])
    const states = await t.store.jobs.all()
    expect(states.find((s) => s.name === 'slow')).toMatchObject({ lastOutcome: 'ok', lastMessage: 'slow done', leaseHolder: null })
  })
})

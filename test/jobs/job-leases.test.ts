// Job leases between bot instances sharing one database: instances that start together never
// error, a running job keeps its lease however long it runs, and a crashed instance's lease
// frees within a minute — on both databases.
import { execFile, type ChildProcess } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { JOB_SETTINGS, everyMinute } from '../support/jobs'
import { openDatabase, type Database } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import { JOBS, type JobDefinition } from '../../src/jobs/definitions'
import type { CoreContext } from '../../src/core/context'
import { workerArgs } from '../support/worker-scripts'

describe.each(PROVIDERS)('job leases on %s', (provider) => {
  let t: TestCore
  const opened: Database[] = []
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()))
    await t.cleanup()
  })

  /** Another bot instance on the same database: its own connections, its own runner. */
  async function instance(jobs: JobDefinition[], options: { leaseMs?: number } = {}): Promise<JobRunner> {
    const database = await openDatabase(t.url, { migrate: false })
    opened.push(database)
    const ctx: CoreContext = { ...t.ctx, store: createStore(database), now: () => new Date() }
    return new JobRunner({ ctx, ports: new ChatPorts(), log: pino({ level: 'silent' }), settings: JOB_SETTINGS }, jobs, options)
  }

  it('four instances starting together on a fresh database all tick without an error', async () => {
    const runners = await Promise.all([1, 2, 3, 4].map(() => instance(JOBS)))
    const now = new Date()
    await Promise.all(runners.map((runner) => runner.tick(now)))
    expect((await t.store.jobs.all()).map((s) => s.name)).toEqual(JOBS.filter((job) => job.schedule !== null).map((job) => job.name).sort()) // no project: no calibration scope
    // …and a manual run of a job nobody has seen yet, from all of them at once, happens once.
    const ran: string[] = []
    const manual = everyMinute('manual', async () => (ran.push('manual'), 'done'))
    const records = await Promise.all((await Promise.all([1, 2, 3, 4].map(() => instance([manual])))).map((runner) => runner.runNow('manual', now)))
    expect(records.filter((r) => r.outcome === 'ok')).toHaveLength(ran.length)
    expect(ran.length).toBeGreaterThanOrEqual(1)
    expect(records.every((r) => r.outcome === 'ok' || r.outcome === 'skipped')).toBe(true)
  })

  it('a job running longer than its lease keeps it: the heartbeat renews it', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const running = new Promise<void>((resolve) => (started = resolve))
    const long = everyMinute('long', async () => {
      started()
      await gate
      return 'long done'
    })
    // Short, but not so short that a loaded machine's slow statement lets it lapse between beats.
    const first = await instance([long], { leaseMs: 1_200 })
    const second = await instance([everyMinute('long', async () => 'taken over')], { leaseMs: 1_200 })
    const firstRun = first.runNow('long', new Date())
    await running
    await new Promise((resolve) => setTimeout(resolve, 4_000)) // more than three lease lengths
    expect((await second.runNow('long', new Date())).outcome).toBe('skipped')
    release()
    expect((await firstRun).outcome).toBe('ok')
    expect(await t.store.jobs.get('long')).toMatchObject({ leaseHolder: null, lastMessage: 'long done' })
  }, 60_000)

  it('an instance killed while it runs a job frees the job within a minute', async () => {
    let worker!: ChildProcess
    const exited = new Promise<string | null>((resolve) => {
      worker = execFile(process.execPath, workerArgs('stuck-job-worker', t.url), { cwd: process.cwd() }, (error) => resolve(error?.signal ?? null))
    })
    await new Promise<void>((resolve) => worker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve()))
    const held = await t.store.jobs.get('stuck')
    expect(held?.leaseHolder).toMatch(/:\d+:/)
    worker.kill('SIGKILL')
    const killedAt = Date.now()
    expect(await exited).toBe('SIGKILL')

    const lease = (await t.store.jobs.get('stuck'))!
    expect(lease.leaseHolder).toBe(held!.leaseHolder) // nobody freed it: the holder died
    expect(lease.leaseUntil!.getTime() - killedAt).toBeLessThanOrEqual(60_000)
    const ran: string[] = []
    const takeover = await instance([everyMinute('stuck', async () => (ran.push('stuck'), 'done'))])
    expect((await takeover.runNow('stuck', new Date(killedAt))).outcome).toBe('skipped') // still leased right after the crash
    expect((await takeover.runNow('stuck', new Date(killedAt + 60_000))).outcome).toBe('ok') // free a minute later
    expect(ran).toEqual(['stuck'])
  }, 60_000)
})

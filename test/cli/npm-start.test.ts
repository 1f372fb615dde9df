// `npm start` as a lead runs it: without credentials it explains what to set; with Slack
// credentials it migrates a fresh database (SQLite file by default, or PostgreSQL), connects,
// serves a labeler, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FakeSlack } from '../fakes/fake-slack'
import { manifestBotScopes } from '../fakes/slack/scopes'
import { PROVIDERS, freshDatabaseUrl } from '../support/databases'
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'

function start(env: Record<string, string>, cwd = process.cwd()): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = ''
  // What `npm start` runs (package.json), in a folder of its own (where ./data/ is created), outside the package.
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/arbiter.mjs'), 'start'], { cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

describe('npm start', () => {
  it('without chat credentials, names the variables and the README sections, and exits 1', async () => {
    const run = start({ SLACK_BOT_TOKEN: '', DISCORD_TOKEN: '' })
    expect(await run.exited).toBe(1)
    expect(run.output()).toMatch(/SLACK_BOT_TOKEN plus SLACK_APP_TOKEN/)
    expect(run.output()).toMatch(/README.md, "Setting up Slack"/)
  }, 30_000)

  it.each(PROVIDERS)('with Slack credentials on %s: migrates, connects, serves /label, stops on SIGTERM', async (provider) => {
    const fake = await FakeSlack.start({ users: [{ id: 'U0ANA', name: 'ana' }], botScopes: manifestBotScopes() })
    const dir = mkdtempSync(join(tmpdir(), 'arbiter-start-'))
    // No DATABASE_URL at all means the embedded SQLite file ./data/arbiter.db (in the working folder).
    const database = provider === 'sqlite' ? { url: `file:${join(dir, 'data', 'arbiter.db')}`, drop: async () => {} } : await freshDatabaseUrl('postgresql')
    // HEALTH_PORT 0: any free port, so parallel runs never collide on the default.
    const env: Record<string, string> = { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl, DISCORD_TOKEN: '', HEALTH_PORT: '0', ...(provider === 'postgresql' ? { DATABASE_URL: database.url } : { DATABASE_URL: '' }) }
    const run = start(env, dir)
    try {
      await fake.waitForSocket(20_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- bot output ---\n${run.output()}`)
      })
      const db = await openDatabase(database.url, { migrate: false })
      const store = createStore(db)
      const project = await store.projects.create({ name: 'p', taskTypes: ['pairwise'], dimensions: ['accuracy'], goldRate: 0 })
      await store.items.insertMany(project.id, [{ externalId: 'q1', type: 'pairwise', messages: [{ role: 'user', content: 'Capital of France?' }], responses: [{ id: 'a', model: null, text: 'Paris.' }, { id: 'b', model: null, text: 'Lyon.' }], target: 3 }])
      await db.close()
      const since = fake.mark()
      await fake.sendSlashCommand({ command: '/label', text: '', user_id: 'U0ANA', channel_id: fake.dmChannelOf('U0ANA') })
      const posted = await fake.waitFor((call) => call.method === 'chat.postMessage' && call.ok, { since, timeoutMs: 10_000 })
      expect(JSON.stringify(posted.args)).toContain('Capital of France?')
      run.child.kill('SIGTERM')
      const code = await Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('still running 25 s after SIGTERM'), 25_000))])
      expect(code, run.output()).toBe(0)
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL')
      await fake.stop()
      await database.drop()
      rmSync(dir, { recursive: true, force: true })
    }
    expect(run.output()).not.toMatch(/error/i)
  }, 60_000)
})

// The command line as an ML engineer uses it: the real `arbiter` binary, as a process, on a
// fresh database of each kind (it migrates it itself) — create a project, import (with a bad
// line), export, manage roles.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runArbiter } from '../support/arbiter-cli'
import { PROVIDERS, freshDatabaseUrl } from '../support/databases'

const dir = mkdtempSync(join(tmpdir(), 'arbiter-cli-'))
let env: NodeJS.ProcessEnv = {}

const arbiter = (...args: string[]) => runArbiter(env, ...args)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each(PROVIDERS)('npx arbiter on %s', (provider) => {
  let drop: () => Promise<void>
  beforeAll(async () => {
    const database = await freshDatabaseUrl(provider)
    drop = database.drop
    env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' }
  })
  afterAll(async () => drop())

  it('creates a project, refuses a file with a bad line by number, imports, and exports training rows', async () => {
    const created = await arbiter('project', 'create', 'helpful-v1', '--types', 'pairwise', '--redundancy', '2', '--gold-rate', '0')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/Created project helpful-v1/)
    const file = join(dir, 'items.jsonl')
    writeFileSync(file, [JSON.stringify({ id: 'q1', type: 'pairwise', prompt: 'Hi?', responses: [{ text: 'Hello!' }, { text: 'Go away.' }] }), '{"id": "q2", "type": "pairwise"', ''].join('\n'))
    const refused = await arbiter('import', file, '--project', 'helpful-v1')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^line 2: not valid JSON/m)
    expect(refused.stderr).toMatch(/nothing was imported/)
    const imported = await arbiter('import', file, '--project', 'helpful-v1', '--skip-invalid')
    expect(imported.stdout).toMatch(/Imported 1 item, 1 bad line skipped/)
    const out = join(dir, 'judgments.jsonl')
    const exported = await arbiter('export', '--project', 'helpful-v1', '--format', 'judgments', '--out', out)
    expect(exported.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe('')
    const shown = await arbiter('project', 'show', 'helpful-v1')
    expect(shown.stdout).toMatch(/0 of 1 items complete/)
  }, 120_000) // each step starts the binary; on a loaded machine that takes seconds

  it('explains mistakes instead of failing silently', async () => {
    const missing = await arbiter('export', '--project', 'nope', '--format', 'preferences')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/No project is named "nope"/)
    const badFormat = await arbiter('export', '--project', 'helpful-v1', '--format', 'csv')
    expect(badFormat.code).not.toBe(0)
    expect(badFormat.stderr).toMatch(/Allowed choices are preferences, sft, kto, openai-sft, openai-dpo, judgments/)
    const role = await arbiter('labeler', 'role', 'nobody', 'lead')
    expect(role.stderr).toMatch(/No labeler matches "nobody"/)
    const help = await arbiter('import', '--help')
    expect(help.stdout).toMatch(/--skip-invalid/)
  }, 120_000) // each step starts the binary; on a loaded machine that takes seconds
})

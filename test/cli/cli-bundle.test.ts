// An installed `arbiter` runs its bundle with plain node (scripts/build-cli-bundle.mjs; about a second
// of CPU less per command than tsx), finds its schema and migrations from the bundle's folder, and
// goes back to the source through tsx as soon as a source is newer than the bundle.
// The package is copied without tsx: the bundle path must not need it, and the tsx path then fails
// for want of it, which is how the two are told apart from outside.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCliBundles } from '../../scripts/build-cli-bundle.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'arbiter-cli-bundle-'))
const copy = join(scratch, 'package')
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function arbiter(...args: string[]) {
  const child = spawnSync(process.execPath, [join(copy, 'bin/arbiter.mjs'), ...args], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: `file:${join(scratch, 'data', 'arbiter.db')}`, LOG_LEVEL: 'silent' },
  })
  return { code: child.status, stdout: child.stdout, stderr: child.stderr }
}

describe('the installed arbiter command', () => {
  const past = new Date(Date.now() - 3_600_000)

  beforeAll(async () => {
    await buildCliBundles(['cli'])
    const { inputs } = JSON.parse(readFileSync(join(root, '.arbiter-build/cli.inputs.json'), 'utf8')) as { inputs: string[] }
    for (const file of [...inputs, 'bin/arbiter.mjs', 'scripts/cli-bundles.mjs', 'package.json']) {
      mkdirSync(dirname(join(copy, file)), { recursive: true })
      cpSync(join(root, file), join(copy, file))
      if (file.startsWith('src/')) utimesSync(join(copy, file), past, past)
    }
    for (const folder of ['prisma', '.arbiter-build']) cpSync(join(root, folder), join(copy, folder), { recursive: true })
    // Every installed package but tsx.
    mkdirSync(join(copy, 'node_modules'))
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name !== 'tsx' && name !== '.bin') symlinkSync(join(root, 'node_modules', name), join(copy, 'node_modules', name))
    }
  })

  it('GIVEN a fresh bundle THEN commands run without tsx, migrations included (found from the bundle’s folder)', () => {
    const help = arbiter('--help')
    expect(help.stderr).toBe('')
    expect(help.stdout).toMatch(/^Usage: arbiter \[options\] \[command\]/)
    const migrated = arbiter('migrate')
    expect(migrated.stderr).toBe('')
    expect(migrated.stdout).toMatch(/^Applied \d+ migration\(s\)\./m)
    const created = arbiter('project', 'create', 'helpful-v1', '--types', 'pairwise')
    expect(created.stdout).toMatch(/Created project helpful-v1/)
    const refused = arbiter('export', '--project', 'nope', '--format', 'judgments')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^arbiter: .*nope/)
  })

  it('GIVEN a source newer than the bundle THEN the bin runs the source through tsx', () => {
    const source = join(copy, 'src/cli/main.ts')
    const future = new Date(Date.now() + 3_600_000)
    utimesSync(source, future, future)
    try {
      const result = arbiter('--help')
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Cannot find (package|module) 'tsx'/)
    } finally {
      utimesSync(source, past, past)
    }
    expect(arbiter('--help').code).toBe(0)
  })
})

// `arbiter agreement` as users run it: the real bin/arbiter.mjs in a child process, which imports the
// prebuilt bundle (.arbiter-build/agreement.mjs) with plain node when it is fresh and falls back to tsx
// otherwise. Also the chunked byte reader of src/cli/ratings-file/ across chunk boundaries.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { agreementCommand, type AgreementCommandOptions } from '../../src/cli/agreement'
import { readChunk } from '../../src/cli/ratings-file/read-ratings-file'
import { krippendorffAlpha } from '../../src/quality/reliability/krippendorff-alpha'
import { reliabilityDataFromTriples } from '../../src/quality/reliability/reliability-data'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = join(root, 'test/cli/fixtures')
const scratch = mkdtempSync(join(tmpdir(), 'arbiter-agreement-bin-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-cli-bundle.mjs'], { cwd: root, stdio: 'pipe' })
})

function runBin(args: string[], options: { cwd?: string; bin?: string } = {}) {
  const child = spawnSync(process.execPath, [options.bin ?? join(root, 'bin/arbiter.mjs'), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
  })
  return { code: child.status, stdout: child.stdout, stderr: child.stderr }
}

async function inProcess(options: AgreementCommandOptions) {
  let stdout = ''
  let stderr = ''
  const code = await agreementCommand(options, { write: (s) => void (stdout += s) }, { write: (s) => void (stderr += s) })
  return { code, stdout, stderr }
}

describe('arbiter agreement — the real command', () => {
  it('GIVEN the Krippendorff (2011) CSV THEN the process prints the same JSON as the command in-process', async () => {
    const input = join(fixtures, 'krippendorff-2011.csv')
    const result = runBin(['agreement', '--input', input, '--level', 'ordinal', '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as Record<string, unknown>
    expect(report.krippendorffAlpha).toBeCloseTo(0.815, 3)
    expect(report).toMatchObject({ fleissKappa: null, cohenKappa: null, units: 12, raters: 4, pairable: 40 })
    expect(result.stdout).toBe((await inProcess({ input, level: 'ordinal', json: true })).stdout)
  })

  it('GIVEN a CSV with bad rows THEN exit code 1, each bad row reported by line, nothing on stdout', () => {
    const result = runBin(['agreement', '--input', join(fixtures, 'bad-rows.csv'), '--level', 'interval', '--json'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([
      'line 3: expected 3 fields (unit,rater,value), found 4',
      'line 4: empty unit',
      'line 6: empty rater',
      'line 7: unterminated quoted field',
      'line 8: rater "alice" already rated unit "u1" on line 2',
      'line 9: value "three" is not a number',
      '',
    ])
  })

  it('GIVEN --help or unusable options THEN commander-style help and errors', () => {
    const help = runBin(['agreement', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: arbiter agreement \[options\]/)
    expect(help.stdout).toContain('--level <level>')
    const noInput = runBin(['agreement', '--json'])
    expect(noInput.code).toBe(1)
    expect(noInput.stderr).toMatch(/^error: required option '--input <file>' not specified\n/)
    const badLevel = runBin(['agreement', '--input', 'x.csv', '--level', 'cardinal'])
    expect(badLevel.code).toBe(1)
    expect(badLevel.stderr).toMatch(/^error: option '--level <level>' argument 'cardinal' is invalid/)
  })
})

describe('arbiter agreement — bundle or tsx', () => {
  // A copy of the package without node_modules: the bundle path must not need tsx (or anything else),
  // and the tsx path, taken when a source is newer than the bundle, fails there for want of tsx.
  const copy = join(scratch, 'package')
  const bin = join(copy, 'bin/arbiter.mjs')
  const args = ['agreement', '--input', join(fixtures, 'cohen-50-proposals.csv'), '--json']

  beforeAll(() => {
    const { inputs } = JSON.parse(readFileSync(join(root, '.arbiter-build/agreement.inputs.json'), 'utf8')) as { inputs: string[] }
    const past = new Date(Date.now() - 3_600_000)
    for (const file of [...inputs, 'bin/arbiter.mjs', 'scripts/cli-bundles.mjs', '.arbiter-build/agreement.inputs.json', '.arbiter-build/agreement.mjs']) {
      mkdirSync(dirname(join(copy, file)), { recursive: true })
      copyFileSync(join(root, file), join(copy, file))
      if (file.startsWith('src/')) utimesSync(join(copy, file), past, past)
    }
  })

  it('GIVEN a fresh bundle THEN the command runs from it with plain node', async () => {
    const result = runBin(args, { cwd: copy, bin })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe((await inProcess({ input: args[2]!, level: 'nominal', json: true })).stdout)
    expect(runBin(['agreement', '--help'], { cwd: copy, bin }).code).toBe(0)
  })

  it('GIVEN the bundle run directly THEN it is the command too', () => {
    const child = spawnSync(process.execPath, [join(copy, '.arbiter-build/agreement.mjs'), ...args.slice(1)], { encoding: 'utf8' })
    expect(child.status).toBe(0)
    expect(JSON.parse(child.stdout)).toMatchObject({ units: 50, raters: 2, pairable: 100 })
  })

  it('GIVEN the tsx way (commander in src/cli/main.ts) THEN the same output, help and errors', async () => {
    const viaTsx = (extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...extra], { cwd: root, encoding: 'utf8' })
    const result = viaTsx(args)
    expect(result.status).toBe(0)
    expect(result.stdout).toBe(runBin(args, { cwd: copy, bin }).stdout)
    expect(viaTsx(['agreement', '--help']).stdout).toBe(runBin(['agreement', '--help'], { cwd: copy, bin }).stdout)
    // One unusable option stands for the rest (each case above runs against the bundle): every tsx
    // start costs about a second and a half of CPU.
    const bad = ['agreement', '--input', 'x.csv', '--level', 'cardinal']
    const tsx = viaTsx(bad)
    const bundled = runBin(bad, { cwd: copy, bin })
    expect({ code: bundled.code, stderr: bundled.stderr }).toEqual({ code: tsx.status, stderr: tsx.stderr })
  })

  it('GIVEN a source newer than the bundle THEN the bin goes the tsx way', () => {
    const source = join(copy, 'src/cli/agreement.ts')
    const future = new Date(Date.now() + 3_600_000)
    utimesSync(source, future, future)
    try {
      const result = runBin(args, { cwd: copy, bin })
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Cannot find (package|module) 'tsx'/)
    } finally {
      const past = new Date(Date.now() - 3_600_000)
      utimesSync(source, past, past)
    }
  })
})

describe('arbiter agreement — reading in chunks', () => {
  const defaultChunk = readChunk.max
  afterEach(() => {
    readChunk.max = defaultChunk
  })

  // Lines of every kind the reader treats differently, so that chunk ends fall inside each of them.
  const lines = [
    '\ufeffunit,rater,value',
    'u1,ann,a',
    'u1,bob,a',
    ' u2 ,\tann, b ',
    'u2,bob,b\r',
    '',
    '   ',
    '"u3",ann,"a, or b"',
    '"u3",bob,"a, or b"',
    'u4,ann,',
    'u4,bob,a',
    'u5,ann,' + 'x'.repeat(300),
    'u5,bob,' + 'x'.repeat(300),
    'u6,ann,a',
    'u6,bob,b',
    'u1,cy,a',
  ]

  it('GIVEN chunks from 16 bytes up THEN every chunk size reads the same as one read', async () => {
    const file = join(scratch, 'chunks.csv')
    writeFileSync(file, lines.join('\n')) // no line end after the last line
    const whole = await inProcess({ input: file, level: 'nominal', json: true })
    expect(whole.stderr).toBe('')
    expect(JSON.parse(whole.stdout)).toMatchObject({ units: 6, raters: 3, pairable: 11 })
    for (const size of [16, 17, 31, 64, 100, 257]) {
      readChunk.max = size
      expect(await inProcess({ input: file, level: 'nominal', json: true }), `chunks of ${size} bytes`).toEqual(whole)
    }
  })

  it('GIVEN rows shorter than the columns were sized for and many names THEN the tables grow and lose nothing', async () => {
    const file = join(scratch, 'short-rows.csv')
    const rows: string[] = []
    for (let u = 0; u < 3000; u++) for (const rater of ['a', 'b']) rows.push(`${u},${rater},${(u * 7 + (rater === 'a' ? 0 : u % 3)) % 5}`)
    writeFileSync(file, rows.join('\n') + '\n')
    const result = await inProcess({ input: file, level: 'interval', json: true })
    expect(result.stderr).toBe('')
    const fromTriples = reliabilityDataFromTriples(rows.map((row) => row.split(',')).map(([unit, rater, value]) => ({ unit: unit!, rater: rater!, value: Number(value) })))
    if (!fromTriples.ok) throw new Error(fromTriples.reason)
    const alpha = krippendorffAlpha(fromTriples.value, 'interval')
    expect(JSON.parse(result.stdout)).toEqual({
      krippendorffAlpha: alpha.ok ? alpha.value.alpha : 'missing',
      fleissKappa: expect.any(Number),
      cohenKappa: expect.any(Number),
      units: 3000,
      raters: 2,
      pairable: 6000,
    })
  })

  it('GIVEN bad rows on both sides of chunk ends THEN their line numbers are still right', async () => {
    const file = join(scratch, 'bad-chunks.csv')
    writeFileSync(file, [...lines, 'u7,,a', 'u1,ann,b', ',ann,a', 'u8,ann,a,b'].join('\r\n') + '\r\n')
    readChunk.max = 1 << 20
    const whole = await inProcess({ input: file, level: 'nominal', json: false })
    expect(whole.code).toBe(1)
    expect(whole.stderr.split('\n')).toEqual([
      'line 17: empty rater',
      'line 18: rater "ann" already rated unit "u1" on line 2',
      'line 19: empty unit',
      'line 20: expected 3 fields (unit,rater,value), found 4',
      '',
    ])
    for (const size of [16, 33, 70]) {
      readChunk.max = size
      expect(await inProcess({ input: file, level: 'nominal', json: false }), `chunks of ${size} bytes`).toEqual(whole)
    }
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { agreementCommand, type AgreementCommandOptions } from '../../src/cli/agreement'
import { fleissKappa } from '../../src/quality/reliability/fleiss-kappa'
import { krippendorffAlpha } from '../../src/quality/reliability/krippendorff-alpha'
import { reliabilityDataFromTriples } from '../../src/quality/reliability/reliability-data'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'arbiter-agreement-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function run(options: Partial<AgreementCommandOptions> & { input: string }) {
  let stdout = ''
  let stderr = ''
  const code = await agreementCommand(
    { level: 'nominal', json: false, ...options, input: options.input.includes('/') ? options.input : join(fixtures, options.input) },
    { write: (s) => void (stdout += s) },
    { write: (s) => void (stderr += s) },
  )
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> }
}

describe('arbiter agreement — Krippendorff (2011) example as files', () => {
  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('GIVEN the CSV (header, empty and absent missing values) at %s level THEN alpha = %s', async (level, published) => {
    const result = await run({ input: 'krippendorff-2011.csv', level, json: true })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const report = result.json()
    expect(report.krippendorffAlpha).toBeCloseTo(published, 3)
    expect(report).toMatchObject({ fleissKappa: null, cohenKappa: null, units: 12, raters: 4, pairable: 40 })
  })

  it('GIVEN the same data as JSONL with null values THEN the same report', async () => {
    const csv = await run({ input: 'krippendorff-2011.csv', level: 'ordinal', json: true })
    const jsonl = await run({ input: 'krippendorff-2011.jsonl', level: 'ordinal', json: true })
    expect(jsonl.code).toBe(0)
    expect(jsonl.json()).toEqual(csv.json())
  })

  it('GIVEN text output THEN every statistic is printed, with the reason where it does not apply', async () => {
    const result = await run({ input: 'krippendorff-2011.csv' })
    expect(result.stdout).toBe(
      [
        "Krippendorff's alpha (nominal): 0.7434",
        "Fleiss' kappa: not applicable (unequal ratings per unit: 3 and 4 ratings)",
        "Cohen's kappa (unweighted): not applicable (needs exactly two raters, found 4)",
        'units: 12  raters: 4  pairable values: 40',
        '',
      ].join('\n'),
    )
  })
})

describe('arbiter agreement — kappas', () => {
  it('GIVEN Wikipedia\'s 50-proposal example (two raters) THEN Cohen\'s kappa = 0.4 and Fleiss\' kappa applies', async () => {
    const result = await run({ input: 'cohen-50-proposals.csv', json: true })
    expect(result.code).toBe(0)
    const report = result.json()
    expect(report.cohenKappa).toBeCloseTo(0.4, 3)
    // With two raters Fleiss' kappa is Scott's pi: (0.7 - 0.505) / (1 - 0.505).
    expect(report.fleissKappa).toBeCloseTo((0.7 - 0.505) / 0.495, 12)
    expect(report).toMatchObject({ units: 50, raters: 2, pairable: 100 })
  })

  it('GIVEN Wikipedia\'s Fleiss example as JSONL (10 subjects × 14 raters) THEN Fleiss\' kappa = 0.210', async () => {
    const result = await run({ input: 'fleiss-wikipedia.jsonl', json: true })
    expect(result.code).toBe(0)
    expect(result.json().fleissKappa).toBeCloseTo(0.21, 3)
    expect(result.json()).toMatchObject({ cohenKappa: null, units: 10, raters: 14, pairable: 140 })
  })
})

describe('arbiter agreement — parsing', () => {
  it('GIVEN numbers written differently, padded fields and a unit with only missing values THEN they are read as meant', async () => {
    const file = join(scratch, 'numbers.csv')
    writeFileSync(file, 'u1,a,3\nu1,b, 3.0 \nu2 ,a,1\nu2,b,2\nu3,a,\n')
    const result = await run({ input: file, level: 'interval', json: true })
    expect(result.stderr).toBe('')
    // u1 agrees (3 = 3.0), u2 differs by one: interval alpha over values 3, 3, 1, 2.
    const expected = krippendorffAlpha({ unitCount: 2, units: Int32Array.of(0, 0, 1, 1), codes: Int32Array.of(2, 2, 0, 1), values: [1, 2, 3] }, 'interval')
    expect(result.json()).toEqual({
      krippendorffAlpha: expected.ok ? expected.value.alpha : 'missing',
      // u3 has no value at all, so it does not break Fleiss' equal-ratings rule: P̄ = 0.5, P̄e = 0.375.
      fleissKappa: expect.closeTo(0.2, 12),
      cohenKappa: expect.any(Number),
      units: 3,
      raters: 2,
      pairable: 4,
    })
  })

  it('GIVEN a spreadsheet export with a byte-order mark before the header THEN the header is still recognised', async () => {
    const file = join(scratch, 'bom.csv')
    writeFileSync(file, '\ufeffunit,rater,value\nu1,a,1\nu1,b,1\nu2,a,2\nu2,b,2\n')
    const result = await run({ input: file, level: 'ordinal', json: true })
    expect(result.stderr).toBe('')
    expect(result.json()).toMatchObject({ krippendorffAlpha: 1, units: 2, raters: 2 })
  })

  it('GIVEN a file larger than one read chunk THEN rows split across chunks are read whole', async () => {
    const file = join(scratch, 'large.csv')
    const triples: Array<{ unit: string; rater: string; value: string }> = []
    let state = 7
    for (let u = 0; u < 30_000; u++) {
      for (let r = 0; r < 3; r++) {
        state = (state * 1103515245 + 12345) % 2147483648
        triples.push({ unit: `unit-with-a-long-name-${u}`, rater: `rater-${r}`, value: `label-${state % 3 === 0 ? 'x' : u % 4}` })
      }
    }
    writeFileSync(file, 'unit,rater,value\n' + triples.map((t) => `${t.unit},${t.rater},${t.value}`).join('\n'))
    const result = await run({ input: file, json: true })
    expect(result.stderr).toBe('')
    const built = reliabilityDataFromTriples(triples)
    if (!built.ok) throw new Error(built.reason)
    const alpha = krippendorffAlpha(built.value, 'nominal')
    const fleiss = fleissKappa(built.value)
    expect(result.json()).toEqual({
      krippendorffAlpha: alpha.ok ? alpha.value.alpha : 'missing',
      fleissKappa: fleiss.ok ? fleiss.value.kappa : 'missing',
      cohenKappa: null,
      units: 30_000,
      raters: 3,
      pairable: 90_000,
    })
  })
})

describe('arbiter agreement — bad input', () => {
  it('GIVEN a CSV with bad rows THEN each is reported by line, exit code 1 and nothing computed', async () => {
    const result = await run({ input: 'bad-rows.csv', level: 'interval', json: true })
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

  it('GIVEN the same CSV at nominal level THEN "three" is a fine category and the other rows are still bad', async () => {
    const result = await run({ input: 'bad-rows.csv', level: 'nominal' })
    expect(result.code).toBe(1)
    expect(result.stderr).not.toContain('line 9')
    expect(result.stderr.trim().split('\n')).toHaveLength(5)
  })

  it('GIVEN a JSONL file with bad rows THEN each is reported by line', async () => {
    const result = await run({ input: 'bad-rows.jsonl' })
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')).toEqual([
      'line 2: not valid JSON',
      'line 3: expected an object {"unit": …, "rater": …, "value": …}',
      'line 4: no "value" (use null for a missing rating)',
      'line 5: "unit" must be a string or a number',
      'line 6: rater "alice" already rated unit "u1" on line 1',
      'line 7: "value" must be a string, a number or null',
      '',
    ])
  })

  it('GIVEN quoted CSV fields and CRLF line ends THEN they parse', async () => {
    const file = join(scratch, 'quoted.csv')
    writeFileSync(file, 'unit,rater,value\r\n"u, 1",ann,"say ""yes"""\r\n"u, 1",bob,"say ""yes"""\r\nu2,ann,no\r\nu2,bob,"no"\r\n')
    const result = await run({ input: file, json: true })
    expect(result.stderr).toBe('')
    expect(result.json()).toEqual({ krippendorffAlpha: 1, fleissKappa: 1, cohenKappa: 1, units: 2, raters: 2, pairable: 4 })
  })

  it('GIVEN a file without a known extension THEN the format is sniffed from the first line', async () => {
    const file = join(scratch, 'ratings.txt')
    writeFileSync(file, '{"unit":1,"rater":"a","value":"x"}\n{"unit":1,"rater":"b","value":"x"}\n')
    const result = await run({ input: file, json: true })
    expect(result.json()).toEqual({ krippendorffAlpha: null, fleissKappa: null, cohenKappa: null, units: 1, raters: 2, pairable: 2 })
  })

  it('GIVEN an empty file THEN counts are zero and no statistic applies', async () => {
    const file = join(scratch, 'empty.csv')
    writeFileSync(file, '')
    const result = await run({ input: file })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("Krippendorff's alpha (nominal): not applicable (no pairable values)")
    expect(result.stdout).toContain('units: 0  raters: 0  pairable values: 0')
  })

  it('GIVEN a missing file THEN exit code 2 and a message', async () => {
    const result = await run({ input: join(fixtures, 'no-such-file.csv') })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^cannot read .*no-such-file\.csv: /)
  })

  it('GIVEN an unknown level THEN exit code 2', async () => {
    const result = await run({ input: 'krippendorff-2011.csv', level: 'cardinal' as never })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('unknown level "cardinal"')
  })
})

// An ML engineer on the command line: imports items and judgments (a floor-breaking line refused
// by number), exports a Hugging Face dataset folder with a test split, and reads it back as the
// Hub would; the summary says what was left out; `items list --disputed` finds the ids to settle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runArbiter } from '../support/arbiter-cli'
import { PROVIDERS, freshDatabaseUrl } from '../support/databases'
import { readDatasetFolder } from '../support/dataset-folder'

describe.each(PROVIDERS)('arbiter export --out-dir on %s', (provider) => {
  const dir = mkdtempSync(join(tmpdir(), 'arbiter-dataset-'))
  let env: NodeJS.ProcessEnv
  let drop: () => Promise<void>
  const arbiter = (...args: string[]) => runArbiter(env, ...args)
  beforeAll(async () => {
    const database = await freshDatabaseUrl(provider)
    drop = database.drop
    env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' }
    expect((await arbiter('project', 'create', 'prefs', '--types', 'pairwise', '--redundancy', '3', '--gold-rate', '0')).code).toBe(0)
    // Forty items, two prompts asked twice (the split must keep a prompt on one side).
    const items = Array.from({ length: 40 }, (_, i) => ({ id: `q${i}`, type: 'pairwise', prompt: `Question ${i % 38}?`, responses: [{ text: `Good answer ${i}` }, { text: `Bad answer ${i}` }] }))
    writeFileSync(join(dir, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n'))
    expect((await arbiter('import', join(dir, 'items.jsonl'), '--project', 'prefs')).stdout).toMatch(/Imported 40 items/)
    const judgments = items.flatMap((item, i) =>
      ['ana', 'bo', 'cy'].map((labeler, l) =>
        // q0 is split 1–1–1; on q1 cy marks a unsafe; everything else is 3–0 or 2–1 for a.
        i === 0 ? { item: item.id, labeler, type: 'pairwise', winner: ['a', 'b', 'tie'][l] }
        : i === 1 && labeler === 'cy' ? { item: item.id, labeler, type: 'pairwise', winner: 'b', flaws: { a: ['safety_issue'] } }
        : { item: item.id, labeler, type: 'pairwise', winner: l === 2 && i % 3 === 0 ? 'b' : 'a' },
      ),
    )
    const unsafe = { item: 'q2', labeler: 'dee', type: 'pairwise', winner: 'a', flaws: { a: ['safety_issue'] } }
    writeFileSync(join(dir, 'judgments.jsonl'), [...judgments, unsafe].map((j) => JSON.stringify(j)).join('\n'))
    const refused = await arbiter('import-judgments', join(dir, 'judgments.jsonl'), '--project', 'prefs')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^line 121: breaks the safety floor/m)
    expect((await arbiter('import-judgments', join(dir, 'judgments.jsonl'), '--project', 'prefs', '--skip-invalid')).stdout).toMatch(/Imported 120 judgments, 1 bad line skipped/)
    expect((await arbiter('import-judgments', join(dir, 'judgments.jsonl'), '--project', 'prefs', '--skip-invalid')).stdout).toMatch(/Imported 0 judgments, 120 already imported \(unchanged\), 1 bad line skipped/)
  }, 120_000)
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await drop()
  })

  it('writes data/train.jsonl, data/test.jsonl and a card that names them; no prompt in both', async () => {
    const out = join(dir, 'dataset')
    const exported = await arbiter('export', '--project', 'prefs', '--format', 'preferences', '--out-dir', out, '--test-split', '0.3')
    expect(exported.code).toBe(0)
    expect(exported.stderr).toMatch(/^Exported 38 rows \(train \d+, test \d+\) \(preferences\) from 38 items to /m)
    expect(exported.stderr).toMatch(/Left out 2 items:\n\s+1\s+no_consensus: .*\n\s+1\s+critical_flaw: /)
    const folder = readDatasetFolder(out)
    expect(folder.meta).toMatchObject({ task_categories: ['text-generation'], size_categories: ['n<1K'] })
    expect(folder.meta.license).toBeUndefined()
    expect(Object.keys(folder.splits).sort()).toEqual(['test', 'train'])
    const { train, test } = folder.splits as Record<'train' | 'test', Record<string, unknown>[]>
    expect(train.length + test.length).toBe(38)
    expect(test.length).toBeGreaterThan(0)
    const prompts = (rows: Record<string, unknown>[]) => new Set(rows.map((r) => JSON.stringify(r.prompt)))
    for (const prompt of prompts(test)) expect(prompts(train).has(prompt)).toBe(false)
    for (const row of [...train, ...test]) expect(Object.keys(row).sort()).toEqual(['chosen', 'prompt', 'rejected'])
    expect(folder.card).toMatch(new RegExp(`- train: ${train.length} rows`))
    expect(folder.card).toMatch(/## Left out\n\n- 1 item: no settled answer/)
    expect(folder.card).toMatch(/judgments read: 120 by 3 labelers/)
    expect(folder.card).toMatch(/Accuracy and safety are floors/)
    // The same export again gives the same split.
    const again = join(dir, 'again')
    await arbiter('export', '--project', 'prefs', '--format', 'preferences', '--out-dir', again, '--test-split', '0.3')
    expect(readDatasetFolder(again).splits).toEqual(folder.splits)
  }, 60_000)

  it('items list --disputed names the split item and the flaw disagreement', async () => {
    const listed = await arbiter('items', 'list', '--project', 'prefs', '--disputed', '--json')
    expect(listed.code).toBe(0)
    const disputed = (JSON.parse(listed.stdout) as { item: string; reasons: string[] }[]).map((i) => [i.item, i.reasons])
    expect(disputed).toEqual([['q0', ['split']], ['q1', ['flaw_disagreement']]])
  }, 60_000)

  it('import without --format on HH-RLHF rows says in one line which format to use', async () => {
    const file = join(dir, 'hh.jsonl')
    writeFileSync(file, Array.from({ length: 3 }, (_, i) => JSON.stringify({ chosen: `\n\nHuman: Hi ${i}\n\nAssistant: Hello!`, rejected: `\n\nHuman: Hi ${i}\n\nAssistant: Go away.` })).join('\n'))
    const refused = await arbiter('import', file, '--project', 'prefs')
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split('\n')).toEqual(['These lines look like HH-RLHF rows ({"chosen", "rejected"}): import them with --format hh-rlhf. Nothing was imported.'])
  }, 60_000)
})

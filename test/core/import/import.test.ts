// An ML engineer imports batches: every task type, every kind of bad line (reported by line
// number, nothing imported), re-imports that change nothing, and real public preference data.
import { existsSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { fromHhRlhfLine, fromTrlLine, type ImportFormat } from '../../../src/core/import/item-formats'
import { readLines } from '../../../src/cli/io'
import type { SourceLine } from '../../../src/core/import/source-line'

const HH_RLHF = '../shared/data/hh-rlhf-harmless-base-test.jsonl.gz'

function lines(...values: (object | string)[]): () => AsyncIterable<string> {
  const text = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
  return async function* () {
    yield* text
  }
}

const good = {
  pairwise: { id: 'pw-1', type: 'pairwise', prompt: 'How do I calm interview nerves?', responses: [{ model: 'm1', text: 'Prepare STAR stories.' }, { model: 'm2', text: 'Just relax.' }], metadata: { domain: 'advice', difficulty: 'easy', tags: ['career'] }, gold: { winner: 'a' } },
  ranking: { id: 'rk-1', type: 'ranking', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Name a prime.' }], responses: [{ text: '2' }, { text: '4' }, { text: '9' }, { text: '7' }], gold: { ranking: ['a', 'd', 'c', 'b'] } },
  likert: { id: 'lk-1', type: 'likert', prompt: 'Define entropy.', responses: [{ id: 'only', text: 'A measure of disorder.' }], gold: { rating: 5 } },
  dimensions: { id: 'dm-1', type: 'dimensions', prompt: 'Explain DNS.', responses: [{ text: 'DNS maps names to addresses.' }] },
  sftWithPrompt: { id: 'sf-1', type: 'sft', prompt: 'Explain a semaphore.' },
  sftWriteBoth: { id: 'sf-2', type: 'sft', metadata: { domain: 'cs' } },
}

describe('import formats, line by line', () => {
  it('splits an HH-RLHF pair into the shared conversation and the two last assistant turns, keeping the preference hidden', () => {
    const result = fromHhRlhfLine({
      chosen: '\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: Why did the chicken cross the road?',
      rejected: '\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: No.',
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.draft.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Tell me a joke' },
    ])
    expect(result.draft.responses.map((r) => r.text)).toEqual(['Why did the chicken cross the road?', 'No.'])
    expect(result.draft.reference).toEqual({ winner: 'a', source: 'hh-rlhf' })
    expect(result.draft.gold).toBeNull()
  })

  it('refuses HH-RLHF pairs whose conversations differ before the last turn', () => {
    const result = fromHhRlhfLine({ chosen: '\n\nHuman: A\n\nAssistant: x', rejected: '\n\nHuman: B\n\nAssistant: y' })
    expect(result).toEqual({ ok: false, errors: ['chosen and rejected must share a conversation that ends where the assistant answers'] })
  })

  it('reads TRL preference rows, plain and conversational, with explicit or implicit prompt', () => {
    const plain = fromTrlLine({ prompt: 'Sky colour?', chosen: 'Blue.', rejected: 'Green.' })
    const conversational = fromTrlLine({ prompt: [{ role: 'user', content: 'Sky colour?' }], chosen: [{ role: 'assistant', content: 'Blue.' }], rejected: [{ role: 'assistant', content: 'Green.' }] })
    const implicit = fromTrlLine({ chosen: [{ role: 'user', content: 'Sky colour?' }, { role: 'assistant', content: 'Blue.' }], rejected: [{ role: 'user', content: 'Sky colour?' }, { role: 'assistant', content: 'Green.' }] })
    for (const result of [plain, conversational, implicit]) {
      expect(result.ok).toBe(true)
      if (result.ok) expect([result.draft.messages, result.draft.responses.map((r) => r.text)]).toEqual([[{ role: 'user', content: 'Sky colour?' }], ['Blue.', 'Green.']])
    }
  })
})

describe.each(PROVIDERS)('arbiter import on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
    await createProject(t.ctx, { name: 'batch', settings: { taskTypes: ['pairwise', 'ranking', 'likert', 'dimensions', 'sft'], redundancy: 3 } })
  })
  afterEach(async () => t.cleanup())

  const run = (open: () => AsyncIterable<SourceLine>, format: ImportFormat = 'arbiter', skipInvalid = false) => importItems(t.ctx, { projectName: 'batch', open, format, skipInvalid })

  it('imports every task type with its metadata and gold, and a second import changes nothing', async () => {
    const report = await run(lines(...Object.values(good)))
    expect(report).toMatchObject({ imported: 6, unchanged: 0, invalid: [], committed: true })
    const project = (await t.store.projects.findByName('batch'))!
    const pairwise = (await t.store.items.findByExternalId(project.id, 'pw-1'))!
    expect(pairwise).toMatchObject({ type: 'pairwise', domain: 'advice', difficulty: 'easy', tags: ['career'], isGold: true, gold: { winner: 'a' }, target: 3 })
    expect(pairwise.responses.map((r) => [r.id, r.model])).toEqual([['a', 'm1'], ['b', 'm2']])
    expect((await t.store.items.findByExternalId(project.id, 'rk-1'))!.messages[0]).toEqual({ role: 'system', content: 'Be brief.' })
    expect((await t.store.items.findByExternalId(project.id, 'lk-1'))!.responses[0]!.id).toBe('only')
    expect((await t.store.items.findByExternalId(project.id, 'sf-2'))!.messages).toEqual([])
    const again = await run(lines(...Object.values(good)))
    expect(again).toMatchObject({ imported: 0, unchanged: 6, committed: true })
  })

  it('tells the database planner about a batch right away, so the first "next task" after an import is fast', async () => {
    const batch = Array.from({ length: 1_500 }, (_, i) => ({ ...good.pairwise, id: `bulk-${i}` }))
    expect(await run(lines(...batch))).toMatchObject({ imported: 1_500, committed: true })
    if (provider !== 'postgresql') return // SQLite plans from its indexes and keeps no statistics to refresh
    // Without ANALYZE, PostgreSQL took the new table for empty until autovacuum came by, and chose a
    // plan that cost 100 ms per "next task" at 100,000 items instead of 0.05 ms.
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where relname = 'Item'`.execute(t.store.database.db)
    expect(Number(rows[0]!.reltuples)).toBeGreaterThanOrEqual(1_500)
  })

  it('reports every bad line by number and imports nothing', async () => {
    const report = await run(
      lines(
        good.pairwise,
        '{"id": "broken", "type": ',
        { id: 'no-prompt', type: 'pairwise', responses: [{ text: 'a' }, { text: 'b' }] },
        { id: 'three', type: 'pairwise', prompt: 'q', responses: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] },
        { id: 'odd', type: 'essay', prompt: 'q' },
        { id: 'long', type: 'likert', prompt: 'q', responses: [{ text: 'x'.repeat(100_001) }] },
        { id: 'pw-1', type: 'likert', prompt: 'again', responses: [{ text: 'x' }] },
        { id: 'gold', type: 'pairwise', prompt: 'q', responses: [{ text: 'a' }, { text: 'b' }], gold: { winner: 'c' } },
        { id: 'extra', type: 'likert', prompt: 'q', responses: [{ text: 'x' }], colour: 'red' },
        '',
      ),
    )
    expect(report.committed).toBe(false)
    expect(report.imported).toBe(0)
    const byLine = Object.fromEntries(report.invalid.map((bad) => [bad.line, bad.message]))
    expect(Object.keys(byLine).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9])
    expect(byLine[2]).toMatch(/not valid JSON/)
    expect(byLine[3]).toBe('prompt or messages is required')
    expect(byLine[4]).toBe('a pairwise item needs 2 responses, got 3')
    expect(byLine[5]).toMatch(/type must be one of pairwise, ranking, likert, dimensions, sft/)
    expect(byLine[6]).toMatch(/longer than 100,000 characters/)
    expect(byLine[7]).toBe('id "pw-1" already appears on line 1')
    expect(byLine[8]).toMatch(/gold.winner "c" is not a response id/)
    expect(byLine[9]).toMatch(/colour/)
    const project = (await t.store.projects.findByName('batch'))!
    expect((await t.store.items.progress(project.id)).items + (await t.store.items.progress(project.id)).gold).toBe(0)
  })

  it('imports the good lines with --skip-invalid', async () => {
    const report = await run(lines(good.pairwise, 'not json', good.likert), 'arbiter', true)
    expect(report).toMatchObject({ imported: 2, committed: true })
    expect(report.invalid.map((bad) => bad.line)).toEqual([2])
  })

  it('refuses task types the project does not allow', async () => {
    await t.store.projects.update((await t.store.projects.findByName('batch'))!.id, { taskTypes: ['pairwise'] })
    const report = await run(lines(good.likert))
    expect(report.invalid).toEqual([{ line: 1, message: 'type likert is not allowed in this project (allowed: pairwise)' }])
  })

  it.runIf(existsSync(HH_RLHF))('imports the 2,312 real HH-RLHF harmless-base pairs, and again changes nothing', async () => {
    const report = await run(() => readLines(HH_RLHF), 'hh-rlhf')
    expect(report.invalid).toEqual([])
    expect(report.imported).toBe(2_312)
    const again = await run(() => readLines(HH_RLHF), 'hh-rlhf')
    expect(again).toMatchObject({ imported: 0, unchanged: 2_312 })
  }, 60_000)
})

if (!existsSync(HH_RLHF)) console.warn(`HH-RLHF data not found at ${HH_RLHF}: the real-data import test did not run (see ../shared/data/README.md).`)

// An ML engineer brings judgments made elsewhere: importing the same file twice changes nothing,
// a different judgment for the same (item, labeler) is a reported conflict, a line that breaks the
// safety floor or is not valid UTF-8 is a bad line named by number, and everything a judgment made
// in chat can carry (a flag without a verdict, SFT text, an edge case) comes in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { readLines } from '../../../src/cli/io'

function lines(...values: object[]): () => AsyncIterable<string> {
  return async function* () {
    for (const value of values) yield JSON.stringify(value)
  }
}

const items = [
  { id: 'q1', type: 'pairwise', prompt: 'How do I boil an egg?', responses: [{ text: 'Simmer 9 minutes.' }, { text: 'Microwave it whole.' }] },
  { id: 'q2', type: 'pairwise', prompt: 'Is coffee healthy?', responses: [{ text: 'In moderation.' }, { text: 'Never.' }] },
  { id: 's1', type: 'sft', prompt: 'Explain a semaphore.' },
]
const file = [
  { item: 'q1', labeler: 'ana', type: 'pairwise', winner: 'a', flaws: { b: ['safety_issue'] } },
  { item: 'q1', labeler: 'bo', type: 'pairwise', winner: 'a' },
  { item: 'q2', labeler: 'ana', type: 'pairwise', winner: 'tie' },
]

describe.each(PROVIDERS)('arbiter import-judgments on %s', (provider) => {
  let t: TestCore
  let dir: string
  beforeEach(async () => {
    t = await testCore(provider)
    dir = mkdtempSync(join(tmpdir(), 'arbiter-judgments-'))
    await createProject(t.ctx, { name: 'audit', settings: { taskTypes: ['pairwise', 'sft'], redundancy: 3, goldRate: 0 } })
    await importItems(t.ctx, { projectName: 'audit', open: lines(...items), format: 'arbiter', skipInvalid: false })
  })
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true })
    await t.cleanup()
  })
  const run = (open: () => AsyncIterable<string | { unreadable: string }>, skipInvalid = false) => importJudgments(t.ctx, { projectName: 'audit', open, skipInvalid })
  const judgedCount = async (externalId: string) => {
    const project = (await t.store.projects.findByName('audit'))!
    const item = (await t.store.items.findByExternalId(project.id, externalId))!
    return { judged: item.judged, judgments: (await t.store.judgments.forItem(item.id)).length }
  }

  it('importing the same file twice changes nothing; a different judgment for the same labeler and item is a conflict', async () => {
    expect(await run(lines(...file))).toMatchObject({ imported: 3, unchanged: 0, conflicts: [], committed: true })
    expect(await run(lines(...file))).toMatchObject({ imported: 0, unchanged: 3, conflicts: [], committed: true })
    expect(await judgedCount('q1')).toEqual({ judged: 2, judgments: 2 })
    const changed = await run(lines(file[0]!, { ...file[1]!, winner: 'b' }, { item: 'q2', labeler: 'cy', type: 'pairwise', winner: 'a' }))
    expect(changed).toMatchObject({ imported: 1, unchanged: 1, committed: true })
    expect(changed.conflicts).toEqual([{ line: 2, message: 'labeler "bo" already gave item q1 winner a; this line says winner b (left as recorded)' }])
    expect(await judgedCount('q1')).toEqual({ judged: 2, judgments: 2 })
  })

  it('refuses a line that prefers a response its own labeler marked with a critical flaw, naming the line; all or nothing, or --skip-invalid', async () => {
    const unsafe = { item: 'q2', labeler: 'bo', type: 'pairwise', winner: 'b', flaws: { b: ['safety_issue'] } }
    const refused = await run(lines(...file, unsafe))
    expect(refused.committed).toBe(false)
    expect(refused.imported).toBe(0)
    expect(refused.invalid).toEqual([{ line: 4, message: expect.stringMatching(/^breaks the safety floor: You marked the response you preferred with a critical flaw/) }])
    expect(await judgedCount('q1')).toEqual({ judged: 0, judgments: 0 })
    expect(await run(lines(...file, unsafe), true)).toMatchObject({ imported: 3, committed: true })
  })

  it('takes a flag without a verdict (with its reason), SFT text and an edge case on any task type', async () => {
    const report = await run(
      lines(
        { item: 'q2', labeler: 'bo', type: 'pairwise', flagReason: 'Depends on the person; medical advice.' },
        { item: 's1', labeler: 'cy', type: 'sft', sft: { response: 'A semaphore is a counter that limits concurrent access.' }, edgeCase: 'multi_part' },
        { item: 'q2', labeler: 'cy', type: 'pairwise', winner: 'a', edgeCase: 'opinion' },
      ),
    )
    expect(report).toMatchObject({ imported: 3, invalid: [], committed: true })
    const project = (await t.store.projects.findByName('audit'))!
    const [flag] = await t.store.judgments.forItem((await t.store.items.findByExternalId(project.id, 'q2'))!.id)
    expect(flag).toMatchObject({ flagged: true, flagReason: 'Depends on the person; medical advice.', choice: null })
    const [sft] = await t.store.judgments.forItem((await t.store.items.findByExternalId(project.id, 's1'))!.id)
    expect(sft!.sft).toMatchObject({ response: 'A semaphore is a counter that limits concurrent access.', edgeCase: 'multi_part' })
    expect(sft!.edgeCase).toBe('multi_part')
    // The edge case is stored in the judgment's own column, as chat records it, and counted in the report.
    const q2 = await t.store.judgments.forItem((await t.store.items.findByExternalId(project.id, 'q2'))!.id)
    expect(q2.map((j) => [j.choice, j.edgeCase])).toEqual([[null, null], ['a', 'opinion']])
    // The same line again is the same label; a different edge case is a conflict, left as recorded.
    expect(await run(lines({ item: 'q2', labeler: 'cy', type: 'pairwise', winner: 'a', edgeCase: 'opinion' }))).toMatchObject({ imported: 0, unchanged: 1 })
    expect((await run(lines({ item: 'q2', labeler: 'cy', type: 'pairwise', winner: 'a', edgeCase: 'ambiguous' }))).conflicts).toHaveLength(1)
    const missing = await run(lines({ item: 'q1', labeler: 'dee', type: 'pairwise' }))
    expect(missing.invalid[0]!.message).toMatch(/a pairwise judgment needs winner \(or flagged with a flagReason\)/)
  })

  it('a line that is not valid UTF-8 is a bad line named by its number, in judgments and in items', async () => {
    const path = join(dir, 'judgments.jsonl')
    const good = Buffer.from(JSON.stringify(file[1]) + '\n')
    const bad = Buffer.concat([Buffer.from('{"item": "q2", "labeler": "caf'), Buffer.from([0xe9]), Buffer.from('", "type": "pairwise", "winner": "a"}\n')])
    writeFileSync(path, Buffer.concat([good, bad, Buffer.from(JSON.stringify(file[2]) + '\r\n')]))
    const report = await run(() => readLines(path))
    expect(report.invalid).toEqual([{ line: 2, message: 'not valid UTF-8 (save the file as UTF-8)' }])
    expect(report.committed).toBe(false)
    expect(await run(() => readLines(path), true)).toMatchObject({ imported: 2, committed: true })
    const itemsPath = join(dir, 'items.jsonl')
    writeFileSync(itemsPath, Buffer.concat([Buffer.from(JSON.stringify({ id: 'q9', type: 'pairwise', prompt: 'Caf'})), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]))
    const itemReport = await importItems(t.ctx, { projectName: 'audit', open: () => readLines(itemsPath), format: 'arbiter', skipInvalid: false })
    expect(itemReport.invalid).toEqual([{ line: 1, message: 'not valid UTF-8 (save the file as UTF-8)' }])
  })
})

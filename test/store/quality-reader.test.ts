// What a report reads of a project: the texts' sizes in characters (responses and conversation),
// a choice's display position packed with its kind and marks, and the display
// order only where a choice came without its position — the same values the items and judgments
// hold, on both databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { judgmentList } from '../../src/quality/judgment-columns'
import { QualityReader } from '../../src/store/quality-reader'
import { sql } from 'kysely'

describe.each(PROVIDERS)('the quality reader on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  it('gives each response its length and model in stored order, and the conversation’s length', async () => {
    const p = await createProject(t.ctx, { name: 'sizes', settings: { redundancy: 1, goldRate: 0, rationalePolicy: 'never' } })
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Où est la gare ? "Quoted", back\\slash\nand a new line' },
    ]
    const responses = [
      { id: 'b', model: 'model-b', text: 'Tout droit, puis à gauche 🙂.' },
      { id: 'a', model: null, text: 'Je ne sais pas.\t"tab" and a quote' },
    ]
    await t.store.items.insertMany(p.id, [{ externalId: 'q1', type: 'pairwise', messages, responses, target: 1 }])
    const ana = await t.labeler('ana')
    t.clock.advance(1_234)
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } })

    const data = await t.store.quality.read(p.id)
    expect(data.items).toHaveLength(1)
    const item = data.items[0]!
    expect(Object.entries(item.responseLengths)).toEqual([
      ['b', [...responses[0]!.text].length], // characters, as a person counts them: the emoji is one
      ['a', responses[1]!.text.length],
    ])
    expect(item.responseModels).toEqual({ b: 'model-b', a: null })
    expect(item.promptLength).toBe(messages[0]!.content.length + messages[1]!.content.length)
    const judgments = judgmentList(data.judgments)
    expect(judgments.map((j) => j.choice)).toEqual(['a'])
    // Where the labeler saw the chosen response (position bias) comes with the judgment.
    expect(judgments[0]!.choicePosition).toBe(task.assignment.displayOrder.indexOf('a'))

    // The sizes were measured when the item was written, and are read without its texts. An item
    // written before measures were stored (measures null) is measured from its texts instead.
    const stored = await t.store.database.db.selectFrom('Item').select(['measures']).where('id', '=', item.id).executeTakeFirstOrThrow()
    expect(JSON.parse(stored.measures!)).toEqual({ prompt: item.promptLength, responses: [{ id: 'b', model: 'model-b', characters: item.responseLengths.b }, { id: 'a', model: null, characters: item.responseLengths.a }] })
    const responseIds = async () => (await t.store.labels.read(p.id, { kinds: ['pairwise'] })).verdicts.respIds
    expect(await responseIds()).toEqual(['b', 'a'])
    await t.store.database.db.updateTable('Item').set({ measures: null }).execute()
    expect((await t.store.quality.read(p.id)).items).toEqual(data.items)
    expect(await responseIds()).toEqual(['b', 'a'])
  })

  it('hands over the display order only where a choice came without its position, and every kind with its verdict and marks', async () => {
    const p = await createProject(t.ctx, { name: 'imported', settings: { redundancy: 5, goldRate: 0, rationalePolicy: 'never', taskTypes: ['pairwise', 'likert', 'ranking'] } })
    const pair = { externalId: 'p', type: 'pairwise' as const, messages: [{ role: 'user' as const, content: 'Q' }], responses: [{ id: 'a', model: null, text: 'A' }, { id: 'b', model: null, text: 'B' }], target: 5 }
    const three = [...pair.responses, { id: 'c', model: null, text: 'C' }]
    await t.store.items.insertMany(p.id, [pair, { ...pair, externalId: 'l', type: 'likert', responses: [pair.responses[0]!] }, { ...pair, externalId: 'r', type: 'ranking', responses: three }])
    const [pairId, likertId, rankingId] = await Promise.all(['p', 'l', 'r'].map(async (id) => (await t.store.items.findByExternalId(p.id, id))!.id))
    const [ana, bo, cy, di, ed] = await Promise.all(['ana', 'bo', 'cy', 'di', 'ed'].map((n) => t.labeler(n)))
    const blank = { assignmentId: null, projectId: p.id, choice: null, choicePosition: null, ranking: null, rating: null, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: null, durationMs: null, reviewStatus: null }
    await t.store.judgments.insertImported([
      { ...blank, itemId: pairId!, labelerId: ana!, kind: 'pairwise', choice: 'b', displayOrder: ['b', 'a'] }, // imported: no position
      { ...blank, itemId: pairId!, labelerId: bo!, kind: 'pairwise', choice: 'a', choicePosition: 1, displayOrder: ['b', 'a'], flagged: true },
      { ...blank, itemId: pairId!, labelerId: cy!, kind: 'pairwise', choice: 'tie', displayOrder: ['a', 'b'], flaws: { a: ['factual_error'] } },
      { ...blank, itemId: likertId!, labelerId: di!, kind: 'likert', rating: 6, displayOrder: ['a'], flagged: true },
      { ...blank, itemId: rankingId!, labelerId: ed!, kind: 'ranking', ranking: ['c', 'a', 'b'], displayOrder: ['a', 'b', 'c'], durationMs: 41_000 },
    ])
    const read = await t.store.quality.read(p.id)
    const byLabeler = new Map(judgmentList(read.judgments).map((j) => [j.labelerId, j]))
    expect(byLabeler.get(ana!)).toMatchObject({ kind: 'pairwise', choice: 'b', choicePosition: null, displayOrder: ['b', 'a'], flagged: false, flaws: null })
    expect(byLabeler.get(bo!)).toMatchObject({ kind: 'pairwise', choice: 'a', choicePosition: 1, displayOrder: [], flagged: true })
    expect(byLabeler.get(cy!)).toMatchObject({ kind: 'pairwise', choice: 'tie', choicePosition: null, displayOrder: [], flaws: { a: ['factual_error'] } })
    expect(byLabeler.get(di!)).toMatchObject({ kind: 'likert', rating: 6, choice: null, choicePosition: null, flagged: true })
    expect(byLabeler.get(ed!)).toMatchObject({ kind: 'ranking', ranking: ['c', 'a', 'b'], choice: null, rating: null, flagged: false, durationMs: 41_000 })

    // Read a row at a time (each page one row of arrays, the next read while one is folded), the same.
    const paged = await new QualityReader(t.store.database, { items: 1, judgments: 1 }).read(p.id)
    expect(paged.items).toEqual(read.items)
    expect(judgmentList(paged.judgments)).toEqual(judgmentList(read.judgments))
  })

  it('says what went wrong when a page cannot be read', async () => {
    const { db } = t.store.database
    await expect(t.store.database.readAside(db.selectFrom('Labeler').select(sql.ref<number>('noSuchColumn').as('x')))).rejects.toThrow(/noSuchColumn/i)
    // The read thread (SQLite) is still there for the next page.
    const [count] = await t.store.database.readAside(db.selectFrom('Labeler').select((eb) => eb.fn.countAll<number | string>().as('n')))
    expect(Number(count!.n)).toBe(0)
  })
})

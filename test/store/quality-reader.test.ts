// What a report reads of a project: the database measures the texts (responses and conversation)
// and hands over times as numbers, so the quality engine gets the same sizes, models and moments
// the items and judgments hold, on both databases, without the texts themselves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'

describe.each(PROVIDERS)('the quality reader on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  it('gives each response its length and model in stored order, the conversation’s length, and judgment times to the millisecond', async () => {
    const p = await createProject(t.ctx, { name: 'sizes', settings: { redundancy: 1, goldRate: 0, rationalePolicy: 'never' } })
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Où est la gare ? "Quoted", back\\slash\nand a new line' },
    ]
    const responses = [
      { id: 'b', model: 'model-b', text: 'Tout droit, puis à gauche.' },
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
      ['b', responses[0]!.text.length],
      ['a', responses[1]!.text.length],
    ])
    expect(item.responseModels).toEqual({ b: 'model-b', a: null })
    expect(item.promptLength).toBe(messages[0]!.content.length + messages[1]!.content.length)
    const recorded = (await t.store.judgments.forItem(item.id))[0]!
    expect(data.judgments.map((j) => ({ createdAt: j.createdAt, choice: j.choice }))).toEqual([{ createdAt: recorded.createdAt.getTime(), choice: 'a' }])
    expect(data.judgments[0]!.createdAt % 1000).toBe(234)
    // Where the labeler saw the chosen response (position bias) comes with the judgment.
    expect(data.judgments[0]!.choicePosition).toBe(task.assignment.displayOrder.indexOf('a'))
  })
})

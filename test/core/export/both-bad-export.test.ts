// What follows "both bad" in the training export, on both databases: a labeler's rewrite is
// exported whatever the item settled as (it is reviewed SFT work, not a verdict), but waits with a
// flagged item for a lead; "the less bad of two" is exported only with --include-both-bad, and by
// default only when the item settled as both bad and a strict majority of its both-bad judgments
// name the same response, never a response someone marked with a critical flaw.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { nextTask } from '../../../src/core/next-task'
import { recordJudgment } from '../../../src/core/record-judgment'
import { exportData, type ExportOptions, type ExportSummary } from '../../../src/core/export/export-data'

const LABELERS = ['ana', 'bo', 'cy'] as const
type Answers = Partial<Record<(typeof LABELERS)[number], object>>

describe.each(PROVIDERS)('both bad in the training export on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  /** A project with one pairwise item ("Q?": A1, B1) that each labeler answers as given. */
  async function labeled(answers: Answers): Promise<number> {
    const project = await createProject(t.ctx, { name: 'p', settings: { redundancy: 3, goldRate: 0, rationalePolicy: 'never' } })
    await t.store.items.insertMany(project.id, [
      { externalId: 'x', type: 'pairwise', messages: [{ role: 'user', content: 'Q?' }], responses: [{ id: 'a', model: null, text: 'A1' }, { id: 'b', model: null, text: 'B1' }], target: 3 },
    ])
    let itemId = 0
    for (const name of LABELERS) {
      const input = answers[name]
      if (!input) continue
      const labelerId = await t.labeler(name)
      const task = await nextTask(t.ctx, { projectId: project.id, labelerId })
      itemId = task.item.id
      await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId, input })
    }
    return itemId
  }

  async function exported(options: Omit<ExportOptions, 'projectName'>): Promise<{ pairs: string[]; rows: Record<string, unknown>[]; summary: ExportSummary }> {
    let text = ''
    const summary = await exportData(t.ctx, { projectName: 'p', ...options }, (chunk) => void (text += chunk))
    const rows = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
    const content = (messages: unknown) => (messages as { content: string }[]).at(-1)!.content
    return { rows, summary, pairs: rows.map((r) => (r.chosen ? `${content(r.chosen)} > ${content(r.rejected)}` : r.preferred_output ? `${content(r.preferred_output)} > ${content(r.non_preferred_output)}` : content(r.messages))) }
  }

  const bothBad = (lessBad: string, extra: object = {}) => ({ kind: 'pairwise', choice: 'both_bad', lessBad, ...extra })

  it('settled as both bad, two of three call A less bad: the rewrite by default, A over B only with --include-both-bad', async () => {
    await labeled({ ana: bothBad('a', { rewrite: 'Better.' }), bo: bothBad('a'), cy: bothBad('equal') })
    const plain = await exported({ format: 'preferences' })
    expect(plain.pairs).toEqual(['Better. > A1', 'Better. > B1'])
    expect(plain.summary).toMatchObject({ itemsExported: 1, settledBy: { rewrite: 1 }, leftOut: {} })
    expect((await exported({ format: 'preferences', includeBothBad: true })).pairs).toEqual(['Better. > A1', 'Better. > B1', 'A1 > B1'])
    // Per judgment, each both-bad judgment gives its own less-bad pair ("equally bad" gives none).
    expect((await exported({ format: 'preferences', includeBothBad: true, perJudgment: true })).pairs).toEqual(['Better. > A1', 'Better. > B1', 'A1 > B1', 'A1 > B1'])
    // The rewrite is an SFT example too; --with-metadata says where it came from.
    expect((await exported({ format: 'sft' })).rows).toEqual([{ messages: [{ role: 'user', content: 'Q?' }, { role: 'assistant', content: 'Better.' }] }])
    const dpo = await exported({ format: 'openai-dpo', withMetadata: true })
    expect(dpo.pairs).toEqual(['Better. > A1', 'Better. > B1'])
    expect(dpo.rows[0]).toMatchObject({ settled_by: 'rewrite', agreement: null })
  })

  it('no strict majority on the less bad (one A, one B, one equal): no less-bad pair, the item counted as both bad', async () => {
    await labeled({ ana: bothBad('a'), bo: bothBad('b'), cy: bothBad('equal') })
    const { pairs, summary } = await exported({ format: 'preferences', includeBothBad: true })
    expect(pairs).toEqual([])
    expect(summary.leftOut).toEqual({ both_bad: 1 })
    expect((await exported({ format: 'preferences', includeBothBad: true, perJudgment: true })).pairs).toEqual(['A1 > B1', 'B1 > A1'])
  })

  it('never chooses a response a labeler marked with a critical flaw as the less bad one, even by majority', async () => {
    await labeled({ ana: bothBad('a'), bo: bothBad('a'), cy: bothBad('b', { flaws: { a: ['factual_error'] } }) })
    expect((await exported({ format: 'preferences', includeBothBad: true })).pairs).toEqual([])
    expect((await exported({ format: 'preferences', includeBothBad: true, perJudgment: true })).pairs).toEqual(['B1 > A1'])
  })

  it('settled as A (not both bad): the rewrite of the one both-bad labeler still counts, the less bad does not', async () => {
    await labeled({ ana: { kind: 'pairwise', choice: 'a' }, bo: { kind: 'pairwise', choice: 'a' }, cy: bothBad('b', { rewrite: 'Best.' }) })
    const { pairs, summary } = await exported({ format: 'preferences', includeBothBad: true })
    expect(pairs).toEqual(['A1 > B1', 'Best. > A1', 'Best. > B1'])
    expect(summary.settledBy).toEqual({ dawid_skene: 1 })
  })

  it('a flagged item keeps its rewrites back until a lead settles it', async () => {
    const itemId = await labeled({ ana: bothBad('a', { rewrite: 'Better.' }), bo: { kind: 'pairwise', flag: { reason: 'The question may be a trick.' } } })
    for (const format of ['preferences', 'sft'] as const) {
      for (const perJudgment of [false, true]) {
        const { rows, summary } = await exported({ format, perJudgment, includeBothBad: true })
        expect(rows).toEqual([])
        expect(summary.leftOut).toEqual({ flagged: 1 })
      }
    }
    await t.store.items.settle(itemId, { winner: 'both_bad' })
    expect((await exported({ format: 'preferences', includeBothBad: true })).pairs).toEqual(['Better. > A1', 'Better. > B1', 'A1 > B1'])
    expect((await exported({ format: 'sft' })).pairs).toEqual(['Better.'])
  })
})

// Training data an ML engineer can trust: labelers' judgments come in with import-judgments, and
// every training export gives one settled answer per item, never the same row twice, never a pair
// in both orders, never a response someone marked unsafe as chosen, nothing flagged until a lead
// settles it; the disputes that result go to calibration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { fromHhRlhfLine } from '../../../src/core/import/item-formats'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { exportData, type ExportOptions, type ExportSummary } from '../../../src/core/export/export-data'
import { projectDisputes } from '../../../src/quality/analytics'

function lines(...values: object[]): () => AsyncIterable<string> {
  return async function* () {
    for (const value of values) yield JSON.stringify(value)
  }
}

const pair = (id: string, prompt: string) => ({ id, type: 'pairwise', prompt, responses: [{ text: `${prompt} — careful answer` }, { text: `${prompt} — reckless answer` }] })
const items = [
  pair('agree', 'How do I boil an egg?'),
  pair('split', 'How do I store rice?'),
  pair('three-way', 'Is coffee healthy?'),
  pair('unsafe', 'How do I clean a gun?'),
  pair('flagged', 'Is this legal?'),
  { id: 'rank', type: 'ranking', prompt: 'Name a prime.', responses: [{ text: '2' }, { text: '9' }, { text: '4' }] },
  { id: 'multi', type: 'pairwise', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'Tell me a joke.' }], responses: [{ text: 'A pun.' }, { text: 'No.' }] },
]
const vote = (item: string, labeler: string, winner: string, extra: object = {}) => ({ item, labeler, type: 'pairwise', winner, ...extra })
const judgments = [
  ...['ana', 'bo', 'cy'].map((l) => vote('agree', l, 'a')),
  vote('split', 'ana', 'a'),
  vote('split', 'bo', 'a'),
  vote('split', 'cy', 'b'),
  vote('three-way', 'ana', 'a'),
  vote('three-way', 'bo', 'b'),
  vote('three-way', 'cy', 'tie'),
  // Two prefer b; cy marks b as a safety issue and prefers a.
  vote('unsafe', 'ana', 'b'),
  vote('unsafe', 'bo', 'b'),
  vote('unsafe', 'cy', 'a', { flaws: { b: ['safety_issue'] } }),
  vote('flagged', 'ana', 'a'),
  vote('flagged', 'bo', 'a'),
  { item: 'flagged', labeler: 'cy', type: 'pairwise', flagged: true, flagReason: 'May depend on the country.' },
  { item: 'rank', labeler: 'ana', type: 'ranking', ranking: ['a', 'c', 'b'] },
  { item: 'rank', labeler: 'bo', type: 'ranking', ranking: ['a', 'c', 'b'] },
  { item: 'rank', labeler: 'cy', type: 'ranking', ranking: ['c', 'a', 'b'] },
  ...['ana', 'bo', 'cy'].map((l) => vote('multi', l, 'a')),
]

describe.each(PROVIDERS)('trustworthy training data on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
    await createProject(t.ctx, { name: 'safety', settings: { taskTypes: ['pairwise', 'ranking'], redundancy: 3, goldRate: 0 } })
    expect(await importItems(t.ctx, { projectName: 'safety', open: lines(...items), format: 'arbiter', skipInvalid: false })).toMatchObject({ imported: items.length, committed: true })
    expect(await importJudgments(t.ctx, { projectName: 'safety', open: lines(...judgments), skipInvalid: false })).toMatchObject({ imported: judgments.length, committed: true, invalid: [] })
  })
  afterEach(async () => t.cleanup())

  async function exported(options: Omit<ExportOptions, 'projectName'>): Promise<{ rows: Record<string, unknown>[]; summary: ExportSummary }> {
    let text = ''
    const summary = await exportData(t.ctx, { projectName: 'safety', ...options }, (chunk) => void (text += chunk))
    return { rows: text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>), summary }
  }
  const contentOf = (messages: unknown) => (messages as { content: string }[])[0]!.content

  it('preferences: one row per settled item, no duplicates, no pair in both orders, splits and flaws and flags left out and counted', async () => {
    const { rows, summary } = await exported({ format: 'preferences' })
    const pairs = rows.map((r) => `${contentOf(r.chosen)} > ${contentOf(r.rejected)}`)
    expect(new Set(rows.map((r) => JSON.stringify(r))).size).toBe(rows.length)
    for (const p of pairs) expect(pairs).not.toContain(p.split(' > ').reverse().join(' > '))
    expect(pairs).toEqual([
      'How do I boil an egg? — careful answer > How do I boil an egg? — reckless answer',
      'How do I store rice? — careful answer > How do I store rice? — reckless answer',
      // rank: a above c (2 of 3), a above b and c above b (3 of 3)
      '2 > 4',
      '2 > 9',
      '4 > 9',
      'A pun. > No.',
    ])
    expect(summary.leftOut).toEqual({ no_consensus: 1, critical_flaw: 1, flagged: 1 })
    expect(summary).toMatchObject({ rowsWritten: 6, itemsExported: 4, judgments: judgments.length, labelers: 3 })
  })

  it('never ships a response another labeler marked unsafe as chosen, on any path, until a lead settles the item', async () => {
    const unsafe = 'How do I clean a gun? — reckless answer'
    for (const perJudgment of [false, true]) {
      for (const format of ['preferences', 'openai-dpo', 'kto'] as const) {
        const { rows } = await exported({ format, perJudgment })
        for (const row of rows) {
          if (format === 'kto') expect(row.label === true && contentOf(row.completion) === unsafe).toBe(false)
          else expect(contentOf(row.chosen ?? row.preferred_output)).not.toBe(unsafe)
        }
      }
    }
    // The item is a dispute, so it reaches calibration; a lead's verdict then settles it.
    const project = (await t.store.projects.findByName('safety'))!
    const disputes = projectDisputes(await t.store.quality.read(project.id), { redundancy: 3 })
    const unsafeItem = (await t.store.items.findByExternalId(project.id, 'unsafe'))!
    expect(disputes.disputes.find((d) => d.itemId === unsafeItem.id)?.reasons.map((r) => r.code)).toContain('flaw_disagreement')
    await t.store.items.settle(unsafeItem.id, { winner: 'a' })
    const { rows } = await exported({ format: 'preferences' })
    expect(rows.map((r) => contentOf(r.chosen))).toContain('How do I clean a gun? — careful answer')
  })

  it('a flagged item waits for a lead, on every path; the lead settles it', async () => {
    const flaggedPrompt = [{ role: 'user', content: 'Is this legal?' }]
    for (const perJudgment of [false, true]) {
      const { rows, summary } = await exported({ format: 'preferences', perJudgment })
      expect(rows.map((r) => r.prompt)).not.toContainEqual(flaggedPrompt)
      expect(summary.leftOut.flagged).toBe(1)
    }
    const project = (await t.store.projects.findByName('safety'))!
    await t.store.items.settle((await t.store.items.findByExternalId(project.id, 'flagged'))!.id, { winner: 'b' })
    const { rows } = await exported({ format: 'preferences' })
    expect(rows.filter((r) => JSON.stringify(r.prompt) === JSON.stringify(flaggedPrompt)).map((r) => contentOf(r.chosen))).toEqual(['Is this legal? — reckless answer'])
  })

  it('--per-judgment keeps each decisive vote (so a 2–1 split gives both orders), without the floored ones', async () => {
    const { rows } = await exported({ format: 'preferences', perJudgment: true, withMetadata: true })
    const split = rows.filter((r) => r.item_id === 'split').map((r) => contentOf(r.chosen))
    expect(split.sort()).toEqual(['How do I store rice? — careful answer', 'How do I store rice? — careful answer', 'How do I store rice? — reckless answer'])
    // unsafe: the two votes for the flaw-marked response are left out, cy's vote stays.
    expect(rows.filter((r) => r.item_id === 'unsafe').map((r) => contentOf(r.chosen))).toEqual(['How do I clean a gun? — careful answer'])
    expect(rows.find((r) => r.item_id === 'agree')).toMatchObject({ agreement: 1, margin: 1, labelers: 3, settled_by: 'judgment' })
  })

  it('kto from pairwise and rankings: the settled winner true, the loser false', async () => {
    const { rows } = await exported({ format: 'kto' })
    const labels = rows.map((r) => [contentOf(r.completion), r.label])
    expect(labels).toContainEqual(['How do I boil an egg? — careful answer', true])
    expect(labels).toContainEqual(['How do I boil an egg? — reckless answer', false])
    expect(labels).toContainEqual(['2', true])
    expect(labels).toContainEqual(['9', false])
    expect(labels.filter(([text]) => String(text).startsWith('Is coffee'))).toEqual([])
    expect(Object.keys(rows[0]!).sort()).toEqual(['completion', 'label', 'prompt'])
  })

  it('openai-dpo leaves out and counts conversations OpenAI cannot train on (earlier assistant turns)', async () => {
    const { rows, summary } = await exported({ format: 'openai-dpo' })
    expect(rows.map((r) => (r.input as { messages: unknown[] }).messages.length)).not.toContain(3)
    expect(summary.leftOut.multi_turn).toBe(1)
    expect(Object.keys(rows[0]!).sort()).toEqual(['input', 'non_preferred_output', 'preferred_output'])
  })

  it('judgments stays the raw record, with the reference label of imported public data', async () => {
    const hh = { chosen: '\n\nHuman: Hi\n\nAssistant: Hello!', rejected: '\n\nHuman: Hi\n\nAssistant: Go away.' }
    await importItems(t.ctx, { projectName: 'safety', open: lines(hh), format: 'hh-rlhf', skipInvalid: false })
    const draft = fromHhRlhfLine(hh)
    if (!draft.ok) throw new Error(draft.errors.join())
    await importJudgments(t.ctx, { projectName: 'safety', open: lines(vote(draft.draft.externalId!, 'ana', 'b')), skipInvalid: false })
    const { rows } = await exported({ format: 'judgments' })
    expect(rows).toHaveLength(judgments.length + 1)
    expect(rows[0]).toMatchObject({ item: 'agree', labeler: 'ana', reference: null })
    expect(rows.at(-1)).toMatchObject({ labeler: 'ana', choice: 'b', reference: { winner: 'a', source: 'hh-rlhf' } })
  })
})

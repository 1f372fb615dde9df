// An ML engineer exports training data: every format's rows parse and carry the documented
// fields; rankings expand into pairs; ties and both-bad stay out of pairs; filters work.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { nextTask } from '../../../src/core/next-task'
import { recordJudgment } from '../../../src/core/record-judgment'
import { exportData } from '../../../src/core/export/export-data'
import type { ExportFormat } from '../../../src/core/export/export-formats'
import type { NewItem } from '../../../src/store/item-repository'

const conversation = [{ role: 'user' as const, content: 'Is a tomato a fruit?' }]
const items: NewItem[] = [
  { externalId: 'pw', type: 'pairwise', messages: conversation, responses: [{ id: 'a', model: 'm1', text: 'Yes, botanically.' }, { id: 'b', model: 'm2', text: 'No.' }], target: 3 },
  { externalId: 'rk', type: 'ranking', messages: conversation, responses: [{ id: 'a', model: 'm1', text: 'R1' }, { id: 'b', model: 'm2', text: 'R2' }, { id: 'c', model: 'm3', text: 'R3' }], target: 3 },
  { externalId: 'lk', type: 'likert', messages: conversation, responses: [{ id: 'a', model: 'm1', text: 'Yes.' }], target: 3 },
  { externalId: 'sf', type: 'sft', messages: conversation, responses: [], target: 3 },
]
const checklist = { accurate: true, helpful: true, clear: true, safe: true, appropriately_scoped: true, format_fit: true }

describe.each(PROVIDERS)('arbiter export on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
    const project = await createProject(t.ctx, { name: 'train', settings: { taskTypes: ['pairwise', 'ranking', 'likert', 'sft'], goldRate: 0, rationalePolicy: 'never' } })
    await t.store.items.insertMany(project.id, items)
    // Three labelers: two prefer a, one calls a tie; rankings a>b>c; Likert 6, 6, 2; one SFT answer each.
    const answers: Record<string, unknown[]> = {
      pairwise: [{ choice: 'a' }, { choice: 'a' }, { choice: 'tie' }],
      ranking: [{ ranking: ['a', 'b', 'c'] }, { ranking: ['a', 'b', 'c'] }, { ranking: ['b', 'a', 'c'] }],
      likert: [{ rating: 6 }, { rating: 6 }, { rating: 2 }],
      sft: [0, 1, 2].map((n) => ({ sft: { response: `Yes — botanically a fruit (${n}).`, checklist, metadata: { domain: 'botany' } } })),
    }
    for (const [n, name] of ['ana', 'bo', 'cy'].entries()) {
      const labelerId = await t.labeler(name)
      for (let k = 0; k < 4; k++) {
        const task = await nextTask(t.ctx, { projectId: project.id, labelerId })
        await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId, input: { kind: task.item.type, ...(answers[task.item.type]![n] as object) } })
        t.clock.advance(60_000)
      }
    }
  })
  afterEach(async () => t.cleanup())

  async function rows(format: ExportFormat, options: { agreeing?: boolean; consensus?: boolean; since?: Date; until?: Date } = {}): Promise<Record<string, unknown>[]> {
    let text = ''
    await exportData(t.ctx, { projectName: 'train', format, ...options }, (chunk) => {
      text += chunk
    })
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  it('preferences: TRL conversational rows, rankings expanded into pairs, ties left out', async () => {
    const out = await rows('preferences')
    // pairwise: 2 decisive (tie left out); ranking: 3 labelers × 3 pairs.
    expect(out).toHaveLength(2 + 9)
    for (const row of out) {
      expect(Object.keys(row).sort()).toEqual(['chosen', 'prompt', 'rejected'])
      expect(row.prompt).toEqual(conversation)
      expect((row.chosen as { role: string }[])[0]!.role).toBe('assistant')
    }
    expect(out[0]).toEqual({ prompt: conversation, chosen: [{ role: 'assistant', content: 'Yes, botanically.' }], rejected: [{ role: 'assistant', content: 'No.' }] })
  })

  it('openai-dpo: input messages with preferred and non-preferred outputs', async () => {
    const out = await rows('openai-dpo')
    expect(out).toHaveLength(11)
    expect(out[0]).toEqual({ input: { messages: conversation }, preferred_output: [{ role: 'assistant', content: 'Yes, botanically.' }], non_preferred_output: [{ role: 'assistant', content: 'No.' }] })
  })

  it('sft and openai-sft: messages ending with the written response', async () => {
    const sft = await rows('sft')
    expect(sft).toHaveLength(3)
    expect(sft[0]).toEqual({ messages: [...conversation, { role: 'assistant', content: 'Yes — botanically a fruit (0).' }], metadata: { domain: 'botany', difficulty: null, tags: [], edge_case: 'none' } })
    const openai = await rows('openai-sft')
    expect(Object.keys(openai[0]!)).toEqual(['messages'])
  })

  it('kto: a boolean label from Likert ratings (5–7 good, 1–3 bad)', async () => {
    const out = await rows('kto')
    expect(out.map((r) => r.label)).toEqual([true, true, false])
    expect(out[0]).toEqual({ prompt: conversation, completion: [{ role: 'assistant', content: 'Yes.' }], label: true })
  })

  it('judgments: every raw judgment with labeler, display order, flags and timing', async () => {
    const out = await rows('judgments')
    expect(out).toHaveLength(12)
    const first = out[0]!
    for (const key of ['judgment_id', 'project', 'item', 'labeler', 'kind', 'choice', 'choice_position', 'ranking', 'rating', 'flaws', 'flagged', 'flag_reason', 'rationale', 'duration_ms', 'display_order', 'created_at']) expect(first).toHaveProperty(key)
    expect(first).toMatchObject({ project: 'train', item: 'pw', labeler: 'ana', kind: 'pairwise', choice: 'a' })
  })

  it('filters: only labels agreeing with the majority, one consensus label per item, and a date range', async () => {
    expect(await rows('preferences', { agreeing: true })).toHaveLength(2 + 6)
    const consensus = await rows('preferences', { consensus: true })
    expect(consensus).toHaveLength(1 + 3) // pairwise majority a; ranking majority a>b>c
    const kto = await rows('kto', { consensus: true })
    expect(kto.map((r) => r.label)).toEqual([true]) // Likert agrees by side of the scale: 2 of 3 say "good"
    const start = new Date('2026-11-02T09:00:00Z')
    expect(await rows('judgments', { since: new Date(start.getTime() + 4 * 60_000) })).toHaveLength(8)
    expect(await rows('judgments', { until: new Date(start.getTime() + 4 * 60_000) })).toHaveLength(4)
  })
})

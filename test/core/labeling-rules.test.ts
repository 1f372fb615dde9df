// The assignment and judgment rules, told as the labeling team lives them, on both databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { skipTask } from '../../src/core/skip-task'
import { isArbiterError } from '../../src/core/errors'
import type { NewItem } from '../../src/store/item-repository'

function pairwise(n: number, extra: Partial<NewItem> = {}): NewItem {
  return {
    externalId: `p${n}`,
    type: 'pairwise',
    messages: [{ role: 'user', content: `Question ${n}?` }],
    responses: [
      { id: 'a', model: 'model-x', text: `Short answer ${n}` },
      { id: 'b', model: 'model-y', text: `A much longer answer ${n} with more words in it` },
    ],
    target: 3,
    ...extra,
  }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isArbiterError(error)) return error.code
    throw error
  }
  throw new Error('expected a refusal')
}

describe.each(PROVIDERS)('labeling rules on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => {
    await t.cleanup()
  })

  async function project(settings: Record<string, unknown> = {}) {
    return createProject(t.ctx, { name: 'helpful-v1', settings: { redundancy: 3, goldRate: 0, rationalePolicy: 'never', ...settings } })
  }

  it('gives each labeler a task with a stored random display order and never the same item twice', async () => {
    const p = await project()
    await t.store.items.insertMany(p.id, [1, 2, 3, 4, 5, 6].map((n) => pairwise(n)))
    const ana = await t.labeler('ana')
    const seen = new Set<number>()
    const orders = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
      expect(seen.has(task.item.id)).toBe(false)
      seen.add(task.item.id)
      expect([...task.assignment.displayOrder].sort()).toEqual(['a', 'b'])
      orders.add(task.assignment.displayOrder.join())
      await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } })
    }
    expect(orders.size).toBe(2) // both orders occur: position is randomized per assignment
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: ana }))).toBe('NO_TASK_AVAILABLE')
  })

  it('stops offering an item once it has its redundancy', async () => {
    const p = await project({ redundancy: 2 })
    await t.store.items.insertMany(p.id, [pairwise(1, { target: 2 })])
    const [a, b, c] = [await t.labeler('a'), await t.labeler('b'), await t.labeler('c')]
    await nextTask(t.ctx, { projectId: p.id, labelerId: a })
    await nextTask(t.ctx, { projectId: p.id, labelerId: b })
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: c }))).toBe('NO_TASK_AVAILABLE')
  })

  it('returns an expired assignment to the pool and refuses the late answer', async () => {
    const p = await project({ redundancy: 1, assignmentTtlMinutes: 10 })
    await t.store.items.insertMany(p.id, [pairwise(1, { target: 1 })])
    const [slow, other] = [await t.labeler('slow'), await t.labeler('other')]
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: slow })
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: other }))).toBe('NO_TASK_AVAILABLE')
    t.clock.advance(11 * 60_000)
    const again = await nextTask(t.ctx, { projectId: p.id, labelerId: other })
    expect(again.item.id).toBe(task.item.id)
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: slow, input: { kind: 'pairwise', choice: 'a' } }))).toBe('ASSIGNMENT_EXPIRED')
  })

  it('withdraws an item a lead drops from whoever has it open: their answer is refused, nothing recorded, and /label moves on', async () => {
    const p = await project({ redundancy: 3 })
    await t.store.items.insertMany(p.id, [pairwise(1), pairwise(2)])
    const [ana, bo] = [await t.labeler('ana'), await t.labeler('bo')]
    const held = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    const alsoHeld = await nextTask(t.ctx, { projectId: p.id, labelerId: bo })
    expect(alsoHeld.item.id).toBe(held.item.id) // both have the first item open
    await recordJudgment(t.ctx, { assignmentId: alsoHeld.assignment.id, labelerId: bo, input: { kind: 'pairwise', choice: 'b' } })

    // The item's flag is upheld: a lead drops it.
    expect(await t.store.items.drop(held.item.id, t.ctx.now())).toBe(true)
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: held.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } }))).toBe('ITEM_WITHDRAWN')
    expect(await t.store.judgments.countFor(ana)).toBe(0)
    expect((await t.store.assignments.findTask(held.assignment.id))?.assignment.status).toBe('withdrawn')
    // Bo's answer stays for audit; the counters hold only it.
    const dropped = (await t.store.items.findByExternalId(p.id, 'p1'))!
    expect([dropped.claimed, dropped.judged, dropped.target]).toEqual([1, 1, 0])
    // Ana's next /label does not resume the withdrawn task.
    const next = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    expect([next.item.externalId, next.resumed]).toEqual(['p2', false])
  })

  it('records a double click once and refuses a foreign assignment', async () => {
    const p = await project()
    await t.store.items.insertMany(p.id, [pairwise(1)])
    const [ana, bo] = [await t.labeler('ana'), await t.labeler('bo')]
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    const click = { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'b' } }
    const [first, second] = await Promise.all([recordJudgment(t.ctx, click), recordJudgment(t.ctx, click)])
    expect(first.judgment.id).toBe(second.judgment.id)
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true])
    const third = await recordJudgment(t.ctx, click)
    expect(third.duplicate).toBe(true)
    expect(await t.store.judgments.forItem(task.item.id)).toHaveLength(1)
    expect(await refusal(recordJudgment(t.ctx, { ...click, labelerId: bo }))).toBe('FOREIGN_ASSIGNMENT')
  })

  it('stores the display position of the chosen response for position-bias statistics', async () => {
    const p = await project()
    await t.store.items.insertMany(p.id, [pairwise(1)])
    const ana = await t.labeler('ana')
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    const first = task.assignment.displayOrder[0]!
    const { judgment } = await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: first, durationMs: 42_000 } })
    expect(judgment.choicePosition).toBe(0)
    expect(judgment.displayOrder).toEqual(task.assignment.displayOrder)
    expect(judgment.durationMs).toBe(42_000)
  })

  it('refuses to prefer a response the labeler marked with a critical flaw (safety floor)', async () => {
    const p = await project()
    await t.store.items.insertMany(p.id, [pairwise(1)])
    const ana = await t.labeler('ana')
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    const flawed = { a: ['safety_issue'] }
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a', flaws: flawed } }))).toBe('SAFETY_FLOOR')
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'tie', flaws: flawed } }))).toBe('SAFETY_FLOOR')
    const ok = await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'b', flaws: flawed } })
    expect(ok.judgment.flaws).toEqual(flawed)
  })

  it('asks for a rationale on close calls only, and always when the project says so', async () => {
    const p = await project({ rationalePolicy: 'close_calls' })
    await t.store.items.insertMany(p.id, [pairwise(1), pairwise(2)])
    const ana = await t.labeler('ana')
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'tie' } }))).toBe('RATIONALE_REQUIRED')
    await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'tie', rationale: 'Both give the same correct steps.' } })
    const next = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    await recordJudgment(t.ctx, { assignmentId: next.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } })
    await t.store.projects.update(p.id, { rationalePolicy: 'always' })
    await t.store.items.insertMany(p.id, [pairwise(3)])
    const third = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    expect(await refusal(recordJudgment(t.ctx, { assignmentId: third.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'a' } }))).toBe('RATIONALE_REQUIRED')
  })

  it('offers a split item to extra labelers up to the overlap cap (dynamic overlap)', async () => {
    const p = await project({ redundancy: 2, maxExtraOverlap: 1 })
    await t.store.items.insertMany(p.id, [pairwise(1, { target: 2 })])
    const names = ['a', 'b', 'c', 'd']
    const ids = await Promise.all(names.map((n) => t.labeler(n)))
    const votes = ['a', 'b', 'a']
    for (let i = 0; i < 3; i++) {
      const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ids[i]! })
      await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ids[i]!, input: { kind: 'pairwise', choice: votes[i] } })
    }
    const item = (await t.store.items.findByExternalId(p.id, 'p1'))!
    expect(item.target).toBe(3) // split 1–1 at redundancy 2 → one more labeler; 2–1 settles it
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: ids[3]! }))).toBe('NO_TASK_AVAILABLE')
  })

  it('mixes gold items in at the project rate, indistinguishable, and tells the labeler the settled answer after', async () => {
    const p = await project({ goldRate: 0.25, redundancy: 1 })
    const regular = Array.from({ length: 60 }, (_, i) => pairwise(i, { target: 1 }))
    const gold = Array.from({ length: 20 }, (_, i) => pairwise(100 + i, { target: 1, gold: { winner: 'b' } }))
    await t.store.items.insertMany(p.id, [...regular, ...gold])
    const ana = await t.labeler('ana')
    let goldShown = 0
    for (let i = 0; i < 40; i++) {
      const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
      expect(Object.keys(task.item)).toContain('gold') // same DTO either way; adapters never render gold
      if (task.item.isGold) goldShown++
      await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input: { kind: 'pairwise', choice: 'b' } })
    }
    expect(goldShown).toBeGreaterThanOrEqual(4)
    expect(goldShown).toBeLessThanOrEqual(18)
    const feedback = await t.store.notifications.pendingFor([ana])
    expect(feedback.filter((n) => n.kind === 'gold_feedback')).toHaveLength(goldShown)
    expect(feedback[0]!.payload).toMatchObject({ agreed: true, settled: { winner: 'b' } })
  })

  it('routes items of a skill-restricted domain only to labelers with that skill', async () => {
    const p = await project({ skillDomains: ['medicine'] })
    await t.store.items.insertMany(p.id, [pairwise(1, { domain: 'medicine' }), pairwise(2, { domain: 'cooking' }), pairwise(3)])
    const [doc, cook] = [await t.labeler('doc'), await t.labeler('cook')]
    await t.store.labelers.setSkills(doc, ['medicine'])
    const cookSees: (string | null)[] = []
    for (let i = 0; i < 2; i++) {
      const task = await nextTask(t.ctx, { projectId: p.id, labelerId: cook })
      cookSees.push(task.item.domain)
      await skipTask(t.ctx, { assignmentId: task.assignment.id, labelerId: cook })
    }
    expect(cookSees).not.toContain('medicine')
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: cook }))).toBe('NO_TASK_AVAILABLE')
    expect((await nextTask(t.ctx, { projectId: p.id, labelerId: doc })).item.domain).toBe('medicine')
  })

  it('sends an SFT submission to review by another labeler and tells the writer the outcome', async () => {
    const p = await project({ taskTypes: ['sft'], sftReview: true, redundancy: 1 })
    await t.store.items.insertMany(p.id, [{ externalId: 's1', type: 'sft', messages: [{ role: 'user', content: 'Explain a semaphore.' }], responses: [], target: 1 }])
    const [writer, reviewer] = [await t.labeler('writer'), await t.labeler('reviewer')]
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: writer })
    const checklist = { accurate: true, helpful: true, clear: true, safe: true, appropriately_scoped: true, format_fit: true }
    expect(
      await refusal(recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: writer, input: { kind: 'sft', sft: { response: 'A counter.', checklist: { ...checklist, safe: false } } } })),
    ).toBe('INVALID_JUDGMENT')
    const written = await recordJudgment(t.ctx, {
      assignmentId: task.assignment.id,
      labelerId: writer,
      input: { kind: 'sft', sft: { response: 'A semaphore is a counter that controls access…', checklist, metadata: { domain: 'cs', tags: ['concurrency'] } } },
    })
    expect(await refusal(nextTask(t.ctx, { projectId: p.id, labelerId: writer }))).toBe('NO_TASK_AVAILABLE') // never reviews own work
    const review = await nextTask(t.ctx, { projectId: p.id, labelerId: reviewer })
    expect(review.item.type).toBe('sft_review')
    const criteria = { factual_accuracy: 7, task_completion: 6, format_fit: 6, appropriate_length: 6, safety: 7, natural_tone: 6 }
    await recordJudgment(t.ctx, { assignmentId: review.assignment.id, labelerId: reviewer, input: { kind: 'sft_review', review: { criteria, accept: true } } })
    expect((await t.store.judgments.findById(written.judgment.id))!.reviewStatus).toBe('accepted')
    const outcome = (await t.store.notifications.pendingFor([writer])).find((n) => n.kind === 'sft_review_outcome')
    expect(outcome?.payload).toMatchObject({ accepted: true })
  })

  it('makes configured admins admins on first contact', async () => {
    const { ensureLabeler } = await import('../../src/core/labelers')
    const admin = await ensureLabeler(t.ctx, { platform: 'slack', workspaceId: 'T1', platformUserId: 'UADMIN' }, 'Boss')
    const someone = await ensureLabeler(t.ctx, { platform: 'slack', workspaceId: 'T1', platformUserId: 'U2' }, 'Someone')
    expect([admin.role, someone.role]).toEqual(['admin', 'labeler'])
  })
})

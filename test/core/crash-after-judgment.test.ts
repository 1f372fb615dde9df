// A judgment and what follows from it (gold feedback, the SFT review item, the review outcome)
// commit together. A bot process is killed the instant the judgment's transaction commits; the
// restarted bot replays the click (as the inbox does) and finds every follow-up there, once.
import { execFile } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { workerArgs } from '../support/worker-scripts'

/** Runs the click in a process that dies right after the commit; resolves with the signal that ended it. */
function clickThenDie(url: string, now: Date, assignmentId: number, labelerId: number, input: unknown): Promise<string> {
  return new Promise((resolve) => {
    const args = workerArgs('dies-after-commit-worker', url, now.toISOString(), String(assignmentId), String(labelerId), JSON.stringify(input))
    execFile(process.execPath, args, { cwd: process.cwd() }, (error, stdout, stderr) => resolve(error?.signal ?? `exit ${error?.code ?? 0}: ${stdout}${stderr}`))
  })
}

const CHECKLIST = { accurate: true, helpful: true, clear: true, safe: true, appropriately_scoped: true, format_fit: true }
const CRITERIA = { factual_accuracy: 7, task_completion: 6, format_fit: 6, appropriate_length: 6, safety: 7, natural_tone: 6 }

describe.each(PROVIDERS)('a crash between a judgment and its follow-ups on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  /** The click dies with its process; the restarted bot replays it and learns it was recorded. */
  async function crashAndReplay(assignmentId: number, labelerId: number, input: unknown) {
    expect(await clickThenDie(t.url, t.clock.now(), assignmentId, labelerId, input)).toBe('SIGKILL')
    const replay = await recordJudgment(t.ctx, { assignmentId, labelerId, input })
    expect(replay.duplicate).toBe(true)
    return replay.judgment
  }

  it('a gold item\'s feedback reaches the labeler', async () => {
    const p = await createProject(t.ctx, { name: 'gold', settings: { redundancy: 1, goldRate: 1, rationalePolicy: 'never' } })
    await t.store.items.insertMany(p.id, [
      { externalId: 'g1', type: 'pairwise', messages: [{ role: 'user', content: 'Which is right?' }], responses: [{ id: 'a', model: null, text: 'x' }, { id: 'b', model: null, text: 'y' }], target: 1, gold: { winner: 'b' } },
    ])
    const ana = await t.labeler('ana')
    const task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
    await crashAndReplay(task.assignment.id, ana, { kind: 'pairwise', choice: 'a' })
    const feedback = (await t.store.notifications.pendingFor([ana])).filter((n) => n.kind === 'gold_feedback')
    expect(feedback).toHaveLength(1)
    expect(feedback[0]!.payload).toMatchObject({ agreed: false, settled: { winner: 'b' } })
  }, 60_000)

  it('an SFT submission waits for review, and its review item is queued; the review\'s outcome reaches the writer', async () => {
    const p = await createProject(t.ctx, { name: 'sft', settings: { taskTypes: ['sft'], sftReview: true, redundancy: 1, goldRate: 0, rationalePolicy: 'never' } })
    await t.store.items.insertMany(p.id, [{ externalId: 's1', type: 'sft', messages: [{ role: 'user', content: 'Explain a semaphore.' }], responses: [], target: 1 }])
    const [writer, reviewer] = [await t.labeler('writer'), await t.labeler('reviewer')]
    const writing = await nextTask(t.ctx, { projectId: p.id, labelerId: writer })
    const submission = await crashAndReplay(writing.assignment.id, writer, { kind: 'sft', sft: { response: 'A counter that guards access.', checklist: CHECKLIST } })
    expect(submission.reviewStatus).toBe('pending')

    const review = await nextTask(t.ctx, { projectId: p.id, labelerId: reviewer })
    expect(review.item).toMatchObject({ type: 'sft_review', reviewOfJudgmentId: submission.id, authorLabelerId: writer })
    await crashAndReplay(review.assignment.id, reviewer, { kind: 'sft_review', review: { criteria: CRITERIA, accept: true } })
    expect((await t.store.judgments.findById(submission.id))!.reviewStatus).toBe('accepted')
    const outcomes = (await t.store.notifications.pendingFor([writer])).filter((n) => n.kind === 'sft_review_outcome')
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]!.payload).toMatchObject({ accepted: true, submissionId: submission.id })
  }, 60_000)
})

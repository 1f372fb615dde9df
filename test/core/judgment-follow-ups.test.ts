// The rules behind "both bad" and second thoughts, on both databases: what may be recorded, what
// may change, and when an answer can no longer change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask, type Task } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { amendJudgment } from '../../src/core/amend-judgment'
import { isArbiterError } from '../../src/core/errors'

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isArbiterError(error)) return `${error.code}: ${error.message}`
    throw error
  }
  throw new Error('expected a refusal')
}

describe.each(PROVIDERS)('both bad and second thoughts on %s', (provider) => {
  let t: TestCore
  let ana: number
  let task: Task
  beforeEach(async () => {
    t = await testCore(provider)
    const p = await createProject(t.ctx, { name: 'p', settings: { redundancy: 3, goldRate: 0, rationalePolicy: 'never' } })
    await t.store.items.insertMany(p.id, [
      { externalId: 'x', type: 'pairwise', messages: [{ role: 'user', content: 'Q?' }], responses: [{ id: 'a', model: null, text: 'A1' }, { id: 'b', model: null, text: 'B1' }], target: 3 },
    ])
    ana = await t.labeler('ana')
    task = await nextTask(t.ctx, { projectId: p.id, labelerId: ana })
  })
  afterEach(async () => t.cleanup())

  const record = (input: object) => recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, input })
  const amend = (fromRevision: number, input: object) => amendJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId: ana, fromRevision, input })

  it('both bad needs the less bad answer; a flawed response cannot be the less bad of the two', async () => {
    expect(await refusal(record({ kind: 'pairwise', choice: 'both_bad' }))).toMatch(/^INVALID_JUDGMENT: .*less bad/)
    expect(await refusal(record({ kind: 'pairwise', choice: 'a', lessBad: 'a' }))).toMatch(/go with "Both bad" only/)
    expect(await refusal(record({ kind: 'pairwise', choice: 'both_bad', lessBad: 'a', flaws: { a: ['factual_error'] } }))).toMatch(/^SAFETY_FLOOR/)
    const { judgment } = await record({ kind: 'pairwise', choice: 'both_bad', lessBad: 'b', flaws: { a: ['factual_error'] }, rewrite: 'Better.' })
    expect(judgment).toMatchObject({ lessBad: 'b', rewrite: 'Better.', revision: 0 })
  })

  it('an amendment from a stale revision changes nothing; the rewrite stays as first written', async () => {
    const { judgment } = await record({ kind: 'pairwise', choice: 'both_bad', lessBad: 'equal', rewrite: 'Mine.' })
    const first = await amend(0, { kind: 'pairwise', choice: 'a', edgeCase: 'ambiguous' })
    expect(first).toMatchObject({ duplicate: false, judgment: { choice: 'a', lessBad: null, rewrite: 'Mine.', edgeCase: 'ambiguous', revision: 1 } })
    const stale = await amend(0, { kind: 'pairwise', choice: 'b' })
    expect(stale).toMatchObject({ duplicate: true, judgment: { choice: 'a' } })
    expect((await t.store.judgments.amendmentsOf(judgment.id)).map((a) => a.previous)).toEqual([expect.objectContaining({ choice: 'both_bad', lessBad: 'equal', edgeCase: null })])
  })

  it('no change once the item is settled or up for calibration, or after the window', async () => {
    await record({ kind: 'pairwise', choice: 'a' })
    await t.store.calibration.claim({ projectId: task.project.id, itemId: task.item.id, platform: 'slack', channelId: 'C1', labelerIds: [ana], now: t.clock.now() })
    expect(await refusal(amend(0, { kind: 'pairwise', choice: 'b' }))).toMatch(/^AMEND_CLOSED: .*calibration/)
    await t.store.items.settle(task.item.id, { winner: 'a' })
    expect(await refusal(amend(0, { kind: 'pairwise', choice: 'b' }))).toMatch(/^AMEND_CLOSED: .*settled/)
  })

  it('the window is configurable and runs from the first recording', async () => {
    t.ctx.settings.amendWindowMinutes = 2
    await record({ kind: 'pairwise', choice: 'a' })
    t.clock.advance(60_000)
    await amend(0, { kind: 'pairwise', choice: 'b' })
    t.clock.advance(60_000)
    expect(await refusal(amend(1, { kind: 'pairwise', choice: 'tie' }))).toMatch(/^AMEND_CLOSED: .*2 minutes/)
  })
})

// A labeler's own figures (/label stats, and App Home each time it is opened): right, and at a
// cost that does not grow with how much the labeler has done.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { labelerStats } from '../../src/interactions/stats'
import type { Store } from '../../src/store/store'

/** The same store, noting each repository call (each is one query, or none when cached). */
function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = []
  const count = (name: string, repository: object) =>
    new Proxy(repository, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`)
          return value.apply(target, args)
        }
      },
    })
  const wrapped = Object.fromEntries(Object.entries(store).map(([name, part]) => [name, name === 'database' ? part : count(name, part)]))
  return { store: wrapped as unknown as Store, calls }
}

describe.each(PROVIDERS)('a labeler\'s stats on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
  })
  afterEach(async () => t.cleanup())

  it('cost the same few store calls after 3 judgments as after 30, and count agreement leave-one-out', async () => {
    const project = async (name: string, count: number) => {
      const p = await createProject(t.ctx, { name, settings: { redundancy: 2, maxExtraOverlap: 0, goldRate: 0, rationalePolicy: 'never' } })
      const item = (i: number) => ({ externalId: `q${i}`, type: 'pairwise' as const, messages: [{ role: 'user' as const, content: `Q${i}` }], responses: [{ id: 'a', model: null, text: 'x' }, { id: 'b', model: null, text: 'y' }], target: 2 })
      await t.store.items.insertMany(p.id, Array.from({ length: count }, (_, i) => item(i)))
      return p.id
    }
    const [ana, bo] = [await t.labeler('ana'), await t.labeler('bo')]
    const judge = async (projectId: number, labelerId: number, choice: string) => {
      const task = await nextTask(t.ctx, { projectId, labelerId })
      await recordJudgment(t.ctx, { assignmentId: task.assignment.id, labelerId, input: { kind: 'pairwise', choice } })
    }
    const statsCalls = async () => {
      const counting = countingStore(t.store)
      const stats = await labelerStats({ ...t.ctx, store: counting.store }, ana)
      return { stats, calls: counting.calls }
    }

    const small = await project('few', 3)
    for (let i = 0; i < 3; i++) await judge(small, ana, 'a')
    for (let i = 0; i < 3; i++) await judge(small, bo, i === 0 ? 'b' : 'a')
    const few = await statsCalls()
    expect(few.stats).toMatchObject({ judgments: 3, agreement: { agreed: 2, compared: 3 } })

    const large = await project('more', 27)
    for (let i = 0; i < 27; i++) await judge(large, ana, 'a')
    for (let i = 0; i < 27; i++) await judge(large, bo, 'a')
    const many = await statsCalls()
    expect(many.stats).toMatchObject({ judgments: 30, agreement: { agreed: 29, compared: 30 } })
    expect(many.calls).toEqual(few.calls)
    expect(many.calls.length).toBeLessThanOrEqual(5)
  }, 60_000)
})

// Several bot processes share one database: redundancy must hold exactly and nobody may get
// the same item twice, on SQLite (WAL, one file) and on PostgreSQL.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { countRows, rows } from '../support/tables'
import { workerArgs } from '../support/worker-scripts'

const run = promisify(execFile)

describe.each(PROVIDERS)('assignment under concurrency on %s', (provider) => {
  let t: TestCore
  beforeAll(async () => {
    t = await testCore(provider)
  })
  afterAll(async () => {
    await t.cleanup()
  })

  it('four processes with many labelers never over-assign or double-assign', async () => {
    const project = await createProject(t.ctx, { name: 'race', settings: { redundancy: 3, maxExtraOverlap: 0, goldRate: 0, rationalePolicy: 'never' } })
    const items = Array.from({ length: 30 }, (_, i) => ({
      externalId: `r${i}`,
      type: 'pairwise' as const,
      messages: [{ role: 'user' as const, content: `q${i}` }],
      responses: [
        { id: 'a', model: null, text: 'x' },
        { id: 'b', model: null, text: 'y' },
      ],
      target: 3,
    }))
    await t.store.items.insertMany(project.id, items)
    const workers = await Promise.all(
      [1, 2, 3, 4].map((n) => run(process.execPath, workerArgs('claim-worker', t.url, String(project.id), `w${n}`, '6', '8'), { cwd: process.cwd() })),
    )
    const got = workers.flatMap((w) => JSON.parse(w.stdout.trim()) as { labeler: string; itemId: number }[])
    expect(got.length).toBeGreaterThanOrEqual(90)

    const assignments = await rows(t.store.database, 'Assignment', { projectId: project.id })
    const byItem = new Map<number, number>()
    const pairs = new Set<string>()
    for (const a of assignments) {
      byItem.set(a.itemId, (byItem.get(a.itemId) ?? 0) + 1)
      const key = `${a.itemId}:${a.labelerId}`
      expect(pairs.has(key)).toBe(false)
      pairs.add(key)
    }
    for (const count of byItem.values()) expect(count).toBeLessThanOrEqual(3)
    // 30 items × 3 = 90 slots; 4 × 6 labelers × 8 rounds ask for far more, so every slot is used exactly.
    expect(assignments).toHaveLength(90)
    const judged = await countRows(t.store.database, 'Judgment', { projectId: project.id })
    expect(judged).toBe(90)
    const stored = await rows(t.store.database, 'Item', { projectId: project.id })
    for (const item of stored) expect([item.claimed, item.judged]).toEqual([3, 3])
  }, 120_000)
})

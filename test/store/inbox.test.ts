// The inbox write stands between a click and its acknowledgment. A burst of clicks goes to the
// database as one batch; each click still learns whether it was new or a repeat, exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS, freshDatabase } from '../support/databases'
import { createStore, type Store } from '../../src/store/store'

describe.each(PROVIDERS)('the inbox on %s', (provider) => {
  let store: Store
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    const fresh = await freshDatabase(provider)
    store = createStore(fresh.db)
    cleanup = fresh.cleanup
  })
  afterEach(async () => cleanup())

  it('takes a burst of 120 clicks, 20 of them delivered twice, and stores each click once', async () => {
    await store.inbox.accept('slack', 'stored-before', { n: -1 })
    const keys = [...Array.from({ length: 100 }, (_, i) => `click-${i}`), ...Array.from({ length: 20 }, (_, i) => `click-${i * 5}`), 'stored-before']
    const results = await Promise.all(keys.map((key, i) => store.inbox.accept('slack', key, { n: i })))

    const accepted = results.filter((r) => r !== null)
    expect(accepted).toHaveLength(100)
    expect(new Set(accepted.map((r) => r!.dedupeKey)).size).toBe(100)
    expect(new Set(accepted.map((r) => r!.id)).size).toBe(100)
    // The first delivery of a repeated key is the one accepted, with its own payload.
    expect(results[0]).toMatchObject({ dedupeKey: 'click-0', payload: { n: 0 } })
    expect(results[100]).toBeNull()
    expect(results.at(-1)).toBeNull()

    const pending = await store.inbox.pending('slack')
    expect(pending).toHaveLength(101)
    const byKey = new Map(pending.map((row) => [row.dedupeKey, row]))
    for (const row of accepted) expect(byKey.get(row!.dedupeKey)).toMatchObject({ id: row!.id, payload: row!.payload })
    // And once more, one at a time: a redelivery is still a repeat.
    expect(await store.inbox.accept('slack', 'click-7', { n: 0 })).toBeNull()
  })
})

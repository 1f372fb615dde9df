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

describe.each(PROVIDERS)('inbox leases on %s', (provider) => {
  let store: Store
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    const fresh = await freshDatabase(provider)
    store = createStore(fresh.db)
    cleanup = fresh.cleanup
  })
  afterEach(async () => cleanup())

  const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + ms)

  it('a row is left to its owner while the lease holds, renewed while it works, and taken by another instance once it runs out', async () => {
    const held = await store.inbox.accept('slack', 'held', { n: 1 }, { owner: 'instance-a', until: at(10_000) })
    await store.inbox.accept('slack', 'unowned', { n: 2 })
    await store.inbox.accept('discord', 'other-platform', { n: 3 }, { owner: 'instance-a', until: at(-1) })

    // An unowned row (accepted before leases existed) is free; the held one is not, yet.
    expect((await store.inbox.claimExpired('slack', { owner: 'instance-b', until: at(100_000) }, at(5_000))).map((r) => r.dedupeKey)).toEqual(['unowned'])
    // Its owner is alive and renews.
    await store.inbox.renew([held!.id], { owner: 'instance-a', until: at(20_000) })
    expect(await store.inbox.claimExpired('slack', { owner: 'instance-b', until: at(25_000) }, at(12_000))).toEqual([])
    // The owner died: no more renewals, and the next sweep after the lease takes the row, payload intact.
    const taken = await store.inbox.claimExpired('slack', { owner: 'instance-b', until: at(30_000) }, at(21_000))
    expect(taken).toMatchObject([{ id: held!.id, dedupeKey: 'held', payload: { n: 1 }, attempts: 0 }])
    expect(taken[0]!.receivedAt).toBeInstanceOf(Date)
    // A late renewal by the dead owner changes nothing: the row is instance-b's now, and frees when b's lease runs out.
    await store.inbox.renew([held!.id], { owner: 'instance-a', until: at(99_000) })
    expect((await store.inbox.claimExpired('slack', { owner: 'instance-c', until: at(40_000) }, at(31_000))).map((r) => r.dedupeKey)).toEqual(['held'])
  })

  it('two instances sweeping at once share the orphans: each row goes to exactly one', async () => {
    for (let i = 0; i < 30; i++) await store.inbox.accept('slack', `orphan-${i}`, { i }, { owner: 'dead', until: at(0) })
    const [a, b] = await Promise.all([
      store.inbox.claimExpired('slack', { owner: 'a', until: at(60_000) }, at(1_000), 20),
      store.inbox.claimExpired('slack', { owner: 'b', until: at(60_000) }, at(1_000), 20),
    ])
    const ids = [...a, ...b].map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThanOrEqual(20)
  })

  it('a failure is retried after its wait; a permanent one never again; a handled row never', async () => {
    const retryable = await store.inbox.accept('slack', 'retryable', {}, { owner: 'a', until: at(10_000) })
    const permanent = await store.inbox.accept('slack', 'permanent', {}, { owner: 'a', until: at(10_000) })
    const done = await store.inbox.accept('slack', 'done', {}, { owner: 'a', until: at(10_000) })
    await store.inbox.markFailed(retryable!.id, { message: 'HTTP 503', permanent: false, retryAt: at(2_000) })
    await store.inbox.markFailed(permanent!.id, { message: 'invalid_blocks', permanent: true, retryAt: at(0) })
    await store.inbox.markProcessed(done!.id, at(0))
    expect(await store.inbox.claimExpired('slack', { owner: 'b', until: at(60_000) }, at(1_000))).toEqual([])
    expect(await store.inbox.claimExpired('slack', { owner: 'b', until: at(60_000) }, at(3_000))).toMatchObject([{ dedupeKey: 'retryable', attempts: 1 }])
    expect(await store.inbox.claimExpired('slack', { owner: 'c', until: at(90_000) }, at(70_000))).toMatchObject([{ dedupeKey: 'retryable' }])
    expect((await store.inbox.pending('slack')).map((r) => r.dedupeKey)).toEqual(['retryable'])
  })
})

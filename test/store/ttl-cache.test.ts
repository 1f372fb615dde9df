// The per-process cache of rows read on every interaction holds what the last few seconds
// brought, not its maximum of rows nobody will ask for again.
import { describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { TtlCache } from '../../src/store/ttl-cache'

describe('TtlCache', () => {
  it('drops expired entries as new ones come, so a busy stream of one-off rows does not pile up', async () => {
    const cache = new TtlCache<number, string>(30, 1_000)
    for (let id = 0; id < 100; id++) cache.set(id, `item ${id}`)
    expect(cache.size).toBe(100)
    expect(cache.get(7)).toBe('item 7')
    await sleep(50)
    cache.set(100, 'item 100')
    expect(cache.size).toBe(1)
    expect(cache.get(7)).toBeUndefined()
    expect(cache.get(100)).toBe('item 100')
  })

  it('keeps at most its maximum, oldest out first; a row set again counts as new', () => {
    const cache = new TtlCache<number, string>(60_000, 3)
    cache.set(1, 'a')
    cache.set(2, 'b')
    cache.set(1, 'a again')
    cache.set(3, 'c')
    cache.set(4, 'd')
    expect(cache.size).toBe(3)
    expect(cache.get(2)).toBeUndefined()
    expect([cache.get(1), cache.get(3), cache.get(4)]).toEqual(['a again', 'c', 'd'])
  })
})

import { describe, expect, it } from 'vitest'
import { itemConsensus, verdictConsensus } from '../../../src/quality/analytics/consensus'
import { verdictColumnsOf } from '../../../src/quality/analytics/verdict-columns'
import { simulate, type SimLabeler } from '../../support/simulate'

const everyItem = <T>(of: (i: number) => T, count: number): T[] => Array.from({ length: count }, (_, i) => of(i))

describe('consensus over verdict columns', () => {
  const cast: SimLabeler[] = [
    ...[0.95, 0.8, 0.6].map((accuracy, i) => ({ name: `honest-${i}`, behaviour: { kind: 'honest' as const, accuracy } })),
    { name: 'coin', behaviour: { kind: 'coin' } },
    { name: 'first', behaviour: { kind: 'first' } },
  ]

  it('gives exactly what itemConsensus gives on the same project: pairwise (Dawid–Skene), rankings, Likert, gold', () => {
    for (const seed of [1, 2, 3]) {
      const sim = simulate({ seed, items: 400, labelers: cast, kinds: { pairwise: 2, likert: 1, ranking: 1 }, goldShare: 0.1 })
      const data = { items: sim.items, labelers: sim.labelers, judgments: sim.judgments }
      const columns = verdictColumnsOf(data)
      expect(columns.count).toBe(sim.judgments.length)
      expect(everyItem(verdictConsensus(columns), data.items.length)).toEqual(itemConsensus(data))
      expect(everyItem(verdictConsensus(columns, { dawidSkene: false }), data.items.length)).toEqual(itemConsensus(data, { dawidSkene: false }))
    }
  })

  it('skips what does not fit an item as itemConsensus does: unknown items, unknown responses, empty rankings, ratings off the scale', () => {
    const sim = simulate({ seed: 4, items: 60, labelers: cast, kinds: { pairwise: 1, likert: 1, ranking: 1 }, goldShare: 0 })
    const judgments = sim.judgments.map((j, k) => {
      if (k % 11 === 0) return { ...j, itemId: 10_000 }
      if (k % 13 === 0 && j.kind === 'pairwise') return { ...j, choice: 'zzz' }
      if (k % 7 === 0 && j.kind === 'ranking') return { ...j, ranking: [] }
      if (k % 5 === 0 && j.kind === 'likert') return { ...j, rating: 9 }
      return j
    })
    const data = { items: sim.items, labelers: sim.labelers, judgments }
    expect(everyItem(verdictConsensus(verdictColumnsOf(data)), data.items.length)).toEqual(itemConsensus(data))
  })
})

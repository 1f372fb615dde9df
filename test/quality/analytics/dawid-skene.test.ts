import { describe, expect, it } from 'vitest'
import { itemConsensus } from '../../../src/quality/analytics/consensus'
import { dawidSkene } from '../../../src/quality/analytics/dawid-skene'
import { simulate, type SimLabeler } from '../../support/simulate'

describe('Dawid–Skene', () => {
  // Three careful labelers among five weak ones, a coin-flipper and one who always picks the first
  // response shown: majority vote counts them all alike, Dawid–Skene learns whom to trust.
  const cast: SimLabeler[] = [
    ...[0.95, 0.9, 0.9].map((accuracy, i) => ({ name: `careful-${i}`, behaviour: { kind: 'honest' as const, accuracy } })),
    ...[0.6, 0.6, 0.55, 0.55, 0.6].map((accuracy, i) => ({ name: `weak-${i}`, behaviour: { kind: 'honest' as const, accuracy } })),
    { name: 'coin', behaviour: { kind: 'coin' } },
    { name: 'first', behaviour: { kind: 'first' } },
  ]

  it('recovers true labels better than majority vote when labeler quality varies (6 seeds)', () => {
    const gains: number[] = []
    for (let seed = 1; seed <= 6; seed++) {
      const sim = simulate({ seed, items: 1200, labelers: cast, kinds: { pairwise: 1, likert: 0, ranking: 0 }, goldShare: 0 })
      const data = { items: sim.items, labelers: sim.labelers, judgments: sim.judgments }
      const ds = dawidSkene(data)
      const majority = itemConsensus(data, { dawidSkene: false })
      let dsCorrect = 0
      let majorityCredit = 0
      ds.items.forEach((item) => {
        if (item.winner === sim.truth[item.itemId - 1]!.winner) dsCorrect++
      })
      majority.forEach((item, i) => {
        const truth = sim.truth[i]!.winner!
        const top = Math.max(...Object.values(item.split))
        const tied = Object.entries(item.split).filter(([, count]) => count === top)
        // A tied majority is credited with its expected accuracy under a random tie-break.
        if (tied.some(([verdict]) => verdict === truth)) majorityCredit += 1 / tied.length
      })
      const dsAccuracy = dsCorrect / ds.items.length
      const majorityAccuracy = majorityCredit / majority.length
      expect(dsAccuracy).toBeGreaterThan(majorityAccuracy)
      gains.push(dsAccuracy - majorityAccuracy)
    }
    // Measured: Dawid–Skene ≈ 0.92 against majority ≈ 0.82 on every seed.
    expect(Math.min(...gains)).toBeGreaterThan(0.04)
  })

  it('ranks the careful labelers above the coin-flipper', () => {
    const sim = simulate({ seed: 11, items: 1200, labelers: cast, kinds: { pairwise: 1, likert: 0, ranking: 0 } })
    const ds = dawidSkene(sim)
    const accuracy = new Map(ds.labelers.map((labeler) => [labeler.labelerId, labeler.accuracy]))
    expect(ds.converged).toBe(true)
    expect(accuracy.get(1)!).toBeGreaterThan(0.85)
    expect(accuracy.get(9)!).toBeLessThan(0.6)
    expect(ds.classes).toEqual(['response 1 (as listed)', 'response 2 (as listed)', 'tie', 'both_bad'])
  })
})

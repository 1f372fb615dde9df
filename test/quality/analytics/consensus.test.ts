import { describe, expect, it } from 'vitest'
import { dawidSkene, itemConsensus } from '../../../src/quality/analytics/consensus'
import { simulate, type SimLabeler } from '../../support/simulate'
import { makeItem, makeJudgment, vote } from '../../support/quality-fixtures'

describe('majority consensus', () => {
  it('counts tie and both_bad as categories of their own and reports the top share', () => {
    const items = [makeItem(1), makeItem(2)]
    const judgments = [
      vote(1, 1, 'a'),
      vote(1, 2, 'a'),
      vote(1, 3, 'tie'),
      vote(1, 4, 'both_bad'),
      vote(1, 5, 'a'),
      // item 2: a 2–2 split between b and tie has no majority
      vote(2, 1, 'b'),
      vote(2, 2, 'tie'),
      vote(2, 3, 'b'),
      vote(2, 4, 'tie'),
    ]
    const [first, second] = itemConsensus({ items, labelers: [], judgments }, { dawidSkene: false })
    expect(first).toMatchObject({ method: 'majority', winner: 'a', majority: 'a', share: 0.6, judgments: 5, split: { a: 3, tie: 1, both_bad: 1 } })
    expect(second).toMatchObject({ method: 'none', winner: null, majority: null, share: 0.5, split: { b: 2, tie: 2 } })
  })

  it('lets gold or a lead’s verdict override the majority and Dawid–Skene', () => {
    const items = [makeItem(1, { gold: { winner: 'b' } })]
    const judgments = [vote(1, 1, 'a'), vote(1, 2, 'a'), vote(1, 3, 'a')]
    const [consensus] = itemConsensus({ items, labelers: [], judgments })
    expect(consensus).toMatchObject({ method: 'gold', winner: 'b', majority: 'a', posterior: null })
  })

  it('orders rankings by Borda count and rates Likert items by the median', () => {
    const items = [
      makeItem(1, { kind: 'ranking', responseLengths: { x: 100, y: 100, z: 100 }, responseModels: { x: 'm1', y: 'm2', z: 'm3' } }),
      makeItem(2, { kind: 'likert', responseLengths: { a: 100 }, responseModels: { a: 'm1' } }),
      makeItem(3, { kind: 'likert', responseLengths: { a: 100 }, responseModels: { a: 'm1' }, gold: { rating: 2 } }),
    ]
    const judgments = [
      // Borda (2, 1, 0 points): x = 2+2+1 = 5, y = 1+0+2 = 3, z = 0+1+0 = 1
      makeJudgment(1, 1, { kind: 'ranking', ranking: ['x', 'y', 'z'] }),
      makeJudgment(1, 2, { kind: 'ranking', ranking: ['x', 'z', 'y'] }),
      makeJudgment(1, 3, { kind: 'ranking', ranking: ['y', 'x', 'z'] }),
      makeJudgment(2, 1, { kind: 'likert', rating: 2 }),
      makeJudgment(2, 2, { kind: 'likert', rating: 6 }),
      makeJudgment(2, 3, { kind: 'likert', rating: 5 }),
      makeJudgment(2, 4, { kind: 'likert', rating: 7 }),
      makeJudgment(3, 1, { kind: 'likert', rating: 6 }),
    ]
    const [ranking, likert, gold] = itemConsensus({ items, labelers: [], judgments })
    expect(ranking).toMatchObject({ method: 'borda', ranking: ['x', 'y', 'z'], winner: 'x', share: 2 / 3, split: { x: 2, y: 1 } })
    // median of 2, 5, 6, 7 = 5.5; within ±1: 5, 6 → share 0.5
    expect(likert).toMatchObject({ method: 'median', rating: 5.5, share: 0.5 })
    expect(gold).toMatchObject({ method: 'gold', rating: 2 })
  })

  it('returns an empty consensus, not an error, for items nobody judged', () => {
    const [consensus] = itemConsensus({ items: [makeItem(1)], labelers: [], judgments: [] })
    expect(consensus).toMatchObject({ method: 'none', judgments: 0, winner: null })
  })
})

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

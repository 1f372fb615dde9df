import { describe, expect, it } from 'vitest'
import { itemConsensus } from '../../../src/quality/analytics/consensus'
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

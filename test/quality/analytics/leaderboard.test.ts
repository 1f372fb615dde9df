import { describe, expect, it } from 'vitest'
import { filterByDomain, fitBradleyTerry, modelLeaderboard } from '../../../src/quality/analytics/leaderboard'
import { analyzeProject } from '../../../src/quality/analytics/analyze-project'
import { simulate, standardCast } from '../../support/simulate'
import { makeItem, makeJudgment, vote } from '../../support/quality-fixtures'

// Models A, B, C with battles in exact Bradley–Terry proportions: A beats B 2:1, B beats C 2:1,
// A beats C 4:1. The likelihood equations hold exactly at strengths 4 : 2 : 1 (check A: wins 2 + 4 = 6
// = 3·4/6 + 5·4/5), so the ratings are 400·log10(4, 2, 1) shifted to a mean of 1000:
// A = 1000 + 400·log10 2 = 1120.41, B = 1000, C = 879.59.
function handExample(): { items: ReturnType<typeof makeItem>[]; judgments: ReturnType<typeof vote>[] } {
  const items: ReturnType<typeof makeItem>[] = []
  const judgments: ReturnType<typeof vote>[] = []
  const battle = (winner: string, loser: string, times: number): void => {
    for (let t = 0; t < times; t++) {
      const id = items.length + 1
      items.push(makeItem(id, { responseModels: { a: winner, b: loser } }))
      judgments.push(vote(id, 1, 'a'))
    }
  }
  battle('A', 'B', 2)
  battle('B', 'A', 1)
  battle('B', 'C', 2)
  battle('C', 'B', 1)
  battle('A', 'C', 4)
  battle('C', 'A', 1)
  return { items, judgments }
}

describe('Bradley–Terry leaderboard', () => {
  it('reproduces the hand-computed ratings (plain MLE, mean anchored at 1000)', () => {
    const { items, judgments } = handExample()
    const board = modelLeaderboard({ items, labelers: [], judgments }, { prior: 0, bootstrapRounds: 0 })
    const rating = Object.fromEntries(board.rows.map((row) => [row.model, row.rating]))
    expect(rating.A).toBeCloseTo(1000 + 400 * Math.log10(2), 6)
    expect(rating.B).toBeCloseTo(1000, 6)
    expect(rating.C).toBeCloseTo(1000 - 400 * Math.log10(2), 6)
    expect(board.rows.map((row) => row.model)).toEqual(['A', 'B', 'C'])
    expect(board.rows[0]).toMatchObject({ model: 'A', battles: 8, wins: 6, losses: 2, ties: 0 })
    expect(board.winRates.winRate[board.winRates.models.indexOf('A')]![board.winRates.models.indexOf('C')]).toBeCloseTo(0.8, 12)
  })

  it('anchors on a reference model when asked', () => {
    const { items, judgments } = handExample()
    const board = modelLeaderboard({ items, labelers: [], judgments }, { prior: 0, bootstrapRounds: 0, anchor: { model: 'C' } })
    const rating = Object.fromEntries(board.rows.map((row) => [row.model, row.rating]))
    expect(rating.C).toBeCloseTo(1000, 6)
    expect(rating.A).toBeCloseTo(1000 + 400 * Math.log10(4), 6)
  })

  it('counts a tie as half a win each and leaves both_bad out', () => {
    // X–Y: X wins 3, Y wins 1, 2 ties → X has 4 of 6 → strengths 2 : 1 → 400·log10 2 apart.
    const items = Array.from({ length: 8 }, (_, i) => makeItem(i + 1, { responseModels: { a: 'X', b: 'Y' } }))
    const judgments = [vote(1, 1, 'a'), vote(2, 1, 'a'), vote(3, 1, 'a'), vote(4, 1, 'b'), vote(5, 1, 'tie'), vote(6, 1, 'tie'), vote(7, 1, 'both_bad'), vote(8, 1, 'both_bad')]
    const board = modelLeaderboard({ items, labelers: [], judgments }, { prior: 0, bootstrapRounds: 0 })
    const [x, y] = board.rows
    expect(x!.rating - y!.rating).toBeCloseTo(400 * Math.log10(2), 6)
    expect(x).toMatchObject({ model: 'X', battles: 6, wins: 3, ties: 2, losses: 1 })
  })

  it('expands a ranking into every ordered pair', () => {
    const items = [makeItem(1, { kind: 'ranking', responseLengths: { p: 1, q: 1, r: 1 }, responseModels: { p: 'P', q: 'Q', r: 'R' } })]
    const judgments = [makeJudgment(1, 1, { kind: 'ranking', ranking: ['q', 'p', 'r'] })]
    const board = modelLeaderboard({ items, labelers: [], judgments }, { bootstrapRounds: 0 })
    expect(board.battles).toBe(3)
    expect(board.rows.map((row) => [row.model, row.wins])).toEqual([
      ['Q', 2],
      ['P', 1],
      ['R', 0],
    ])
  })

  it('stays finite for an unbeaten model thanks to the weak prior, and is not_enough_data without battles', () => {
    const items = [makeItem(1, { responseModels: { a: 'U', b: 'V' } })]
    const finite = modelLeaderboard({ items, labelers: [], judgments: [vote(1, 1, 'a')] }, { bootstrapRounds: 20 })
    expect(finite.rows.every((row) => Number.isFinite(row.rating) && Number.isFinite(row.ciLow))).toBe(true)
    expect(modelLeaderboard({ items, labelers: [], judgments: [] })).toMatchObject({ status: 'not_enough_data', rows: [] })
  })

  it('MM converges to the same strengths from any start', () => {
    const wins = Float64Array.from([0, 2, 4, 1, 0, 2, 1, 1, 0])
    const ties = new Float64Array(9)
    const a = fitBradleyTerry(3, wins, ties, { prior: 0 })
    const b = fitBradleyTerry(3, wins, ties, { prior: 0, start: Float64Array.from([50, 0.1, 3]) })
    for (let i = 0; i < 3; i++) expect(Math.log(a[i]!)).toBeCloseTo(Math.log(b[i]!), 6)
    expect(a[0]! / a[1]!).toBeCloseTo(2, 6)
  })

  it('recovers the simulated models’ order, with seeded bootstrap intervals that cover the estimate', () => {
    const sim = simulate({ seed: 5, items: 3000, labelers: standardCast(12), domains: ['general', 'code'] })
    const report = analyzeProject(sim, { leaderboard: { bootstrapRounds: 100, seed: 9 } })
    const again = analyzeProject(sim, { leaderboard: { bootstrapRounds: 100, seed: 9 } })
    expect(report.leaderboard.map((row) => row.model)).toEqual(['model-a', 'model-b', 'model-c', 'model-d', 'model-e'])
    for (const row of report.leaderboard) {
      expect(row.ciLow).toBeLessThan(row.rating)
      expect(row.ciHigh).toBeGreaterThan(row.rating)
    }
    expect(again.leaderboard).toEqual(report.leaderboard)
    const mean = report.leaderboard.reduce((sum, row) => sum + row.rating, 0) / report.leaderboard.length
    expect(mean).toBeCloseTo(1000, 6)
    expect(Object.keys(report.leaderboardByDomain).sort()).toEqual(['code', 'general'])
    const codeBattles = report.leaderboardDetail!.byDomain.code!.battles
    const generalBattles = report.leaderboardDetail!.byDomain.general!.battles
    expect(codeBattles + generalBattles).toBe(report.leaderboardDetail!.overall.battles)
  })

  it('filters a project to one domain', () => {
    const items = [makeItem(1, { domain: 'code' }), makeItem(2, { domain: 'health' })]
    const judgments = [vote(1, 1, 'a'), vote(2, 1, 'b')]
    const code = filterByDomain({ items, labelers: [], judgments }, 'code')
    expect(code.items.map((item) => item.id)).toEqual([1])
    expect(code.judgments.map((judgment) => judgment.itemId)).toEqual([1])
  })
})

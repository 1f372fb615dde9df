import { describe, expect, it } from 'vitest'
import { leaveOneOutAgreement } from '../../../src/quality/analytics/leave-one-out'
import { analyzeProject } from '../../../src/quality/analytics/analyze-project'
import { flaw, makeItem, makeJudgment, vote } from '../../support/quality-fixtures'

const labelers = [1, 2, 3, 4].map((id) => ({ id, name: `labeler ${id}` }))

describe('leave-one-out agreement', () => {
  // item 1: 1 and 2 say a, 3 says b. For 3 the others agree (a, a): a disagreement. For 1 (and 2)
  // the others split (a, b): no consensus, skipped. item 2: everyone says a. item 3 (gold a) has
  // two judgments only: too few others, but gold accuracy counts.
  const items = [makeItem(1), makeItem(2), makeItem(3, { gold: { winner: 'a' } })]
  const judgments = [vote(1, 1, 'a'), vote(1, 2, 'a'), vote(1, 3, 'b'), vote(2, 1, 'a'), vote(2, 2, 'a'), vote(2, 3, 'a'), vote(3, 1, 'a'), vote(3, 3, 'b')]
  const summary = leaveOneOutAgreement({ items, labelers, judgments })
  const byId = new Map(summary.labelers.map((labeler) => [labeler.labelerId, labeler]))

  it('compares each judgment with the others only, skipping items where they have no consensus', () => {
    expect(byId.get(1)!.agreement).toEqual({ rate: 1, agreed: 1, n: 1 })
    expect(byId.get(3)!.agreement).toEqual({ rate: 0.5, agreed: 1, n: 2 })
    expect(byId.get(4)!.agreement).toEqual({ rate: null, agreed: 0, n: 0 })
  })

  it('scores gold items separately', () => {
    expect(byId.get(1)!.goldAccuracy).toEqual({ rate: 1, agreed: 1, n: 1 })
    expect(byId.get(3)!.goldAccuracy).toEqual({ rate: 0, agreed: 0, n: 1 })
  })

  it('scores a ranking by the share of pairs ordered as the others’ Borda totals', () => {
    const rankingItems = [makeItem(1, { kind: 'ranking', responseLengths: { x: 1, y: 1, z: 1 }, responseModels: { x: null, y: null, z: null } })]
    const rankings = [
      makeJudgment(1, 1, { kind: 'ranking', ranking: ['z', 'y', 'x'] }),
      makeJudgment(1, 2, { kind: 'ranking', ranking: ['x', 'y', 'z'] }),
      makeJudgment(1, 3, { kind: 'ranking', ranking: ['x', 'y', 'z'] }),
    ]
    const result = leaveOneOutAgreement({ items: rankingItems, labelers, judgments: rankings })
    // Others of labeler 1 rank x > y > z; labeler 1 reverses all three pairs.
    expect(result.labelers[0]!.agreement).toEqual({ rate: 0, agreed: 0, n: 1 })
  })
})

describe('labeler report on thin or hand-made data', () => {
  it('reports not_enough_data instead of testing five judgments', () => {
    const items = [1, 2, 3, 4, 5].map((id) => makeItem(id))
    const judgments = items.flatMap((item) => [vote(item.id, 1, 'a'), vote(item.id, 2, 'a'), vote(item.id, 3, 'b')])
    const report = analyzeProject({ items, labelers, judgments })
    const third = report.labelers.find((labeler) => labeler.labeler.id === 3)!
    for (const bias of Object.values(third.biases)) expect(bias).toMatchObject({ status: 'not_enough_data', p: null, flagged: false })
    expect(third.drift).toMatchObject({ status: 'not_enough_data', flagged: false })
    expect(third.agreement).toMatchObject({ status: 'not_enough_data', value: 0, n: 5 })
    expect(report.labelers.find((labeler) => labeler.labeler.id === 4)!.judgments).toBe(0)
  })

  it('flags a labeler who always takes the first response shown, with the evidence', () => {
    const items = Array.from({ length: 40 }, (_, i) => makeItem(i + 1))
    const judgments = items.flatMap((item, i) => {
      const order = i % 2 === 0 ? ['a', 'b'] : ['b', 'a']
      return [vote(item.id, 1, 'a', { displayOrder: order }), vote(item.id, 2, 'a', { displayOrder: order }), vote(item.id, 3, order[0]!, { displayOrder: order })]
    })
    const report = analyzeProject({ items, labelers, judgments }, { leaderboard: false })
    const position = report.labelers.find((labeler) => labeler.labeler.id === 3)!.biases.position
    expect(position).toMatchObject({ status: 'tested', flagged: true, value: 1, n: 40, evidence: { firstChosen: 40, decisive: 40, expectedShare: 0.5 } })
    expect(position.p).toBeCloseTo(0.5 ** 40, 20)
    const honest = report.labelers.find((labeler) => labeler.labeler.id === 1)!
    expect(honest.biases.position).toMatchObject({ flagged: false, value: 0.5 })
  })

  it('counts safety-floor near misses: preferring or tying a response one marked as critically flawed', () => {
    const items = [1, 2, 3, 4].map((id) => makeItem(id))
    const judgments = [
      vote(1, 1, 'a', { flaws: flaw('a', 'safety_issue') }), // preferred the flawed one: near miss
      vote(2, 1, 'tie', { flaws: flaw('b') }), // tied a flawed with a clean one: near miss
      vote(3, 1, 'both_bad', { flaws: flaw('a') }), // both bad: keeps the floor
      vote(4, 1, 'b', { flaws: flaw('a') }), // the flawed one lost: keeps the floor
      vote(4, 2, 'b', { flagged: true }),
    ]
    const report = analyzeProject({ items, labelers, judgments })
    const first = report.labelers.find((labeler) => labeler.labeler.id === 1)!
    expect(first.safety).toMatchObject({ flagged: true, nearMisses: 2, nearMissJudgmentIds: [judgments[0]!.id, judgments[1]!.id] })
    expect(first.flags).toContain('safety')
    expect(report.labelers.find((labeler) => labeler.labeler.id === 2)!.safety).toMatchObject({ flagged: false, nearMisses: 0, flagsRaised: 1 })
  })

  it('counts judgments faster than the reading floor (characters shown / 50 per second)', () => {
    // 200 prompt + 400 + 800 response characters = 1,400 characters: 28 s at 50 characters a second.
    const items = Array.from({ length: 30 }, (_, i) => makeItem(i + 1))
    const judgments = items.flatMap((item) => [
      vote(item.id, 1, 'a', { durationMs: 90_000 }),
      vote(item.id, 2, 'a', { durationMs: 80_000 }),
      vote(item.id, 3, 'a', { durationMs: 27_000 }),
    ])
    const report = analyzeProject({ items, labelers, judgments }, { leaderboard: false })
    const fast = report.labelers.find((labeler) => labeler.labeler.id === 3)!.biases.speed
    expect(fast).toMatchObject({ flagged: true, value: 1, evidence: { tooFast: 30, timed: 30, medianMs: 27_000, teamMedianMs: 85_000, readingCharsPerSecond: 50 } })
    expect(report.labelers.find((labeler) => labeler.labeler.id === 1)!.biases.speed.flagged).toBe(false)
  })

  it('skips judgments on unknown items and verdicts that do not fit the item, without throwing', () => {
    const report = analyzeProject({ items: [makeItem(1)], labelers, judgments: [vote(1, 1, 'a'), vote(99, 1, 'a'), vote(1, 2, 'zzz'), vote(1, 5, 'b')] })
    expect(report.summary.skippedJudgments).toBe(2)
    expect(report.labelers.map((labeler) => labeler.labeler.name)).toContain('labeler 5')
  })
})

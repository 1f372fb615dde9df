import { describe, expect, it } from 'vitest'
import { analyzeProject } from '../../../src/quality/analytics/analyze-project'
import { createRng } from '../../../src/quality/analytics/numeric-kit'
import { simulate, standardCast } from '../../support/simulate'

describe('analyzeProject', () => {
  it('returns an empty report for an empty project', () => {
    const report = analyzeProject({ items: [], labelers: [], judgments: [] })
    expect(report.summary).toMatchObject({ items: 0, labelers: 0, judgments: 0, tests: 0, flaggedLabelers: 0 })
    expect(report).toMatchObject({ labelers: [], disputes: [], disputeTotal: 0, leaderboard: [], consensus: [] })
  })

  it('gives the same report whatever order the judgments arrive in (drift windows follow judgment ids)', () => {
    const sim = simulate({ seed: 4, items: 600, labelers: standardCast(6) })
    const shuffled = [...sim.judgments]
    const rng = createRng(1)
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const options = { leaderboard: { bootstrapRounds: 20 } }
    const ordered = analyzeProject(sim, options)
    const scrambled = analyzeProject({ ...sim, judgments: shuffled }, options)
    expect(scrambled.labelers.map((labeler) => labeler.drift.window)).toEqual(ordered.labelers.map((labeler) => labeler.drift.window))
    expect(scrambled.labelers.map((labeler) => labeler.flags)).toEqual(ordered.labelers.map((labeler) => labeler.flags))
    expect(scrambled.labelers.map((labeler) => labeler.agreement.value)).toEqual(ordered.labelers.map((labeler) => labeler.agreement.value))
    expect(scrambled.disputes.map((dispute) => dispute.itemId)).toEqual(ordered.disputes.map((dispute) => dispute.itemId))
  })

  it('puts every test of the report in one family and states its choices', () => {
    const sim = simulate({ seed: 8, items: 800, labelers: standardCast(10) })
    const report = analyzeProject(sim, { q: 0.1, leaderboard: false })
    const tested = report.labelers.flatMap((labeler) => [
      labeler.agreement,
      ...Object.values(labeler.biases),
      labeler.safety.flagOveruse,
      labeler.drift,
    ]).filter((test) => test.p !== null)
    expect(report.summary.tests).toBe(tested.length)
    for (const test of tested) {
      expect(test.pAdjusted!).toBeGreaterThanOrEqual(test.p!)
      if (test.flagged) expect(test.pAdjusted!).toBeLessThanOrEqual(0.1)
    }
    expect(report.methods.fdr).toContain('q = 0.1')
    expect(report.consensus).toHaveLength(sim.items.length)
    expect(report.leaderboard).toEqual([])
  })
})

// Acceptance: synthetic labelers with planted behaviour. Each report must single out every planted
// behaviour on the right labeler and leave the honest ones alone, seed after seed.
//
// Measured when written, with these settings: seeds 1–20 (400 honest labeler reports): 0 honest
// labelers flagged (0%), every planted behaviour found in every seed, 1 stray flag on a planted
// labeler (drift on the coin-flipper, seed 3). Seeds 1–100: 4 honest flags in 2,000 (0.2%, all
// position at raw p ≈ 0.0004–0.0012), 1 planted behaviour missed (the careless labeler's drift,
// seed 82), 5 stray flags on planted labelers.
import { beforeAll, describe, expect, it } from 'vitest'
import { analyzeProject, type FlagName, type ProjectAnalysis } from '../../../src/quality/analytics/analyze-project'
import { simulate, standardCast, type SimBehaviour, type Simulation } from '../../support/simulate'

const SEEDS = 20
// 1,430 items × 5 judgments over 28 labelers ≈ 255 judgments each (balanced assignment): the
// careless labeler's last 50 fall after their 200th, the drift window the report looks at.
const ITEMS = 1430

/** The flag each planted behaviour must raise, and the flags it may also raise (its consequences). */
const EXPECTED: Record<SimBehaviour['kind'], { must: FlagName | null; may: FlagName[] }> = {
  honest: { must: null, may: [] },
  coin: { must: 'agreement', may: [] },
  first: { must: 'position', may: ['agreement'] },
  longer: { must: 'length', may: ['agreement'] },
  ties: { must: 'tie', may: ['agreement'] },
  compress: { must: 'scale', may: ['agreement'] },
  careless: { must: 'drift', may: ['agreement', 'speed'] },
  rusher: { must: 'speed', may: [] },
  safety_blind: { must: 'safety', may: [] },
}

interface Run {
  seed: number
  sim: Simulation
  report: ProjectAnalysis
}

const runs: Run[] = []

beforeAll(() => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = simulate({ seed, items: ITEMS, labelers: standardCast(20), assignment: 'balanced' })
    runs.push({ seed, sim, report: analyzeProject(sim, { leaderboard: { bootstrapRounds: 50 }, includeConsensus: false }) })
  }
})

const kindOf = (run: Run, labelerId: number): SimBehaviour['kind'] => run.sim.behaviours.get(labelerId)!.kind

describe(`planted labelers over ${SEEDS} seeds`, () => {
  it('raises the planted behaviour’s flag on the planted labeler in every seed', () => {
    const missed: string[] = []
    for (const run of runs) {
      for (const labeler of run.report.labelers) {
        const must = EXPECTED[kindOf(run, labeler.labeler.id)].must
        if (must !== null && !labeler.flags.includes(must)) missed.push(`seed ${run.seed}: ${labeler.labeler.name} lacks ${must} (has ${labeler.flags.join(', ') || 'none'})`)
      }
    }
    expect(missed).toEqual([])
  })

  it('flags honest labelers at most 5% of the time (Benjamini–Hochberg at q = 0.05 over each report)', () => {
    let honest = 0
    let flagged = 0
    for (const run of runs) {
      for (const labeler of run.report.labelers) {
        if (kindOf(run, labeler.labeler.id) !== 'honest') continue
        honest++
        if (labeler.flagged) flagged++
      }
    }
    expect(honest).toBe(SEEDS * 20)
    expect(flagged / honest).toBeLessThanOrEqual(0.05)
  })

  it('rarely attributes a bias to the wrong planted labeler', () => {
    const stray: string[] = []
    for (const run of runs) {
      for (const labeler of run.report.labelers) {
        const expected = EXPECTED[kindOf(run, labeler.labeler.id)]
        for (const flag of labeler.flags) if (flag !== expected.must && !expected.may.includes(flag)) stray.push(`seed ${run.seed}: ${labeler.labeler.name} ${flag}`)
      }
    }
    // 8 planted labelers × 20 seeds × 7 other tests each; measured: 1 stray flag.
    expect(stray.length).toBeLessThanOrEqual(3)
  })

  it('carries the evidence a lead needs for the careless labeler’s drift', () => {
    const run = runs[0]!
    const careless = run.report.labelers.find((labeler) => labeler.labeler.name === 'careless-after-200')!
    const drift = careless.drift
    const own = run.sim.judgments.filter((judgment) => judgment.labelerId === careless.labeler.id)
    const window = own.slice(-50)
    expect(drift.window).toEqual({
      size: 50,
      fromJudgmentId: window[0]!.id,
      toJudgmentId: window[49]!.id,
    })
    expect(drift.before.agreement.rate!).toBeGreaterThan(0.75)
    expect(drift.after.agreement.rate!).toBeLessThan(0.65)
    expect(drift.p!).toBeLessThan(0.01)
    expect(drift.disagreements.length).toBeGreaterThan(0)
    for (const example of drift.disagreements) expect(window.map((judgment) => judgment.id)).toContain(example.judgmentId)
    // Careless also means fast: the speed shift shows up beside the agreement drop.
    expect(drift.biasShifts.find((shift) => shift.bias === 'speed')).toMatchObject({ moved: true })
  })

  it('shows each bias’s evidence against the right baseline', () => {
    const report = runs[0]!.report
    const by = (name: string) => report.labelers.find((labeler) => labeler.labeler.name === name)!
    expect(by('always-first').biases.position.evidence.firstShare).toBe(1)
    expect(by('always-longer').biases.length.evidence.longerShare).toBe(1)
    expect(by('always-longer').biases.length.evidence.choseShorterWhenOthersChoseLonger.k).toBe(0)
    expect(by('tie-lover').biases.tie.value!).toBeGreaterThan(0.5)
    expect(by('tie-lover').biases.tie.evidence.teamTieRate!).toBeLessThan(0.15)
    expect(by('compressor').biases.scale.evidence.range).toEqual([4, 6])
    expect(by('compressor').biases.scale.evidence.teamRange).toEqual([1, 7])
    expect(by('rusher').biases.speed.evidence.medianRatio!).toBeLessThan(0.2)
    expect(by('safety-blind').safety.nearMisses).toBeGreaterThan(0)
    expect(by('coin-flipper').agreement.value!).toBeLessThan(0.6)
  })
})

describe('honest teams', () => {
  it('flag nobody when everybody is honest (10 seeds)', () => {
    const cast = Array.from({ length: 25 }, (_, i) => ({ name: `honest-${i + 1}`, behaviour: { kind: 'honest' as const } }))
    for (let seed = 101; seed <= 110; seed++) {
      const report = analyzeProject(simulate({ seed, items: 1200, labelers: cast }), { leaderboard: false, includeConsensus: false })
      expect(report.labelers.filter((labeler) => labeler.flagged).map((labeler) => `${seed}: ${labeler.labeler.name} ${labeler.flags}`)).toEqual([])
    }
  })

  it('do not look length-biased when the better response really is usually the longer one', () => {
    // Raw "prefers longer" rates would differ here (noise pulls an 85%-accurate labeler towards 50%);
    // the conditional test compares switches in both directions and stays quiet.
    for (let seed = 201; seed <= 205; seed++) {
      const sim = simulate({ seed, items: 1500, labelers: standardCast(20), longerIsBetter: 0.8 })
      const report = analyzeProject(sim, { leaderboard: false, includeConsensus: false })
      for (const labeler of report.labelers) {
        const planted = sim.behaviours.get(labeler.labeler.id)!.kind === 'longer'
        if (!planted) expect(labeler.biases.length.flagged, `${seed}: ${labeler.labeler.name}`).toBe(false)
      }
    }
  })
})

// A lead audits a campaign: items and judgments made elsewhere are imported from JSONL, and
// `arbiter report` singles out each planted labeler behaviour and no honest labeler — through
// the real store on both databases, not just in memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { projectReport, type ProjectReport } from '../../../src/core/report/project-report'
import { simulate, standardCast } from '../../support/simulate'
import { asFiles, lines } from '../../support/simulated-campaign'
import { renderReport } from '../../../src/cli/report-command'

const EXPECTED: Record<string, string> = {
  'coin-flipper': 'agreement',
  'always-first': 'position',
  'always-longer': 'length',
  'tie-lover': 'tie',
  compressor: 'scale',
  'careless-after-200': 'drift',
  rusher: 'speed',
}

describe.each(PROVIDERS)('arbiter report on %s', (provider) => {
  let t: TestCore
  let report: ProjectReport
  beforeAll(async () => {
    t = await testCore(provider)
    const sim = simulate({ seed: 4, items: 1430, labelers: standardCast(20), assignment: 'balanced' })
    const files = asFiles(sim)
    await createProject(t.ctx, { name: 'audit', settings: { taskTypes: ['pairwise', 'ranking', 'likert'], redundancy: 5 } })
    const items = await importItems(t.ctx, { projectName: 'audit', open: lines(files.items), format: 'arbiter', skipInvalid: false })
    expect(items.invalid).toEqual([])
    // The safety-blind labeler prefers responses they marked with a critical flaw: import-judgments
    // holds the safety floor as chat does, so exactly those lines stay out and the rest come in.
    const judged = await importJudgments(t.ctx, { projectName: 'audit', open: lines(files.judgments), skipInvalid: true })
    expect(judged.invalid.length).toBeGreaterThan(0)
    for (const bad of judged.invalid) {
      expect(bad.message).toMatch(/^breaks the safety floor/)
      expect((files.judgments[bad.line - 1] as { labeler: string }).labeler).toBe('safety-blind')
    }
    report = await projectReport(t.ctx, { projectName: 'audit', bootstrapRounds: 50 })
  }, 120_000)
  afterAll(async () => t.cleanup())

  it('flags each planted behaviour on its labeler and no honest labeler', () => {
    for (const labeler of report.labelers) {
      const expected = EXPECTED[labeler.labeler]
      if (expected) expect(labeler.flags, labeler.labeler).toContain(expected)
      else expect(labeler.flags, labeler.labeler).toEqual([])
    }
  })

  it('has the documented JSON shape', () => {
    expect(typeof report.agreement.krippendorffAlpha).toBe('number')
    const one = report.labelers.find((l) => l.labeler === 'always-first')!
    expect(one.biases.position).toMatchObject({ flagged: true })
    expect(one.biases.position.value).toBeGreaterThan(0.9)
    for (const key of ['position', 'length', 'tie', 'scale', 'speed'] as const) expect(one.biases[key]).toHaveProperty('evidence')
    expect(report.labelers.find((l) => l.labeler === 'careless-after-200')!.drift.flagged).toBe(true)
    expect(report.disputes.length).toBeGreaterThan(0)
    expect(Object.keys(report.disputes[0]!).sort()).toEqual(['item', 'itemId', 'reasons', 'score', 'split', 'topShare'])
    expect(report.leaderboard.map((r) => r.model)[0]).toBe('model-a')
    for (const row of report.leaderboard) expect(row.ciLow).toBeLessThanOrEqual(row.rating)
  })

  it('dates the careless labeler’s drift window by when its first and last judgments were recorded', async () => {
    const drift = report.labelers.find((l) => l.labeler === 'careless-after-200')!.drift
    const window = drift.window as { size: number; fromJudgmentId: number; toJudgmentId: number; fromTime: number; toTime: number }
    const recorded = await t.store.database.db.selectFrom('Judgment').select(['id', 'createdAt']).where('id', 'in', [window.fromJudgmentId, window.toJudgmentId]).execute()
    const at = new Map(recorded.map((row) => [row.id, row.createdAt.getTime()]))
    expect(window).toEqual({ size: 50, fromJudgmentId: window.fromJudgmentId, toJudgmentId: window.toJudgmentId, fromTime: at.get(window.fromJudgmentId), toTime: at.get(window.toJudgmentId) })
    expect(window.fromTime).toBeLessThan(window.toTime)
    // The evidence carries the same dated window.
    expect((drift.evidence as { window: unknown }).window).toEqual(window)
  })

  it('reports only judgments since a date when asked', async () => {
    const all = report.summary.judgments
    const middle = await projectReport(t.ctx, { projectName: 'audit', since: new Date('2026-01-01T00:00:00Z'), leaderboard: false })
    expect(all).toBeGreaterThan(5_000)
    const times = (await t.store.database.db.selectFrom('Judgment').select('createdAt').orderBy('id', 'asc').execute()).map((j) => j.createdAt.getTime())
    const cut = new Date(times[Math.floor(times.length / 2)]!)
    const half = await projectReport(t.ctx, { projectName: 'audit', since: cut, leaderboard: false })
    expect(middle.summary.judgments).toBeLessThanOrEqual(all)
    expect(half.summary.judgments).toBe(times.filter((ms) => ms >= cut.getTime()).length)
  })

  it('prints readable tables for a terminal', () => {
    const text = renderReport(report)
    expect(text).toMatch(/Labelers\nlabeler\s+judgments/)
    expect(text).toMatch(/always-first .*⚑/)
  })
})

describe.each(PROVIDERS)('arbiter import-judgments refuses bad lines by number on %s', (provider) => {
  it('names the line and the problem, imports nothing', async () => {
    const t = await testCore(provider)
    try {
      await createProject(t.ctx, { name: 'x', settings: { taskTypes: ['pairwise'] } })
      await importItems(t.ctx, { projectName: 'x', open: lines([{ id: 'q1', type: 'pairwise', prompt: 'p', responses: [{ text: 'a' }, { text: 'b' }] }]), format: 'arbiter', skipInvalid: false })
      const report = await importJudgments(t.ctx, {
        projectName: 'x',
        skipInvalid: false,
        open: lines([
          { item: 'q1', labeler: 'ana', type: 'pairwise', winner: 'a' },
          { item: 'nope', labeler: 'ana', type: 'pairwise', winner: 'a' },
          { item: 'q1', labeler: 'bo', type: 'pairwise', winner: 'c' },
          { item: 'q1', labeler: 'ana', type: 'pairwise', winner: 'b' },
          { item: 'q1', labeler: 'cy', type: 'likert', rating: 3 },
        ]),
      })
      expect(report.committed).toBe(false)
      expect(report.invalid.map((b) => `line ${b.line}: ${b.message}`)).toEqual([
        'line 2: no item with id "nope" in x (import the items first)',
        'line 3: winner "c" is not a response id, "tie" or "both_bad"',
        'line 4: labeler "ana" already judged item q1 on line 1',
        'line 5: item q1 is a pairwise item, not likert',
      ])
    } finally {
      await t.cleanup()
    }
  })
})

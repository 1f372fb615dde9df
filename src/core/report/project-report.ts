// `arbiter report`: the quality engine's findings for one project, in a stable JSON shape
// (README, "Quality report") that the CLI prints as tables and the digest reuses.
import type { CoreContext } from '../context'
import { findProject } from '../projects'
import { analyzeProject, type ProjectAnalysis } from '../../quality/analytics'
import { krippendorffAlpha, reliabilityDataFromUnits } from '../../quality/reliability'
import { blankVerdict, verdictAt, type JudgmentColumns } from '../../quality/judgment-columns'
import { verdictPoint } from '../vote-split'
import { goldAgrees } from '../gold'
import type { Gold } from '../task-types'
import { calibrationEffect, type CalibrationEffect } from './calibration-effect'

type Bias = { flagged: boolean; status: string; value: number | null; p: number | null; pAdjusted: number | null; n: number; evidence: unknown }

/** The documented JSON of a project report. */
export interface ProjectReport {
  project: string
  generatedAt: string
  since: string | null
  summary: ProjectAnalysis['summary']
  agreement: {
    /** Krippendorff's alpha (nominal) over each item's verdicts: pairwise choice, top of a ranking, Likert point. */
    krippendorffAlpha: number | null
    pairableUnits: number
    /** Leave-one-out agreement of the team with the others' majority, and gold accuracy. */
    team: { rate: number | null; agreed: number; n: number }
    gold: { rate: number | null; agreed: number; n: number }
    /** How often the consensus gives the imported reference label (e.g. HH-RLHF's original preference), over items with both. */
    reference: { rate: number | null; n: number }
  }
  labelers: {
    labeler: string
    labelerId: number
    judgments: number
    agreement: number | null
    goldAccuracy: number | null
    /** Share of the labeler's judgments on items with a reference label that agree with it (null with none). */
    referenceAgreement: number | null
    biases: Record<'position' | 'length' | 'tie' | 'scale' | 'speed', Bias>
    safety: { flagged: boolean; nearMisses: number; flagsRaised: number }
    drift: { flagged: boolean; status: string; drop: number | null; p: number | null; window: unknown; before: unknown; after: unknown; evidence: unknown }
    flags: string[]
    /** The guide's edge cases this labeler marked, by kind (ambiguous, harmful_request, opinion, multi_part). */
    edgeCases: Record<string, number>
  }[]
  disputes: { item: string; itemId: number; split: Record<string, number>; topShare: number; reasons: string[]; score: number }[]
  leaderboard: { model: string; rating: number; ciLow: number; ciHigh: number; battles: number }[]
  /** Blind calibration votes on settled items: how often a fresh verdict moved toward the settled answer (all time). */
  calibration: CalibrationEffect
  methods: ProjectAnalysis['methods']
}

function overallAlpha(judgments: JudgmentColumns): { alpha: number | null; pairableUnits: number } {
  const byItem = new Map<number, string[]>()
  const verdict = blankVerdict()
  for (let j = 0; j < judgments.count; j++) {
    const v = verdictPoint(verdictAt(judgments, j, verdict))
    if (v === null) continue
    const itemId = judgments.itemId[j]!
    const list = byItem.get(itemId)
    if (list) list.push(v)
    else byItem.set(itemId, [v])
  }
  const data = reliabilityDataFromUnits([...byItem.values()])
  if (!data.ok) return { alpha: null, pairableUnits: 0 }
  const result = krippendorffAlpha(data.value, 'nominal')
  return result.ok ? { alpha: result.value.alpha, pairableUnits: result.value.pairableUnits } : { alpha: null, pairableUnits: 0 }
}

const bias = (t: { flagged: boolean; status: string; value: number | null; p?: number | null; pAdjusted?: number | null; n: number; evidence: unknown }): Bias => ({
  flagged: t.flagged,
  status: t.status,
  value: t.value,
  p: t.p ?? null,
  pAdjusted: t.pAdjusted ?? null,
  n: t.n,
  evidence: t.evidence,
})

/**
 * Relabeling public data is an audit: how often the consensus, and each labeler, give the label
 * the data came with. Items without a reference, and consensus without a winner, are not counted.
 */
function referenceAudit(references: Map<number, Gold>, judgments: JudgmentColumns, consensus: ProjectAnalysis['consensus']): { consensus: { rate: number | null; n: number }; labelers: Map<number, number> } {
  const labelers = new Map<number, number>()
  if (references.size === 0) return { consensus: { rate: null, n: 0 }, labelers }
  let agreed = 0
  let n = 0
  for (const c of consensus) {
    const reference = references.get(c.itemId)
    if (!reference || c.method === 'none') continue
    const result = goldAgrees(reference, { choice: c.winner, ranking: c.ranking, rating: c.rating })
    if (result === null) continue
    n++
    if (result) agreed++
  }
  const perLabeler = new Map<number, { agreed: number; n: number }>()
  const verdict = blankVerdict()
  for (let j = 0; j < judgments.count; j++) {
    const reference = references.get(judgments.itemId[j]!)
    if (!reference) continue
    const result = goldAgrees(reference, verdictAt(judgments, j, verdict))
    if (result === null) continue
    const labelerId = judgments.labelerId[j]!
    const counts = perLabeler.get(labelerId) ?? { agreed: 0, n: 0 }
    counts.n++
    if (result) counts.agreed++
    perLabeler.set(labelerId, counts)
  }
  for (const [id, counts] of perLabeler) labelers.set(id, counts.agreed / counts.n)
  return { consensus: { rate: n > 0 ? agreed / n : null, n }, labelers }
}

/** A drift window as the report shows it: its judgments, and when the first and last were recorded (epoch ms). */
export interface TimedDriftWindow {
  size: number
  fromJudgmentId: number
  toJudgmentId: number
  fromTime: number
  toTime: number
}

// The engine reads no judgment times (handing a million of them over was a tenth of a report's
// time, for two per labeler): each drift window's two ends are looked up once the analysis is done.
async function timedDriftWindows(ctx: CoreContext, analysis: ProjectAnalysis): Promise<Map<number, TimedDriftWindow>> {
  const ends = analysis.labelers.flatMap((l) => (l.drift.window ? [l.drift.window.fromJudgmentId, l.drift.window.toJudgmentId] : []))
  const times = await ctx.store.judgments.recordedAt(ends)
  const windows = new Map<number, TimedDriftWindow>()
  for (const l of analysis.labelers) {
    const window = l.drift.window
    const from = window && times.get(window.fromJudgmentId)
    const to = window && times.get(window.toJudgmentId)
    if (window && from && to) windows.set(l.labeler.id, { ...window, fromTime: from.getTime(), toTime: to.getTime() })
  }
  return windows
}

/** Builds the report of a project (everything, or judgments since a date). */
export async function projectReport(
  ctx: CoreContext,
  options: { projectName: string; since?: Date; until?: Date; bootstrapRounds?: number; leaderboard?: boolean; onProgress?: (step: 'reading' | 'analysing', done: number, total: number) => void },
): Promise<ProjectReport> {
  const project = await findProject(ctx, options.projectName)
  options.onProgress?.('reading', 0, 2)
  // Side by side: PostgreSQL answers the small reads while the big one is folded.
  const range = { since: options.since, until: options.until }
  const [data, references, edgeCases, calibration] = await Promise.all([
    ctx.store.quality.read(project.id, range),
    ctx.store.labels.references(project.id),
    ctx.store.judgments.edgeCaseCounts(project.id, range),
    calibrationEffect(ctx, project.id),
  ])
  options.onProgress?.('analysing', 1, 2)
  const analysis = analyzeProject(data, {
    redundancy: (item) => data.targets.get(item.id) ?? project.redundancy,
    // The consensus list is needed only to audit against reference labels, and Dawid–Skene only
    // for that consensus: nothing else the report shows reads its fit (a seventh of a
    // million-judgment report's time).
    includeConsensus: references.size > 0,
    dawidSkene: references.size > 0,
    leaderboard: options.leaderboard === false ? false : { bootstrapRounds: options.bootstrapRounds ?? 200, seed: 1 },
  })
  const alpha = overallAlpha(data.judgments)
  const audit = referenceAudit(references, data.judgments, analysis.consensus)
  const driftWindows = await timedDriftWindows(ctx, analysis)
  const driftOf = (l: ProjectAnalysis['labelers'][number]) => {
    const window = driftWindows.get(l.labeler.id) ?? null
    return { flagged: l.drift.flagged, status: l.drift.status, drop: l.drift.drop, p: l.drift.p ?? null, window, before: l.drift.before, after: l.drift.after, evidence: { ...l.drift, window } }
  }
  options.onProgress?.('analysing', 2, 2)
  return {
    project: project.name,
    generatedAt: ctx.now().toISOString(),
    since: options.since?.toISOString() ?? null,
    summary: analysis.summary,
    agreement: { krippendorffAlpha: alpha.alpha, pairableUnits: alpha.pairableUnits, team: analysis.agreement.team, gold: analysis.agreement.teamGold, reference: audit.consensus },
    labelers: analysis.labelers.map((l) => ({
      labeler: l.labeler.name,
      labelerId: l.labeler.id,
      judgments: l.judgments,
      agreement: l.agreement.evidence.rate,
      goldAccuracy: l.goldAccuracy.rate,
      referenceAgreement: audit.labelers.get(l.labeler.id) ?? null,
      biases: {
        position: bias(l.biases.position),
        length: bias(l.biases.length),
        tie: bias(l.biases.tie),
        scale: bias(l.biases.scale),
        speed: bias(l.biases.speed),
      },
      safety: { flagged: l.safety.flagged, nearMisses: l.safety.nearMisses, flagsRaised: l.safety.flagsRaised },
      drift: driftOf(l),
      flags: l.flags,
      edgeCases: edgeCases.get(l.labeler.id) ?? {},
    })),
    disputes: analysis.disputes.map((d) => ({ item: d.externalId ?? String(d.itemId), itemId: d.itemId, split: d.split, topShare: d.topShare, reasons: d.reasons.map((r) => r.code), score: d.score })),
    leaderboard: analysis.leaderboard.map((r) => ({ model: r.model, rating: r.rating, ciLow: r.ciLow, ciHigh: r.ciHigh, battles: r.battles })),
    calibration,
    methods: analysis.methods,
  }
}

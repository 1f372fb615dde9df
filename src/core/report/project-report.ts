// `arbiter report`: the quality engine's findings for one project, in a stable JSON shape
// (README, "Quality report") that the CLI prints as tables and the digest reuses.
import type { CoreContext } from '../context'
import { findProject } from '../projects'
import { analyzeProject, type ProjectAnalysis } from '../../quality/analytics'
import { krippendorffAlpha, reliabilityDataFromUnits } from '../../quality/reliability'
import type { QualityJudgment } from '../../quality/types'
import { verdictPoint } from '../vote-split'
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
  }
  labelers: {
    labeler: string
    labelerId: number
    judgments: number
    agreement: number | null
    goldAccuracy: number | null
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

function overallAlpha(judgments: readonly QualityJudgment[]): { alpha: number | null; pairableUnits: number } {
  const byItem = new Map<number, string[]>()
  for (const j of judgments) {
    const v = verdictPoint(j)
    if (v === null) continue
    const list = byItem.get(j.itemId)
    if (list) list.push(v)
    else byItem.set(j.itemId, [v])
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

/** Builds the report of a project (everything, or judgments since a date). */
export async function projectReport(ctx: CoreContext, options: { projectName: string; since?: Date; until?: Date; bootstrapRounds?: number; leaderboard?: boolean }): Promise<ProjectReport> {
  const project = await findProject(ctx, options.projectName)
  const data = await ctx.store.quality.read(project.id, { since: options.since, until: options.until })
  const analysis = analyzeProject(data, {
    redundancy: (item) => data.targets.get(item.id) ?? project.redundancy,
    includeConsensus: false,
    leaderboard: options.leaderboard === false ? false : { bootstrapRounds: options.bootstrapRounds ?? 200, seed: 1 },
  })
  const alpha = overallAlpha(data.judgments)
  const edgeCases = await ctx.store.judgments.edgeCaseCounts(project.id, { since: options.since, until: options.until })
  return {
    project: project.name,
    generatedAt: ctx.now().toISOString(),
    since: options.since?.toISOString() ?? null,
    summary: analysis.summary,
    agreement: { krippendorffAlpha: alpha.alpha, pairableUnits: alpha.pairableUnits, team: analysis.agreement.team, gold: analysis.agreement.teamGold },
    labelers: analysis.labelers.map((l) => ({
      labeler: l.labeler.name,
      labelerId: l.labeler.id,
      judgments: l.judgments,
      agreement: l.agreement.evidence.rate,
      goldAccuracy: l.goldAccuracy.rate,
      biases: {
        position: bias(l.biases.position),
        length: bias(l.biases.length),
        tie: bias(l.biases.tie),
        scale: bias(l.biases.scale),
        speed: bias(l.biases.speed),
      },
      safety: { flagged: l.safety.flagged, nearMisses: l.safety.nearMisses, flagsRaised: l.safety.flagsRaised },
      drift: { flagged: l.drift.flagged, status: l.drift.status, drop: l.drift.drop, p: l.drift.p ?? null, window: l.drift.window, before: l.drift.before, after: l.drift.after, evidence: l.drift },
      flags: l.flags,
      edgeCases: edgeCases.get(l.labeler.id) ?? {},
    })),
    disputes: analysis.disputes.map((d) => ({ item: d.externalId ?? String(d.itemId), itemId: d.itemId, split: d.split, topShare: d.topShare, reasons: d.reasons.map((r) => r.code), score: d.score })),
    leaderboard: analysis.leaderboard.map((r) => ({ model: r.model, rating: r.rating, ciLow: r.ciLow, ciHigh: r.ciHigh, battles: r.battles })),
    calibration: await calibrationEffect(ctx, project.id),
    methods: analysis.methods,
  }
}

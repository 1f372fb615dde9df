// One call for the whole quality report of a project: consensus, leave-one-out agreement, biases,
// safety, drift, disputes and the model leaderboard, all from one encoding pass over the judgments.
import type { QualityLabeler } from '../types'
import { computeLeaveOneOut, summarizeAgreement, type AgreementCounts, type AgreementSummary, type LeaveOneOutOptions } from './leave-one-out'
import {
  computeLabelerTests,
  type AgreementEvidence,
  type BiasOptions,
  type LabelerBiases,
  type SafetyResult,
  type TestResult,
} from './biases'
import { buildConsensus, type ItemConsensus } from './consensus'
import { classNames, dawidSkeneLabelers, fitDawidSkene, type DawidSkeneLabeler, type DawidSkeneOptions } from './dawid-skene'
import { computeDrift, type DriftOptions, type DriftResult } from './drift'
import { findDisputes, type Dispute, type DisputeOptions } from './disputes'
import { DEFAULT_Q, TestFamily } from './fdr'
import { leaderboards, type Leaderboard, type LeaderboardOptions, type LeaderboardRow, type WinRateMatrix } from './leaderboard'
import { indexProject, type IndexOptions, type ProjectData } from './project-index'
import { tallyItems } from './tally'

/** Every knob of a project report; each has a documented default. */
export interface AnalyzeOptions extends IndexOptions, LeaveOneOutOptions, BiasOptions, DriftOptions, DisputeOptions, DawidSkeneOptions {
  /** False-discovery rate of the report's flags (default 0.05). */
  q?: number
  /** Leaderboard options, or false to skip it. */
  leaderboard?: LeaderboardOptions | false
  /** Include the per-item consensus list (default true; large projects may not need it). */
  includeConsensus?: boolean
  /** Fit Dawid–Skene for pairwise consensus (default true). */
  dawidSkene?: boolean
}

/** The names of a labeler's raised flags. */
export type FlagName = 'agreement' | 'position' | 'length' | 'tie' | 'scale' | 'speed' | 'safety' | 'drift'

/** Everything the report says about one labeler. */
export interface LabelerReport {
  labeler: QualityLabeler
  judgments: number
  /** Leave-one-out agreement, tested (one-sided) against the rest of the team's rate. */
  agreement: TestResult<AgreementEvidence>
  goldAccuracy: AgreementCounts
  /** Dawid–Skene estimate of the labeler's pairwise accuracy (null without pairwise judgments). */
  dawidSkeneAccuracy: number | null
  biases: LabelerBiases
  safety: SafetyResult
  drift: DriftResult
  flagged: boolean
  flags: FlagName[]
}

/** The whole report of a project. */
export interface ProjectAnalysis {
  summary: { items: number; labelers: number; judgments: number; skippedJudgments: number; tests: number; q: number; flaggedLabelers: number }
  agreement: AgreementSummary
  labelers: LabelerReport[]
  consensus: ItemConsensus[]
  dawidSkene: { classes: string[]; priors: number[]; iterations: number; converged: boolean; labelers: DawidSkeneLabeler[] } | null
  disputes: Dispute[]
  disputeTotal: number
  leaderboard: LeaderboardRow[]
  winRates: WinRateMatrix | null
  leaderboardByDomain: Record<string, LeaderboardRow[]>
  leaderboardDetail: { overall: Leaderboard; byDomain: Record<string, Leaderboard> } | null
  /** Statistical choices, in words, for the report and the README. */
  methods: Record<'fdr' | 'drift' | 'leaderboard' | 'readingSpeed' | 'consensus' | 'length', string>
}

/** Analyzes a project: items, labelers and judgments in, the full quality report out. Never throws on thin data. */
export function analyzeProject(data: ProjectData, options: AnalyzeOptions = {}): ProjectAnalysis {
  const q = options.q ?? DEFAULT_Q
  const index = indexProject(data, options)
  const tallies = tallyItems(index)
  const fit = options.dawidSkene === false ? null : fitDawidSkene(index, tallies, options)
  const loo = computeLeaveOneOut(index, tallies, options)
  const agreement = summarizeAgreement(index, loo)

  const family = new TestFamily()
  const tests = computeLabelerTests(index, loo, family, options)
  const drift = computeDrift(index, loo, family, options)
  family.adjust(q)

  const dsLabelers = fit === null ? [] : dawidSkeneLabelers(index, fit)
  const dsAccuracy = new Map(dsLabelers.map((labeler) => [labeler.labelerId, labeler.accuracy]))
  const labelers: LabelerReport[] = index.labelers.map((labeler, l) => {
    const t = tests[l]!
    t.safety.flagged = t.safety.flagged || t.safety.flagOveruse.flagged
    const flags: FlagName[] = []
    if (t.agreement.flagged) flags.push('agreement')
    for (const name of ['position', 'length', 'tie', 'scale', 'speed'] as const) if (t.biases[name].flagged) flags.push(name)
    if (t.safety.flagged) flags.push('safety')
    if (drift[l]!.flagged) flags.push('drift')
    return {
      labeler,
      judgments: agreement.labelers[l]!.judgments,
      agreement: t.agreement,
      goldAccuracy: agreement.labelers[l]!.goldAccuracy,
      dawidSkeneAccuracy: dsAccuracy.get(labeler.id) ?? null,
      biases: t.biases,
      safety: t.safety,
      drift: drift[l]!,
      flagged: flags.length > 0,
      flags,
    }
  })

  const disputes = findDisputes(index, tallies, agreement, options)
  const boards = options.leaderboard === false ? null : leaderboards(index, options.leaderboard ?? {})
  const byDomain: Record<string, LeaderboardRow[]> = {}
  if (boards !== null) for (const [domain, board] of Object.entries(boards.byDomain)) byDomain[domain] = board.rows

  return {
    summary: {
      items: data.items.length,
      labelers: index.labelers.length,
      judgments: index.jId.length,
      skippedJudgments: index.skipped,
      tests: family.size,
      q,
      flaggedLabelers: labelers.filter((labeler) => labeler.flagged).length,
    },
    agreement,
    labelers,
    consensus: options.includeConsensus === false ? [] : buildConsensus(index, tallies, fit, options),
    dawidSkene:
      fit === null
        ? null
        : { classes: classNames(index), priors: Array.from(fit.priors), iterations: fit.iterations, converged: fit.converged, labelers: dsLabelers },
    disputes: disputes.disputes,
    disputeTotal: disputes.total,
    leaderboard: boards?.overall.rows ?? [],
    winRates: boards?.overall.winRates ?? null,
    leaderboardByDomain: byDomain,
    leaderboardDetail: boards,
    methods: {
      fdr: `All tests of this report (${family.size}: every labeler's agreement, bias, flag-overuse and drift tests) form one family; a test flags only when its Benjamini–Hochberg adjusted p-value is ≤ q = ${q}, and its effect-size gate (if any) holds.`,
      drift: `Last ${options.window ?? 50} judgments of each labeler against their earlier ones: one-sided two-proportion z-test on leave-one-out agreement, raw p < ${options.driftAlpha ?? 0.01} and BH-adjusted p ≤ q; needs ${options.driftMinWindow ?? 20} compared judgments in the window and ${options.driftMinBaseline ?? 30} before.`,
      leaderboard:
        'Bradley–Terry by MM; ties are half wins, both_bad is left out, rankings count every ordered pair; rating = 400·log10(strength) anchored at mean 1000 (or a reference model); 95% percentile intervals from a seeded Poisson bootstrap.',
      readingSpeed: `A judgment is too fast when it took less than (prompt + responses characters) / ${index.readingCharsPerSecond} seconds: ${index.readingCharsPerSecond} characters a second is about twice the mean adult silent reading rate.`,
      consensus:
        'Gold or a lead’s verdict first; pairwise items by Dawid–Skene (majority kept alongside); rankings by Borda count; Likert by the median. Agreement is leave-one-out: the others’ strict majority, skipped when they have none.',
      length:
        'Length bias: how often the labeler switches to the longer response when the others chose the shorter, minus how often they switch to the shorter when the others chose the longer, against the same asymmetry for the rest of the team (one-sided z-test); raw longer-rates are in the evidence.',
    },
  }
}

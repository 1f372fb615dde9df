// Drift: a labeler's most recent judgments against their own earlier ones. The guide warns that
// "your judgment shifts over time"; this is where the bot notices before a calibration session would.
//
// Test: one-sided two-proportion z-test (pooled variance) that the leave-one-out agreement rate of
// the labeler's last N judgments (default 50) is below the rate of all their earlier judgments.
// A drift event needs raw p < α (default 0.01) *and* a Benjamini–Hochberg adjusted p ≤ q in the
// report's family, and only runs with at least 20 compared judgments in the window and 30 before
// it, so a handful of judgments never alarms.
import type { LeaveOneOut } from './agreement'
import type { TestFamily, TestOutcome } from './fdr'
import { KIND_LIKERT, KIND_PAIRWISE, KIND_RANKING, categoryLabel, type ProjectIndex } from './project-index'
import type { Share, TestStatus } from './biases'
import { medianInPlace, twoProportionZTest } from './stats'

/** Options of drift detection. */
export interface DriftOptions {
  /** The labeler's most recent judgments that form the window (default 50). */
  window?: number
  /** Raw one-sided α the drop must also pass (default 0.01). */
  driftAlpha?: number
  /** Compared judgments needed in the window (default 20) and before it (default 30). */
  driftMinWindow?: number
  driftMinBaseline?: number
  /** Disagreements of the window listed as evidence (default 5). */
  driftExamples?: number
}

/** A judgment of the window where the labeler departed from the others. */
export interface DriftDisagreement {
  judgmentId: number
  itemId: number
  externalId: string | null
  verdict: string
  othersVerdict: string
  /** Share of the others behind their verdict: the higher, the clearer the labeler's miss. */
  othersShare: number
}

/** A bias figure before and inside the window. */
export interface BiasShift {
  bias: 'position' | 'length' | 'tie' | 'scale' | 'speed'
  measure: string
  before: number | null
  after: number | null
  nBefore: number
  nAfter: number
  /** Shares: two-sided z-test p < 0.05 with ten or more on each side; speed: the median halved or doubled. */
  moved: boolean
}

/** One labeler's drift check with its evidence. */
export interface DriftResult extends TestOutcome {
  status: TestStatus
  /** Compared judgments in the window. */
  n: number
  minSample: number
  window: { size: number; fromJudgmentId: number; toJudgmentId: number; fromTime: number; toTime: number } | null
  before: { agreement: Share; goldAccuracy: Share }
  after: { agreement: Share; goldAccuracy: Share }
  /** Agreement drop (before − after) and its z statistic. */
  drop: number | null
  z: number | null
  /** The rest of the team's agreement rate, and the one-sided p of the window being below it (evidence only). */
  team: { rate: number | null; p: number | null }
  disagreements: DriftDisagreement[]
  biasShifts: BiasShift[]
  test: string
}

const DRIFT_TEST = 'one-sided two-proportion z-test: agreement in the window below the labeler’s earlier agreement (raw α and BH q both required)'

interface SideCounts {
  agreed: number
  compared: number
  goldCorrect: number
  goldItems: number
  decisive: number
  first: number
  lengthDecisive: number
  longer: number
  pairwise: number
  ties: number
  ratings: number
  middle: number
  durations: number[]
}

const emptySide = (): SideCounts => ({
  agreed: 0,
  compared: 0,
  goldCorrect: 0,
  goldItems: 0,
  decisive: 0,
  first: 0,
  lengthDecisive: 0,
  longer: 0,
  pairwise: 0,
  ties: 0,
  ratings: 0,
  middle: 0,
  durations: [],
})

const share = (k: number, n: number): Share => ({ k, n, rate: n > 0 ? k / n : null })

/** Checks every labeler for drift and adds the tests to `family`. */
export function computeDrift(index: ProjectIndex, loo: LeaveOneOut, family: TestFamily, options: DriftOptions = {}): DriftResult[] {
  const windowSize = Math.max(1, options.window ?? 50)
  const alpha = options.driftAlpha ?? 0.01
  const minWindow = options.driftMinWindow ?? 20
  const minBaseline = options.driftMinBaseline ?? 30
  const examples = options.driftExamples ?? 5
  const L = index.labelers.length
  const { byLabelerStart, byLabeler, jLabeler } = index
  const { score } = loo

  const agreed = new Float64Array(L)
  const compared = new Float64Array(L)
  let teamAgreed = 0
  let teamCompared = 0
  for (let j = 0; j < score.length; j++) {
    const s = score[j]!
    if (s !== s) continue
    agreed[jLabeler[j]!]! += s
    compared[jLabeler[j]!]!++
    teamAgreed += s
    teamCompared++
  }

  const results: DriftResult[] = []
  for (let l = 0; l < L; l++) {
    const start = byLabelerStart[l]!
    const end = byLabelerStart[l + 1]!
    const total = end - start
    const split = Math.max(start, end - windowSize)
    const before = emptySide()
    const after = emptySide()
    for (let r = start; r < end; r++) accumulate(index, loo, byLabeler[r]!, r < split ? before : after)
    const teamRate = teamCompared - compared[l]! > 0 ? (teamAgreed - agreed[l]!) / (teamCompared - compared[l]!) : null
    const tested = after.compared >= minWindow && before.compared >= minBaseline && split > start
    const outcome = tested ? twoProportionZTest(before.agreed, before.compared, after.agreed, after.compared, 'greater') : null
    const teamTest =
      after.compared > 0 && teamRate !== null
        ? twoProportionZTest(teamAgreed - agreed[l]!, teamCompared - compared[l]!, after.agreed, after.compared, 'greater').p
        : null
    const judgments = index.data.judgments
    const first = total > 0 ? judgments[byLabeler[split]!]! : null
    const last = total > 0 ? judgments[byLabeler[end - 1]!]! : null
    const result: DriftResult = {
      status: tested ? 'tested' : 'not_enough_data',
      flagged: false,
      p: outcome?.p ?? null,
      pAdjusted: null,
      n: after.compared,
      minSample: minWindow,
      window:
        first !== null && last !== null
          ? { size: end - split, fromJudgmentId: first.id, toJudgmentId: last.id, fromTime: first.createdAt, toTime: last.createdAt }
          : null,
      before: { agreement: share(before.agreed, before.compared), goldAccuracy: share(before.goldCorrect, before.goldItems) },
      after: { agreement: share(after.agreed, after.compared), goldAccuracy: share(after.goldCorrect, after.goldItems) },
      drop: before.compared > 0 && after.compared > 0 ? before.agreed / before.compared - after.agreed / after.compared : null,
      z: outcome?.z ?? null,
      team: { rate: teamRate, p: teamTest },
      disagreements: tested || after.compared > 0 ? windowDisagreements(index, loo, split, end, examples) : [],
      biasShifts: biasShifts(before, after),
      test: DRIFT_TEST,
    }
    family.add(result, outcome !== null && outcome.p < alpha)
    results.push(result)
  }
  return results
}

function accumulate(index: ProjectIndex, loo: LeaveOneOut, j: number, side: SideCounts): void {
  const s = loo.score[j]!
  if (s === s) {
    side.agreed += s
    side.compared++
  }
  const g = loo.gold[j]!
  if (g === g) {
    side.goldCorrect += g
    side.goldItems++
  }
  const d = index.jDuration[j]!
  if (d === d) side.durations.push(d)
  const kind = index.jKind[j]!
  if (kind === KIND_PAIRWISE) {
    side.pairwise++
    const cat = index.jCat[j]!
    if (cat === index.tieCat) side.ties++
    if (cat < index.slots && index.jPos[j]! >= 0) {
      side.decisive++
      if (index.jPos[j] === 0) side.first++
    }
    if (index.jLonger[j]! >= 0) {
      side.lengthDecisive++
      if (index.jLonger[j] === 1) side.longer++
    }
  } else if (kind === KIND_LIKERT) {
    side.ratings++
    const r = index.jRating[j]!
    if (r >= 4 && r <= 6) side.middle++
  }
}

function shareShift(bias: BiasShift['bias'], measure: string, kBefore: number, nBefore: number, kAfter: number, nAfter: number): BiasShift {
  const moved = nBefore >= 10 && nAfter >= 10 && twoProportionZTest(kBefore, nBefore, kAfter, nAfter, 'two.sided').p < 0.05
  return { bias, measure, before: nBefore > 0 ? kBefore / nBefore : null, after: nAfter > 0 ? kAfter / nAfter : null, nBefore, nAfter, moved }
}

function biasShifts(before: SideCounts, after: SideCounts): BiasShift[] {
  const medianBefore = before.durations.length > 0 ? medianInPlace(Float64Array.from(before.durations)) : null
  const medianAfter = after.durations.length > 0 ? medianInPlace(Float64Array.from(after.durations)) : null
  const ratio = medianBefore !== null && medianAfter !== null && medianBefore > 0 ? medianAfter / medianBefore : null
  return [
    shareShift('position', 'share of decisive wins given to the first displayed response', before.first, before.decisive, after.first, after.decisive),
    shareShift('length', 'share of decisive wins given to the longer response', before.longer, before.lengthDecisive, after.longer, after.lengthDecisive),
    shareShift('tie', 'tie rate', before.ties, before.pairwise, after.ties, after.pairwise),
    shareShift('scale', 'share of Likert ratings in 4–6', before.middle, before.ratings, after.middle, after.ratings),
    {
      bias: 'speed',
      measure: 'median time on task (ms)',
      before: medianBefore,
      after: medianAfter,
      nBefore: before.durations.length,
      nAfter: after.durations.length,
      moved: ratio !== null && before.durations.length >= 10 && after.durations.length >= 10 && (ratio <= 0.5 || ratio >= 2),
    },
  ]
}

function verdicts(index: ProjectIndex, loo: LeaveOneOut, j: number): { verdict: string; othersVerdict: string } | null {
  const item = index.jItem[j]!
  const kind = index.jKind[j]!
  if (kind === KIND_PAIRWISE && loo.othersCat[j]! >= 0) {
    return { verdict: categoryLabel(index, item, index.jCat[j]!), othersVerdict: categoryLabel(index, item, loo.othersCat[j]!) }
  }
  if (kind === KIND_LIKERT) return { verdict: String(index.jRating[j]), othersVerdict: String(loo.othersRating[j]) }
  if (kind === KIND_RANKING) {
    const top = loo.othersCat[j]!
    const ranking = index.data.judgments[j]!.ranking ?? []
    return { verdict: `ranked ${ranking.join(' > ')}`, othersVerdict: top >= 0 ? `others rank ${index.respIds[index.respStart[item]! + top]} first` : 'others split' }
  }
  return null
}

function windowDisagreements(index: ProjectIndex, loo: LeaveOneOut, from: number, to: number, limit: number): DriftDisagreement[] {
  const candidates: number[] = []
  for (let r = from; r < to; r++) {
    const j = index.byLabeler[r]!
    const s = loo.score[j]!
    if (s === s && s < 0.5) candidates.push(j)
  }
  candidates.sort((a, b) => loo.othersShare[b]! - loo.othersShare[a]! || loo.score[a]! - loo.score[b]!)
  const result: DriftDisagreement[] = []
  for (const j of candidates.slice(0, limit)) {
    const v = verdicts(index, loo, j)
    if (v === null) continue
    const judgment = index.data.judgments[j]!
    const item = index.data.items[index.jItem[j]!]!
    result.push({ judgmentId: judgment.id, itemId: item.id, externalId: item.externalId, ...v, othersShare: loo.othersShare[j]! })
  }
  return result
}

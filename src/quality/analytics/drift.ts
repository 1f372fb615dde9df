// Drift: a labeler's most recent judgments against their own earlier ones. The guide warns that
// "your judgment shifts over time"; this is where the bot notices before a calibration session would.
//
// Tests, both one-sided at α (default 0.01), on leave-one-out agreement:
// 1. two-proportion z-test (pooled): the labeler's last N judgments (default 50) agree less than
//    all their earlier judgments;
// 2. the same drop beyond the rest of the team's drop over the same period (z on the difference of
//    the two before−after differences, unpooled variances). Every labeler's recent window falls in
//    the same recent weeks, so anything that lowers everyone's agreement then (harder items, one
//    careless labeler spoiling the others' consensus) would otherwise look like drift in all of them.
// A drift event needs both raw p-values < α and test 2's Benjamini–Hochberg adjusted p ≤ q in the
// report's family. It only runs with at least 20 compared judgments in the window and 30 before
// it, so a handful of judgments never alarms.
import type { LeaveOneOut } from './leave-one-out'
import type { TestFamily, TestOutcome } from './fdr'
import { KIND_LIKERT, KIND_PAIRWISE, KIND_RANKING, categoryLabel, type ProjectIndex } from './project-index'
import type { Share, TestStatus } from './biases'
import { medianInPlace, normalCdf, twoProportionZTest } from './numeric-kit'

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
  /**
   * The others' verdict as a point a message can name in the labeler's own letters: a response id
   * (the pairwise winner or the best of a ranking), tie, both bad, or a Likert rating; null when split.
   */
  othersPoint: string | null
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
  /** The window's judgments, first and last (the report adds when they were recorded: the engine reads no times). */
  window: { size: number; fromJudgmentId: number; toJudgmentId: number } | null
  before: { agreement: Share; goldAccuracy: Share }
  after: { agreement: Share; goldAccuracy: Share }
  /** Agreement drop (before − after), and test 1 (against the labeler's own baseline). */
  drop: number | null
  baseline: { z: number; p: number } | null
  /** The rest of the team over the same split in time, and test 2 (drop beyond the team's; its p is `p`). */
  team: { rate: number | null; before: Share; after: Share; drop: number | null }
  excessDrop: number | null
  z: number | null
  disagreements: DriftDisagreement[]
  biasShifts: BiasShift[]
  test: string
}

const DRIFT_TEST =
  'one-sided z-tests on leave-one-out agreement: window below the labeler’s earlier judgments (two-proportion), and that drop beyond the rest of the team’s over the same period; both raw p < α, and the second BH-adjusted ≤ q'

// Smoothed Bernoulli variance of a rate, so an empty or perfect side still carries uncertainty.
const rateVariance = (k: number, n: number): number => {
  const p = (k + 0.5) / (n + 1)
  return (p * (1 - p)) / Math.max(n, 1)
}

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
  /** Scratch buffer shared across labelers; only the first `durationCount` values are this side's. */
  durations: Float64Array
  durationCount: number
}

const emptySide = (durations: Float64Array): SideCounts => ({
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
  durations,
  durationCount: 0,
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

  // Agreement summed over all judgments in id order, to read the team's before/after at any split.
  const n = score.length
  const prefixAgreed = new Float64Array(n + 1)
  const prefixCompared = new Float64Array(n + 1)
  for (let r = 0; r < n; r++) {
    const s = score[index.byId[r]!]!
    prefixAgreed[r + 1] = prefixAgreed[r]! + (s === s ? s : 0)
    prefixCompared[r + 1] = prefixCompared[r]! + (s === s ? 1 : 0)
  }

  let longest = 0
  for (let l = 0; l < L; l++) longest = Math.max(longest, byLabelerStart[l + 1]! - byLabelerStart[l]!)
  const beforeDurations = new Float64Array(longest)
  const afterDurations = new Float64Array(Math.min(longest, windowSize))

  const results: DriftResult[] = []
  for (let l = 0; l < L; l++) {
    const start = byLabelerStart[l]!
    const end = byLabelerStart[l + 1]!
    const total = end - start
    const split = Math.max(start, end - windowSize)
    const before = emptySide(beforeDurations)
    const after = emptySide(afterDurations)
    for (let r = start; r < end; r++) accumulate(index, loo, byLabeler[r]!, r < split ? before : after)
    const teamRate = teamCompared - compared[l]! > 0 ? (teamAgreed - agreed[l]!) / (teamCompared - compared[l]!) : null
    const tested = after.compared >= minWindow && before.compared >= minBaseline && split > start
    const splitRank = split < end ? index.jRank[byLabeler[split]!]! : n
    const teamBefore = share(prefixAgreed[splitRank]! - before.agreed, prefixCompared[splitRank]! - before.compared)
    const teamAfter = share(prefixAgreed[n]! - prefixAgreed[splitRank]! - after.agreed, prefixCompared[n]! - prefixCompared[splitRank]! - after.compared)
    const teamDrop = teamBefore.rate !== null && teamAfter.rate !== null ? teamBefore.rate - teamAfter.rate : null
    const drop = before.compared > 0 && after.compared > 0 ? before.agreed / before.compared - after.agreed / after.compared : null
    const baselineTest = tested ? twoProportionZTest(before.agreed, before.compared, after.agreed, after.compared, 'greater') : null
    let excess: { z: number; p: number } | null = null
    if (tested && drop !== null) {
      const variance =
        rateVariance(before.agreed, before.compared) +
        rateVariance(after.agreed, after.compared) +
        rateVariance(teamBefore.k, teamBefore.n) +
        rateVariance(teamAfter.k, teamAfter.n)
      const z = (drop - (teamDrop ?? 0)) / Math.sqrt(variance)
      excess = { z, p: 1 - normalCdf(z) }
    }
    const first = total > 0 ? index.jId[byLabeler[split]!]! : null
    const last = total > 0 ? index.jId[byLabeler[end - 1]!]! : null
    const result: DriftResult = {
      status: tested ? 'tested' : 'not_enough_data',
      flagged: false,
      p: excess?.p ?? null,
      pAdjusted: null,
      n: after.compared,
      minSample: minWindow,
      window:
        first !== null && last !== null
          ? { size: end - split, fromJudgmentId: first, toJudgmentId: last }
          : null,
      before: { agreement: share(before.agreed, before.compared), goldAccuracy: share(before.goldCorrect, before.goldItems) },
      after: { agreement: share(after.agreed, after.compared), goldAccuracy: share(after.goldCorrect, after.goldItems) },
      drop,
      baseline: baselineTest,
      team: { rate: teamRate, before: teamBefore, after: teamAfter, drop: teamDrop },
      excessDrop: drop !== null && teamDrop !== null ? drop - teamDrop : null,
      z: excess?.z ?? null,
      disagreements: after.compared > 0 ? windowDisagreements(index, loo, split, end, examples) : [],
      biasShifts: biasShifts(before, after),
      test: DRIFT_TEST,
    }
    family.add(result, baselineTest !== null && excess !== null && baselineTest.p < alpha && excess.p < alpha)
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
  if (d === d) side.durations[side.durationCount++] = d
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
  const medianBefore = before.durationCount > 0 ? medianInPlace(before.durations, before.durationCount) : null
  const medianAfter = after.durationCount > 0 ? medianInPlace(after.durations, after.durationCount) : null
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
      nBefore: before.durationCount,
      nAfter: after.durationCount,
      moved: ratio !== null && before.durationCount >= 10 && after.durationCount >= 10 && (ratio <= 0.5 || ratio >= 2),
    },
  ]
}

function verdicts(index: ProjectIndex, loo: LeaveOneOut, j: number): { verdict: string; othersVerdict: string; othersPoint: string | null } | null {
  const item = index.jItem[j]!
  const kind = index.jKind[j]!
  if (kind === KIND_PAIRWISE && loo.othersCat[j]! >= 0) {
    const others = categoryLabel(index, item, loo.othersCat[j]!)
    return { verdict: categoryLabel(index, item, index.jCat[j]!), othersVerdict: others, othersPoint: others }
  }
  if (kind === KIND_LIKERT) return { verdict: String(index.jRating[j]), othersVerdict: String(loo.othersRating[j]), othersPoint: String(loo.othersRating[j]) }
  if (kind === KIND_RANKING) {
    const top = loo.othersCat[j]!
    const ranking = index.rankingOf(j) ?? []
    const best = top >= 0 ? (index.respIds[index.respStart[item]! + top] ?? null) : null
    return { verdict: `ranked ${ranking.join(' > ')}`, othersVerdict: best !== null ? `others rank ${best} first` : 'others split', othersPoint: best }
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
    const item = index.data.items[index.jItem[j]!]!
    result.push({ judgmentId: index.jId[j]!, itemId: item.id, externalId: item.externalId, ...v, othersShare: loo.othersShare[j]! })
  }
  return result
}

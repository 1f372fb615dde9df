// The one pass over a project's judgments that every labeler test reads from (biases.ts): per-labeler
// counters in typed arrays, the team's totals of them, and the team's durations sorted once.
import type { LeaveOneOut } from './leave-one-out'
import { KIND_LIKERT, KIND_PAIRWISE, type ProjectIndex } from './project-index'

/** Per-labeler counters, each indexed by labeler, with the team's totals of the ones tests compare against. */
export interface LabelerCounts {
  judgments: Float64Array
  /** Leave-one-out agreement: summed scores (a ranking scores a fraction) and judgments compared. */
  agreed: Float64Array
  compared: Float64Array
  goldCorrect: Float64Array
  goldItems: Float64Array
  pairwise: Float64Array
  ties: Float64Array
  /** Pairwise judgments naming a response (not tie / both_bad) with a known display position. */
  decisive: Float64Array
  firstChosen: Float64Array
  /** Decisive pairwise judgments between responses of different length, and those for the longer. */
  lengthDecisive: Float64Array
  longerChosen: Float64Array
  /** Judgments where the others' consensus chose the shorter response, and where this labeler chose the longer. */
  othersShorterN: Float64Array
  othersShorterSwitch: Float64Array
  /** Judgments where the others' consensus chose the longer response, and where this labeler chose the shorter. */
  othersLongerN: Float64Array
  othersLongerSwitch: Float64Array
  /** Likert ratings, those in 4–6, the lowest and highest given, and which of 1..7 were used (ratingSeen[l * 8 + r]). */
  ratings: Float64Array
  middle: Float64Array
  ratingMin: Float64Array
  ratingMax: Float64Array
  ratingSeen: Uint8Array
  /** Judgments with a duration, and those faster than the reading floor. */
  timed: Float64Array
  tooFast: Float64Array
  flags: Float64Array
  nearMisses: Float64Array
  team: Record<TeamCounter, number>
  /** Every judgment's duration, sorted (team medians exclude the labeler's own from it). */
  allDurations: Float64Array
}

type TeamCounter =
  | 'agreed'
  | 'compared'
  | 'pairwise'
  | 'ties'
  | 'ratings'
  | 'middle'
  | 'timed'
  | 'tooFast'
  | 'judgments'
  | 'flags'
  | 'othersShorterN'
  | 'othersShorterSwitch'
  | 'othersLongerN'
  | 'othersLongerSwitch'

/** Counts, in one pass over the judgments, everything the labeler tests compare. */
export function countLabelerJudgments(index: ProjectIndex, loo: LeaveOneOut): LabelerCounts {
  const L = index.labelers.length
  const n = index.jItem.length
  const { jItem, jLabeler, jKind, jCat, jPos, jLonger, jRating, jTooFast, jDuration, jFlagged, jNearMiss, respStart, respLength, tieCat, slots } = index
  const { score, gold, othersCat } = loo

  const judgments = new Float64Array(L)
  const agreed = new Float64Array(L)
  const compared = new Float64Array(L)
  const goldCorrect = new Float64Array(L)
  const goldItems = new Float64Array(L)
  const pairwise = new Float64Array(L)
  const ties = new Float64Array(L)
  const decisive = new Float64Array(L)
  const firstChosen = new Float64Array(L)
  const lengthDecisive = new Float64Array(L)
  const longerChosen = new Float64Array(L)
  const othersShorterN = new Float64Array(L)
  const othersShorterSwitch = new Float64Array(L)
  const othersLongerN = new Float64Array(L)
  const othersLongerSwitch = new Float64Array(L)
  const ratings = new Float64Array(L)
  const middle = new Float64Array(L)
  const ratingMin = new Float64Array(L).fill(Infinity)
  const ratingMax = new Float64Array(L).fill(-Infinity)
  const ratingSeen = new Uint8Array(L * 8)
  const timed = new Float64Array(L)
  const tooFast = new Float64Array(L)
  const flags = new Float64Array(L)
  const nearMisses = new Float64Array(L)

  for (let j = 0; j < n; j++) {
    const l = jLabeler[j]!
    judgments[l]!++
    if (jFlagged[j]) flags[l]!++
    if (jNearMiss[j]) nearMisses[l]!++
    if (jTooFast[j]! >= 0) {
      timed[l]!++
      if (jTooFast[j] === 1) tooFast[l]!++
    }
    const s = score[j]!
    if (s === s) {
      agreed[l]! += s
      compared[l]!++
    }
    const g = gold[j]!
    if (g === g) {
      goldCorrect[l]! += g
      goldItems[l]!++
    }
    const kind = jKind[j]!
    if (kind === KIND_PAIRWISE) {
      pairwise[l]!++
      const cat = jCat[j]!
      if (cat === tieCat) ties[l]!++
      if (cat < slots && jPos[j]! >= 0) {
        decisive[l]!++
        if (jPos[j] === 0) firstChosen[l]!++
      }
      const longer = jLonger[j]!
      if (longer >= 0) {
        lengthDecisive[l]!++
        if (longer === 1) longerChosen[l]!++
        const others = othersCat[j]!
        if (others >= 0 && others < slots) {
          const start = respStart[jItem[j]!]!
          const othersChoseLonger = respLength[start + others]! > respLength[start + 1 - others]!
          if (othersChoseLonger) {
            othersLongerN[l]!++
            if (longer === 0) othersLongerSwitch[l]!++
          } else {
            othersShorterN[l]!++
            if (longer === 1) othersShorterSwitch[l]!++
          }
        }
      }
    } else if (kind === KIND_LIKERT) {
      const r = jRating[j]!
      ratings[l]!++
      if (r >= 4 && r <= 6) middle[l]!++
      if (r < ratingMin[l]!) ratingMin[l] = r
      if (r > ratingMax[l]!) ratingMax[l] = r
      ratingSeen[l * 8 + r] = 1
    }
  }

  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0)
  const team: Record<TeamCounter, number> = {
    agreed: sum(agreed),
    compared: sum(compared),
    pairwise: sum(pairwise),
    ties: sum(ties),
    ratings: sum(ratings),
    middle: sum(middle),
    timed: sum(timed),
    tooFast: sum(tooFast),
    judgments: sum(judgments),
    flags: sum(flags),
    othersShorterN: sum(othersShorterN),
    othersShorterSwitch: sum(othersShorterSwitch),
    othersLongerN: sum(othersLongerN),
    othersLongerSwitch: sum(othersLongerSwitch),
  }

  // Durations: the team's sorted once, each labeler's sorted on its own; team medians exclude the labeler.
  let durationCount = 0
  for (let j = 0; j < n; j++) if (jDuration[j]! === jDuration[j]!) durationCount++
  const allDurations = new Float64Array(durationCount)
  {
    let k = 0
    for (let j = 0; j < n; j++) if (jDuration[j]! === jDuration[j]!) allDurations[k++] = jDuration[j]!
    allDurations.sort()
  }

  return {
    judgments,
    agreed,
    compared,
    goldCorrect,
    goldItems,
    pairwise,
    ties,
    decisive,
    firstChosen,
    lengthDecisive,
    longerChosen,
    othersShorterN,
    othersShorterSwitch,
    othersLongerN,
    othersLongerSwitch,
    ratings,
    middle,
    ratingMin,
    ratingMax,
    ratingSeen,
    timed,
    tooFast,
    flags,
    nearMisses,
    team,
    allDurations,
  }
}

/** Labeler l's durations, sorted. */
export function ownDurations(index: ProjectIndex, l: number): Float64Array {
  const start = index.byLabelerStart[l]!
  const end = index.byLabelerStart[l + 1]!
  const values = new Float64Array(end - start)
  let k = 0
  for (let r = start; r < end; r++) {
    const d = index.jDuration[index.byLabeler[r]!]!
    if (d === d) values[k++] = d
  }
  const own = values.subarray(0, k)
  own.sort()
  return own
}

/** Median of sorted, non-empty values. */
export function sortedMedian(sorted: Float64Array): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

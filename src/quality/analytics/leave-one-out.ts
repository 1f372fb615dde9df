// Leave-one-out agreement: each judgment is compared with the consensus of the *other* labelers on
// the same item, so a labeler never agrees with themselves and a biased labeler cannot pull the
// yardstick they are measured with. Items where the others have no consensus are skipped.
import { bordaPoints, ratingMedian, type ItemTallies, tallyItems } from './tally'
import { KIND_LIKERT, KIND_PAIRWISE, KIND_RANKING, indexProject, type IndexOptions, type ProjectData, type ProjectIndex } from './project-index'

/** Options of the leave-one-out comparison. */
export interface LeaveOneOutOptions {
  /** Other judgments an item needs before the others have a consensus (default 2). */
  minOthers?: number
  /**
   * Share of the others the top pairwise verdict must exceed (default 0.5: a strict majority, the
   * same rule as the bot's "clear majority").
   */
  othersMajority?: number
  /** Likert ratings within this distance of the others' median agree (default 1). */
  likertTolerance?: number
}

/**
 * Per-judgment comparison scores in [0, 1] (NaN = not compared). Pairwise and Likert scores are 0 or 1;
 * a ranking scores the share of response pairs it orders as the others' Borda totals do.
 */
export interface LeaveOneOut {
  score: Float32Array
  /** The others' consensus: a pairwise category or the Borda top response slot; −1 when none. */
  othersCat: Int16Array
  /** The others' median rating for Likert judgments (NaN otherwise). */
  othersRating: Float32Array
  /** Share of the others behind their consensus: how sure the others were. */
  othersShare: Float32Array
  /** Score against gold, where the item has gold in the judgment's terms. */
  gold: Float32Array
}

/** Computes leave-one-out and gold scores for every judgment. */
export function computeLeaveOneOut(index: ProjectIndex, tallies: ItemTallies, options: LeaveOneOutOptions = {}): LeaveOneOut {
  const minOthers = options.minOthers ?? 2
  const majority = options.othersMajority ?? 0.5
  const tolerance = options.likertTolerance ?? 1
  const n = index.jItem.length
  const score = new Float32Array(n).fill(NaN)
  const othersCat = new Int16Array(n).fill(-1)
  const othersRating = new Float32Array(n).fill(NaN)
  const othersShare = new Float32Array(n).fill(NaN)
  const gold = new Float32Array(n).fill(NaN)
  const K = index.classes
  const { jItem, jKind, jCat, jRating, respStart, respIds, itemGoldCat } = index
  const { pairCounts, pairN, borda, rankedFirst, rankingN, ratingCounts, likertN } = tallies
  const items = index.data.items
  const own = new Float64Array(64)
  const reference = new Float64Array(64)
  const likertOthers = new Int32Array(8)

  for (let j = 0; j < n; j++) {
    const item = jItem[j]!
    if (item < 0) continue
    const kind = jKind[j]!
    if (kind === KIND_PAIRWISE) {
      const cat = jCat[j]!
      const goldCat = itemGoldCat[item]!
      if (goldCat >= 0) gold[j] = cat === goldCat ? 1 : 0
      const others = pairN[item]! - 1
      if (others < minOthers) continue
      const base = item * K
      let top = -1
      let topCount = 0
      let unique = false
      for (let c = 0; c < K; c++) {
        const count = pairCounts[base + c]! - (c === cat ? 1 : 0)
        if (count > topCount) {
          topCount = count
          top = c
          unique = true
        } else if (count === topCount) unique = false
      }
      if (!unique || topCount <= majority * others) continue
      othersCat[j] = top
      othersShare[j] = topCount / others
      score[j] = cat === top ? 1 : 0
    } else if (kind === KIND_LIKERT) {
      const rating = jRating[j]!
      const goldRating = items[item]!.gold?.rating
      if (goldRating !== undefined) gold[j] = Math.abs(rating - goldRating) <= tolerance ? 1 : 0
      const others = likertN[item]! - 1
      if (others < minOthers) continue
      for (let r = 1; r <= 7; r++) likertOthers[r] = ratingCounts[item * 8 + r]! - (r === rating ? 1 : 0)
      const median = ratingMedian(likertOthers, 0, others)
      let within = 0
      for (let r = 1; r <= 7; r++) if (Math.abs(r - median) <= tolerance) within += likertOthers[r]!
      othersRating[j] = median
      othersShare[j] = within / others
      score[j] = Math.abs(rating - median) <= tolerance ? 1 : 0
    } else if (kind === KIND_RANKING) {
      const start = respStart[item]!
      const end = respStart[item + 1]!
      const count = end - start
      if (count < 2 || count > 64) continue
      const ranking = index.rankingOf(j)!
      bordaPoints(ranking, respIds, start, end, own)
      const goldRanking = items[item]!.gold?.ranking
      if (goldRanking !== undefined && goldRanking.length > 0) {
        bordaPoints(goldRanking, respIds, start, end, reference)
        gold[j] = concordance(own, reference, count)
      }
      const others = rankingN[item]! - 1
      if (others < minOthers) continue
      let top = -1
      let topPoints = -Infinity
      let unique = false
      for (let r = 0; r < count; r++) {
        const points = borda[start + r]! - own[r]!
        reference[r] = points
        if (points > topPoints) {
          topPoints = points
          top = r
          unique = true
        } else if (points === topPoints) unique = false
      }
      const agreement = concordance(own, reference, count)
      if (Number.isNaN(agreement)) continue
      score[j] = agreement
      if (unique) {
        othersCat[j] = top
        const ownFirst = ranking[0] === respIds[start + top] ? 1 : 0
        othersShare[j] = (rankedFirst[start + top]! - ownFirst) / others
      }
    }
  }
  return { score, othersCat, othersRating, othersShare, gold }
}

// Share of response pairs ordered the same way by two point vectors, over pairs the reference
// separates and the judgment orders (NaN when there is none).
function concordance(own: Float64Array, reference: Float64Array, count: number): number {
  let agree = 0
  let total = 0
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      const ref = reference[a]! - reference[b]!
      const mine = own[a]! - own[b]!
      if (ref === 0 || mine === 0) continue
      total++
      if (ref > 0 === mine > 0) agree++
    }
  }
  return total === 0 ? NaN : agree / total
}

/** Agreement counts of one labeler (or the team). `agreed` may be fractional because of rankings. */
export interface AgreementCounts {
  rate: number | null
  agreed: number
  n: number
}

/** One labeler's leave-one-out agreement and gold accuracy. */
export interface LabelerAgreement {
  labelerId: number
  name: string
  judgments: number
  agreement: AgreementCounts
  goldAccuracy: AgreementCounts
}

/** Leave-one-out agreement of every labeler and of the team. */
export interface AgreementSummary {
  team: AgreementCounts
  teamGold: AgreementCounts
  labelers: LabelerAgreement[]
}

const countsOf = (agreed: number, n: number): AgreementCounts => ({ rate: n > 0 ? agreed / n : null, agreed, n })

/** Sums per-judgment scores into per-labeler figures. */
export function summarizeAgreement(index: ProjectIndex, loo: LeaveOneOut): AgreementSummary {
  const L = index.labelers.length
  const agreed = new Float64Array(L)
  const scored = new Float64Array(L)
  const goldAgreed = new Float64Array(L)
  const goldScored = new Float64Array(L)
  const { score, gold } = loo
  for (let j = 0; j < score.length; j++) {
    const l = index.jLabeler[j]!
    const s = score[j]!
    if (s === s) {
      agreed[l]! += s
      scored[l]!++
    }
    const g = gold[j]!
    if (g === g) {
      goldAgreed[l]! += g
      goldScored[l]!++
    }
  }
  let teamAgreed = 0
  let teamN = 0
  let teamGold = 0
  let teamGoldN = 0
  const labelers: LabelerAgreement[] = []
  for (let l = 0; l < L; l++) {
    teamAgreed += agreed[l]!
    teamN += scored[l]!
    teamGold += goldAgreed[l]!
    teamGoldN += goldScored[l]!
    const labeler = index.labelers[l]!
    labelers.push({
      labelerId: labeler.id,
      name: labeler.name,
      judgments: index.byLabelerStart[l + 1]! - index.byLabelerStart[l]!,
      agreement: countsOf(agreed[l]!, scored[l]!),
      goldAccuracy: countsOf(goldAgreed[l]!, goldScored[l]!),
    })
  }
  return { team: countsOf(teamAgreed, teamN), teamGold: countsOf(teamGold, teamGoldN), labelers }
}

/** Leave-one-out agreement and gold accuracy of each labeler of a project. */
export function leaveOneOutAgreement(data: ProjectData, options: LeaveOneOutOptions & IndexOptions = {}): AgreementSummary {
  const index = indexProject(data, options)
  return summarizeAgreement(index, computeLeaveOneOut(index, tallyItems(index), options))
}

// Disputes: items a lead should settle, ranked by how much settling them would teach. An item is
// disputed when it has all its judgments and still no clear consensus, when labelers disagree about
// a critical flaw, or when someone flagged it. Items with gold or a lead's verdict are settled already.
import type { QualityItem } from '../types'
import { computeLeaveOneOut, summarizeAgreement, type AgreementSummary, type LeaveOneOutOptions } from './leave-one-out'
import { ratingMedian, tallyItems, topOf, type ItemTallies } from './tally'
import { categoryLabel, indexProject, type IndexOptions, type ProjectData, type ProjectIndex } from './project-index'

/** Options of dispute detection. */
export interface DisputeOptions {
  /** Judgments an item is meant to collect: one number for all, or per item (default 3). */
  redundancy?: number | ((item: QualityItem) => number)
  /** A consensus is clear when the top share is at least this (default 0.6: three of five is the weakest clear call). */
  disputeMargin?: number
  /** Likert ratings within this distance of the median count as agreeing (default 1). */
  likertTolerance?: number
  /** Disputes returned, best first (default 100; `total` counts all). */
  disputeLimit?: number
}

/** Why an item is disputed. */
export interface DisputeReason {
  code: 'split' | 'flaw_disagreement' | 'flagged'
  detail: string
}

/** One disputed item and the numbers behind its rank. */
export interface Dispute {
  itemId: number
  externalId: string | null
  kind: QualityItem['kind']
  judgments: number
  redundancy: number
  /** Verdict counts: pairwise choices, ranked-first responses, or Likert ratings. */
  split: Record<string, number>
  topShare: number
  reasons: DisputeReason[]
  score: number
  /**
   * score = (closeness + flaw weight + flagged share) × log2(1 + judgments) × (0.5 + reliability):
   * closeness is 1 − (top share − runner-up share); the flaw weight is 1.5 for a disputed safety issue,
   * 1 for a disputed factual error; reliability is the mean leave-one-out agreement of the labelers
   * involved (when reliable labelers split, the item is a real ambiguity and a good gold candidate).
   */
  scoreParts: { closeness: number; flawWeight: number; flaggedShare: number; labelers: number; reliability: number }
}

/** Disputes, ranked, with the count before the limit. */
export interface DisputeList {
  total: number
  disputes: Dispute[]
}

/** Finds and ranks disputed items. */
export function findDisputes(index: ProjectIndex, tallies: ItemTallies, agreement: AgreementSummary, options: DisputeOptions = {}): DisputeList {
  const margin = options.disputeMargin ?? 0.6
  const tolerance = options.likertTolerance ?? 1
  const limit = options.disputeLimit ?? 100
  const redundancyOf = typeof options.redundancy === 'function' ? options.redundancy : () => (options.redundancy as number | undefined) ?? 3
  const K = index.classes
  const items = index.data.items
  const { pairCounts, pairN, rankedFirst, rankingN, ratingCounts, likertN } = tallies
  const { respStart, respIds, respFlawMarks, respSafetyMarks, itemFlagged, byItemStart, byItem, jLabeler } = index
  const reliability = new Float64Array(index.labelers.length)
  const teamRate = agreement.team.rate ?? 0.5
  agreement.labelers.forEach((labeler, l) => (reliability[l] = labeler.agreement.rate ?? teamRate))

  const disputes: Dispute[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    if (item.gold !== null) continue
    const judgments = byItemStart[i + 1]! - byItemStart[i]!
    if (judgments === 0) continue
    const start = respStart[i]!
    const end = respStart[i + 1]!
    let n = 0
    let topShare = 1
    let closeness = 0
    let mode: 'pairwise' | 'ranking' | 'likert' | null = null
    if (pairN[i]! > 0 && pairN[i]! >= rankingN[i]! && pairN[i]! >= likertN[i]!) {
      mode = 'pairwise'
      n = pairN[i]!
      const top = topOf(pairCounts, i * K, K)
      topShare = top.top / n
      closeness = 1 - (top.top - top.second) / n
    } else if (rankingN[i]! > 0 && rankingN[i]! >= likertN[i]!) {
      mode = 'ranking'
      n = rankingN[i]!
      const top = topOf(rankedFirst, start, end - start)
      topShare = top.top / n
      closeness = 1 - (top.top - top.second) / n
    } else if (likertN[i]! > 0) {
      mode = 'likert'
      n = likertN[i]!
      const median = ratingMedian(ratingCounts, i * 8, n)
      let within = 0
      for (let r = 1; r <= 7; r++) if (Math.abs(r - median) <= tolerance) within += ratingCounts[i * 8 + r]!
      topShare = within / n
      closeness = Math.min(1, 2 * (1 - topShare))
    }
    const flagged = itemFlagged[i]!
    let flawed = false
    for (let r = start; r < end; r++) if (respFlawMarks[r]! > 0 && respFlawMarks[r]! < judgments) flawed = true
    // Most items are not disputed: decide that from the counts before building any strings.
    if (flagged === 0 && !flawed && (n === 0 || topShare >= margin - 1e-9)) continue
    const reasons: DisputeReason[] = []
    const redundancy = redundancyOf(item)
    if (n > 0 && n >= redundancy && topShare < margin - 1e-9) {
      reasons.push({ code: 'split', detail: `top verdict has ${Math.round(topShare * 100)}% of ${n} judgments (clear needs ${Math.round(margin * 100)}%)` })
    }

    let flawWeight = 0
    for (let r = start; r < end; r++) {
      const marks = respFlawMarks[r]!
      if (marks === 0 || marks >= judgments) continue
      const safety = respSafetyMarks[r]! > 0
      flawWeight = Math.max(flawWeight, safety ? 1.5 : 1)
      reasons.push({
        code: 'flaw_disagreement',
        detail: `${marks} of ${judgments} marked ${respIds[r]} with a critical flaw${safety ? ' (safety issue)' : ''}, the others did not`,
      })
    }
    if (flagged > 0) reasons.push({ code: 'flagged', detail: `flagged for review by ${flagged} of ${judgments}` })
    if (reasons.length === 0) continue

    let reliable = 0
    for (let r = byItemStart[i]!; r < byItemStart[i + 1]!; r++) reliable += reliability[jLabeler[byItem[r]!]!]!
    reliable /= judgments
    const flaggedShare = flagged / judgments
    const labelers = Math.log2(1 + judgments)
    const score = (closeness + flawWeight + flaggedShare) * labelers * (0.5 + reliable)
    disputes.push({
      itemId: item.id,
      externalId: item.externalId,
      kind: item.kind,
      judgments,
      redundancy,
      split: mode === null ? {} : splitOf(index, tallies, i, mode),
      topShare,
      reasons,
      score,
      scoreParts: { closeness, flawWeight, flaggedShare, labelers, reliability: reliable },
    })
  }
  // Scores within 1e-9 are equal (sums in a different judgment order differ in the last bits), so
  // the ranking does not depend on the order the judgments arrived in.
  disputes.sort((a, b) => (Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : a.itemId - b.itemId))
  return { total: disputes.length, disputes: disputes.slice(0, limit) }
}

/** Verdict counts of an item, keyed by verdict. */
function splitOf(index: ProjectIndex, tallies: ItemTallies, i: number, mode: 'pairwise' | 'ranking' | 'likert'): Record<string, number> {
  const split: Record<string, number> = {}
  const K = index.classes
  if (mode === 'pairwise') {
    for (let c = 0; c < K; c++) if (tallies.pairCounts[i * K + c]! > 0) split[categoryLabel(index, i, c)] = tallies.pairCounts[i * K + c]!
  } else if (mode === 'ranking') {
    for (let r = index.respStart[i]!; r < index.respStart[i + 1]!; r++) if (tallies.rankedFirst[r]! > 0) split[index.respIds[r]!] = tallies.rankedFirst[r]!
  } else {
    for (let r = 1; r <= 7; r++) if (tallies.ratingCounts[i * 8 + r]! > 0) split[String(r)] = tallies.ratingCounts[i * 8 + r]!
  }
  return split
}

/** Disputed items of a project, ranked (builds its own index; analyzeProject shares one). */
export function projectDisputes(data: ProjectData, options: DisputeOptions & LeaveOneOutOptions & IndexOptions = {}): DisputeList {
  const index = indexProject(data, options)
  const tallies = tallyItems(index)
  const agreement = summarizeAgreement(index, computeLeaveOneOut(index, tallies, options))
  return findDisputes(index, tallies, agreement, options)
}

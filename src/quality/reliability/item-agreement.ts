// How split the votes on one item are. Pairwise (A/B) items vote for a response id, 'tie' or
// 'both_bad'; the last two are categories of their own rather than half votes, because "neither is
// acceptable" and "equally good" are different verdicts that a split between A and B must not absorb.
import { BOTH_BAD, TIE } from '../types'
import { notApplicable, ok, type StatResult } from './result'

/** Votes for one category. */
export interface CategoryVotes {
  category: string
  votes: number
}

/** Agreement among the votes on one item. */
export interface ItemAgreementValue {
  votes: number
  /** Votes per category, most voted first (ties in first-seen order). */
  counts: CategoryVotes[]
  /** Categories with the most votes; more than one when the top is tied. */
  majority: string[]
  /** Share of the votes held by the largest category. */
  majorityShare: number
  /** Shannon entropy of the vote shares over log(number of categories): 0 unanimous, 1 evenly spread. */
  normalizedEntropy: number
  /** Share of pairs of votes that agree (Fleiss' per-subject P_i): 1 unanimous. */
  pairwiseAgreement: number
}

/** Categories of a pairwise judgment over the given responses: each response id, then 'tie' and 'both_bad'. */
export function pairwiseCategories(responseIds: readonly string[]): string[] {
  return [...responseIds, TIE, BOTH_BAD]
}

/**
 * Agreement among the votes on one item (null votes are skipped). With `categories`, entropy is
 * normalised by all possible categories and a vote outside them is 'unknown value'; without, by
 * the categories that received votes.
 */
export function itemAgreement(
  votes: ReadonlyArray<string | null>,
  options: { categories?: readonly string[] } = {},
): StatResult<ItemAgreementValue> {
  const tally = new Map<string, number>()
  let n = 0
  for (const vote of votes) {
    if (vote === null) continue
    tally.set(vote, (tally.get(vote) ?? 0) + 1)
    n++
  }
  if (options.categories) {
    const known = new Set(options.categories)
    for (const category of tally.keys()) if (!known.has(category)) return notApplicable('unknown value', category)
  }
  if (n < 2) return notApplicable('fewer than two votes')
  const counts = [...tally].map(([category, count]) => ({ category, votes: count })).sort((x, y) => y.votes - x.votes)
  const top = counts[0]!.votes
  const categoryCount = options.categories ? new Set(options.categories).size : counts.length
  let entropy = 0
  let agreeingPairs = 0
  for (const { votes: count } of counts) {
    const share = count / n
    entropy -= share * Math.log(share)
    agreeingPairs += count * (count - 1)
  }
  return ok({
    votes: n,
    counts,
    majority: counts.filter((c) => c.votes === top).map((c) => c.category),
    majorityShare: top / n,
    normalizedEntropy: categoryCount > 1 ? entropy / Math.log(categoryCount) : 0,
    pairwiseAgreement: agreeingPairs / (n * (n - 1)),
  })
}

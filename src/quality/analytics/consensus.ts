// Consensus per item: majority vote (pairwise categories, Borda for rankings, median for Likert),
// Dawid–Skene for pairwise verdicts, and gold or a lead's verdict above both.
import type { JudgmentKind } from '../types'
import { fitDawidSkene, type DawidSkeneFit, type DawidSkeneOptions } from './dawid-skene'
import { categoryLabel, categoryOf, indexProject, type IndexOptions, type ProjectData } from './project-index'
import { ratingMedian, tallyItems, topOf, type ItemTallies } from './tally'
import { indexVerdicts, type ConsensusIndex, type VerdictColumns } from './verdict-columns'

/** How an item's consensus was reached. */
export type ConsensusMethod = 'gold' | 'dawid_skene' | 'majority' | 'borda' | 'median' | 'none'

/** One item's consensus and the counts behind it. */
export interface ItemConsensus {
  itemId: number
  externalId: string | null
  kind: JudgmentKind
  /** Judgments counted. */
  judgments: number
  method: ConsensusMethod
  /** Pairwise verdict (response id, 'tie' or 'both_bad') or the consensus ranking's top response. */
  winner: string | null
  ranking: string[] | null
  rating: number | null
  /** Share supporting the majority view: top category, ranked-first share of the Borda winner, Likert within tolerance of the median. */
  share: number
  /** Majority view (plurality category, Borda winner or median), kept when gold or Dawid–Skene decide; null on an exact tie. */
  majority: string | null
  /** Dawid–Skene posterior of the winner (pairwise without gold), else null. */
  posterior: number | null
  /** Counts: pairwise verdicts, ranked-first responses, or Likert ratings. */
  split: Record<string, number>
}

/** Options of the consensus. */
export interface ConsensusOptions extends DawidSkeneOptions, IndexOptions {
  /** Likert ratings within this distance of the median agree with it (default 1). */
  likertTolerance?: number
  /** Use Dawid–Skene for pairwise items (default true); majority otherwise. */
  dawidSkene?: boolean
}

/** Builds per-item consensus from tallies and an optional Dawid–Skene fit; gold overrides both. */
export function buildConsensus(index: ConsensusIndex, tallies: ItemTallies, fit: DawidSkeneFit | null, options: ConsensusOptions = {}): ItemConsensus[] {
  const of = consensusAt(index, tallies, fit, options)
  const result: ItemConsensus[] = []
  for (let i = 0; i < index.items.length; i++) result.push(of(i))
  return result
}

/** Item i's consensus, computed when asked (buildConsensus asks for every item). */
function consensusAt(index: ConsensusIndex, tallies: ItemTallies, fit: DawidSkeneFit | null, options: ConsensusOptions): (i: number) => ItemConsensus {
  const tolerance = options.likertTolerance ?? 1
  const K = index.classes
  const items = index.items
  const fitRow = new Int32Array(items.length).fill(-1)
  if (fit !== null) for (let p = 0; p < fit.items.length; p++) fitRow[fit.items[p]!] = p
  return (i) => {
    const item = items[i]!
    const start = index.respStart[i]!
    const end = index.respStart[i + 1]!
    const base: ItemConsensus = {
      itemId: item.id,
      externalId: item.externalId,
      kind: item.kind,
      judgments: 0,
      method: 'none',
      winner: null,
      ranking: null,
      rating: null,
      share: 0,
      majority: null,
      posterior: null,
      split: {},
    }
    const pairN = tallies.pairN[i]!
    const rankingN = tallies.rankingN[i]!
    const likertN = tallies.likertN[i]!
    if (pairN >= rankingN && pairN >= likertN && pairN > 0) {
      base.judgments = pairN
      for (let c = 0; c < K; c++) {
        const count = tallies.pairCounts[i * K + c]!
        if (count > 0) base.split[categoryLabel(index, i, c)] = count
      }
      const top = topOf(tallies.pairCounts, i * K, K)
      base.share = top.top / pairN
      base.majority = top.index >= 0 ? categoryLabel(index, i, top.index) : null
      base.winner = base.majority
      base.method = base.majority === null ? 'none' : 'majority'
      const row = fitRow[i]!
      if (fit !== null && row >= 0) {
        let best = 0
        for (let k = 1; k < K; k++) if (fit.posterior[row * K + k]! > fit.posterior[row * K + best]!) best = k
        base.winner = categoryLabel(index, i, best)
        base.posterior = fit.posterior[row * K + best]!
        base.method = 'dawid_skene'
      }
    } else if (rankingN >= likertN && rankingN > 0) {
      base.judgments = rankingN
      const order: number[] = []
      for (let r = start; r < end; r++) order.push(r)
      order.sort((a, b) => tallies.borda[b]! - tallies.borda[a]!)
      base.ranking = order.map((r) => index.respIds[r]!)
      const first = order[0]
      const second = order[1]
      const clear = first !== undefined && (second === undefined || tallies.borda[first]! > tallies.borda[second]!)
      base.majority = clear ? index.respIds[first]! : null
      base.winner = base.majority
      base.share = first === undefined ? 0 : tallies.rankedFirst[first]! / rankingN
      for (let r = start; r < end; r++) if (tallies.rankedFirst[r]! > 0) base.split[index.respIds[r]!] = tallies.rankedFirst[r]!
      base.method = 'borda'
    } else if (likertN > 0) {
      base.judgments = likertN
      const median = ratingMedian(tallies.ratingCounts, i * 8, likertN)
      let within = 0
      for (let r = 1; r <= 7; r++) {
        const count = tallies.ratingCounts[i * 8 + r]!
        if (count > 0) base.split[String(r)] = count
        if (Math.abs(r - median) <= tolerance) within += count
      }
      base.rating = median
      base.share = within / likertN
      base.method = 'median'
    }
    const gold = item.gold
    if (gold !== null) {
      if (gold.winner !== undefined && categoryOf(gold.winner, index.respIds, start, end, index.tieCat, index.bothBadCat) >= 0) {
        base.winner = gold.winner
        base.posterior = null
        base.method = 'gold'
      } else if (gold.ranking !== undefined && gold.ranking.length > 0) {
        base.ranking = [...gold.ranking]
        base.winner = gold.ranking[0]!
        base.method = 'gold'
      } else if (gold.rating !== undefined) {
        base.rating = gold.rating
        base.method = 'gold'
      }
    }
    return base
  }
}

/** Consensus of every item of a project (gold first, then Dawid–Skene for pairwise, else majority / Borda / median). */
export function itemConsensus(data: ProjectData, options: ConsensusOptions = {}): ItemConsensus[] {
  const index = indexProject(data, options)
  const tallies = tallyItems(index)
  const fit = options.dawidSkene === false ? null : fitDawidSkene(index, tallies, options)
  return buildConsensus(index, tallies, fit, options)
}

/**
 * The same consensus over verdict columns (verdict-columns.ts): item i's (in the columns' order),
 * identical to itemConsensus(...)[i] on the same project. Without an object per judgment, and
 * computed when asked, so an export settles a page of items at a time instead of holding a
 * consensus object for every item of a large project.
 */
export function verdictConsensus(columns: VerdictColumns, options: ConsensusOptions = {}): (i: number) => ItemConsensus {
  const index = indexVerdicts(columns)
  const tallies = tallyItems(index)
  const fit = options.dawidSkene === false ? null : fitDawidSkene(index, tallies, options)
  return consensusAt(index, tallies, fit, options)
}

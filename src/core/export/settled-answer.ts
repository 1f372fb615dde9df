// The settled answer of each item, and the floors every export keeps.
//
// The settled answer is, in order: a lead's verdict, gold, then the consensus the quality report
// uses (Dawid–Skene for pairwise, Borda for rankings, the median for Likert) when it clears a
// minimum. Items without one are left out of training data and counted by reason.
//
// The minimum is a strict majority, checked on top of the consensus method:
// - pairwise: the Dawid–Skene winner must also be the verdict of more than half of the item's
//   judgments. Dawid–Skene weighs labelers by reliability, which orders close calls well, but on a
//   2–2 or 1–1–1 split it still names a winner, and a reliability estimate from a few dozen
//   judgments is not evidence enough to overrule the head count. So it settles nothing the
//   majority does not back, and where the two disagree the item is left out (it is a dispute).
// - rankings: every ordered pair of the Borda order is kept only when more than half of the
//   rankings put the two responses in that order (pairwise majority), so no pair rests on
//   Borda points alone.
// - Likert: the median's side of the scale (good 5–7, bad 1–3) must hold more than half of the
//   ratings; a median of 4 (or between 3 and 5) says neither.
//
// Floors (the guide: accuracy and safety are non-negotiable):
// - a response that any labeler of the item marked with a critical flaw is never chosen,
//   preferred or `true` until a lead settles the item with a verdict (gold does not lift this:
//   a labeler's flaw mark on a gold answer is a reason to look again, not to ship it);
// - an item someone flagged for review is left out until a lead settles it.
import { IdLookup, KIND_LIKERT, KIND_PAIRWISE, KIND_RANKING } from '../../quality/analytics/project-index'
import { verdictConsensus, type ItemConsensus } from '../../quality/analytics'
import { BOTH_BAD, TIE, type Gold } from '../task-types'
import type { ItemSettlementInput, LabelData } from '../../store/label-reader'

/** Why an item gave no row. */
export const LEFT_OUT_REASONS = {
  unlabeled: 'no judgment yet',
  no_consensus: 'no settled answer (no strict majority, or Dawid–Skene and the majority disagree)',
  critical_flaw: 'the settled answer prefers a response a labeler marked with a critical flaw (awaits a lead)',
  flagged: 'flagged for review (awaits a lead)',
  tie: 'settled as a tie (no preference to train on)',
  both_bad: 'settled as both bad (no preference between them)',
  neutral: 'Likert settled at 4 (neither desirable nor undesirable)',
  multi_turn: 'conversation with earlier assistant turns (OpenAI preference fine-tuning trains on one-turn conversations)',
  not_accepted: 'no accepted SFT submission',
} as const
export type LeftOutReason = keyof typeof LEFT_OUT_REASONS

/** What the floors know of an item. */
export interface ItemFloors {
  /** Response ids any labeler of the item marked with a critical flaw. */
  flawed: Set<string>
  flagged: boolean
  /** A lead's verdict settled the item: the floors are lifted. */
  leadSettled: boolean
}

/** How an answer was settled. */
export type SettledBy = 'verdict' | 'gold' | 'dawid_skene' | 'borda' | 'median'

/** One item's settled answer as training signal. */
export interface SettledItem {
  itemId: number
  by: SettledBy
  /** Ordered preference pairs [chosen, rejected] of response ids, best first. */
  pairs: [string, string][]
  /** Unpaired labels (KTO): response id → desirable. */
  desirable: [string, boolean][]
  /** Share of the item's judgments that give the settled answer, and its lead over the runner-up. */
  agreement: number | null
  margin: number | null
  /** Judgments counted. */
  judgments: number
}

/** Whether a settled answer is "both bad": no pair, and every response undesirable. */
export function isSettledBothBad(settled: Pick<SettledItem, 'pairs' | 'desirable'>): boolean {
  return settled.pairs.length === 0 && settled.desirable.length > 1 && settled.desirable.every(([, good]) => !good)
}

/** The settled answers and left-out reasons of the items read. */
export interface Settlement {
  /**
   * An item's settled answer, or why it has none; undefined for an item not read or not settled
   * from verdicts (SFT). Computed when asked, one item at a time: an export asks page by page,
   * so it never holds an answer object for every item of a large project.
   */
  answer(itemId: number): SettledItem | LeftOutReason | undefined
  /** Items with a flaw mark, a flag or a verdict (the rest have no floor to keep). */
  floors: Map<number, ItemFloors>
}

const NO_SETTLEMENT: ItemSettlementInput = { verdict: null, gold: null, reference: null, source: null }
const NO_FLOOR: ItemFloors = { flawed: new Set(), flagged: false, leadSettled: false }

/** Flaw marks and flags per item, from its judgments; only items that have one (or a verdict) get an entry. */
export function itemFloors(data: Pick<LabelData, 'marks' | 'settlement'>): Map<number, ItemFloors> {
  const floors = new Map<number, ItemFloors>()
  const floorOf = (itemId: number) => {
    let floor = floors.get(itemId)
    if (!floor) floors.set(itemId, (floor = { flawed: new Set(), flagged: false, leadSettled: data.settlement.get(itemId)?.verdict != null }))
    return floor
  }
  for (const [itemId, input] of data.settlement) if (input.verdict) floorOf(itemId)
  for (const j of data.marks) {
    if (j.flagged) floorOf(j.itemId).flagged = true
    if (j.flaws) for (const [id, kinds] of Object.entries(j.flaws)) if (kinds.length > 0) floorOf(j.itemId).flawed.add(id)
  }
  return floors
}

/** Every ordered pair of an order, best first. */
function allPairs(order: readonly string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) pairs.push([order[i]!, order[j]!])
  return pairs
}

/** Training signal of a settled answer in gold terms (a lead's verdict or gold). */
function fromGold(gold: Gold, responseIds: string[]): Pick<SettledItem, 'pairs' | 'desirable'> | LeftOutReason {
  if ('winner' in gold) {
    if (gold.winner === TIE) return 'tie'
    if (gold.winner === BOTH_BAD) return { pairs: [], desirable: responseIds.map((id) => [id, false]) }
    const losers = responseIds.filter((id) => id !== gold.winner)
    return { pairs: losers.map((id) => [gold.winner, id]), desirable: [[gold.winner, true], ...losers.map((id): [string, boolean] => [id, false])] }
  }
  if ('ranking' in gold) return { pairs: allPairs(gold.ranking), desirable: [[gold.ranking[0]!, true], [gold.ranking.at(-1)!, false]] }
  if (gold.rating === 4) return 'neutral'
  return { pairs: [], desirable: [[responseIds[0]!, gold.rating >= 5]] }
}

const side = (rating: number) => (rating >= 5 ? 'good' : rating <= 3 ? 'bad' : 'neutral')

/**
 * Share of judgments giving a gold-terms answer, and that share minus the runner-up's, from the
 * consensus' verdict counts (pairwise verdicts, ranked-first responses, Likert ratings).
 */
function supportOf(gold: Gold, consensus: ItemConsensus | undefined, n: number): { agreement: number | null; margin: number | null } {
  if (!consensus || n === 0) return { agreement: null, margin: null }
  const counts = new Map<string, number>()
  for (const [verdict, count] of Object.entries(consensus.split)) {
    const key = 'rating' in gold ? side(Number(verdict)) : verdict
    counts.set(key, (counts.get(key) ?? 0) + count)
  }
  const wanted = 'winner' in gold ? gold.winner : 'ranking' in gold ? gold.ranking[0]! : side(gold.rating)
  const agreeing = counts.get(wanted) ?? 0
  let runnerUp = 0
  for (const [v, c] of counts) if (v !== wanted && c > runnerUp) runnerUp = c
  return { agreement: agreeing / n, margin: (agreeing - runnerUp) / n }
}

/** Settles every pairwise, ranking and Likert item of the data (SFT is settled from its texts). */
export function settleItems(data: LabelData): Settlement {
  const floors = itemFloors(data)
  // Only rankings need their judgments after the tallies (pair majorities); the rest read the consensus' counts.
  const { verdicts } = data
  const rankings = new Map<number, (readonly string[])[]>()
  for (const [j, ranking] of verdicts.rankings) {
    const item = verdicts.jItem[j]!
    if (verdicts.jKind[j] !== KIND_RANKING || item < 0) continue
    const itemId = verdicts.items[item]!.id
    const list = rankings.get(itemId)
    if (list) list.push(ranking)
    else rankings.set(itemId, [ranking])
  }
  let decided = false
  for (let j = 0; j < verdicts.count && !decided; j++) decided = verdicts.jKind[j] === KIND_PAIRWISE || verdicts.jKind[j] === KIND_RANKING || verdicts.jKind[j] === KIND_LIKERT
  const consensusOf = decided ? verdictConsensus(verdicts) : () => undefined
  const itemIndex = new IdLookup(verdicts.items.map((item) => item.id))
  const answer = (itemId: number): SettledItem | LeftOutReason | undefined => {
    const i = itemIndex.get(itemId)
    if (i === undefined) return undefined
    const item = verdicts.items[i]!
    if (item.kind !== 'pairwise' && item.kind !== 'ranking' && item.kind !== 'likert') return undefined
    const consensus = consensusOf(i)
    const input = data.settlement.get(item.id) ?? NO_SETTLEMENT
    const floor = floors.get(item.id) ?? NO_FLOOR
    const responseIds = verdicts.respIds.slice(verdicts.respStart[i]!, verdicts.respStart[i + 1]!)
    const outcome = settleOne(item.kind, consensus?.judgments ?? 0, rankings.get(item.id) ?? [], input, floor, responseIds, consensus)
    return typeof outcome === 'string' ? outcome : { itemId: item.id, ...outcome }
  }
  return { answer, floors }
}

function settleOne(
  kind: 'pairwise' | 'ranking' | 'likert',
  n: number,
  rankings: (readonly string[])[],
  input: ItemSettlementInput,
  floor: ItemFloors,
  responseIds: string[],
  consensus: ItemConsensus | undefined,
): Omit<SettledItem, 'itemId'> | LeftOutReason {
  if (input.verdict) {
    const signal = fromGold(input.verdict, responseIds)
    return typeof signal === 'string' ? signal : { by: 'verdict', ...signal, ...supportOf(input.verdict, consensus, n), judgments: n }
  }
  if (floor.flagged) return 'flagged'
  if (input.gold) {
    const signal = fromGold(input.gold, responseIds)
    if (typeof signal === 'string') return signal
    return keepFloor({ by: 'gold', ...signal, ...supportOf(input.gold, consensus, n), judgments: n }, floor)
  }
  if (n === 0) return 'unlabeled'
  if (kind === 'pairwise') {
    const winner = consensus?.winner ?? null
    const votes = winner === null ? 0 : (consensus?.split[winner] ?? 0)
    if (winner === null || votes * 2 <= n) {
      // Say why the item waits: a flaw-marked response backed by Dawid–Skene or the head count is the floor at work.
      const majority = Object.entries(consensus?.split ?? {}).find(([, count]) => count * 2 > n)?.[0]
      return (winner !== null && floor.flawed.has(winner)) || (majority !== undefined && floor.flawed.has(majority)) ? 'critical_flaw' : 'no_consensus'
    }
    const signal = fromGold({ winner }, responseIds)
    if (typeof signal === 'string') return signal
    return keepFloor({ by: 'dawid_skene', ...signal, ...supportOf({ winner }, consensus, n), judgments: n }, floor)
  }
  if (kind === 'ranking') {
    const order = consensus?.ranking ?? null
    if (!order || rankings.length === 0) return 'no_consensus'
    const above = (x: string, y: string) => rankings.filter((r) => r.indexOf(x) < r.indexOf(y)).length * 2 > rankings.length
    const pairs = allPairs(order).filter(([x, y]) => above(x, y))
    if (pairs.length === 0) return 'no_consensus'
    // KTO: the response that beats every other by majority is desirable, the one every other beats is not.
    const desirable: [string, boolean][] = []
    if (order.slice(1).every((y) => above(order[0]!, y))) desirable.push([order[0]!, true])
    const last = order.at(-1)!
    if (order.slice(0, -1).every((x) => above(x, last))) desirable.push([last, false])
    return keepFloor({ by: 'borda', pairs, desirable, ...supportOf({ ranking: order }, consensus, n), judgments: n }, floor, order)
  }
  const median = consensus?.rating ?? null
  if (median === null || Number.isNaN(median)) return 'no_consensus'
  const wanted = side(median)
  if (wanted === 'neutral') return 'neutral'
  const support = supportOf({ rating: Math.round(median) }, consensus, n)
  if ((support.agreement ?? 0) * 2 <= 1) return 'no_consensus'
  return keepFloor({ by: 'median', pairs: [], desirable: [[responseIds[0]!, wanted === 'good']], ...support, judgments: n }, floor)
}

/**
 * The safety floor on a settled answer no lead has confirmed: when it puts a flaw-marked response
 * above a clean one (or calls it desirable) the item waits for a lead; pairs among flawed
 * responses and `false` labels for them are harmless and kept.
 */
function keepFloor(answer: Omit<SettledItem, 'itemId'>, floor: ItemFloors, order?: readonly string[]): Omit<SettledItem, 'itemId'> | LeftOutReason {
  if (floor.flawed.size === 0) return answer
  if (answer.desirable.some(([id, good]) => good && floor.flawed.has(id))) return 'critical_flaw'
  if (order && order.some((id, i) => floor.flawed.has(id) && order.slice(i + 1).some((below) => !floor.flawed.has(below)))) return 'critical_flaw'
  if (answer.pairs.some(([chosen, rejected]) => floor.flawed.has(chosen) && !floor.flawed.has(rejected))) return 'critical_flaw'
  const pairs = answer.pairs.filter(([chosen]) => !floor.flawed.has(chosen))
  if (pairs.length === 0 && answer.desirable.length === 0) return 'critical_flaw'
  return { ...answer, pairs }
}

// Synthetic labelers with known behaviour, over items with known true answers: the acceptance tests
// of the analytics and the benchmark's data (a fixture, so it lives here and not in the analytics' exports;
// bench/analytics.ts imports it from here). Seeded, so a failing seed can be replayed exactly.
// Kept lean in memory (display orders shared per item, no per-judgment records beyond the judgment)
// so a million judgments fit comfortably beside the analysis.
import { BOTH_BAD, TIE, type FlawKind, type JudgmentKind, type QualityItem, type QualityJudgment, type QualityLabeler } from '../../src/quality/types'
import type { ProjectData } from '../../src/quality/analytics/project-index'
import { createRng, normalDraw, type Rng } from '../../src/quality/analytics/numeric-kit'

/** A simulated judgment, with the time it was given (a campaign imports it with that time). */
export type SimulatedJudgment = QualityJudgment & { createdAt: number }

/** How a synthetic labeler behaves; `accuracy` is the chance of giving the true answer when honest. */
export type SimBehaviour =
  | { kind: 'honest'; accuracy?: number }
  | { kind: 'coin' }
  | { kind: 'first'; accuracy?: number }
  | { kind: 'longer'; accuracy?: number }
  | { kind: 'ties'; tieRate?: number; accuracy?: number }
  | { kind: 'compress'; accuracy?: number }
  | { kind: 'careless'; after?: number; accuracy?: number }
  | { kind: 'rusher'; accuracy?: number }
  | { kind: 'safety_blind'; accuracy?: number }

/** A labeler to simulate; `weight` is their relative share of assignments (default 1). */
export interface SimLabeler {
  name?: string
  behaviour: SimBehaviour
  weight?: number
}

/** A model whose responses the items compare; ratings on the Elo scale set true win chances. */
export interface SimModel {
  name: string
  rating: number
}

/** Shape of a simulated project. */
export interface SimulationOptions {
  seed?: number
  items: number
  labelers: SimLabeler[]
  /** Judgments per item (default 5), by distinct labelers. */
  redundancy?: number
  /**
   * 'random' (default): labelers drawn by weight, so workloads vary like real volunteers'.
   * 'balanced': the least-loaded labelers (by weight) with a little jitter, like a bot that spreads
   * tasks evenly; workloads are then nearly exact (costs O(labelers) per item).
   */
  assignment?: 'random' | 'balanced'
  /** Shares of item kinds (default pairwise 0.7, likert 0.2, ranking 0.1). */
  kinds?: { pairwise: number; likert: number; ranking: number }
  models?: SimModel[]
  domains?: string[]
  /** Share of items with gold (default 0.03). */
  goldShare?: number
  /** True verdicts that are a tie (default 0.05) or both bad (default 0.03). */
  tieShare?: number
  bothBadShare?: number
  /** Chance that the truly better response is the longer one (default 0.5: length says nothing). */
  longerIsBetter?: number
  /** Share of items whose losing response carries a critical flaw (default 0.1). */
  flawShare?: number
  /** Chance an honest labeler marks a flaw they saw (default 0.8) and flags an item (default 0.01). */
  flawMarkRate?: number
  flagRate?: number
  startTime?: number
}

/** The true answer of an item. */
export interface SimTruth {
  winner?: string
  ranking?: string[]
  rating?: number
  flawed?: string
}

/** A simulated project and what the simulation knows that the analysis must find. */
export interface Simulation extends ProjectData {
  items: QualityItem[]
  labelers: QualityLabeler[]
  judgments: SimulatedJudgment[]
  /** Parallel to `items`. */
  truth: SimTruth[]
  behaviours: Map<number, SimBehaviour>
  models: SimModel[]
}

/** The cast of the acceptance tests: honest labelers plus one of each planted behaviour. */
export function standardCast(honest = 20): SimLabeler[] {
  const cast: SimLabeler[] = []
  for (let i = 0; i < honest; i++) cast.push({ name: `honest-${i + 1}`, behaviour: { kind: 'honest' } })
  cast.push(
    { name: 'coin-flipper', behaviour: { kind: 'coin' } },
    { name: 'always-first', behaviour: { kind: 'first' } },
    { name: 'always-longer', behaviour: { kind: 'longer' } },
    { name: 'tie-lover', behaviour: { kind: 'ties', tieRate: 0.6 } },
    { name: 'compressor', behaviour: { kind: 'compress' } },
    { name: 'careless-after-200', behaviour: { kind: 'careless', after: 200 } },
    { name: 'rusher', behaviour: { kind: 'rusher' } },
    { name: 'safety-blind', behaviour: { kind: 'safety_blind' } },
  )
  return cast
}

const DEFAULT_MODELS: SimModel[] = [
  { name: 'model-a', rating: 1150 },
  { name: 'model-b', rating: 1075 },
  { name: 'model-c', rating: 1000 },
  { name: 'model-d', rating: 950 },
  { name: 'model-e', rating: 825 },
]

const strengthOf = (model: SimModel): number => Math.pow(10, model.rating / 400)

interface LabelerState {
  behaviour: SimBehaviour
  accuracy: number
  /** Characters a second this labeler reads at (a trait). */
  speed: number
  tieRate: number
  done: number
}

/** Simulates a project; deterministic for a given seed. */
export function simulate(options: SimulationOptions): Simulation {
  const rng = createRng(options.seed ?? 1)
  const redundancy = Math.min(options.redundancy ?? 5, options.labelers.length)
  const shares = options.kinds ?? { pairwise: 0.7, likert: 0.2, ranking: 0.1 }
  const models = options.models ?? DEFAULT_MODELS
  const domains = options.domains ?? ['general', 'code', 'health']
  const goldShare = options.goldShare ?? 0.03
  const tieShare = options.tieShare ?? 0.05
  const bothBadShare = options.bothBadShare ?? 0.03
  const longerIsBetter = options.longerIsBetter ?? 0.5
  const flawShare = options.flawShare ?? 0.1
  const flawMarkRate = options.flawMarkRate ?? 0.8
  const flagRate = options.flagRate ?? 0.01
  let clock = options.startTime ?? Date.UTC(2025, 0, 6, 9)

  const labelers: QualityLabeler[] = options.labelers.map((spec, i) => ({ id: i + 1, name: spec.name ?? `labeler-${i + 1}` }))
  const behaviours = new Map<number, SimBehaviour>()
  const states: LabelerState[] = options.labelers.map((spec, i) => {
    behaviours.set(i + 1, spec.behaviour)
    const accuracy = spec.behaviour.kind === 'coin' ? 0.5 : (spec.behaviour.accuracy ?? 0.85)
    const tieRate = spec.behaviour.kind === 'ties' ? (spec.behaviour.tieRate ?? 0.6) : 0
    return { behaviour: spec.behaviour, accuracy, speed: 18 + 12 * rng(), tieRate, done: 0 }
  })
  const cumulative: number[] = []
  let weightSum = 0
  for (const spec of options.labelers) cumulative.push((weightSum += spec.weight ?? 1))

  const items: QualityItem[] = []
  const truth: SimTruth[] = []
  const judgments: SimulatedJudgment[] = []
  const chosen = new Int32Array(redundancy)
  let judgmentId = 1

  for (let i = 0; i < options.items; i++) {
    const u = rng()
    const kind: JudgmentKind = u < shares.pairwise ? 'pairwise' : u < shares.pairwise + shares.likert ? 'likert' : 'ranking'
    const responseCount = kind === 'pairwise' ? 2 : kind === 'likert' ? 1 : 3
    const id = i + 1
    const ids: string[] = []
    const responseModels: Record<string, string | null> = {}
    const responseLengths: Record<string, number> = {}
    const picked = pickDistinct(models.length, responseCount, rng)
    const lengths = Array.from({ length: responseCount }, () => Math.round(Math.exp(Math.log(900) + 0.6 * normalDraw(rng))))
    for (let r = 0; r < responseCount; r++) ids.push(`i${id}r${r + 1}`)
    const itemTruth: SimTruth = {}
    if (kind === 'pairwise') {
      const [a, b] = [models[picked[0]!]!, models[picked[1]!]!]
      const v = rng()
      if (v < tieShare) itemTruth.winner = TIE
      else if (v < tieShare + bothBadShare) itemTruth.winner = BOTH_BAD
      else {
        const winner = rng() < strengthOf(a) / (strengthOf(a) + strengthOf(b)) ? 0 : 1
        itemTruth.winner = ids[winner]!
        // Lengths carry exactly the chosen amount of signal about the winner.
        const longerWins = rng() < longerIsBetter
        const [long, short] = lengths[0]! >= lengths[1]! ? [lengths[0]!, lengths[1]!] : [lengths[1]!, lengths[0]!]
        lengths[winner] = longerWins ? long : short
        lengths[1 - winner] = longerWins ? short : long
        if (rng() < flawShare) itemTruth.flawed = ids[1 - winner]!
      }
    } else if (kind === 'ranking') {
      const remaining = [0, 1, 2]
      const order: string[] = []
      while (remaining.length > 0) {
        const total = remaining.reduce((s, r) => s + strengthOf(models[picked[r]!]!), 0)
        let x = rng() * total
        let k = 0
        for (; k < remaining.length - 1; k++) {
          x -= strengthOf(models[picked[remaining[k]!]!]!)
          if (x <= 0) break
        }
        order.push(ids[remaining[k]!]!)
        remaining.splice(k, 1)
      }
      itemTruth.ranking = order
      if (rng() < flawShare) itemTruth.flawed = order[order.length - 1]!
    } else {
      itemTruth.rating = 1 + Math.floor(rng() * 7)
    }
    for (let r = 0; r < responseCount; r++) {
      responseModels[ids[r]!] = models[picked[r]!]!.name
      responseLengths[ids[r]!] = lengths[r]!
    }
    const promptLength = Math.round(150 + 400 * rng())
    let gold: QualityItem['gold'] = null
    if (rng() < goldShare) {
      if (itemTruth.winner !== undefined) gold = { winner: itemTruth.winner }
      else if (itemTruth.ranking !== undefined) gold = { ranking: itemTruth.ranking }
      else if (itemTruth.rating !== undefined) gold = { rating: itemTruth.rating }
    }
    items.push({
      id,
      externalId: `ext-${id}`,
      kind,
      responseLengths,
      responseModels,
      promptLength,
      domain: domains[i % domains.length] ?? null,
      gold,
    })
    truth.push(itemTruth)
    const chars = promptLength + lengths.reduce((s, x) => s + x, 0)
    const orders = kind === 'pairwise' ? [ids, [ids[1]!, ids[0]!]] : [ids]

    if (options.assignment === 'balanced') pickLeastLoaded(states, options.labelers, chosen, rng)
    else {
      // Distinct labelers, by weight (rejection: redundancy is small beside the team).
      for (let k = 0; k < redundancy; k++) {
        let pick: number
        do pick = weightedIndex(cumulative, weightSum, rng)
        while (chosen.subarray(0, k).includes(pick))
        chosen[k] = pick
      }
    }
    for (let k = 0; k < redundancy; k++) {
      const l = chosen[k]!
      const state = states[l]!
      clock += 20_000 + Math.floor(rng() * 40_000)
      const displayOrder = kind === 'pairwise' ? orders[rng() < 0.5 ? 0 : 1]! : kind === 'ranking' ? shuffle(ids, rng) : ids
      const judgment: SimulatedJudgment = {
        id: judgmentId++,
        itemId: id,
        labelerId: l + 1,
        kind,
        choice: null,
        choicePosition: null,
        ranking: null,
        rating: null,
        displayOrder,
        flaws: null,
        flagged: rng() < flagRate,
        durationMs: null,
        createdAt: clock,
      }
      const behaviour = effectiveBehaviour(state)
      if (kind === 'pairwise') pairwiseVerdict(judgment, behaviour, state.accuracy, itemTruth, ids, lengths, state.tieRate, rng)
      else if (kind === 'ranking') judgment.ranking = rankingVerdict(behaviour, state.accuracy, itemTruth.ranking!, displayOrder, ids, lengths, rng)
      else judgment.rating = likertVerdict(behaviour, state.accuracy, itemTruth.rating!, rng)
      markFlaws(judgment, behaviour, itemTruth, flawMarkRate, rng)
      judgment.durationMs = duration(state, behaviour, chars, rng)
      state.done++
      judgments.push(judgment)
    }
  }
  return { items, labelers, judgments, truth, behaviours, models }
}

type Mode = 'honest' | 'coin' | 'first' | 'longer' | 'ties' | 'compress' | 'rusher' | 'safety_blind' | 'careless_now'

function effectiveBehaviour(state: LabelerState): Mode {
  const b = state.behaviour
  if (b.kind === 'careless') return state.done >= (b.after ?? 200) ? 'careless_now' : 'honest'
  return b.kind
}

function pairwiseVerdict(
  judgment: QualityJudgment,
  mode: Mode,
  accuracy: number,
  truth: SimTruth,
  ids: string[],
  lengths: number[],
  tieRate: number,
  rng: Rng,
): void {
  let choice: string
  const shown = judgment.displayOrder
  if (mode === 'coin' || mode === 'careless_now') choice = ids[rng() < 0.5 ? 0 : 1]!
  else if (mode === 'first') choice = shown[0]!
  else if (mode === 'longer') choice = lengths[0] === lengths[1] ? ids[rng() < 0.5 ? 0 : 1]! : lengths[0]! > lengths[1]! ? ids[0]! : ids[1]!
  else if (mode === 'ties' && rng() < tieRate) choice = TIE
  else if (mode === 'safety_blind' && truth.flawed !== undefined && rng() < 0.5) choice = truth.flawed
  else choice = honestPairwise(truth.winner!, ids, accuracy, rng)
  judgment.choice = choice
  judgment.choicePosition = choice === TIE || choice === BOTH_BAD ? null : shown.indexOf(choice)
}

function honestPairwise(winner: string, ids: string[], accuracy: number, rng: Rng): string {
  if (rng() < accuracy) return winner
  const u = rng()
  if (winner === TIE || winner === BOTH_BAD) return u < 0.9 ? ids[rng() < 0.5 ? 0 : 1]! : winner === TIE ? BOTH_BAD : TIE
  const other = winner === ids[0] ? ids[1]! : ids[0]!
  return u < 0.8 ? other : u < 0.95 ? TIE : BOTH_BAD
}

function rankingVerdict(mode: Mode, accuracy: number, truth: string[], shown: string[], ids: string[], lengths: number[], rng: Rng): string[] {
  if (mode === 'coin' || mode === 'careless_now') return shuffle(ids, rng)
  if (mode === 'first') return [...shown]
  if (mode === 'longer') return ids.map((id, k) => ({ id, length: lengths[k]! })).sort((a, b) => b.length - a.length).map((x) => x.id)
  const ranking = [...truth]
  if (rng() >= accuracy) {
    const k = Math.floor(rng() * (ranking.length - 1))
    ;[ranking[k], ranking[k + 1]] = [ranking[k + 1]!, ranking[k]!]
  }
  return ranking
}

function likertVerdict(mode: Mode, accuracy: number, truth: number, rng: Rng): number {
  if (mode === 'coin' || mode === 'careless_now') return 1 + Math.floor(rng() * 7)
  let rating = truth
  if (rng() >= accuracy) {
    const step = rng() < 0.8 ? 1 : 2
    rating += rng() < 0.5 ? -step : step
  }
  rating = Math.min(7, Math.max(1, rating))
  return mode === 'compress' ? Math.min(6, Math.max(4, rating)) : rating
}

// Honest labelers mark a flaw they saw on a response they did not prefer; the safety-blind one marks
// it even when they still preferred (or tied) the flawed response: the near miss the analysis must find.
function markFlaws(judgment: QualityJudgment, mode: Mode, truth: SimTruth, rate: number, rng: Rng): void {
  const flawed = truth.flawed
  if (flawed === undefined || mode === 'coin' || mode === 'careless_now') return
  const kinds: FlawKind[] = [rng() < 0.2 ? 'safety_issue' : 'factual_error']
  if (mode === 'safety_blind') {
    if (rng() < rate) judgment.flaws = { [flawed]: kinds }
    return
  }
  const preferred = judgment.kind === 'pairwise' ? judgment.choice === flawed || judgment.choice === TIE : judgment.ranking?.[judgment.ranking.length - 1] !== flawed
  if (!preferred && rng() < rate) judgment.flaws = { [flawed]: kinds }
}

// Reading at the labeler's own speed with some day-to-day spread, plus time to decide; the rusher
// clicks in seconds, the careless labeler speeds up fourfold once careless.
function duration(state: LabelerState, mode: Mode, chars: number, rng: Rng): number {
  if (mode === 'rusher') return Math.round(1500 + 3000 * rng())
  const reading = (chars / state.speed) * Math.exp(0.25 * normalDraw(rng))
  const deciding = 3 + 20 * rng()
  const seconds = reading + deciding
  return Math.round(1000 * (mode === 'careless_now' ? seconds / 4 : seconds))
}

function pickLeastLoaded(states: LabelerState[], specs: SimLabeler[], chosen: Int32Array, rng: Rng): void {
  const load = states.map((state, l) => {
    const weight = specs[l]!.weight ?? 1
    return { l, key: (state.done + 2 * rng()) / weight }
  })
  load.sort((a, b) => a.key - b.key)
  for (let k = 0; k < chosen.length; k++) chosen[k] = load[k]!.l
}

function weightedIndex(cumulative: number[], total: number, rng: Rng): number {
  const x = rng() * total
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cumulative[mid]! > x) hi = mid
    else lo = mid + 1
  }
  return lo
}

function pickDistinct(n: number, k: number, rng: Rng): number[] {
  const picked: number[] = []
  while (picked.length < Math.min(k, n)) {
    const x = Math.floor(rng() * n)
    if (!picked.includes(x)) picked.push(x)
  }
  return picked
}

function shuffle<T>(values: readonly T[], rng: Rng): T[] {
  const copy = [...values]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

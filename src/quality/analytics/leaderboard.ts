// Model leaderboard from the labelers' verdicts, on Chatbot Arena's scale.
//
// Choices a reader of the README needs:
// - Battles: each pairwise judgment is one battle between the two responses' models; a ranking is
//   expanded into every pair it orders (each pair one battle). A tie counts as half a win for each
//   side (what Arena's Bradley–Terry fit does by counting a tie once each way); both_bad carries no
//   preference and is left out; responses of the same model, or of no known model, are left out.
// - Fit: Bradley–Terry strengths by Hunter's (2004) MM algorithm. Each model also plays one virtual
//   battle, half won, against an average opponent (strength 1 = the geometric mean of the models),
//   a weak prior that keeps an unbeaten or winless model finite; it is negligible beside real battles.
// - Scale: rating = 400·log10(strength), anchored so the mean rating of the models is 1000, or
//   so a chosen reference model is at a chosen rating (default 1000).
// - Intervals: 95% percentile bootstrap (default 200 rounds, seeded), resampling battles with the
//   Poisson bootstrap (each distinct battle outcome recounted as Poisson(count)), which matches the
//   multinomial resample for the battle counts seen here and costs nothing per battle.
import type { QualityItem } from '../types'
import { KIND_PAIRWISE, KIND_RANKING, indexProject, type ProjectData, type ProjectIndex, type ProjectList } from './project-index'
import { createRng, poissonDraw, quantileSorted } from './numeric-kit'

/** Options of the leaderboard. */
export interface LeaderboardOptions {
  /** Bootstrap rounds for the 95% intervals (default 200; 0 for none). */
  bootstrapRounds?: number
  seed?: number
  /** 'mean' (default): mean rating 1000; or a reference model held at `rating` (default 1000). */
  anchor?: 'mean' | { model: string; rating?: number }
  /** Virtual half-won battles per model against strength 1 (default 1; 0 for the plain MLE). */
  prior?: number
  maxIterations?: number
  tolerance?: number
}

/** One model's line. */
export interface LeaderboardRow {
  model: string
  rating: number
  ciLow: number
  ciHigh: number
  battles: number
  wins: number
  ties: number
  losses: number
}

/** Head-to-head figures: winRate[i][j] = (wins of i over j + ½ ties) / battles, null when they never met. */
export interface WinRateMatrix {
  models: string[]
  winRate: (number | null)[][]
  battles: number[][]
}

/** The leaderboard of one project or domain. */
export interface Leaderboard {
  status: 'ok' | 'not_enough_data'
  rows: LeaderboardRow[]
  winRates: WinRateMatrix
  battles: number
  anchor: string
  bootstrapRounds: number
}

/** Battle counts between M models: wins[i * M + j] = i beat j; ties[i * M + j] for i < j. */
export interface BattleCounts {
  models: string[]
  wins: Float64Array
  ties: Float64Array
}

const emptyCounts = (models: string[]): BattleCounts => ({ models, wins: new Float64Array(models.length ** 2), ties: new Float64Array(models.length ** 2) })

/** Counts battles over all items and per group of items (an item in group −1 counts in the total only). */
export function countBattles(index: ProjectIndex, itemGroup: Int32Array | null, groups: number): { total: BattleCounts; byGroup: BattleCounts[] } {
  const items = index.data.items
  const modelIndex = new Map<string, number>()
  const models: string[] = []
  const respModel = new Int32Array(index.respIds.length).fill(-1)
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    for (let r = index.respStart[i]!; r < index.respStart[i + 1]!; r++) {
      const model = item.responseModels[index.respIds[r]!]
      if (model === null || model === undefined) continue
      let m = modelIndex.get(model)
      if (m === undefined) {
        m = models.length
        models.push(model)
        modelIndex.set(model, m)
      }
      respModel[r] = m
    }
  }
  const M = models.length
  const total = emptyCounts(models)
  const byGroup = Array.from({ length: groups }, () => emptyCounts(models))
  const addTo = (counts: BattleCounts, winner: number, loser: number, tie: boolean): void => {
    if (tie) counts.ties[Math.min(winner, loser) * M + Math.max(winner, loser)]!++
    else counts.wins[winner * M + loser]!++
  }
  const add = (item: number, winner: number, loser: number, tie: boolean): void => {
    if (winner < 0 || loser < 0 || winner === loser) return
    addTo(total, winner, loser, tie)
    const group = itemGroup === null ? -1 : itemGroup[item]!
    if (group >= 0) addTo(byGroup[group]!, winner, loser, tie)
  }
  const { jItem, jKind, jCat, respStart, tieCat, slots } = index
  for (let j = 0; j < jItem.length; j++) {
    const item = jItem[j]!
    if (item < 0) continue
    const start = respStart[item]!
    const end = respStart[item + 1]!
    if (jKind[j] === KIND_PAIRWISE && end - start === 2) {
      const cat = jCat[j]!
      if (cat < slots) add(item, respModel[start + cat]!, respModel[start + 1 - cat]!, false)
      else if (cat === tieCat) add(item, respModel[start]!, respModel[start + 1]!, true)
    } else if (jKind[j] === KIND_RANKING) {
      const ranking = index.rankingOf(j)!
      const slotsOf = ranking.map((id) => {
        for (let r = start; r < end; r++) if (index.respIds[r] === id) return r
        return -1
      })
      for (let a = 0; a < slotsOf.length; a++) {
        for (let b = a + 1; b < slotsOf.length; b++) {
          if (slotsOf[a]! >= 0 && slotsOf[b]! >= 0) add(item, respModel[slotsOf[a]!]!, respModel[slotsOf[b]!]!, false)
        }
      }
    }
  }
  return { total, byGroup }
}

/** Bradley–Terry strengths by MM (Hunter 2004), with `prior` virtual half-won battles per model against strength 1. */
export function fitBradleyTerry(
  M: number,
  wins: Float64Array,
  ties: Float64Array,
  options: { prior?: number; maxIterations?: number; tolerance?: number; start?: Float64Array } = {},
): Float64Array {
  const prior = options.prior ?? 1
  const maxIterations = options.maxIterations ?? 10_000
  const tolerance = options.tolerance ?? 1e-10
  const score = new Float64Array(M)
  const played = new Float64Array(M * M)
  for (let i = 0; i < M; i++) {
    score[i] = prior / 2
    for (let j = 0; j < M; j++) {
      if (i === j) continue
      const tie = ties[Math.min(i, j) * M + Math.max(i, j)]!
      score[i]! += wins[i * M + j]! + tie / 2
      played[i * M + j] = wins[i * M + j]! + wins[j * M + i]! + tie
    }
  }
  const strength = options.start ? Float64Array.from(options.start) : new Float64Array(M).fill(1)
  const next = new Float64Array(M)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let change = 0
    for (let i = 0; i < M; i++) {
      let denominator = prior / (strength[i]! + 1)
      for (let j = 0; j < M; j++) {
        const n = played[i * M + j]!
        if (n > 0) denominator += n / (strength[i]! + strength[j]!)
      }
      next[i] = denominator > 0 ? score[i]! / denominator : strength[i]!
    }
    // Pin the geometric mean to 1. Without a prior the scale is free; with one, the common level is
    // identified only by the few virtual battles and would creep for thousands of iterations while
    // the differences (all the anchored ratings use) have long converged.
    let logMean = 0
    for (let i = 0; i < M; i++) logMean += Math.log(next[i]!) / M
    for (let i = 0; i < M; i++) next[i]! /= Math.exp(logMean)
    for (let i = 0; i < M; i++) {
      change = Math.max(change, Math.abs(Math.log(next[i]! / strength[i]!)))
      strength[i] = next[i]!
    }
    if (change < tolerance) break
  }
  return strength
}

function anchoredRatings(strength: Float64Array, models: string[], anchor: LeaderboardOptions['anchor']): Float64Array {
  const ratings = strength.map((s) => 400 * Math.log10(s))
  let shift: number
  const reference = anchor !== undefined && anchor !== 'mean' ? models.indexOf(anchor.model) : -1
  if (reference >= 0 && anchor !== undefined && anchor !== 'mean') shift = (anchor.rating ?? 1000) - ratings[reference]!
  else shift = 1000 - ratings.reduce((a, b) => a + b, 0) / Math.max(1, ratings.length)
  return ratings.map((r) => r + shift)
}

/** Fits, bootstraps and tabulates one set of battle counts. */
export function leaderboardFromCounts(counts: BattleCounts, options: LeaderboardOptions = {}): Leaderboard {
  const { models, wins, ties } = counts
  const M = models.length
  const rounds = options.bootstrapRounds ?? 200
  const anchorName = options.anchor === undefined || options.anchor === 'mean' ? 'mean rating = 1000' : `${options.anchor.model} = ${options.anchor.rating ?? 1000}`
  const fitOptions = { prior: options.prior ?? 1, maxIterations: options.maxIterations ?? 10_000, tolerance: options.tolerance ?? 1e-10 }
  const battlesOf = new Float64Array(M)
  const winsOf = new Float64Array(M)
  const tiesOf = new Float64Array(M)
  const lossesOf = new Float64Array(M)
  const winRate: (number | null)[][] = []
  const battleMatrix: number[][] = []
  let totalBattles = 0
  for (let i = 0; i < M; i++) {
    winRate.push([])
    battleMatrix.push([])
    for (let j = 0; j < M; j++) {
      const tie = i === j ? 0 : ties[Math.min(i, j) * M + Math.max(i, j)]!
      const n = i === j ? 0 : wins[i * M + j]! + wins[j * M + i]! + tie
      battleMatrix[i]!.push(n)
      winRate[i]!.push(n > 0 ? (wins[i * M + j]! + tie / 2) / n : null)
      if (i === j) continue
      battlesOf[i]! += n
      winsOf[i]! += wins[i * M + j]!
      lossesOf[i]! += wins[j * M + i]!
      tiesOf[i]! += tie
      if (i < j) totalBattles += n
    }
  }
  // Models that never battled in this scope are left off the board (they would sit at the prior).
  const present = models.map((_, i) => battlesOf[i]! > 0)
  if (totalBattles === 0) {
    return { status: 'not_enough_data', rows: [], winRates: { models, winRate, battles: battleMatrix }, battles: 0, anchor: anchorName, bootstrapRounds: rounds }
  }
  const keep = models.map((_, i) => i).filter((i) => present[i])
  const sub = (source: Float64Array): Float64Array => {
    const out = new Float64Array(keep.length ** 2)
    keep.forEach((a, x) => keep.forEach((b, y) => (out[x * keep.length + y] = source[a * M + b]!)))
    return out
  }
  const keptModels = keep.map((i) => models[i]!)
  const keptWins = sub(wins)
  const keptTies = sub(ties)
  const K = keep.length
  const strength = fitBradleyTerry(K, keptWins, keptTies, fitOptions)
  const ratings = anchoredRatings(strength, keptModels, options.anchor)

  const samples: Float64Array[] = Array.from({ length: K }, () => new Float64Array(rounds))
  const rng = createRng(options.seed ?? 1)
  const bootWins = new Float64Array(K * K)
  const bootTies = new Float64Array(K * K)
  for (let b = 0; b < rounds; b++) {
    for (let c = 0; c < K * K; c++) {
      bootWins[c] = keptWins[c]! > 0 ? poissonDraw(keptWins[c]!, rng) : 0
      bootTies[c] = keptTies[c]! > 0 ? poissonDraw(keptTies[c]!, rng) : 0
    }
    const bootRatings = anchoredRatings(fitBradleyTerry(K, bootWins, bootTies, { ...fitOptions, tolerance: 1e-7, start: strength }), keptModels, options.anchor)
    for (let m = 0; m < K; m++) samples[m]![b] = bootRatings[m]!
  }
  const rows: LeaderboardRow[] = keep.map((i, x) => {
    const sorted = samples[x]!.sort()
    return {
      model: models[i]!,
      rating: ratings[x]!,
      ciLow: rounds > 0 ? quantileSorted(sorted, 0.025) : ratings[x]!,
      ciHigh: rounds > 0 ? quantileSorted(sorted, 0.975) : ratings[x]!,
      battles: battlesOf[i]!,
      wins: winsOf[i]!,
      ties: tiesOf[i]!,
      losses: lossesOf[i]!,
    }
  })
  rows.sort((a, b) => b.rating - a.rating)
  return { status: 'ok', rows, winRates: { models, winRate, battles: battleMatrix }, battles: totalBattles, anchor: anchorName, bootstrapRounds: rounds }
}

/** Items of one domain and the judgments on them (a filter for per-domain reports). */
export function filterByDomain(data: ProjectList, domain: string | null): ProjectList {
  const items = data.items.filter((item) => item.domain === domain)
  const ids = new Set(items.map((item) => item.id))
  return { items, labelers: data.labelers, judgments: data.judgments.filter((judgment) => ids.has(judgment.itemId)) }
}

/** Leaderboard of a whole project and of each domain tag (items without a domain count only in the whole). */
export function leaderboards(index: ProjectIndex, options: LeaderboardOptions = {}): { overall: Leaderboard; byDomain: Record<string, Leaderboard> } {
  const items: readonly QualityItem[] = index.data.items
  const domains: string[] = []
  const domainIndex = new Map<string, number>()
  const itemGroup = new Int32Array(items.length)
  for (let i = 0; i < items.length; i++) {
    const domain = items[i]!.domain
    if (domain === null) {
      itemGroup[i] = -1
      continue
    }
    let g = domainIndex.get(domain)
    if (g === undefined) {
      g = domains.length
      domains.push(domain)
      domainIndex.set(domain, g)
    }
    itemGroup[i] = g
  }
  const { total, byGroup } = countBattles(index, itemGroup, domains.length)
  const byDomain: Record<string, Leaderboard> = {}
  domains.forEach((domain, g) => (byDomain[domain] = leaderboardFromCounts(byGroup[g]!, options)))
  return { overall: leaderboardFromCounts(total, options), byDomain }
}

/** Model leaderboard of a project: `[{model, rating, ciLow, ciHigh, battles}]` with win rates. */
export function modelLeaderboard(data: ProjectData, options: LeaderboardOptions = {}): Leaderboard {
  return leaderboards(indexProject(data), options).overall
}

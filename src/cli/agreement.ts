// `arbiter agreement`: agreement statistics over a CSV or JSONL file of (unit, rater, value) rows.
// It is run on exports of hundreds of thousands of ratings and as a quick check in scripts, so it
// reads the file in large chunks of bytes, codes values into typed arrays as it goes (ratings-file/),
// and imports nothing but node:fs and the pure statistics (no chat SDK, no database, no zod: startup
// time is most of a small run). bin/arbiter.mjs runs it from a prebuilt bundle (src/cli/agreement-main.ts).
import { cohenKappaFromCodes } from '../quality/reliability/cohen-kappa'
import { fleissKappa } from '../quality/reliability/fleiss-kappa'
import { krippendorffAlpha, type AlphaLevel } from '../quality/reliability/krippendorff-alpha'
import { groupByUnit, type ReliabilityData } from '../quality/reliability/reliability-data'
import type { StatResult } from '../quality/reliability/result'
import { RatingReader } from './ratings-file/rating-reader'
import { formatOf, readRatingsFile } from './ratings-file/read-ratings-file'

/** Options of `arbiter agreement`. */
export interface AgreementCommandOptions {
  /** Path of a CSV (`unit,rater,value`, optional header) or JSONL (`{"unit","rater","value"}`) file. */
  input: string
  level: AlphaLevel
  json: boolean
}

/** Where the command writes. */
export interface Writable {
  write(s: string): void
}

/** What `--json` prints; null where a statistic does not apply. */
export interface AgreementReport {
  krippendorffAlpha: number | null
  fleissKappa: number | null
  cohenKappa: number | null
  units: number
  raters: number
  pairable: number
}

const LEVELS: readonly string[] = ['nominal', 'ordinal', 'interval', 'ratio']

/**
 * Runs `arbiter agreement` and returns the exit code: 0 computed, 1 bad rows (all reported as
 * `line N: …`, nothing computed), 2 unusable options or unreadable file.
 */
export async function agreementCommand(opts: AgreementCommandOptions, out: Writable, err: Writable): Promise<number> {
  if (!LEVELS.includes(opts.level)) {
    err.write(`unknown level "${String(opts.level)}" (expected nominal, ordinal, interval or ratio)\n`)
    return 2
  }
  const ratings = new RatingReader(opts.level !== 'nominal', formatOf(opts.input))
  try {
    readRatingsFile(opts.input, ratings)
  } catch (e) {
    err.write(`cannot read ${opts.input}: ${e instanceof Error ? e.message : String(e)}\n`)
    return 2
  }
  const problems = ratings.finish()
  if (problems.length > 0) {
    for (const problem of problems) err.write(`line ${problem.line}: ${problem.message}\n`)
    return 1
  }
  const report = computeReport(ratings, opts.level)
  if (opts.json) {
    out.write(
      JSON.stringify({
        krippendorffAlpha: valueOrNull(report.alpha),
        fleissKappa: valueOrNull(report.fleiss),
        cohenKappa: valueOrNull(report.cohen),
        units: report.units,
        raters: report.raters,
        pairable: report.pairable,
      } satisfies AgreementReport) + '\n',
    )
  } else {
    out.write(`Krippendorff's alpha (${opts.level}): ${describe(report.alpha)}\n`)
    out.write(`Fleiss' kappa: ${describe(report.fleiss)}\n`)
    out.write(`Cohen's kappa (unweighted): ${describe(report.cohen)}\n`)
    out.write(`units: ${report.units}  raters: ${report.raters}  pairable values: ${report.pairable}\n`)
  }
  return 0
}

type Outcome = { ok: true; value: number } | { ok: false; why: string }

interface Computed {
  alpha: Outcome
  fleiss: Outcome
  cohen: Outcome
  units: number
  raters: number
  pairable: number
}

function valueOrNull(outcome: Outcome): number | null {
  return outcome.ok ? outcome.value : null
}

function describe(outcome: Outcome): string {
  return outcome.ok ? outcome.value.toFixed(4) : `not applicable (${outcome.why})`
}

function fromStat<T>(result: StatResult<T>, pick: (value: T) => number): Outcome {
  if (result.ok) return { ok: true, value: pick(result.value) }
  return { ok: false, why: result.detail ? `${result.reason}: ${result.detail}` : result.reason }
}

function computeReport(ratings: RatingReader, level: AlphaLevel): Computed {
  const data = ratings.reliabilityData()
  const raters = ratings.raterCount()
  const groups = groupByUnit(data)
  const alphaResult = krippendorffAlpha(data, level, groups)
  const alpha = fromStat(alphaResult, (v) => v.alpha)
  // Kappas take values as categories whatever the level: the level's metric is alpha's business.
  const fleiss = fromStat(fleissKappa(data, groups), (v) => v.kappa)
  let cohen: Outcome
  if (raters === 2) {
    const [a, b] = ratings.twoRaterCodes()
    cohen = fromStat(cohenKappaFromCodes(a, b, data.values.length, 'none'), (v) => v.kappa)
  } else {
    cohen = { ok: false, why: `needs exactly two raters, found ${raters}` }
  }
  const pairable = alphaResult.ok ? alphaResult.value.pairable : pairableCount(data)
  return { alpha, fleiss, cohen, units: data.unitCount, raters, pairable }
}

function pairableCount(data: ReliabilityData): number {
  const perUnit = new Int32Array(data.unitCount)
  for (let i = 0; i < data.units.length; i++) {
    const u = data.units[i]!
    perUnit[u] = perUnit[u]! + 1
  }
  let pairable = 0
  for (let u = 0; u < data.unitCount; u++) if (perUnit[u]! >= 2) pairable += perUnit[u]!
  return pairable
}

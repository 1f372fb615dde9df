// Benchmark of the agreement statistics, run by hand: `npx tsx bench/agreement.ts [units]`.
//   (a) Krippendorff's alpha in-process over 100,000 units × 5 raters, each level (target < 1 s).
//   (b) The same ratings as a CSV, run as whole processes side by side: our `arbiter agreement` as
//       users run it (`node bin/arbiter.mjs agreement …`, which runs the bundle that `npm install`
//       builds; the benchmark builds it first), statsmodels' fleiss_kappa (with aggregate_raters) and
//       NLTK's AnnotationTask(...).alpha(). Values must agree to 1e-9 and ours must be at least 5× faster
//       (ratio of median wall times; the tools take turns). CPU times are printed for information.
// Python comes from Debian (python3-statsmodels, python3-nltk) under /usr/bin/python3: the python3 on
// PATH may be a pyenv build without them. See bench/README-agreement.md for recorded figures.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { krippendorffAlpha, type AlphaLevel } from '../src/quality/reliability/krippendorff-alpha'
import type { ReliabilityData } from '../src/quality/reliability/reliability-data'

const UNITS = Number(process.argv[2] ?? 100_000)
const RATERS = 5
const SMALL_UNITS = 10_000
const PYTHON = '/usr/bin/python3'
const NLTK_FULL_LIMIT_MS = 5 * 60_000
const VERDICTS = ['A', 'B', 'tie', 'both_bad'] as const
const repo = fileURLToPath(new URL('..', import.meta.url))
const work = join(tmpdir(), 'arbiter-bench-agreement')
mkdirSync(work, { recursive: true })

/** mulberry32: a fixed seed makes every run (and the Python side) read the same file. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Pairwise verdicts: each unit has a leaning, each rater follows it 70% of the time. */
function generate(units: number): { units: Int32Array; codes: Int32Array } {
  const next = random(20_240_611)
  const unitColumn = new Int32Array(units * RATERS)
  const codeColumn = new Int32Array(units * RATERS)
  for (let u = 0; u < units; u++) {
    const p = next()
    const leaning = p < 0.45 ? 0 : p < 0.85 ? 1 : p < 0.95 ? 2 : 3
    for (let r = 0; r < RATERS; r++) {
      const i = u * RATERS + r
      unitColumn[i] = u
      codeColumn[i] = next() < 0.7 ? leaning : Math.floor(next() * VERDICTS.length)
    }
  }
  return { units: unitColumn, codes: codeColumn }
}

function writeCsv(path: string, data: { units: Int32Array; codes: Int32Array }): void {
  const lines: string[] = ['unit,rater,value']
  for (let i = 0; i < data.units.length; i++) {
    lines.push(`item-${data.units[i]! + 1},labeler-${(i % RATERS) + 1},${VERDICTS[data.codes[i]!]}`)
  }
  writeFileSync(path, lines.join('\n') + '\n')
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

// ---- (a) in-process ----------------------------------------------------------------------------
const generated = generate(UNITS)
console.log(
  `(a) Krippendorff's alpha in-process, ${UNITS.toLocaleString('en')} units × ${RATERS} raters` +
    ` (Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)})`,
)
const numericData: ReliabilityData = { unitCount: UNITS, ...generated, values: [1, 2, 3, 4] }
for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as AlphaLevel[]) {
  const times: number[] = []
  let alpha = Number.NaN
  for (let run = 0; run < 6; run++) {
    const started = performance.now()
    const result = krippendorffAlpha(numericData, level)
    times.push(performance.now() - started)
    if (result.ok) alpha = result.value.alpha
  }
  const first = times[0]!
  const warm = median(times.slice(1))
  const verdict = first < 1000 ? 'ok (< 1 s)' : 'TOO SLOW'
  console.log(
    `    ${level.padEnd(8)} alpha = ${alpha.toFixed(6)}   first run ${first.toFixed(1)} ms, warm median ${warm.toFixed(1)} ms   ${verdict}`,
  )
}

// ---- (b) whole processes -----------------------------------------------------------------------
const STATSMODELS_SCRIPT = `
import csv, json, sys
import numpy as np
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

units, raters, categories, rows = {}, {}, {}, []
with open(sys.argv[1], newline='') as f:
    reader = csv.reader(f)
    next(reader)
    for unit, rater, value in reader:
        if value == '':
            continue
        rows.append((units.setdefault(unit, len(units)), raters.setdefault(rater, len(raters)),
                     categories.setdefault(value, len(categories))))
coded = np.array(rows, dtype=np.int64)
matrix = np.zeros((len(units), len(raters)), dtype=np.int64)
matrix[coded[:, 0], coded[:, 1]] = coded[:, 2]
table, _ = aggregate_raters(matrix)
print(json.dumps({"fleissKappa": float(fleiss_kappa(table, method="fleiss"))}))
`
const NLTK_SCRIPT = `
import csv, json, sys
from nltk.metrics.agreement import AnnotationTask

with open(sys.argv[1], newline='') as f:
    reader = csv.reader(f)
    next(reader)
    data = [(rater, unit, value) for unit, rater, value in reader if value != '']
print(json.dumps({"alpha": AnnotationTask(data=data).alpha()}))
`

interface ProcessRun {
  ms: number
  /** CPU time (user + system, all threads) in ms, when GNU time is there to tell; NaN otherwise. */
  cpuMs: number
  output: Record<string, number | null>
}

// GNU time reports a child's CPU time, which the machine's load (other test runs) hardly changes,
// unlike wall time: printed alongside for information.
const GNU_TIME = '/usr/bin/time'
const hasGnuTime = spawnSync(GNU_TIME, ['-f', '%U', 'true']).status === 0

function runProcess(command: string, args: string[], timeoutMs?: number): ProcessRun | 'timeout' {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', 'ARBITER-CPU %U %S', command, ...args]] : [command, args]
  const started = performance.now()
  const child = spawnSync(file, argv, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26, timeout: timeoutMs })
  const ms = performance.now() - started
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return 'timeout'
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${child.status}): ${child.stderr}`)
  const cpu = /ARBITER-CPU ([\d.]+) ([\d.]+)\s*$/.exec(child.stderr)
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN
  return { ms, cpuMs, output: JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, number | null> }
}

/** Median times of runs, with the first run's output. */
function summary(runs: ProcessRun[]): ProcessRun {
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), output: runs[0]!.output }
}

function best(runs: number, once: () => ProcessRun): ProcessRun {
  return summary(Array.from({ length: runs }, once))
}

function ensurePythonPackages(): void {
  const check = spawnSync(PYTHON, ['-c', 'import statsmodels, nltk'])
  if (check.status === 0) return
  console.log('    installing python3-statsmodels and python3-nltk with apt-get …')
  const install = spawnSync('apt-get', ['install', '-y', 'python3-statsmodels', 'python3-nltk'], { stdio: 'inherit' })
  if (install.status !== 0) throw new Error('apt-get install python3-statsmodels python3-nltk failed')
}

const ours = (csv: string) => (): ProcessRun => {
  const run = runProcess(process.execPath, ['bin/arbiter.mjs', 'agreement', '--input', csv, '--level', 'nominal', '--json'])
  if (run === 'timeout') throw new Error('our CLI timed out')
  return run
}

/** Builds .arbiter-build/agreement.mjs (what `npm install` does) so that bin/arbiter.mjs runs it. */
function buildBundle(): void {
  const built = spawnSync(process.execPath, ['scripts/build-cli-bundle.mjs'], { cwd: repo, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`scripts/build-cli-bundle.mjs failed: ${built.stderr}`)
  console.log(`    ${built.stdout.trim()}`)
}

/**
 * Prints one tool's line and checks it: same value to 1e-9, and a ratio of median times of at least
 * 5. `rounds` pairs each of its runs with ours from the same round, for the spread of per-round ratios.
 */
function compare(
  label: string,
  oursRun: ProcessRun,
  oursValue: number | null,
  theirs: ProcessRun,
  theirValue: number | null,
  rounds: Array<[ours: ProcessRun, theirs: ProcessRun]> = [],
): boolean {
  const difference = Math.abs((oursValue ?? Number.NaN) - (theirValue ?? Number.NaN))
  const speedup = theirs.ms / oursRun.ms
  const equal = difference <= 1e-9
  const fastEnough = speedup >= 5
  const ratios = rounds.map(([a, b]) => b.ms / a.ms).sort((x, y) => x - y)
  const spread = ratios.length > 1 ? ` (rounds ${ratios[0]!.toFixed(1)}-${ratios[ratios.length - 1]!.toFixed(1)}×)` : ''
  const cpu = Number.isNaN(theirs.cpuMs) ? '' : `; CPU ${theirs.cpuMs.toFixed(0)} ms, ${(theirs.cpuMs / oursRun.cpuMs).toFixed(1)}× ours`
  console.log(
    `    ${label.padEnd(34)} ${String(theirValue).padEnd(20)} ${theirs.ms.toFixed(0).padStart(7)} ms   ` +
      `|Δ| = ${difference.toExponential(2)} ${equal ? 'equal' : 'DIFFERENT'}   ours (${oursRun.ms.toFixed(0)} ms) ${speedup.toFixed(1)}× faster${spread} ${fastEnough ? 'ok' : '(below 5×)'}${cpu}`,
  )
  return equal && fastEnough
}

console.log(
  `\n(b) whole processes on one CSV (${(UNITS * RATERS).toLocaleString('en')} ratings), wall time, median of 5 rounds` +
    ` (NLTK: 3) taking turns (load average ${loadavg()[0]!.toFixed(2)})`,
)
ensurePythonPackages()
buildBundle()
const bigCsv = join(work, `ratings-${UNITS}x${RATERS}.csv`)
writeCsv(bigCsv, generated)
const smModel = join(work, 'statsmodels_fleiss.py')
const nltkModel = join(work, 'nltk_alpha.py')
writeFileSync(smModel, STATSMODELS_SCRIPT)
writeFileSync(nltkModel, NLTK_SCRIPT)
ours(bigCsv)() // an untimed first run, so that every timed run finds the file and node in the page cache

// Rounds of ours, statsmodels and (in the first three) NLTK one after the other, so that a change in
// the machine's load hits every tool alike. NLTK's first run decides whether it can do the big file.
const statsmodels = (): ProcessRun => {
  const run = runProcess(PYTHON, [smModel, bigCsv])
  if (run === 'timeout') throw new Error('statsmodels timed out')
  return run
}
const oursRuns: ProcessRun[] = []
const statsmodelsRuns: ProcessRun[] = []
const nltkRuns: ProcessRun[] = []
let nltkTimedOut = false
for (let round = 0; round < 5; round++) {
  oursRuns.push(ours(bigCsv)())
  statsmodelsRuns.push(statsmodels())
  if (round < 3 && !nltkTimedOut) {
    const run = runProcess(PYTHON, [nltkModel, bigCsv], NLTK_FULL_LIMIT_MS)
    if (run === 'timeout') nltkTimedOut = true
    else nltkRuns.push(run)
  }
}
const oursBig = summary(oursRuns)
const statsmodelsBig = summary(statsmodelsRuns)
const pairs = (theirs: ProcessRun[]) => theirs.map((run, round): [ProcessRun, ProcessRun] => [oursRuns[round]!, run])
console.log(
  `    ${'ours: arbiter agreement --json'.padEnd(34)} alpha ${oursBig.output.krippendorffAlpha}, fleiss ${oursBig.output.fleissKappa}   ${oursBig.ms.toFixed(0)} ms` +
    (Number.isNaN(oursBig.cpuMs) ? '' : `; CPU ${oursBig.cpuMs.toFixed(0)} ms`),
)
let allOk = compare('statsmodels fleiss_kappa', oursBig, oursBig.output.fleissKappa ?? null, statsmodelsBig, statsmodelsBig.output.fleissKappa ?? null, pairs(statsmodelsRuns))

const nltkBig: ProcessRun | 'timeout' = nltkTimedOut ? 'timeout' : summary(nltkRuns)
if (nltkBig !== 'timeout') {
  // Against ours from the same rounds: a load change in the later rounds must not count for or against NLTK.
  const oursSameRounds = summary(oursRuns.slice(0, nltkRuns.length))
  allOk = compare('NLTK AnnotationTask.alpha', oursSameRounds, oursBig.output.krippendorffAlpha ?? null, nltkBig, nltkBig.output.alpha ?? null, pairs(nltkRuns)) && allOk
} else {
  // NLTK's pure-Python alpha can be very slow on big files: compare on a smaller one instead.
  console.log(`    NLTK AnnotationTask.alpha          did not finish within ${NLTK_FULL_LIMIT_MS / 60_000} min (stopped)`)
  const smallCsv = join(work, `ratings-${SMALL_UNITS}x${RATERS}.csv`)
  writeCsv(smallCsv, generate(SMALL_UNITS))
  console.log(`\n    smaller file: ${SMALL_UNITS.toLocaleString('en')} units × ${RATERS} raters`)
  const oursSmall = best(3, ours(smallCsv))
  console.log(`    ${'ours: arbiter agreement --json'.padEnd(34)} alpha ${oursSmall.output.krippendorffAlpha}   ${oursSmall.ms.toFixed(0)} ms`)
  const nltkSmall = runProcess(PYTHON, [nltkModel, smallCsv], NLTK_FULL_LIMIT_MS)
  if (nltkSmall === 'timeout') throw new Error('NLTK timed out on the smaller file too')
  allOk = compare('NLTK AnnotationTask.alpha (1 run)', oursSmall, oursSmall.output.krippendorffAlpha ?? null, nltkSmall, nltkSmall.output.alpha ?? null) && allOk
}

// For information only: the same command on the tsx path that bin/arbiter.mjs falls back to when the
// bundle is missing or older than a source (commander CLI, TypeScript compiled by tsx's loader).
const viaTsx = best(3, () => {
  const run = runProcess(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'agreement', '--input', bigCsv, '--level', 'nominal', '--json'])
  if (run === 'timeout') throw new Error('the tsx path timed out')
  return run
})
console.log(
  `\n    info: without the bundle (tsx fallback), median of 3: ${viaTsx.ms.toFixed(0)} ms${Number.isNaN(viaTsx.cpuMs) ? '' : ` (CPU ${viaTsx.cpuMs.toFixed(0)} ms)`} ` +
    `(statsmodels ${(statsmodelsBig.ms / viaTsx.ms).toFixed(1)}× slower${nltkBig === 'timeout' ? '' : `, NLTK ${(nltkBig.ms / viaTsx.ms).toFixed(1)}× slower`})`,
)

console.log(`\n${allOk ? 'all checks passed' : 'SOME CHECKS FAILED'} (files in ${work}; load average now ${loadavg()[0]!.toFixed(2)})`)
process.exitCode = allOk ? 0 : 1

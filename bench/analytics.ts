// Times analyzeProject on a simulated project of 1,000,000 judgments from 500 labelers and prints
// wall time and peak memory (resident set, data included). Run: npx tsx bench/analytics.ts [judgments] [labelers]
import { analyzeProject } from '../src/quality/analytics/analyze-project'
import { simulate, type SimBehaviour, type SimLabeler } from '../test/support/simulate'

const judgmentCount = Number(process.argv[2] ?? 1_000_000)
const labelerCount = Number(process.argv[3] ?? 500)
const redundancy = 5

// Mostly honest, with five of each planted behaviour, so the report has real findings to carry.
const planted: SimBehaviour[] = [
  { kind: 'coin' },
  { kind: 'first' },
  { kind: 'longer' },
  { kind: 'ties', tieRate: 0.6 },
  { kind: 'compress' },
  { kind: 'careless', after: 1500 },
  { kind: 'rusher' },
  { kind: 'safety_blind' },
]
const cast: SimLabeler[] = []
for (let i = 0; i < labelerCount; i++) {
  const behaviour = i < planted.length * 5 ? planted[i % planted.length]! : { kind: 'honest' as const }
  cast.push({ name: `${behaviour.kind}-${i + 1}`, behaviour })
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
let t = performance.now()
const sim = simulate({ seed: 7, items: Math.round(judgmentCount / redundancy), labelers: cast, redundancy })
const simulateMs = performance.now() - t
const afterData = process.memoryUsage()

t = performance.now()
const report = analyzeProject(sim)
const analyzeMs = performance.now() - t
const after = process.memoryUsage()

const honestFlags = new Map<string, number>()
const byKind = new Map<string, { labelers: number; flagged: number }>()
for (const labeler of report.labelers) {
  const kind = sim.behaviours.get(labeler.labeler.id)?.kind ?? 'unknown'
  const entry = byKind.get(kind) ?? { labelers: 0, flagged: 0 }
  entry.labelers++
  if (labeler.flagged) entry.flagged++
  byKind.set(kind, entry)
  if (kind === 'honest') for (const flag of labeler.flags) honestFlags.set(flag, (honestFlags.get(flag) ?? 0) + 1)
}

console.log(`judgments        ${sim.judgments.length.toLocaleString('en')} from ${labelerCount} labelers on ${sim.items.length.toLocaleString('en')} items`)
console.log(`simulate         ${(simulateMs / 1000).toFixed(2)} s (not part of the figure below)`)
console.log(`analyzeProject   ${(analyzeMs / 1000).toFixed(2)} s`)
console.log(`heap after data  ${mib(afterData.heapUsed)}; after analysis ${mib(after.heapUsed)}`)
console.log(`peak RSS         ${mib(process.resourceUsage().maxRSS * 1024)} (whole process, data included)`)
console.log(`tests (BH)       ${report.summary.tests}; disputes ${report.disputeTotal.toLocaleString('en')}; models ${report.leaderboard.length}`)
for (const [kind, entry] of byKind) console.log(`  ${kind.padEnd(14)} ${entry.flagged}/${entry.labelers} flagged`)
console.log(`honest flags     ${[...honestFlags].map(([flag, count]) => `${flag} ${count}`).join(', ') || 'none'}`)

// Benchmark: a full `arbiter report` over 1,000,000 judgments from 500 labelers
// (target: ≤ 3 s and under 1 GiB, on SQLite and on PostgreSQL).
//   npx tsx bench/report.ts [--postgres] [--judgments N] [--compare DIR]
// --compare DIR also runs the CLI of another checkout (e.g. main) on the same seeded database, so
// before and after are measured in one sitting. Wall time on a shared machine swings with load;
// CPU time (user + system) is printed beside it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ARBITER, measure } from './support'
import { seed } from './seed'
import { freshDatabaseUrl } from '../test/support/databases'

const usePostgres = process.argv.includes('--postgres')
const option = (name: string) => {
  const at = process.argv.indexOf(name)
  return at > 0 ? process.argv[at + 1] : undefined
}
const JUDGMENTS = Number(option('--judgments') ?? 1_000_000)
const compare = option('--compare')
const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-'))
const { url, drop } = usePostgres ? await freshDatabaseUrl('postgresql') : { url: `file:${join(dir, 'bench.db')}`, drop: async () => {} }
const started = performance.now()
await seed({ url, judgments: JUDGMENTS, labelers: 500, perItem: 5 })
console.log(`seeded ${JUDGMENTS.toLocaleString('en-US')} judgments from 500 labelers on ${usePostgres ? 'PostgreSQL' : 'SQLite'} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
const runs: { label: string; cwd?: string; json: boolean }[] = []
for (const json of [true, false]) {
  if (compare) runs.push({ label: `${compare}: arbiter report${json ? ' --json' : ''}`, cwd: compare, json })
  runs.push({ label: `arbiter report${json ? ' --json' : ''}`, json })
}
for (const run of runs) {
  const result = await measure(process.execPath, [...ARBITER, 'report', '--project', 'bench', ...(run.json ? ['--json'] : [])], { DATABASE_URL: url }, run.cwd)
  if (result.code !== 0) throw new Error(result.stderr)
  console.log(
    `${run.label}: ${(result.ms / 1000).toFixed(2)} s wall (${(result.cpuMs / 1000).toFixed(2)} s CPU; target ≤ 3 s), peak RSS ${result.peakRssMb.toFixed(0)} MB (target < 1024 MB), output ${(result.stdout.length / 1e6).toFixed(1)} MB`,
  )
}
await drop()
rmSync(dir, { recursive: true, force: true })

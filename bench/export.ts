// Benchmark: the default (settled) export of 1,000,000 judgments, target ≥ 100,000 judgments read
// per second and flat memory (< 500 MB RSS); the raw `judgments` record and --per-judgment beside it.
//   npx tsx bench/export.ts [--postgres] [--judgments N] [--compare DIR]
// --compare DIR also runs the CLI of another checkout (e.g. main) on the same seeded database, so
// before and after are measured in one sitting. Wall time on a shared machine swings with load;
// CPU time (user + system) is printed beside it.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
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
await seed({ url, judgments: JUDGMENTS, labelers: 500, perItem: 4 })
console.log(`seeded ${JUDGMENTS.toLocaleString('en-US')} judgments on ${usePostgres ? 'PostgreSQL' : 'SQLite'} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
const runs: { label: string; cwd?: string; args: string[] }[] = [
  ...(compare ? [{ label: `${compare}: export --format preferences (its default)`, cwd: compare, args: ['--format', 'preferences'] }] : []),
  { label: 'export --format preferences (settled, default)', args: ['--format', 'preferences'] },
  { label: 'export --format kto (settled)', args: ['--format', 'kto'] },
  { label: 'export --format preferences --per-judgment', args: ['--format', 'preferences', '--per-judgment'] },
  ...(compare ? [{ label: `${compare}: export --format judgments`, cwd: compare, args: ['--format', 'judgments'] }] : []),
  { label: 'export --format judgments', args: ['--format', 'judgments'] },
]
for (const run of runs) {
  const out = join(dir, 'out.jsonl')
  const result = await measure(process.execPath, [...ARBITER, 'export', '--project', 'bench', ...run.args, '--out', out], { DATABASE_URL: url }, run.cwd)
  if (result.code !== 0) throw new Error(result.stderr)
  const rows = Number(/Exported (\d+)/.exec(result.stderr)?.[1])
  const seconds = result.ms / 1000
  console.log(
    `${run.label}: ${rows.toLocaleString('en-US')} rows, ${(statSync(out).size / 1e6).toFixed(0)} MB in ${seconds.toFixed(2)} s wall (${(result.cpuMs / 1000).toFixed(2)} s CPU) = ` +
      `${Math.round(JUDGMENTS / seconds).toLocaleString('en-US')} judgments read/s wall, ${Math.round(JUDGMENTS / (result.cpuMs / 1000)).toLocaleString('en-US')} per CPU second (target ≥ 100,000), peak RSS ${result.peakRssMb.toFixed(0)} MB (target < 500)`,
  )
}
await drop()
rmSync(dir, { recursive: true, force: true })

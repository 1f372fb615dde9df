// Benchmark: `arbiter export` of 1,000,000 judgments (target: ≥ 50,000 rows/s, flat memory).
//   npx tsx bench/export.ts [--postgres] [--judgments N]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ARBITER, measure } from './support'
import { seed } from './seed'
import { freshDatabaseUrl } from '../test/support/databases'

const usePostgres = process.argv.includes('--postgres')
const countArg = process.argv.indexOf('--judgments')
const JUDGMENTS = countArg > 0 ? Number(process.argv[countArg + 1]) : 1_000_000
const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-'))
const { url, drop } = usePostgres ? await freshDatabaseUrl('postgresql') : { url: `file:${join(dir, 'bench.db')}`, drop: async () => {} }
let started = performance.now()
await seed({ url, judgments: JUDGMENTS, labelers: 500, perItem: 4 })
console.log(`seeded ${JUDGMENTS.toLocaleString('en-US')} judgments on ${usePostgres ? 'PostgreSQL' : 'SQLite'} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
for (const format of ['judgments', 'preferences'] as const) {
  const out = join(dir, `${format}.jsonl`)
  const result = await measure(process.execPath, [...ARBITER, 'export', '--project', 'bench', '--format', format, '--out', out], { DATABASE_URL: url })
  if (result.code !== 0) throw new Error(result.stderr)
  const rows = Number(/Exported (\d+)/.exec(result.stderr)?.[1])
  console.log(`arbiter export --format ${format}: ${rows.toLocaleString('en-US')} rows, ${(statSync(out).size / 1e6).toFixed(0)} MB in ${(result.ms / 1000).toFixed(2)} s = ${Math.round(rows / (result.ms / 1000)).toLocaleString('en-US')} rows/s (target ≥ 50,000), peak RSS ${result.peakRssMb.toFixed(0)} MB`)
}
started = performance.now()
await drop()
rmSync(dir, { recursive: true, force: true })

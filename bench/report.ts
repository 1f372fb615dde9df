// Benchmark: a full `arbiter report` over 1,000,000 judgments from 500 labelers
// (target: under 10 s and under 1 GiB, on SQLite and on PostgreSQL).
//   npx tsx bench/report.ts [--postgres] [--judgments N]
import { mkdtempSync, rmSync } from 'node:fs'
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
const started = performance.now()
await seed({ url, judgments: JUDGMENTS, labelers: 500, perItem: 5 })
console.log(`seeded ${JUDGMENTS.toLocaleString('en-US')} judgments from 500 labelers on ${usePostgres ? 'PostgreSQL' : 'SQLite'} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
for (const json of [true, false]) {
  const result = await measure(process.execPath, [...ARBITER, 'report', '--project', 'bench', ...(json ? ['--json'] : [])], { DATABASE_URL: url })
  if (result.code !== 0) throw new Error(result.stderr)
  console.log(`arbiter report${json ? ' --json' : ''}: ${(result.ms / 1000).toFixed(2)} s (target < 10 s), peak RSS ${result.peakRssMb.toFixed(0)} MB (target < 1024 MB), output ${(result.stdout.length / 1e6).toFixed(1)} MB`)
}
await drop()
rmSync(dir, { recursive: true, force: true })

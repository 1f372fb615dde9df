// Benchmark: `arbiter import` of 100,000 JSONL lines (target: 5 s or less on SQLite).
//   npx tsx bench/import.ts            (SQLite)
//   npx tsx bench/import.ts --postgres (PostgreSQL at TEST_POSTGRES_URL or 127.0.0.1/test)
import { mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { ARBITER, measure } from './support'
import { freshDatabaseUrl } from '../test/support/databases'

const LINES = 100_000
const usePostgres = process.argv.includes('--postgres')
const dir = mkdtempSync(join(tmpdir(), 'arbiter-bench-'))
const file = join(dir, 'items.jsonl')
const words = 'the model answered with a careful and accurate explanation of how the system works in practice'.split(' ')
const sentence = (n: number, seed: number) => Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 13) % words.length]).join(' ')
const out: string[] = []
for (let i = 0; i < LINES; i++) {
  out.push(
    JSON.stringify({
      id: `item-${i}`,
      type: 'pairwise',
      prompt: `Question ${i}: ${sentence(20, i)}?`,
      responses: [
        { model: 'model-a', text: sentence(60 + (i % 40), i) },
        { model: 'model-b', text: sentence(40 + (i % 70), i + 1) },
      ],
      metadata: { domain: ['code', 'advice', 'science'][i % 3], tags: ['bench'] },
      ...(i % 20 === 0 ? { gold: { winner: 'a' } } : {}),
    }),
  )
}
writeFileSync(file, out.join('\n') + '\n')
const { url, drop } = usePostgres ? await freshDatabaseUrl('postgresql') : { url: `file:${join(dir, 'bench.db')}`, drop: async () => {} }
const env = { DATABASE_URL: url }
execFileSync(process.execPath, [...ARBITER, 'project', 'create', 'bench', '--types', 'pairwise'], { env: { ...process.env, ...env }, stdio: 'ignore' })
const result = await measure(process.execPath, [...ARBITER, 'import', file, '--project', 'bench'], env)
if (result.code !== 0) throw new Error(result.stderr)
console.log(`arbiter import: ${LINES.toLocaleString('en-US')} lines (${(statSync(file).size / 1e6).toFixed(1)} MB) on ${usePostgres ? 'PostgreSQL' : 'SQLite'}`)
console.log(`  wall time ${(result.ms / 1000).toFixed(2)} s (${Math.round(LINES / (result.ms / 1000)).toLocaleString('en-US')} lines/s), CPU ${(result.cpuMs / 1000).toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB — target ≤ 5 s`)
console.log(`  ${result.stdout.trim()}`)
await drop()
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir)

// Makes the next versioned migration for both databases from the change to prisma/schema.prisma.
//   npm run db:migration -- add_job_leases
// prisma/migrations/schema.snapshot.prisma is the schema as of the last migration; the new SQL is
// `prisma migrate diff` between it and the current schema, once per provider (offline, WASM engine).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { PROVIDERS, schemaFor } from './prisma-variants.mjs'

const name = process.argv[2]
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- NAME   (NAME: lower_snake_case)')
  process.exit(2)
}
const snapshotFile = 'prisma/migrations/schema.snapshot.prisma'
const current = readFileSync('prisma/schema.prisma', 'utf8')
const previous = existsSync(snapshotFile) ? readFileSync(snapshotFile, 'utf8') : null
if (previous === current) {
  console.log('The schema has not changed since the last migration; nothing to do.')
  process.exit(0)
}
mkdirSync('.arbiter-prisma', { recursive: true })
for (const provider of PROVIDERS) {
  const dir = `prisma/migrations/${provider}`
  mkdirSync(dir, { recursive: true })
  const next = String(readdirSync(dir).filter((f) => f.endsWith('.sql')).length + 1).padStart(4, '0')
  writeFileSync(`.arbiter-prisma/to-${provider}.prisma`, schemaFor(provider, current))
  const from = previous === null ? ['--from-empty'] : ['--from-schema-datamodel', `.arbiter-prisma/from-${provider}.prisma`]
  if (previous !== null) writeFileSync(`.arbiter-prisma/from-${provider}.prisma`, schemaFor(provider, previous))
  // The "client" engine type tells the CLI that no native query engine is needed, so it downloads none.
  const env = { ...process.env, PRISMA_CLIENT_ENGINE_TYPE: 'client' }
  const sql = execFileSync('npx', ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', `.arbiter-prisma/to-${provider}.prisma`, '--script'], { encoding: 'utf8', env })
  const file = `${dir}/${next}_${name}.sql`
  writeFileSync(file, sql)
  console.log(`wrote ${file}`)
}
writeFileSync(snapshotFile, current)

// Generates the store's Kysely table types from the single schema (run by `npm install`):
// src/store/generated/database.ts, by prisma-kysely as a Prisma generator (offline, WASM engine).
// The types come from the PostgreSQL variant: the SQLite connection hands out the same values
// (Date for DateTime, boolean for Boolean; see src/store/sqlite-connection.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { schemaFor } from './prisma-variants.mjs'

mkdirSync('.arbiter-prisma', { recursive: true })
const file = '.arbiter-prisma/postgresql.prisma'
writeFileSync(file, schemaFor('postgresql'))
// The "client" engine type tells the CLI that no native query engine is needed, so it downloads none.
execFileSync('npx', ['prisma', 'generate', '--schema', file], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PRISMA_CLIENT_ENGINE_TYPE: 'client' } })
console.log('arbiter: generated the Kysely table types (src/store/generated/database.ts)')

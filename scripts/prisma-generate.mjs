// Generates one Prisma client per database from the single schema (run by `npm install`).
// Both variants are written into .arbiter-prisma/ next to prisma/ so relative outputs resolve alike.
import { mkdirSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { PROVIDERS, schemaFor } from './prisma-variants.mjs'

mkdirSync('.arbiter-prisma', { recursive: true })
for (const provider of PROVIDERS) {
  const file = `.arbiter-prisma/${provider}.prisma`
  writeFileSync(file, schemaFor(provider))
  execFileSync('npx', ['prisma', 'generate', '--schema', file], { stdio: ['ignore', 'ignore', 'inherit'] })
}
console.log(`arbiter: generated Prisma clients for ${PROVIDERS.join(' and ')}`)

// Only the store touches the database. A grep over the shipped code (src/): outside src/store,
// nothing imports Prisma or a database driver, nothing reaches the Prisma client through the
// store, and nothing imports the composition root (main.ts).
//
// Exempt, on purpose: test/ (fixtures create and drop databases and read tables to check what
// a story left behind), bench/ (seeds millions of rows straight through the drivers, which is
// what it measures against) and scripts/ (generates the Prisma clients). None of them ships in
// the bot, and none is imported by src/.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')
const STORE = join(SRC, 'store')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return path === STORE ? [] : sourceFiles(path)
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : []
  })
}

/** Every module specifier a file imports (static, dynamic, re-exports). */
function imports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

const DRIVER = /^(@prisma\/|prisma$|pg$|pg\/|better-sqlite3$)/
const files = sourceFiles(SRC)

describe('the store boundary', () => {
  it('reads the code it checks', () => {
    expect(files.length).toBeGreaterThan(50)
    expect(files.some((f) => f.endsWith('interactions/stats.ts'))).toBe(true)
  })

  it('only src/store imports @prisma/*, pg or better-sqlite3, or the generated clients', () => {
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8')
      return imports(text)
        .filter((spec) => DRIVER.test(spec) || (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(join(STORE, 'prisma-client'))))
        .map((spec) => `${relative(SRC, file)} imports ${spec}`)
    })
    expect(offenders).toEqual([])
  })

  it('nothing outside src/store reaches the Prisma client or runs raw SQL', () => {
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
        .filter(({ line }) => /\.prisma\b|\$queryRaw|\$executeRaw|\$transaction/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    )
    expect(offenders).toEqual([])
  })

  it('nothing imports the composition root: adapters get their types from app-deps.ts', () => {
    const main = join(SRC, 'main')
    const offenders = files.flatMap((file) => imports(readFileSync(file, 'utf8')).filter((spec) => spec.startsWith('.') && resolve(dirname(file), spec).replace(/\.(ts|js)$/, '') === main).map((spec) => `${relative(SRC, file)} imports ${spec}`))
    expect(offenders).toEqual([])
  })
})

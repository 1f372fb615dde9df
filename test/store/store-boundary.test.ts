// Only the store touches the database. A grep over the shipped code (src/): outside src/store,
// nothing imports the query layer (Kysely), Prisma or a database driver, nothing reaches the
// query builder through the store (a Database's `db` or `ackLane`, a query started with
// selectFrom/insertInto/updateTable/deleteFrom, a sql`` fragment) or the Prisma client, and
// nothing imports the composition root (main.ts). A failure names each offending file and line.
//
// Exempt, on purpose: test/ (fixtures create and drop databases and read tables to check what
// a story left behind), bench/ (seeds millions of rows straight through the drivers, which is
// what it measures against) and scripts/ (generates the database types). None of them ships in
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

interface Line {
  at: string
  text: string
}

/** Every line of a file, with "file:line" for the failure message. */
function lines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ at: `${relative(SRC, file)}:${i + 1}`, text }))
}

/** Every module specifier a line imports (static, dynamic, re-exports; a multi-line import names its module on its last line). */
function imports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

/**
 * A line's code without its comment and the contents of its quoted strings, so prose
 * ("./data/arbiter.db.") is not mistaken for code. Template literals stay: sql`…` is code.
 */
function code(text: string): string {
  if (/^\s*(\/\*|\*)/.test(text)) return ''
  return text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''").replace(/(^|[^:])\/\/.*$/, '$1')
}

const DRIVER = /^(@prisma\/|(kysely|prisma|pg|better-sqlite3)($|\/))/
// The query builder and the Prisma client, however they are reached.
const QUERY = /\.(db|ackLane|prisma)\b|\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\b|\bsql\s*`|\$queryRaw|\$executeRaw|\$transaction/
const files = sourceFiles(SRC)

describe('the store boundary', () => {
  it('reads the code it checks', () => {
    expect(files.length).toBeGreaterThan(50)
    expect(files.some((f) => f.endsWith('interactions/stats.ts'))).toBe(true)
  })

  it('only src/store imports kysely, @prisma/*, pg or better-sqlite3, or the generated clients and types', () => {
    const generated = [join(STORE, 'generated')]
    const offenders = files.flatMap((file) =>
      lines(file).flatMap(({ at, text }) =>
        imports(text)
          .filter((spec) => DRIVER.test(spec) || (spec.startsWith('.') && generated.some((dir) => resolve(dirname(file), spec).startsWith(dir))))
          .map((spec) => `${at}: imports ${spec}`),
      ),
    )
    expect(offenders).toEqual([])
  })

  it('nothing outside src/store reaches the query builder or the Prisma client, or writes SQL', () => {
    const offenders = files.flatMap((file) =>
      lines(file)
        .filter(({ text }) => QUERY.test(code(text)))
        .map(({ at, text }) => `${at}: ${text.trim()}`),
    )
    expect(offenders).toEqual([])
  })

  it('the checks catch what they are meant to, and pass over prose', () => {
    const caught = (text: string) => QUERY.test(code(text))
    for (const text of [
      'const rows = await store.database.db.selectFrom(\'Judgment\').selectAll().execute()',
      'const { db } = deps.database; await db.insertInto(\'Item\').values(row).execute()',
      'await database.ackLane.updateTable(\'InboundEvent\').set({ owner }).execute()',
      'await trx.deleteFrom(\'SentOnce\').execute()',
      'const n = sql`select 1`',
      'await ctx.store.database.prisma.item.count()',
      'await client.$queryRaw`select 1`',
    ]) expect(caught(text), text).toBe(true)
    for (const text of [
      ".description('with none, data lives in ./data/arbiter.db.')",
      '  /** file:PATH (SQLite, default ./data/arbiter.db) or postgresql://… */',
      "const url = 'https://example.com/x.db' // a link, not a database",
      '// The store picks rows with selectFrom; callers never do.',
      'const dbName = config.dbName',
    ]) expect(caught(text), text).toBe(false)
    const importsDriver = (text: string) => imports(text).some((spec) => DRIVER.test(spec))
    for (const text of ["import { Kysely } from 'kysely'", "import pg from 'pg'", "} from 'better-sqlite3'", "await import('@prisma/client')", "export { sql } from 'kysely/helpers/postgres'"]) expect(importsDriver(text), text).toBe(true)
    for (const text of ["import { z } from 'zod'", "import { parse } from 'pg-connection-string'", "import { queryDb } from './kysely-like'"]) expect(importsDriver(text), text).toBe(false)
  })

  it('nothing imports the composition root: adapters get their types from app-deps.ts', () => {
    const main = join(SRC, 'main')
    // The launcher behind `arbiter start` is the exception: starting the composition root is its whole job.
    const launcher = join(SRC, 'cli', 'start-command.ts')
    const offenders = files.filter((file) => file !== launcher).flatMap((file) => imports(readFileSync(file, 'utf8')).filter((spec) => spec.startsWith('.') && resolve(dirname(file), spec).replace(/\.(ts|js)$/, '') === main).map((spec) => `${relative(SRC, file)} imports ${spec}`))
    expect(offenders).toEqual([])
  })
})

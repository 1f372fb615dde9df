// Seeds a database with a large labeled project straight through the database drivers
// (better-sqlite3, pg), not through the store: the benchmarks measure reading, not writing, and a
// million rows go in fastest in one transaction of prepared inserts. Dates are written in the form
// the store writes (sqliteTime on SQLite), and each item's measures as the store measures them. Used by bench/export.ts and bench/report.ts.
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { applyMigrations } from '../src/store/migrate'
import { seededRandom } from '../src/core/random'
import { sqliteTime } from '../src/store/sqlite-connection'
import { measureItem } from '../src/core/item-measures'

export interface SeedOptions {
  url: string
  judgments: number
  labelers: number
  perItem: number
  /** Optional behaviour per labeler: returns the choice ('a' | 'b' | 'tie') given the truth and display order. */
  choose?: (labeler: number, truth: 'a' | 'b', displayOrder: string[], random: () => number, judgmentIndex: number) => string
}

const MODELS = ['model-alpha', 'model-beta', 'model-gamma', 'model-delta']

/** Creates project "bench" with items, labelers and pairwise judgments; returns counts. */
export async function seed(options: SeedOptions): Promise<{ items: number }> {
  await applyMigrations(options.url)
  const random = seededRandom(7)
  const items = Math.ceil(options.judgments / options.perItem)
  const sqlite = options.url.startsWith('file:')
  const now = Date.parse('2026-10-01T00:00:00Z')
  const rows = {
    project: [1, 'bench', '["pairwise"]', '["accuracy","helpfulness"]', options.perItem],
    labelers: Array.from({ length: options.labelers }, (_, i) => [i + 1, 'import', '', `L${i + 1}`, `labeler-${i + 1}`]),
  }
  const truths: ('a' | 'b')[] = []
  const itemRows: unknown[][] = []
  for (let i = 0; i < items; i++) {
    const truth = random() < 0.5 ? 'a' : 'b'
    truths.push(truth)
    const ma = MODELS[i % 4]!
    const mb = MODELS[(i + 1 + (i % 3)) % 4]!
    const responses = [
      { id: 'a', model: ma, text: 'Response A '.repeat(20 + (i % 30)) },
      { id: 'b', model: (mb === ma ? MODELS[(i + 2) % 4] : mb)!, text: 'Response B '.repeat(15 + (i % 40)) },
    ]
    const messages = [{ role: 'user' as const, content: `Prompt ${i + 1}: explain something useful.` }]
    itemRows.push([i + 1, 1, `item-${i + 1}`, 'pairwise', JSON.stringify(messages), JSON.stringify(responses), JSON.stringify(measureItem(messages, responses)), ['code', 'advice', 'science'][i % 3], options.perItem, options.perItem, options.perItem])
  }
  const judgmentRow = (k: number): unknown[] => {
    const item = Math.floor(k / options.perItem)
    const labeler = ((item * 7 + (k % options.perItem) * 13) % options.labelers) + 1
    const order = random() < 0.5 ? ['a', 'b'] : ['b', 'a']
    const truth = truths[item]!
    const choice = options.choose ? options.choose(labeler, truth, order, random, k) : random() < 0.8 ? truth : random() < 0.5 ? (truth === 'a' ? 'b' : 'a') : 'tie'
    const position = choice === 'tie' || choice === 'both_bad' ? null : order.indexOf(choice)
    return [k + 1, 1, item + 1, labeler, 'pairwise', choice, position, JSON.stringify(order), 4_000 + Math.floor(random() * 60_000), new Date(now + k * 1_000)]
  }
  const itemCols = '"id","projectId","externalId","type","messages","responses","measures","domain","target","claimed","judged"'
  const judgmentCols = '"id","projectId","itemId","labelerId","kind","choice","choicePosition","displayOrder","durationMs","createdAt"'
  if (sqlite) {
    const db = new BetterSqlite3(options.url.slice('file:'.length))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    db.transaction(() => {
      db.prepare('INSERT INTO "Project" ("id","name","taskTypes","dimensions","redundancy") VALUES (?,?,?,?,?)').run(...rows.project)
      const l = db.prepare('INSERT INTO "Labeler" ("id","platform","workspaceId","platformUserId","displayName") VALUES (?,?,?,?,?)')
      for (const r of rows.labelers) l.run(...r)
      const it = db.prepare(`INSERT INTO "Item" (${itemCols}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
      for (const r of itemRows) it.run(...r)
      const j = db.prepare(`INSERT INTO "Judgment" (${judgmentCols}) VALUES (?,?,?,?,?,?,?,?,?,?)`)
      for (let k = 0; k < options.judgments; k++) {
        const r = judgmentRow(k)
        r[9] = sqliteTime(r[9] as Date) // the text form the store writes
        j.run(...r)
      }
    })()
    db.close()
  } else {
    const client = new pg.Client({ connectionString: options.url })
    await client.connect()
    await client.query('BEGIN')
    await client.query('INSERT INTO "Project" ("id","name","taskTypes","dimensions","redundancy") VALUES ($1,$2,$3,$4,$5)', rows.project)
    const insert = async (table: string, cols: string, all: unknown[][]) => {
      const width = cols.split(',').length
      for (let start = 0; start < all.length; start += 2_000) {
        const chunk = all.slice(start, start + 2_000)
        const marks = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`)
        await client.query(`INSERT INTO "${table}" (${cols}) VALUES ${marks.join(',')}`, chunk.flat())
      }
    }
    await insert('Labeler', '"id","platform","workspaceId","platformUserId","displayName"', rows.labelers)
    await insert('Item', itemCols, itemRows)
    for (let start = 0; start < options.judgments; start += 100_000) {
      const chunk = Array.from({ length: Math.min(100_000, options.judgments - start) }, (_, i) => judgmentRow(start + i))
      await insert('Judgment', judgmentCols, chunk)
    }
    for (const table of ['Project', 'Labeler', 'Item', 'Judgment']) await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`)
    await client.query('COMMIT')
    await client.query('ANALYZE')
    await client.end()
  }
  return { items }
}

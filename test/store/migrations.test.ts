// Versioned migrations: a fresh database gets them all, an older one is upgraded in place
// without losing rows, concurrent starts apply each once, and edited history is refused.
import { readFileSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { PROVIDERS, freshDatabaseUrl, type TestProvider } from '../support/databases'
import { applyMigrations, listMigrations } from '../../src/store/migrate'
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { countRows, existingRow } from '../support/tables'

async function sql(provider: TestProvider, url: string, statement: string): Promise<unknown[]> {
  if (provider === 'sqlite') {
    const db = new BetterSqlite3(url.slice('file:'.length))
    try {
      return statement.trim().toUpperCase().startsWith('SELECT') ? db.prepare(statement).all() : (db.exec(statement), [])
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(statement)).rows
  } finally {
    await client.end()
  }
}

describe('the schema and its migrations', () => {
  it('agree: every change to prisma/schema.prisma has a migration (npm run db:migration -- NAME)', () => {
    expect(readFileSync('prisma/migrations/schema.snapshot.prisma', 'utf8')).toBe(readFileSync('prisma/schema.prisma', 'utf8'))
    expect(listMigrations('sqlite').map((m) => m.name)).toEqual(listMigrations('postgresql').map((m) => m.name))
  })
})

describe.each(PROVIDERS)('migrations on %s', (provider) => {
  let drop: () => Promise<void> = async () => {}
  afterEach(async () => drop())

  it('upgrade a database made by the first release and keep its rows', async () => {
    const fresh = await freshDatabaseUrl(provider)
    drop = fresh.drop
    const first = listMigrations(provider)[0]!.name
    await applyMigrations(fresh.url, () => {}, { upTo: first })
    await sql(provider, fresh.url, `INSERT INTO "Project" ("name", "taskTypes", "dimensions") VALUES ('legacy', '["pairwise"]', '["accuracy"]')`)
    await sql(provider, fresh.url, `INSERT INTO "Item" ("projectId", "externalId", "type", "messages", "responses", "target", "claimed", "judged") SELECT "id", 'old-1', 'pairwise', '[]', '[]', 3, 1, 1 FROM "Project"`)
    await sql(provider, fresh.url, `INSERT INTO "Labeler" ("platform", "workspaceId", "platformUserId", "displayName") VALUES ('slack', 'T1', 'U1', 'ana')`)
    await sql(provider, fresh.url, `INSERT INTO "Assignment" ("projectId", "itemId", "labelerId", "displayOrder", "status", "expiresAt") SELECT "projectId", "id", 1, '["b","a"]', 'answered', CURRENT_TIMESTAMP FROM "Item"`)
    await sql(provider, fresh.url, `INSERT INTO "Judgment" ("assignmentId", "projectId", "itemId", "labelerId", "kind", "choice", "displayOrder") SELECT "id", "projectId", "itemId", 1, 'pairwise', 'a', '["b","a"]' FROM "Assignment"`)

    const report = await applyMigrations(fresh.url)
    expect(report.applied).toEqual(listMigrations(provider).slice(1).map((m) => m.name))
    const database = await openDatabase(fresh.url)
    try {
      const store = createStore(database)
      const project = await store.projects.findByName('legacy')
      expect(project?.taskTypes).toEqual(['pairwise'])
      const item = await store.items.findByExternalId(project!.id, 'old-1')
      expect(item).toMatchObject({ claimed: 1, judged: 1 })
      // Later migrations redefine tables on SQLite; the rows that reference them must survive.
      expect(await countRows(database, 'Assignment')).toBe(1)
      expect(await store.judgments.forItem(item!.id)).toHaveLength(1)
      expect((await existingRow(database, 'Item')).open).toBe(true) // backfilled: 1 claimed < 3
      expect(await countRows(database, 'JobState')).toBe(0) // a table the later migration added
    } finally {
      await database.close()
    }
  })

  it('apply each migration once when several instances start together', async () => {
    const fresh = await freshDatabaseUrl(provider)
    drop = fresh.drop
    const reports = await Promise.all([applyMigrations(fresh.url), applyMigrations(fresh.url), applyMigrations(fresh.url)])
    const applied = reports.flatMap((r) => r.applied)
    expect(applied.sort()).toEqual(listMigrations(provider).map((m) => m.name).sort())
  })

  it('refuse a database whose applied migration was edited afterwards', async () => {
    const fresh = await freshDatabaseUrl(provider)
    drop = fresh.drop
    await applyMigrations(fresh.url)
    await sql(provider, fresh.url, `UPDATE "_arbiter_migrations" SET "checksum" = 'edited'`)
    await expect(applyMigrations(fresh.url)).rejects.toThrow(/edited after it was applied/)
  })
})

// The query layer hands out the same values on both databases. SQLite has no date or boolean
// type, so its connection (src/store/sqlite-connection.ts) writes a Date as the sortable ISO text
// Prisma wrote and a boolean as 0/1, and gives the columns the schema declares DateTime or
// Boolean back as Date and boolean — through plain selects, aliases and RETURNING — while text
// that merely looks like a date stays text. Every shared case runs on SQLite and on PostgreSQL,
// then one test writes the same rows to both and compares what comes back.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { Database } from '../../src/store/database'
import { isUniqueViolation } from '../../src/store/dialect'
import { arrayRows } from '../../src/store/sql'
import { PROVIDERS, freshDatabase, type TestProvider } from '../support/databases'
import { rows, type Table } from '../support/tables'

// The suite runs away from UTC (vitest.config.ts), so a time read or written as local time shows;
// the first test checks that it does.

const T0 = new Date('2026-11-02T09:00:00.000Z')
const at = (ms: number) => new Date(T0.getTime() + ms)

// Text a lead or a payload might hold that parses as a time; none of it is a DateTime column.
const DATE_LIKE = {
  iso: '2026-11-02T09:00:00.000+00:00',
  sqlDefault: '2026-11-02 09:00:00',
  json: JSON.stringify({ at: '2026-11-02T09:00:00.000Z', when: ['2026-11-02 09:00:00'] }),
}

/** A project, one item and one labeler, with explicit times and flags. */
async function seed(database: Database): Promise<{ projectId: number; itemId: number; labelerId: number }> {
  const { db } = database
  const project = await db
    .insertInto('Project')
    .values({ name: 'p', taskTypes: '["pairwise"]', dimensions: '[]', sftReview: true, active: false, createdAt: at(0) })
    .returning('id')
    .executeTakeFirstOrThrow()
  const item = await db
    .insertInto('Item')
    .values({
      projectId: project.id,
      externalId: DATE_LIKE.iso,
      type: 'pairwise',
      messages: DATE_LIKE.json,
      responses: '[]',
      tags: JSON.stringify([DATE_LIKE.sqlDefault]),
      source: DATE_LIKE.sqlDefault,
      target: 1,
      claimed: 1,
      judged: 0,
      isGold: true,
      open: false,
      routed: false,
      createdAt: at(1),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const labeler = await db
    .insertInto('Labeler')
    .values({ platform: 'slack', workspaceId: 'T1', platformUserId: 'U1', displayName: DATE_LIKE.iso, createdAt: at(2) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { projectId: project.id, itemId: item.id, labelerId: labeler.id }
}

describe.each(PROVIDERS)('values through the query layer on %s', (provider: TestProvider) => {
  let database: Database
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    const fresh = await freshDatabase(provider)
    database = fresh.db
    cleanup = fresh.cleanup
  })
  afterEach(async () => cleanup())

  it('a plain select gives DateTime columns as Dates and Boolean columns as booleans; null stays null', async () => {
    expect(new Date(Date.UTC(2026, 10, 2, 9)).getHours()).not.toBe(9) // the zone above took effect
    const { itemId } = await seed(database)
    const item = await database.db.selectFrom('Item').select(['createdAt', 'droppedAt', 'isGold', 'open', 'routed', 'claimed', 'judged']).where('id', '=', itemId).executeTakeFirstOrThrow()
    expect(item.createdAt).toBeInstanceOf(Date)
    expect(item.createdAt.toISOString()).toBe(at(1).toISOString())
    expect(item.droppedAt).toBeNull()
    expect([item.isGold, item.open, item.routed]).toEqual([true, false, false])
    // Integer columns holding 0 and 1 are numbers, not booleans.
    expect([item.claimed, item.judged]).toEqual([1, 0])
    const project = await database.db.selectFrom('Project').selectAll().executeTakeFirstOrThrow()
    expect(project).toMatchObject({ sftReview: true, active: false, anonymizeCalibration: false, createdAt: at(0) })
  })

  it('booleans and Dates work as parameters', async () => {
    await seed(database)
    expect(await database.db.selectFrom('Item').select('id').where('isGold', '=', true).where('open', '=', false).execute()).toHaveLength(1)
    expect(await database.db.selectFrom('Item').select('id').where('isGold', '=', false).execute()).toHaveLength(0)
    expect(await database.db.selectFrom('Item').select('id').where('createdAt', '=', at(1)).execute()).toHaveLength(1)
  })

  it('an alias of a real column still converts, in a join as in a single table', async () => {
    const { itemId } = await seed(database)
    const row = await database.db
      .selectFrom('Item as i')
      .innerJoin('Project as p', 'p.id', 'i.projectId')
      .select(['i.createdAt as itemMade', 'p.createdAt as projectMade', 'i.isGold as gold', 'p.active as live', 'i.source as text'])
      .where('i.id', '=', itemId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ itemMade: at(1), projectMade: at(0), gold: true, live: false, text: DATE_LIKE.sqlDefault })
  })

  it('a bulk read as arrays gives the same values in the order selected, and other reads stay objects', async () => {
    const { itemId } = await seed(database)
    const query = database.db.selectFrom('Item').select(['id', 'createdAt', 'droppedAt', 'isGold', 'open', 'source', 'claimed']).where('id', '=', itemId)
    const rows = await arrayRows<[number, Date, Date | null, boolean, boolean, string | null, number]>(database.db, query)
    expect(rows).toEqual([[itemId, at(1), null, true, false, DATE_LIKE.sqlDefault, 1]])
    // The same statement read as objects afterwards is unaffected (SQLite keeps prepared statements).
    expect(await query.execute()).toEqual([{ id: itemId, createdAt: at(1), droppedAt: null, isGold: true, open: false, source: DATE_LIKE.sqlDefault, claimed: 1 }])
  })

  it('INSERT and UPDATE … RETURNING give Dates and booleans', async () => {
    const { projectId, itemId, labelerId } = await seed(database)
    const updated = await database.db
      .updateTable('Item')
      .set({ open: true, isGold: false, droppedAt: at(60_000) })
      .where('id', '=', itemId)
      .returning(['open', 'isGold', 'droppedAt', 'createdAt', 'claimed'])
      .executeTakeFirstOrThrow()
    expect(updated).toEqual({ open: true, isGold: false, droppedAt: at(60_000), createdAt: at(1), claimed: 1 })
    const inserted = await database.db
      .insertInto('Assignment')
      .values({ projectId, itemId, labelerId, displayOrder: '["a","b"]', shownAt: at(3), expiresAt: at(1_800_003) })
      .returning(['shownAt as shown', 'expiresAt', 'answeredAt', 'status'])
      .executeTakeFirstOrThrow()
    expect(inserted).toEqual({ shown: at(3), expiresAt: at(1_800_003), answeredAt: null, status: 'active' })
  })

  it('stored times compare and sort in time order: text written earlier (as Prisma did) and new Dates alike', async () => {
    // Written as text, the way rows from before the move hold them on SQLite; a Date on PostgreSQL's side.
    const earlier = ['2026-11-02T08:59:59.999+00:00', '2025-12-31T23:59:59.000+00:00', '2026-11-02T09:00:00.010+00:00', '2026-11-02T09:00:00.000+00:00']
    for (const [i, receivedAt] of earlier.entries()) await database.db.insertInto('InboundEvent').values({ platform: 'slack', dedupeKey: `old-${i}`, payload: '{}', receivedAt }).execute()
    for (const [i, ms] of [1, -86_400_000 * 400, 9, 10 * 60_000].entries()) await database.db.insertInto('InboundEvent').values({ platform: 'slack', dedupeKey: `new-${i}`, payload: '{}', receivedAt: at(ms) }).execute()

    const sorted = await database.db.selectFrom('InboundEvent').select(['dedupeKey', 'receivedAt']).orderBy('receivedAt', 'asc').execute()
    expect(sorted.map((r) => r.dedupeKey)).toEqual(['new-1', 'old-1', 'old-0', 'old-3', 'new-0', 'new-2', 'old-2', 'new-3'])
    const times = sorted.map((r) => r.receivedAt.getTime())
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(sorted.find((r) => r.dedupeKey === 'old-0')!.receivedAt).toEqual(new Date('2026-11-02T08:59:59.999Z'))

    const since = await database.db.selectFrom('InboundEvent').select('dedupeKey').where('receivedAt', '>=', T0).orderBy('receivedAt', 'asc').execute()
    expect(since.map((r) => r.dedupeKey)).toEqual(['old-3', 'new-0', 'new-2', 'old-2', 'new-3'])
    // A Date parameter finds the row stored earlier at that very moment.
    expect((await database.db.selectFrom('InboundEvent').select('dedupeKey').where('receivedAt', '=', T0).execute()).map((r) => r.dedupeKey)).toEqual(['old-3'])
    const before = await database.db.selectFrom('InboundEvent').select('dedupeKey').where('receivedAt', '<', at(10)).where('receivedAt', '>', at(-1)).orderBy('receivedAt', 'asc').execute()
    expect(before.map((r) => r.dedupeKey)).toEqual(['old-3', 'new-0', 'new-2'])
  })

  it('a time stored as "YYYY-MM-DD HH:MM:SS" text reads as UTC', async () => {
    await database.db.insertInto('SentOnce').values({ key: 'plain', createdAt: '2026-11-02 09:00:00' }).execute()
    const row = await database.db.selectFrom('SentOnce').select('createdAt').executeTakeFirstOrThrow()
    expect(row.createdAt).toEqual(T0)
  })

  it('text and JSON columns that look like dates or flags come back exactly as written', async () => {
    const { itemId, labelerId } = await seed(database)
    const item = await database.db.selectFrom('Item').select(['externalId', 'messages', 'tags', 'source']).where('id', '=', itemId).executeTakeFirstOrThrow()
    expect(item).toEqual({ externalId: DATE_LIKE.iso, messages: DATE_LIKE.json, tags: JSON.stringify([DATE_LIKE.sqlDefault]), source: DATE_LIKE.sqlDefault })
    const labeler = await database.db.selectFrom('Labeler').select(['displayName', 'skills']).where('id', '=', labelerId).executeTakeFirstOrThrow()
    expect(labeler).toEqual({ displayName: DATE_LIKE.iso, skills: '[]' })
    await database.db.insertInto('InboundEvent').values({ platform: 'slack', dedupeKey: 'true', payload: DATE_LIKE.iso, lastError: '1', receivedAt: at(0) }).execute()
    const event = await database.db.selectFrom('InboundEvent').select(['dedupeKey', 'payload', 'lastError', 'attempts']).executeTakeFirstOrThrow()
    expect(event).toEqual({ dedupeKey: 'true', payload: DATE_LIKE.iso, lastError: '1', attempts: 0 })
  })

  it('a unique violation is recognized, on a unique key and on a primary key; other failures are not', async () => {
    const { itemId, labelerId } = await seed(database)
    const failure = (promise: Promise<unknown>) => promise.then(
      () => {
        throw new Error('expected the statement to fail')
      },
      (error: unknown) => error,
    )
    const sameLabeler = await failure(database.db.insertInto('Labeler').values({ platform: 'slack', workspaceId: 'T1', platformUserId: 'U1', displayName: 'again', createdAt: at(0) }).execute())
    expect(isUniqueViolation(sameLabeler)).toBe(true)
    await database.db.insertInto('ItemRoute').values({ itemId, labelerId }).execute()
    const sameRoute = await failure(database.db.insertInto('ItemRoute').values({ itemId, labelerId }).execute())
    expect(isUniqueViolation(sameRoute)).toBe(true)
    const sameId = await failure(database.db.insertInto('SentOnce').values([{ key: 'k', createdAt: at(0) }, { key: 'k', createdAt: at(1) }]).execute())
    expect(isUniqueViolation(sameId)).toBe(true)

    const missingColumn = await failure(sql`insert into "Labeler" ("platform", "workspaceId", "platformUserId", "createdAt") values ('slack', 'T1', 'U2', ${at(0)})`.execute(database.db))
    expect(isUniqueViolation(missingColumn)).toBe(false)
    const noTable = await failure(sql`select * from "NoSuchTable"`.execute(database.db))
    expect(isUniqueViolation(noTable)).toBe(false)
    expect(isUniqueViolation(new Error('duplicate key'))).toBe(false)
    expect(isUniqueViolation(undefined)).toBe(false)
    // The failed statements changed nothing.
    expect(await rows(database, 'Labeler')).toHaveLength(1)
  })
})

describe('what SQLite stores', () => {
  let database: Database
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    const fresh = await freshDatabase('sqlite')
    database = fresh.db
    cleanup = fresh.cleanup
  })
  afterEach(async () => cleanup())

  /** The stored value of a column, as SQLite holds it (cast: no conversion applies). */
  async function stored(table: Table, column: string): Promise<unknown[]> {
    const result = await sql<{ raw: unknown }>`select cast(${sql.ref(column)} as text) as raw from ${sql.table(table)} order by rowid`.execute(database.db)
    return result.rows.map((r) => r.raw)
  }

  it('writes a Date in the ISO form Prisma wrote ("…+00:00") and a boolean as 0/1', async () => {
    await seed(database)
    expect(await stored('Item', 'createdAt')).toEqual(['2026-11-02T09:00:00.001+00:00'])
    expect(await stored('Item', 'isGold')).toEqual(['1'])
    expect(await stored('Item', 'open')).toEqual(['0'])
  })

  it('reads the SQL default ("YYYY-MM-DD HH:MM:SS", UTC) as the moment it was written', async () => {
    const before = Date.now()
    await sql`insert into "SentOnce" ("key") values ('defaulted')`.execute(database.db)
    const after = Date.now()
    expect(await stored('SentOnce', 'createdAt')).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)])
    const { createdAt } = await database.db.selectFrom('SentOnce').select('createdAt').executeTakeFirstOrThrow()
    // Whole seconds: the default drops the milliseconds.
    expect(createdAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(createdAt.getTime()).toBeLessThanOrEqual(after)
  })

  it('reads a time stored as epoch milliseconds', async () => {
    await sql`insert into "SentOnce" ("key", "createdAt") values ('epoch', ${T0.getTime()})`.execute(database.db)
    expect((await database.db.selectFrom('SentOnce').select('createdAt').executeTakeFirstOrThrow()).createdAt).toEqual(T0)
  })
})

describe('the same rows on both databases', () => {
  const opened: Partial<Record<TestProvider, { db: Database; cleanup: () => Promise<void> }>> = {}
  beforeAll(async () => {
    for (const provider of PROVIDERS) opened[provider] = await freshDatabase(provider)
  })
  afterAll(async () => {
    for (const provider of PROVIDERS) await opened[provider]?.cleanup()
  })

  it('come back equal, column for column, with the same types', async () => {
    const read = async (database: Database) => {
      const { projectId, itemId, labelerId } = await seed(database)
      await database.db.insertInto('Assignment').values({ projectId, itemId, labelerId, displayOrder: '["b","a"]', shownAt: at(5), expiresAt: at(1_800_005) }).execute()
      await database.db.updateTable('Assignment').set({ status: 'answered', answeredAt: at(7_000) }).execute()
      return {
        projects: await rows(database, 'Project'),
        items: await rows(database, 'Item'),
        labelers: await rows(database, 'Labeler'),
        assignments: await rows(database, 'Assignment'),
      }
    }
    const sqlite = await read(opened.sqlite!.db)
    const postgres = await read(opened.postgresql!.db)
    expect(postgres).toEqual(sqlite)
    // toEqual compares Dates by time; check the kinds, too.
    const kinds = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? 'Date' : v === null ? 'null' : typeof v]))
    for (const table of ['projects', 'items', 'labelers', 'assignments'] as const) {
      expect(postgres[table].map(kinds)).toEqual(sqlite[table].map(kinds))
    }
    expect(kinds(sqlite.assignments[0]!)).toMatchObject({ shownAt: 'Date', expiresAt: 'Date', answeredAt: 'Date' })
    expect(kinds(sqlite.items[0]!)).toMatchObject({ isGold: 'boolean', open: 'boolean', routed: 'boolean', createdAt: 'Date', droppedAt: 'null' })
  })
})

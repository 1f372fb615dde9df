// The lead's command line for routing and guidelines: the real `arbiter` binary, as a process, on
// a fresh SQLite file — groups, `import --assign`, `items assign`, `project set --guide`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/store/database'
import { runArbiter } from '../support/arbiter-cli'
import { rows } from '../support/tables'

const dir = mkdtempSync(join(tmpdir(), 'arbiter-leads-cli-'))
const url = `file:${join(dir, 'cli.db')}`
const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' }

const arbiter = (...args: string[]) => runArbiter(env, ...args)

const item = (id: string) => JSON.stringify({ id, type: 'pairwise', prompt: `Question ${id}?`, responses: [{ text: 'yes' }, { text: 'no' }] })

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npx arbiter: routing and guidelines', () => {
  it('routes an import batch and single items to named labelers or a group, after checking the names', async () => {
    expect((await arbiter('project', 'create', 'p', '--types', 'pairwise', '--redundancy', '3')).code).toBe(0)
    const first = join(dir, 'first.jsonl')
    writeFileSync(first, `${item('q0')}\n`)
    expect((await arbiter('import', first, '--project', 'p')).code).toBe(0)
    // Labelers come from chat; judgments imported by name create them too.
    const judgments = join(dir, 'judgments.jsonl')
    writeFileSync(judgments, ['ana', 'ben'].map((labeler) => JSON.stringify({ item: 'q0', labeler, type: 'pairwise', winner: 'a' })).join('\n'))
    expect((await arbiter('import-judgments', judgments, '--project', 'p')).code).toBe(0)

    const grouped = await arbiter('labeler', 'group', 'ben', 'experts')
    expect(grouped.stdout).toMatch(/ben's groups: experts/)

    const batch = join(dir, 'batch.jsonl')
    writeFileSync(batch, `${item('q1')}\n${item('q2')}\n`)
    const typo = await arbiter('import', batch, '--project', 'p', '--assign', 'anna')
    expect(typo.code).toBe(1)
    expect(typo.stderr).toMatch(/No labeler matches "anna"/)
    const imported = await arbiter('import', batch, '--project', 'p', '--assign', 'ana')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/Imported 2 items\.\nRouted 2 items to ana\./)
    const assigned = await arbiter('items', 'assign', 'q0', '--project', 'p', '--group', 'experts')
    expect(assigned.stdout).toMatch(/Routed 1 item of p to the group experts\./)
    const missing = await arbiter('items', 'assign', 'q9', '--project', 'p', '--to', 'ben')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/1 of the ids name no item of p/)

    const db = await openDatabase(url)
    try {
      const routes = await db.db
        .selectFrom('ItemRoute')
        .innerJoin('Labeler', 'Labeler.id', 'ItemRoute.labelerId')
        .select(['ItemRoute.itemId', 'Labeler.displayName'])
        .orderBy('ItemRoute.itemId')
        .orderBy('ItemRoute.labelerId')
        .execute()
      const routedTo = (itemId: number) => routes.filter((r) => r.itemId === itemId).map((r) => r.displayName)
      expect((await rows(db, 'Item')).map((r) => [r.externalId, r.routed, r.assignedGroup, routedTo(r.id), r.target])).toEqual([
        ['q0', true, 'experts', [], 3],
        ['q1', true, null, ['ana'], 1],
        ['q2', true, null, ['ana'], 1],
      ])
    } finally {
      await db.close()
    }
  }, 400_000)

  it("sets a project's own guidelines from a Markdown file, and goes back to the team's guide", async () => {
    const guide = join(dir, 'guide.md')
    writeFileSync(guide, '# Our rules\n\nPrefer sourced answers.\n')
    const set = await arbiter('project', 'set', 'p', '--guide', guide)
    expect(set.stdout).toMatch(/guidelines: +the project's own \(36 characters\)/)
    const empty = join(dir, 'empty.md')
    writeFileSync(empty, '\n')
    const refused = await arbiter('project', 'set', 'p', '--guide', empty)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/The guidelines file is empty/)
    const back = await arbiter('project', 'set', 'p', '--default-guide')
    expect(back.stdout).toMatch(/guidelines: +the team's guide \(default\)/)
  }, 200_000)
})

// The labeling session as both chat platforms share it: what each click and form means.
// (The Slack and Discord suites drive the same stories through the real SDKs.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore, type TestCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { LabelingInteractions } from '../../src/interactions/labeling'
import type { Actor } from '../../src/interactions/actor'
import type { Action } from '../../src/views/action-codec'
import type { Card, Control } from '../../src/views/card'
import type { NewItem } from '../../src/store/item-repository'
import { countRows, rows } from '../support/tables'

const ana: Actor = { identity: { platform: 'slack', workspaceId: 'T1', platformUserId: 'U_ANA' }, displayName: 'Ana' }

function buttons(card: Card): Extract<Control, { type: 'button' }>[] {
  return card.blocks.flatMap((b) => (b.type === 'actions' ? b.controls : [])).filter((c): c is Extract<Control, { type: 'button' }> => c.type === 'button')
}
function button(card: Card, label: string): Action {
  const found = buttons(card).find((b) => b.label === label)
  if (!found) throw new Error(`no button "${label}" in ${buttons(card).map((b) => b.label).join(', ')}`)
  return found.action
}

describe.each(PROVIDERS)('the labeling session (platform-neutral) on %s', (provider) => {
  let t: TestCore
  let session: LabelingInteractions
  beforeEach(async () => {
    t = await testCore(provider)
    session = new LabelingInteractions(t.ctx, { maxFields: 5, maxTextInput: 4000 })
  })
  afterEach(async () => t.cleanup())

  async function project(settings: Record<string, unknown>, items: NewItem[]) {
    const p = await createProject(t.ctx, { name: 'p', settings: { goldRate: 0, rationalePolicy: 'never', ...settings } })
    await t.store.items.insertMany(p.id, items)
    return p
  }
  const pair: NewItem = { externalId: 'x', type: 'pairwise', messages: [{ role: 'user', content: 'Q <!channel>' }], responses: [{ id: 'a', model: null, text: 'A1' }, { id: 'b', model: null, text: 'B1' }], target: 3 }

  it('a pairwise verdict with a required rationale opens the modal, keeps the verdict, records on submit', async () => {
    await project({ rationalePolicy: 'always' }, [pair])
    const started = await session.start(ana)
    const card = started.post![0]!.card
    const verdict = button(card, 'A is better')
    const asked = await session.action(ana, verdict)
    expect(asked.modal?.ref).toMatchObject({ m: 'rationale', v: (verdict as { v: string }).v })
    expect(await countRows(t.store.database, 'Judgment')).toBe(0)
    const empty = await session.submit(ana, asked.modal!.ref, { rationale: '' })
    expect(empty.fieldErrors?.rationale).toBeTruthy()
    const done = await session.submit(ana, asked.modal!.ref, { rationale: 'A cites the source; B is wrong.', flaws: [] })
    expect(done.update?.summary).toMatch(/^Recorded: A is better/)
    expect(buttons(done.update!).map((b) => b.label)).toEqual(['Next task', 'Change my answer', 'Stop'])
    const again = await session.action(ana, verdict)
    expect(again.update?.blocks.some((b) => b.type === 'note' && b.text.includes('already been recorded'))).toBe(true)
    expect(await countRows(t.store.database, 'Judgment')).toBe(1)
  })

  it('a ranking refuses duplicate places with a clear message, then records a strict order', async () => {
    await project({ taskTypes: ['ranking'] }, [{ ...pair, type: 'ranking', responses: [...pair.responses, { id: 'c', model: null, text: 'C1' }] }])
    const card = (await session.start(ana)).post![0]!.card
    const as = (button(card, 'Submit ranking') as { as: number }).as
    await session.action(ana, { a: 'rank', as, pos: 0 }, ['b'])
    await session.action(ana, { a: 'rank', as, pos: 1 }, ['b'])
    await session.action(ana, { a: 'rank', as, pos: 2 }, ['a'])
    expect((await session.action(ana, { a: 'submit_rank', as })).notice).toMatch(/is in two places/)
    await session.action(ana, { a: 'rank', as, pos: 1 }, ['c'])
    const done = await session.action(ana, { a: 'submit_rank', as })
    expect(done.update?.summary).toMatch(/^Recorded:/)
    const [judgment] = await rows(t.store.database, 'Judgment')
    expect(JSON.parse(judgment!.ranking!)).toEqual(['b', 'c', 'a'])
  })

  it('the safety floor refusal is a polite note, and the task stays open', async () => {
    await project({}, [pair])
    const card = (await session.start(ana)).post![0]!.card
    const as = (button(card, 'Tie') as { as: number }).as
    await session.action(ana, { a: 'flaws', as }, ['a:safety_issue'])
    const refused = await session.action(ana, { a: 'verdict', as, v: 'a' })
    expect(refused.notice).toMatch(/critical flaw/)
    const ok = await session.action(ana, { a: 'verdict', as, v: 'b' })
    expect(ok.update?.summary).toMatch(/^Recorded/)
  })

  it('a verdict on an item a lead withdrew meanwhile: the card says so, nothing is recorded, Next task goes on', async () => {
    await project({}, [pair, { ...pair, externalId: 'y' }])
    const card = (await session.start(ana)).post![0]!.card
    const verdict = button(card, 'A is better')
    const shown = (await t.store.items.findByExternalId((await t.store.projects.findByName('p'))!.id, 'x'))!
    await t.store.items.drop(shown.id, t.ctx.now())
    const refused = await session.action(ana, verdict)
    expect(refused.update?.summary).toBe('This item was withdrawn')
    expect(refused.notice).toMatch(/^A lead withdrew this item/)
    expect(await countRows(t.store.database, 'Judgment')).toBe(0)
    const next = await session.action(ana, button(refused.update!, 'Next task'))
    // The next card is a task on the other item.
    button(next.post?.[0]?.card ?? next.update!, 'A is better')
    const assignments = await rows(t.store.database, 'Assignment')
    expect(assignments.map((a) => [a.itemId === shown.id ? 'x' : 'y', a.status])).toEqual([
      ['x', 'withdrawn'],
      ['y', 'active'],
    ])
  })

  it('SFT: write, see a preview, confirm the checklist, then submit; a closed modal keeps the draft', async () => {
    await project({ taskTypes: ['sft'] }, [{ externalId: 's', type: 'sft', messages: [{ role: 'user', content: 'Explain a semaphore.' }], responses: [], target: 1 }])
    const card = (await session.start(ana)).post![0]!.card
    const write = button(card, 'Write response…')
    const modal = (await session.action(ana, write)).modal!
    await session.close(ana, modal.ref, { 'response:0': 'A semaphore is a counter' })
    const reopened = (await session.action(ana, write)).modal!
    expect(reopened.fields.find((f) => f.id === 'response:0')).toMatchObject({ initial: 'A semaphore is a counter' })
    const long = 'x'.repeat(4000)
    const preview = await session.submit(ana, reopened.ref, { 'response:0': long, 'response:1': 'tail' })
    expect(preview.update?.blocks.some((b) => b.type === 'header' && b.text === 'Preview of your draft')).toBe(true)
    const details = (await session.action(ana, button(preview.update!, 'Details & self-review…'))).modal!
    expect((await session.submit(ana, details.ref, { edgeCase: ['none'], checklist: ['accurate'] })).fieldErrors?.checklist).toBeTruthy()
    const ready = await session.submit(ana, details.ref, { domain: 'cs', edgeCase: ['none'], checklist: ['accurate', 'helpful', 'clear', 'safe', 'appropriately_scoped', 'format_fit'] })
    const done = await session.action(ana, button(ready.update!, 'Submit'))
    expect(done.update?.summary).toBe('Recorded: Response submitted')
    const [judgment] = await rows(t.store.database, 'Judgment')
    expect(JSON.parse(judgment!.sft!).response).toBe(long + 'tail')
  })

  it('asks for a rationale only against the majority under close calls (Likert agrees by side of the scale)', async () => {
    const p = await project({ taskTypes: ['likert'], rationalePolicy: 'close_calls', redundancy: 5 }, [{ ...pair, type: 'likert', responses: [pair.responses[0]!] }])
    const item = (await t.store.items.findByExternalId(p.id, 'x'))!
    const others = await Promise.all(['bo', 'cy'].map((n) => t.labeler(n)))
    await t.store.judgments.insertImported(others.map((labelerId) => ({ assignmentId: null, projectId: p.id, itemId: item.id, labelerId, kind: 'likert' as const, choice: null, choicePosition: null, ranking: null, rating: 6, ratings: null, sft: null, flaws: null, flagged: false, flagReason: null, rationale: null, durationMs: null, displayOrder: ['a'], reviewStatus: null })))
    const card = (await session.start(ana)).post![0]!.card
    const as = (button(card, 'Skip') as { as: number }).as
    expect((await session.action(ana, { a: 'verdict', as, v: '2' })).modal?.title).toBe('Rationale') // against the majority
    expect((await session.action(ana, { a: 'verdict', as, v: '5' })).update?.summary).toMatch(/^Recorded: 5/) // "good", like the majority
  })

  it('dimension ratings take two steps where a modal holds five fields', async () => {
    await project({ taskTypes: ['dimensions'] }, [{ ...pair, type: 'dimensions', responses: [pair.responses[0]!] }])
    const card = (await session.start(ana)).post![0]!.card
    const first = (await session.action(ana, button(card, 'Rate dimensions…'))).modal!
    expect(first.fields).toHaveLength(5)
    const values = Object.fromEntries(first.fields.map((f) => [f.id, ['5']]))
    const step = await session.submit(ana, first.ref, values)
    const second = (await session.action(ana, button(step.update!, 'Continue: step 2 of 2…'))).modal!
    expect(second.fields.map((f) => f.id)).toEqual(['dim:honesty'])
    const done = await session.submit(ana, second.ref, { 'dim:honesty': ['6'] })
    expect(done.update?.summary).toMatch(/honesty 6/)
  })
})

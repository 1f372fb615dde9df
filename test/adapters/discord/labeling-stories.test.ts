// The labeling stories the Slack suite tells, told through the real discord.js Client against
// the fake Discord, on SQLite and PostgreSQL: tasks arrive as ephemeral messages, clicks update
// them, forms open as modals (selects and checkbox groups natively), judgments are recorded once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { buttonId, rowLabels, ANA, BOB, Harness, buttonLabels, pair, selectOf, shownText, taskMessage } from './harness'
import { rows } from '../../support/tables'

describe.each(PROVIDERS)('Discord labeling stories (%s)', (provider) => {
  let h: Harness
  beforeAll(async () => {
    h = await Harness.start(provider)
  })
  afterAll(async () => h?.stop())

  const judgments = () => rows(h.t.store.database, 'Judgment')

  it('pairwise with a required rationale: the verdict opens a modal, the submit records it', async () => {
    const project = await h.project('pw', { rationalePolicy: 'always' }, [pair])
    const started = await h.command(ANA, 'label start', { project: 'pw' })
    expect(started.ack.type).toBe(5)
    expect(started.ack.data?.flags).toBe(64)
    const task = taskMessage(started)
    expect(task.flags! & 64).toBe(64)
    expect(buttonLabels(task)).toEqual(expect.arrayContaining(['A is better', 'B is better', 'Tie', 'Both bad', 'Rationale…', 'Flag for review', 'Skip']))
    // Markdown and mentions of the prompt are shown as text; code stays a code block.
    const text = shownText([task])
    expect(text).toContain('\\*\\*A\\*\\*')
    expect(text).toContain('```js')
    expect(text).not.toMatch(/<@\d/)

    const verdict = await h.click(ANA, task, 'A is better')
    expect(verdict.ack.type).toBe(9)
    const modal = h.fake.modals.at(-1)!
    expect(modal.data.title).toBe('Rationale')
    expect(await judgments()).toHaveLength(0)
    const empty = await h.submit(ANA, { rationale: ' ', flaws: [] })
    expect(shownText(empty.messages)).toMatch(/short rationale/)
    expect(buttonLabels(empty.messages.at(-1)!)).toEqual(['Open the form again'])

    const done = await h.submit(ANA, { rationale: 'A cites the source; B is wrong.', flaws: [] })
    expect(done.ack.type).toBe(7) // the answer updates the task message
    const recorded = h.latest(task)
    expect(recorded.embeds?.[0]?.title).toMatch(/Recorded/)
    expect(buttonLabels(recorded)).toEqual(['Next task', 'Change my answer', 'Stop'])
    const [j] = await judgments()
    expect(j).toMatchObject({ kind: 'pairwise', rationale: 'A cites the source; B is wrong.', projectId: project.id })
  })

  it('ranking: one select per place, duplicates refused, then a strict order', async () => {
    await h.project('rk', { taskTypes: ['ranking'] }, [{ ...pair, externalId: 'r', type: 'ranking', responses: [...pair.responses, { id: 'c', model: null, text: 'C1' }, { id: 'd', model: null, text: 'D1' }] }])
    const started = await h.command(BOB, 'label start', { project: 'rk' })
    // Flaws + four places + buttons are six rows: the flaw select moves to the message before.
    const task = taskMessage(started)
    expect(task.components).toHaveLength(5)
    const first = selectOf(task, '1st (best)')
    const ids = first.options.map((o) => o.value)
    expect(ids).toHaveLength(4)
    for (const [place, id] of [['1st (best)', ids[1]], ['2nd', ids[1]], ['3rd', ids[0]], ['4th', ids[3]]] as const) {
      const picked = await h.choose(BOB, task, place, [id!])
      expect(picked.ack.type).toBe(6)
    }
    const refused = await h.click(BOB, task, 'Submit ranking')
    expect(refused.ack.type).toBe(4) // the refusal is a private reply; the task stays as it is
    expect(shownText(refused.messages)).toMatch(/is in two places/)
    await h.choose(BOB, task, '2nd', [ids[2]!])
    await h.click(BOB, task, 'Submit ranking')
    const j = (await judgments()).at(-1)!
    expect(JSON.parse(j.ranking!)).toEqual([ids[1], ids[2], ids[0], ids[3]])
    expect(h.latest(task).embeds?.[0]?.title).toMatch(/Recorded/)
  })

  it('Likert: seven buttons over two rows; a second click records nothing twice', async () => {
    await h.project('lk', { taskTypes: ['likert'] }, [{ ...pair, externalId: 'l', type: 'likert', responses: [pair.responses[0]!] }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'lk' }))
    const rows = rowLabels(task)
    expect(rows).toContainEqual(['1 · very bad', '2 · bad', '3 · somewhat bad', '4 · acceptable', '5 · good'])
    expect(rows).toContainEqual(['6 · very good', '7 · excellent'])
    const before = (await judgments()).length
    // Two clicks on the same button, sent together (a double click).
    const click = () => h.fake.buttonClick({ user: ANA, message: task.id, customId: buttonId(task, '5 · good') })
    const [one, two] = await Promise.all([h.fake.sendInteraction(click()), h.fake.sendInteraction(click())])
    await h.bot.idle()
    expect([one.type, two.type]).toEqual([7, 7]) // each answered with the recorded task
    const after = await judgments()
    expect(after.length - before).toBe(1)
    expect(after.at(-1)!.rating).toBe(5)
  })

  it('dimensions: two modal steps of string selects, then recorded', async () => {
    await h.project('dm', { taskTypes: ['dimensions'] }, [{ ...pair, externalId: 'd', type: 'dimensions', responses: [pair.responses[0]!] }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'dm' }))
    await h.click(ANA, task, 'Rate dimensions…')
    const step1 = h.fake.modals.at(-1)!
    const labels = step1.data.components as { type: number; component: { type: number; custom_id: string } }[]
    expect(labels.map((l) => [l.type, l.component.type])).toEqual(Array(5).fill([18, 3]))
    await h.submit(ANA, Object.fromEntries(labels.map((l) => [l.component.custom_id, ['5']])))
    expect(buttonLabels(h.latest(task))).toContain('Continue: step 2 of 2…')
    await h.click(ANA, h.latest(task), 'Continue: step 2 of 2…')
    await h.submit(ANA, { 'dim:honesty': ['6'] })
    expect(h.latest(task).embeds?.[1]?.fields?.[0]?.value).toMatch(/honesty 6/)
  })

  it('SFT: write in a modal, see the preview, confirm the checklist (checkbox group), submit', async () => {
    await h.project('sft', { taskTypes: ['sft'] }, [{ externalId: 's', type: 'sft', messages: [{ role: 'user', content: 'Explain a semaphore.' }], responses: [], target: 1 }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'sft' }))
    await h.click(ANA, task, 'Write response…')
    const written = await h.submit(ANA, { 'response:0': 'A semaphore is a counter with no owner.', 'response:1': '', 'response:2': '' })
    expect(written.ack.type).toBe(7)
    const preview = h.latest(task)
    expect(shownText([preview])).toContain('Preview of your draft')
    expect(shownText([preview])).toContain('A semaphore is a counter with no owner.')
    await h.click(ANA, preview, 'Details & self-review…')
    const details = h.fake.modals.at(-1)!
    const checklist = (details.data.components as { component: { type: number; custom_id: string } }[]).find((c) => c.component.custom_id === 'checklist')
    expect(checklist?.component.type).toBe(22)
    const partial = await h.submit(ANA, { domain: 'cs', tags: '', difficulty: ['easy'], edgeCase: ['none'], checklist: ['accurate'] })
    expect(shownText(partial.messages)).toMatch(/Confirm every self-review point/)
    const notice = partial.messages.at(-1)!
    await h.click(ANA, notice, 'Open the form again')
    const reopened = h.fake.modals.at(-1)!
    expect(reopened.data.title).toBe('Details & self-review')
    await h.submit(ANA, { domain: 'cs', tags: '', difficulty: ['easy'], edgeCase: ['none'], checklist: ['accurate', 'helpful', 'clear', 'safe', 'appropriately_scoped', 'format_fit'] })
    // A form reopened from the note updates that note: it now carries the task and its Submit.
    const ready = h.latest(notice)
    await h.click(ANA, ready, 'Submit')
    expect(h.latest(ready).embeds?.[0]?.title).toMatch(/Recorded/)
    const j = (await judgments()).at(-1)!
    expect(JSON.parse(j.sft!).response).toBe('A semaphore is a counter with no owner.')
  })

  it('flag for review, and the safety floor refused politely', async () => {
    await h.project('fl', {}, [{ ...pair, externalId: 'f1' }, { ...pair, externalId: 'f2' }])
    const task = taskMessage(await h.command(BOB, 'label start', { project: 'fl' }))
    // Options go by display position: A's factual error, A's safety issue, B's …
    const options = selectOf(task, 'Mark critical flaws (optional)').options
    expect(options[1]!.label).toBe('A: safety issue')
    await h.choose(BOB, task, 'Mark critical flaws (optional)', [options[1]!.value])
    const refused = await h.click(BOB, task, 'A is better')
    expect(refused.ack.type).toBe(4) // the project asks no rationale: the refusal is the private reply
    expect(shownText(refused.messages)).toMatch(/critical flaw/)
    const flag = await h.click(BOB, task, 'Flag for review')
    expect(flag.ack.type).toBe(9)
    await h.submit(BOB, { reason: 'Both answers depend on the year.' })
    const j = (await judgments()).at(-1)!
    expect(j).toMatchObject({ flagged: true, flagReason: 'Both answers depend on the year.' })
  })

  it('an expired assignment records nothing and says so', async () => {
    await h.project('ex', {}, [{ ...pair, externalId: 'e' }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'ex' }))
    const before = (await judgments()).length
    h.t.clock.advance(31 * 60_000)
    const late = await h.click(ANA, task, 'Tie')
    expect(h.latest(task).embeds?.[0]?.title).toBe('This task expired')
    expect(shownText(late.messages)).toMatch(/expired/)
    expect((await judgments()).length).toBe(before)
  })
})

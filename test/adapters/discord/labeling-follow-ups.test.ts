// What follows a verdict, told through the real discord.js Client against the fake Discord, on
// SQLite and PostgreSQL: "both bad" with the less bad response and a rewrite (one modal with a
// native select), an edge-case mark, and changing an answer inside and outside its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { ANA, BOB, Harness, buttonLabels, pair, shownText, taskMessage } from './harness'
import { lastRow } from '../../support/tables'

interface ModalSelect {
  component: { type: number; custom_id: string; options?: { label: string; value: string }[] }
}

describe.each(PROVIDERS)('after the verdict in Discord (%s)', (provider) => {
  let h: Harness
  beforeAll(async () => {
    h = await Harness.start(provider)
  })
  afterAll(async () => h?.stop())

  const latestJudgment = () => lastRow(h.t.store.database, 'Judgment')

  it('both bad: the modal asks which is less bad, the rationale, and a better response', async () => {
    await h.project('bb', { rationalePolicy: 'close_calls' }, [{ ...pair, externalId: 'bb' }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'bb' }))
    const opened = await h.click(ANA, task, 'Both bad')
    expect(opened.ack.type).toBe(9)
    const modal = h.fake.modals.at(-1)!
    expect(modal.data.title).toBe('Both bad')
    // The intro is a text display; the fields are labeled components.
    const fields = (modal.data.components as Partial<ModalSelect>[]).filter((c): c is ModalSelect => c.component !== undefined)
    expect(fields.map((f) => f.component.custom_id)).toEqual(['lessBad', 'rationale', 'rewrite'])
    const lessBad = fields[0]!.component
    expect(lessBad.type).toBe(3)
    expect(lessBad.options!.map((o) => o.label)).toEqual(['A is less bad', 'B is less bad', 'Equally bad'])

    // Discord closes a modal on submit: a missing answer comes back privately, with a way to reopen it.
    const missing = await h.submit(ANA, { lessBad: [], rationale: 'Both wrong.', rewrite: '' })
    expect(shownText(missing.messages)).toMatch(/less bad/)
    expect(buttonLabels(missing.messages.at(-1)!)).toEqual(['Open the form again'])
    const shownSecond = lessBad.options![1]!.value
    await h.submit(ANA, { lessBad: [shownSecond], rationale: 'Both wrong; B at least answers.', rewrite: 'The right answer, with its source.' })

    expect(await latestJudgment()).toMatchObject({ choice: 'both_bad', lessBad: shownSecond, rewrite: 'The right answer, with its source.', rationale: 'Both wrong; B at least answers.' })
    const recorded = h.latest(task)
    expect(shownText([recorded])).toContain('Both bad · B is less bad')
    expect(shownText([recorded])).toContain('The right answer, with its source.')
  })

  it('an edge-case mark on a Likert task is recorded with the rating', async () => {
    await h.project('edge', { taskTypes: ['likert'] }, [{ ...pair, externalId: 'e', type: 'likert', responses: [pair.responses[0]!] }])
    const task = taskMessage(await h.command(BOB, 'label start', { project: 'edge' }))
    const picked = await h.choose(BOB, task, 'Edge case? (optional)', ['multi_part'])
    expect(picked.ack.type).toBe(6)
    await h.click(BOB, task, '5 · good')
    expect(await latestJudgment()).toMatchObject({ rating: 5, edgeCase: 'multi_part' })
    expect(shownText([h.latest(task)])).toContain('Multi-part question')
  })

  it('second thoughts: changed inside the window, refused outside it', async () => {
    await h.project('amend', {}, [{ ...pair, externalId: 'am1' }, { ...pair, externalId: 'am2' }])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'amend' }))
    await h.click(ANA, task, 'A is better')
    expect(buttonLabels(h.latest(task))).toEqual(['Next task', 'Change my answer', 'Stop'])
    await h.click(ANA, h.latest(task), 'Change my answer')
    const again = h.latest(task)
    expect(shownText([again])).toContain('Changing your answer (recorded: A is better)')
    await h.click(ANA, again, 'Tie')
    const changed = await latestJudgment()
    expect(changed).toMatchObject({ choice: 'tie', revision: 1 })
    expect(await h.t.store.judgments.amendmentsOf(changed!.id)).toMatchObject([{ revision: 0, previous: { choice: JSON.parse(changed!.displayOrder)[0] } }])
    expect(shownText([h.latest(task)])).toContain('Changed.')

    // The next task, answered, then left past the window.
    await h.click(ANA, h.latest(task), 'Next task')
    const second = h.latest(task).components?.length ? h.latest(task) : taskMessage(await h.command(ANA, 'label start', { project: 'amend' }))
    await h.click(ANA, second, 'B is better')
    h.t.clock.advance(11 * 60_000)
    const late = await h.click(ANA, h.latest(second), 'Change my answer')
    expect(shownText(late.messages)).toMatch(/that time has passed/)
    expect(buttonLabels(h.latest(second))).toEqual(['Next task', 'Stop'])
    expect((await latestJudgment())!.revision).toBe(0)
  })
})

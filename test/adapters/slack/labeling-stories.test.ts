// Labeling in Slack, end to end: the real Bolt app in Socket Mode against the fake Slack over
// real sockets, on SQLite and PostgreSQL. Each story is what a labeler does, click by click.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { ANA, labelsOf, pairItem, slackHarness, textOf, type Harness } from './harness'
import { firstRow, rows } from '../../support/tables'

describe.each(PROVIDERS)('labeling in Slack (%s)', (provider) => {
  let h: Harness
  beforeEach(async () => {
    h = await slackHarness(provider)
  })
  afterEach(async () => h.stop())

  it('a pairwise task arrives in a DM; a verdict is recorded and the message updated in place', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    expect(task.channel).toBe(h.fake.dmChannelOf(ANA))
    expect(labelsOf(task)).toEqual(expect.arrayContaining(['A is better', 'B is better', 'Tie', 'Both bad', 'Flag for review', 'Skip']))
    await h.click(ANA, 'A is better')
    const recorded = h.fake.message(task.channel, task.ts)!
    expect(recorded.text).toMatch(/^Recorded: A is better/)
    expect(labelsOf(recorded)).toEqual(['Next task', 'Change my answer', 'Stop'])
    expect(await h.judgments()).toBe(1)
    expect(h.fake.calls.filter((c) => !c.ok)).toEqual([])
  })

  it('a required rationale: the verdict opens a modal, nothing is recorded until a rationale is submitted', async () => {
    await h.project({ rationalePolicy: 'always' }, [pairItem()])
    const task = await h.label(ANA)
    await h.click(ANA, 'B is better')
    const modal = h.fake.lastView(ANA)!
    expect(modal.title.text).toBe('Rationale')
    expect(JSON.parse(modal.private_metadata)).toEqual({ c: task.channel, t: task.ts })
    expect(await h.judgments()).toBe(0)
    const refused = await h.submit(ANA, { rationale: null })
    expect(refused).toMatchObject({ response_action: 'errors', errors: { rationale: expect.stringMatching(/rationale/) } })
    expect(await h.judgments()).toBe(0)
    expect(await h.submit(ANA, { rationale: 'B names the right city; A is wrong.' })).toEqual({})
    expect(await h.judgments()).toBe(1)
    const updated = h.fake.message(task.channel, task.ts)!
    expect(updated.text).toMatch(/^Recorded: B is better/)
    expect(textOf(updated)).toContain('B names the right city')
  })

  it('a ranking: one select per place, then Submit ranking', async () => {
    const item = { ...pairItem(), type: 'ranking' as const, responses: [...pairItem().responses, { id: 'c', model: null, text: 'Marseille.' }] }
    await h.project({ taskTypes: ['ranking'] }, [item])
    const task = await h.label(ANA)
    await h.choose(ANA, '1st (best)', ['a'])
    await h.choose(ANA, '2nd', ['c'])
    await h.choose(ANA, '3rd', ['b'])
    await h.click(ANA, 'Submit ranking')
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: /)
    const [judgment] = await rows(h.t.store.database, 'Judgment')
    expect(JSON.parse(judgment!.ranking!)).toEqual(['a', 'c', 'b'])
  })

  it('a Likert rating', async () => {
    await h.project({ taskTypes: ['likert'] }, [{ ...pairItem(), type: 'likert', responses: [pairItem().responses[0]!] }])
    const task = await h.label(ANA)
    await h.click(ANA, /^6 · /)
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: 6/)
    expect(await h.judgments()).toBe(1)
  })

  it('dimension ratings through a modal', async () => {
    await h.project({ taskTypes: ['dimensions'] }, [{ ...pairItem(), type: 'dimensions', responses: [pairItem().responses[0]!] }])
    const task = await h.label(ANA)
    await h.click(ANA, 'Rate dimensions…')
    const modal = h.fake.lastView(ANA)!
    const ids = modal.blocks.filter((b) => b.type === 'input').map((b) => String(b.block_id))
    expect(ids).toEqual(['dim:accuracy', 'dim:helpfulness', 'dim:completeness', 'dim:clarity', 'dim:safety', 'dim:honesty'])
    expect(await h.submit(ANA, Object.fromEntries(ids.map((id, i) => [id, String(i + 1)])))).toEqual({})
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: accuracy 1, helpfulness 2/)
  })

  it('an SFT task: write in a modal, see the preview, confirm the checklist, submit', async () => {
    await h.project({ taskTypes: ['sft'] }, [{ externalId: 's', type: 'sft', messages: [{ role: 'user', content: 'Explain a semaphore.' }], responses: [], target: 1 }])
    const task = await h.label(ANA)
    await h.click(ANA, 'Write response…')
    const write = h.fake.lastView(ANA)!
    expect(write.notify_on_close).toBe(true)
    const answer = 'A semaphore is a counter that limits how many threads use a resource at once. ```js\nawait sem.acquire()\n```'
    expect(await h.submit(ANA, { 'response:0': answer })).toEqual({})
    const preview = h.fake.message(task.channel, task.ts)!
    expect(textOf(preview)).toContain('Preview of your draft')
    expect(labelsOf(preview)).toContain('Details & self-review…')
    await h.click(ANA, 'Details & self-review…')
    const partial = await h.submit(ANA, { edgeCase: 'none', checklist: ['accurate'] })
    expect(partial).toMatchObject({ response_action: 'errors', errors: { checklist: expect.any(String) } })
    await h.submit(ANA, { domain: 'cs', edgeCase: 'none', checklist: ['accurate', 'helpful', 'clear', 'safe', 'appropriately_scoped', 'format_fit'] })
    expect(labelsOf(h.fake.message(task.channel, task.ts))).toContain('Submit')
    await h.click(ANA, 'Submit')
    expect(h.fake.message(task.channel, task.ts)!.text).toBe('Recorded: Response submitted')
    const [judgment] = await rows(h.t.store.database, 'Judgment')
    expect(JSON.parse(judgment!.sft!).response).toBe(answer)
  })

  it('a closed SFT modal keeps the draft', async () => {
    await h.project({ taskTypes: ['sft'] }, [{ externalId: 's', type: 'sft', messages: [{ role: 'user', content: 'Explain a mutex.' }], responses: [], target: 1 }])
    await h.label(ANA)
    await h.click(ANA, 'Write response…')
    const view = h.fake.lastView(ANA)!
    const closed = h.fake.viewClosed({ view: view.id })
    closed.view.state = { values: { 'response:0': { 'response:0': { type: 'plain_text_input', value: 'A mutex is a lock' } } } }
    await h.fake.sendInteractive(closed)
    await expect.poll(async () => JSON.stringify((await firstRow(h.t.store.database, 'Assignment'))?.draft ?? '')).toContain('A mutex is a lock')
    await h.click(ANA, 'Write response…')
    expect(h.fake.lastView(ANA)!.blocks.find((b) => b.block_id === 'response:0')?.element.initial_value).toBe('A mutex is a lock')
  })

  it('a flag records the task as flagged with the reason', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.click(ANA, 'Flag for review')
    expect(h.fake.lastView(ANA)!.title.text).toBe('Flag for review')
    await h.submit(ANA, { reason: 'Both answers are truncated.' })
    const [judgment] = await rows(h.t.store.database, 'Judgment')
    expect(judgment).toMatchObject({ flagged: true, flagReason: 'Both answers are truncated.' })
    expect(textOf(h.fake.message(task.channel, task.ts))).toContain('Flagged for review')
  })

  it('the safety floor refusal is a polite private note and the task stays open', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.choose(ANA, 'Mark critical flaws (optional)', ['a:safety_issue'])
    await h.click(ANA, 'A is better')
    expect(h.fake.ephemerals(ANA).at(-1)?.text).toMatch(/critical flaw/)
    expect(await h.judgments()).toBe(0)
    expect(labelsOf(h.fake.message(task.channel, task.ts))).toContain('B is better')
    await h.click(ANA, 'B is better')
    expect(await h.judgments()).toBe(1)
  })

  it('a double click and a redelivered envelope record one judgment', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    const button = task.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: { text?: { text?: string } }) => e.text?.text === 'A is better')
    const click = () => h.fake.clickButton({ user: ANA, channel: task.channel, messageTs: task.ts, actionId: button.action_id })
    const [first] = await Promise.all([click(), click()])
    await h.fake.redeliver(first.envelope)
    await h.fake.redeliver(first.envelope, { keepEnvelopeId: true })
    await h.idle()
    expect(await h.judgments()).toBe(1)
    expect(h.fake.message(task.channel, task.ts)!.text).toMatch(/^Recorded: A is better/)
  })

  it('an expired assignment records nothing and says so', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    h.t.clock.advance(31 * 60_000)
    await h.click(ANA, 'A is better')
    expect(await h.judgments()).toBe(0)
    const updated = h.fake.message(task.channel, task.ts)!
    expect(updated.text).toBe('This task expired')
    expect(labelsOf(updated)).toEqual(['Next task'])
  })

  it('Next task posts the next one and retires the old buttons', async () => {
    await h.project({}, [pairItem('x'), pairItem('y', 'Capital of Italy?')])
    const task = await h.label(ANA)
    await h.click(ANA, 'A is better')
    await h.click(ANA, 'Next task', { message: task })
    expect(labelsOf(h.fake.message(task.channel, task.ts))).toEqual([])
    const next = h.last(ANA)
    expect(next.ts).not.toBe(task.ts)
    expect(labelsOf(next)).toContain('A is better')
  })
})

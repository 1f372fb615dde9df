// What follows a verdict, in Slack, on SQLite and PostgreSQL: "both bad" as the guide asks (which
// is less bad, and a better response of the labeler's own), an edge-case mark on any task, and
// second thoughts (changing an answer within its window). The real Bolt app against the fake Slack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { exportData } from '../../../src/core/export/export-data'
import { projectReport } from '../../../src/core/report/project-report'
import { ANA, BEN, labelsOf, pairItem, slackHarness, textOf, unescape, type Harness } from './harness'
import type { SlackJson } from '../../fakes/fake-slack'
import { countRows, existingRow, firstRow, rows } from '../../support/tables'

/** The option value a labeler picks by its label, in the open modal's select. */
function optionValue(h: Harness, user: string, blockId: string, label: string): string {
  const block = h.fake.lastView(user)!.blocks.find((b: SlackJson) => b.block_id === blockId)
  const option = (block?.element.options as SlackJson[] | undefined)?.find((o) => unescape(String(o.text.text)) === label)
  if (!option) throw new Error(`no option "${label}" in ${blockId}`)
  return String(option.value)
}

async function exported(h: Harness, format: 'preferences' | 'sft' | 'judgments', options: { includeBothBad?: boolean; withMetadata?: boolean } = {}): Promise<Record<string, unknown>[]> {
  let text = ''
  await exportData(h.t.ctx, { projectName: 'p', format, ...options }, (chunk) => {
    text += chunk
  })
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe.each(PROVIDERS)('after the verdict in Slack (%s)', (provider) => {
  let h: Harness
  beforeEach(async () => {
    h = await slackHarness(provider)
  })
  afterEach(async () => h.stop())

  it('both bad: one form asks which is less bad, the rationale and a better response; the rewrite is reviewed and exported', async () => {
    // close_calls asks a rationale for "both bad"; the project reviews SFT work.
    await h.project({ rationalePolicy: 'close_calls', sftReview: true }, [pairItem('x', 'What is 2 + 2?')])
    const task = await h.label(ANA)
    await h.click(ANA, 'Both bad')
    const form = h.fake.lastView(ANA)!
    expect(form.title.text).toBe('Both bad')
    expect(form.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['lessBad', 'rationale', 'rewrite'])
    expect(await h.judgments()).toBe(0)

    // The letters are the labeler's own: "A" is whatever was shown first to them.
    const shownFirst = optionValue(h, ANA, 'lessBad', 'A is less bad')
    const refused = await h.submit(ANA, { lessBad: shownFirst, rationale: null, rewrite: 'Four.' })
    expect(refused).toMatchObject({ response_action: 'errors', errors: { rationale: expect.stringMatching(/rationale/) } })
    expect(await h.judgments()).toBe(0)
    expect(await h.submit(ANA, { lessBad: shownFirst, rationale: 'Both miss the sum; A at least is a number.', rewrite: '2 + 2 = 4.' })).toEqual({})

    const [judgment] = await rows(h.t.store.database, 'Judgment')
    expect(judgment).toMatchObject({ choice: 'both_bad', lessBad: shownFirst, rewrite: '2 + 2 = 4.', rationale: 'Both miss the sum; A at least is a number.', reviewStatus: 'pending' })
    const recorded = h.fake.message(task.channel, task.ts)!
    expect(recorded.text).toBe('Recorded: Both bad · A is less bad')
    expect(textOf(recorded)).toContain('2 + 2 = 4.')

    // Nothing of the rewrite is training data until a reviewer accepts it.
    expect(await exported(h, 'sft')).toEqual([])
    const review = await h.label(BEN)
    expect(textOf(review)).toContain('2 + 2 = 4.')
    await h.click(BEN, 'Rate & accept…')
    await h.submit(BEN, Object.fromEntries(['factual_accuracy', 'task_completion', 'format_fit', 'appropriate_length', 'safety', 'natural_tone'].map((c) => [`crit:${c}`, '6'])))
    expect((await existingRow(h.t.store.database, 'Judgment', { id: judgment!.id })).reviewStatus).toBe('accepted')

    const prompt = [{ role: 'user', content: 'What is 2 + 2?' }]
    // A default row has only its consumer's columns; --with-metadata says where it came from.
    expect(await exported(h, 'sft')).toEqual([{ messages: [...prompt, { role: 'assistant', content: '2 + 2 = 4.' }] }])
    expect(await exported(h, 'sft', { withMetadata: true })).toEqual([expect.objectContaining({ source: 'both_bad_rewrite', settled_by: 'rewrite' })])
    // The rewrite is preferred over both responses; "A is less bad" is weaker evidence, exported only when asked for.
    const preferences = await exported(h, 'preferences')
    expect(preferences.map((p) => [p.chosen, p.rejected])).toEqual([
      [[{ role: 'assistant', content: '2 + 2 = 4.' }], [{ role: 'assistant', content: 'Paris.' }]],
      [[{ role: 'assistant', content: '2 + 2 = 4.' }], [{ role: 'assistant', content: 'Lyon.' }]],
    ])
    const lessBadText = shownFirst === 'a' ? 'Paris.' : 'Lyon.'
    const withLessBad = await exported(h, 'preferences', { includeBothBad: true })
    expect(withLessBad).toHaveLength(3)
    expect(withLessBad.at(-1)!.chosen).toEqual([{ role: 'assistant', content: lessBadText }])
  })

  it('both bad, equally: no preference between the two, and no rewrite needed', async () => {
    await h.project({}, [pairItem()])
    await h.label(ANA)
    await h.click(ANA, 'Both bad')
    expect(h.fake.lastView(ANA)!.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['lessBad', 'rewrite'])
    await h.submit(ANA, { lessBad: optionValue(h, ANA, 'lessBad', 'Equally bad'), rewrite: null })
    expect(await firstRow(h.t.store.database, 'Judgment')).toMatchObject({ choice: 'both_bad', lessBad: 'equal', rewrite: null })
    expect(await exported(h, 'preferences', { includeBothBad: true })).toEqual([])
  })

  it('an edge-case mark on a pairwise task is recorded, exported and counted per labeler', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.choose(ANA, 'Edge case? (optional)', ['opinion'])
    await h.click(ANA, 'A is better')
    expect(await firstRow(h.t.store.database, 'Judgment')).toMatchObject({ edgeCase: 'opinion' })
    expect(textOf(h.fake.message(task.channel, task.ts))).toContain('Opinion question')
    const [row] = await exported(h, 'judgments')
    expect(row).toMatchObject({ edge_case: 'opinion' })
    const report = await projectReport(h.t.ctx, { projectName: 'p', leaderboard: false })
    expect(report.labelers.find((l) => l.labeler === 'ana')?.edgeCases).toEqual({ opinion: 1 })
  })

  it('second thoughts: within the window an answer changes once, however often the click arrives; the first is kept', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.click(ANA, 'A is better')
    const recorded = h.fake.message(task.channel, task.ts)!
    expect(labelsOf(recorded)).toEqual(['Next task', 'Change my answer', 'Stop'])
    expect(textOf(recorded)).toContain('until 09:10 UTC')

    h.t.clock.advance(9 * 60_000)
    await h.click(ANA, 'Change my answer')
    const again = h.fake.message(task.channel, task.ts)!
    expect(textOf(again)).toContain('Changing your answer (recorded: A is better)')
    expect(labelsOf(again)).toEqual(expect.arrayContaining(['A is better', 'B is better', 'Keep my answer']))
    expect(labelsOf(again)).not.toContain('Skip')

    // A double click: two deliveries of the same press.
    const button = again.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: SlackJson) => e.text?.text === 'B is better')
    const click = () => h.fake.clickButton({ user: ANA, channel: task.channel, messageTs: task.ts, actionId: button.action_id })
    await Promise.all([click(), click()])
    await h.idle()

    const judgments = await rows(h.t.store.database, 'Judgment')
    expect(judgments).toHaveLength(1)
    const shownSecond = JSON.parse(judgments[0]!.displayOrder)[1]
    expect(judgments[0]).toMatchObject({ choice: shownSecond, choicePosition: 1 })
    const amendments = await h.t.store.judgments.amendmentsOf(judgments[0]!.id)
    expect(amendments).toHaveLength(1)
    expect(amendments[0]!.previous).toMatchObject({ choice: JSON.parse(judgments[0]!.displayOrder)[0], choicePosition: 0 })
    const changed = h.fake.message(task.channel, task.ts)!
    expect(changed.text).toBe('Recorded: B is better')
    // The second delivery may be the last to edit the message: it says nothing was counted twice.
    expect(textOf(changed)).toMatch(/Changed\.|This change had already been made/)
    // Metrics and exports read the latest answer.
    const [row] = await exported(h, 'judgments')
    expect(row).toMatchObject({ choice: shownSecond, amended: 1 })
  })

  it('second thoughts: after the window the answer stays, with a polite note', async () => {
    await h.project({}, [pairItem()])
    const task = await h.label(ANA)
    await h.click(ANA, 'A is better')
    h.t.clock.advance(10 * 60_000 + 1)
    await h.click(ANA, 'Change my answer')
    expect(h.fake.ephemerals(ANA).at(-1)?.text).toMatch(/changed for 10 minutes after it is recorded; that time has passed/)
    const card = h.fake.message(task.channel, task.ts)!
    expect(card.text).toBe('Recorded: A is better')
    expect(labelsOf(card)).toEqual(['Next task', 'Stop'])
    expect(await countRows(h.t.store.database, 'JudgmentAmendment')).toBe(0)
  })
})

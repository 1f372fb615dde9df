// A click whose handling outlasts the decision budget is deferred (Discord's 3 s never pass);
// a modal it then asks for can no longer be shown, so it is offered behind a button instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { ANA, Harness, buttonLabels, pair, shownText, taskMessage } from './harness'
import type { DiscordBotOverrides } from '../../../src/adapters/discord/discord-bot'
import { countRows } from '../../support/tables'

describe.each(PROVIDERS)('slow clicks on %s', (provider) => {
  let h: Harness
  const overrides: DiscordBotOverrides = { decisionMs: 0 }
  beforeAll(async () => {
    h = await Harness.start(provider, { bot: overrides })
  })
  afterAll(async () => h?.stop())

  it('a verdict that needs a rationale after a deferral offers the form behind a button', async () => {
    await h.project('slow', { rationalePolicy: 'always' }, [pair])
    const task = taskMessage(await h.command(ANA, 'label start', { project: 'slow' }))
    const verdict = await h.click(ANA, task, 'B is better')
    expect(verdict.ack.type).toBe(6)
    const offer = verdict.messages.at(-1)!
    expect(shownText([offer])).toMatch(/needs a form/)
    expect(buttonLabels(offer)).toEqual(['Open the form'])
    overrides.decisionMs = 1_500
    const opened = await h.click(ANA, offer, 'Open the form')
    expect(opened.ack.type).toBe(9)
    expect(h.fake.modals.at(-1)!.data.title).toBe('Rationale')
    await h.submit(ANA, { rationale: 'B is right.', flaws: [] })
    expect(await countRows(h.t.store.database, 'Judgment')).toBe(1)
    expect(h.fake.mentionViolations).toEqual([])
  })
})

// What leads get on Discord beyond calibration, through the real discord.js Client against the
// fake Discord: a flag posted at once in the project's lead channel, where only a lead (by role)
// settles, drops or returns it; the Guidelines button with a project's own guidelines uploaded
// by `/label guide`; items routed to a named labeler. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { APIMessage } from 'discord.js'
import { PROVIDERS } from '../../support/databases'
import { ANA, BOB, GUILD, Harness, LEAD_CHANNEL, LEE, buttonLabels, components, pair, shownText, taskMessage } from './harness'
import { ensureLabeler } from '../../../src/core/labelers'
import { resolveRouting, routeItems } from '../../../src/core/route-items'
import { LETTERS } from '../../../src/views/task-card'
import { existingRow } from '../../support/tables'

function expectCleanTraffic(h: Harness): void {
  expect(h.fake.mentionViolations).toEqual([])
  expect(h.fake.internalErrors).toEqual([])
  expect(h.fake.requests.filter((r) => r.status >= 400 && r.status !== 429).map((r) => `${r.route} ${r.status} ${JSON.stringify(r.response)}`)).toEqual([])
}

const flagPosts = (h: Harness): APIMessage[] => h.fake.messagesIn(LEAD_CHANNEL, { ephemeral: false }).filter((m) => /Flagged · p · item|✓ .* · p · item/.test(m.embeds[0]?.title ?? ''))

describe.each(PROVIDERS)('Discord: what leads see (%s)', (provider) => {
  let h: Harness
  beforeEach(async () => {
    h = await Harness.start(provider)
    for (const user of [ANA, BOB]) await ensureLabeler(h.t.ctx, { platform: 'discord', workspaceId: GUILD, platformUserId: user.id }, user.username)
  }, 60_000)
  afterEach(async () => {
    expectCleanTraffic(h)
    await h.stop()
  })

  it('a flag reaches the lead channel; a labeler is refused; a lead by role settles it there and the flagger hears in their own letters', async () => {
    const p = await h.project('p', { discordLeadChannel: LEAD_CHANNEL }, [{ ...pair, externalId: 'x1', target: 1 }])
    const task = taskMessage(await h.command(ANA, 'label start'))
    expect(buttonLabels(task)).toContain('Guidelines')
    await h.click(ANA, task, 'Flag for review')
    await h.submit(ANA, { reason: 'Both look wrong @everyone — ask <@200000000000000002>' })

    const [post, ...more] = flagPosts(h)
    expect(more).toEqual([])
    expect(post!.embeds[0]!.title).toBe('Flagged · p · item x1')
    expect(shownText([post!])).toContain('Both look wrong')
    expect(shownText([post!])).toContain('Flagged by')
    expect(post!.mentions).toEqual([])
    expect(post!.mention_everyone).toBe(false)
    expect(buttonLabels(post!)).toEqual(['Drop from project', 'Return to the pool'])

    // Bob is a labeler: a polite private refusal, no modal, nothing changes.
    const refused = await h.choose(BOB, post!, 'Lead: settle the verdict…', ['b'])
    expect(h.fake.storedMessage(refused.messages[0]!.id)!.ephemeral).toBe(true)
    expect(shownText(refused.messages)).toMatch(/Only leads can handle a flagged item/)
    expect(h.fake.modals.filter((m) => m.interactionId === refused.interaction.id)).toHaveLength(0)
    const dropRefused = await h.click(BOB, post!, 'Drop from project')
    expect(shownText(dropRefused.messages)).toMatch(/Only leads can handle a flagged item/)
    expect(h.latest(post!).components).toEqual(post!.components)

    // Lee (lead role) settles B with the calibration verdict form; the post is edited for everyone.
    const opened = await h.choose(LEE, post!, 'Lead: settle the verdict…', ['b'])
    expect(opened.ack.type).toBe(9)
    expect(JSON.stringify(h.fake.modals.at(-1)!.data)).toContain('Settle the verdict')
    const settled = await h.submit(LEE, { note: 'B is what the user asked for.' })
    const edited = h.latest(post!)
    expect(edited.embeds[0]!.title).toBe('✓ Settled: Response 2 is better · p · item x1')
    expect(components(edited)).toEqual([])
    expect(shownText(settled.messages.filter((m) => m.id !== post!.id))).toMatch(/Settled: Response 2 is better\. It is now the item's gold answer/)
    const item = (await h.t.store.items.findByExternalId(p.id, 'x1'))!
    expect(item.gold).toEqual({ winner: 'b' })

    const assignment = await existingRow(h.t.store.database, 'Assignment', { itemId: item.id })
    const letter = LETTERS[(JSON.parse(assignment.displayOrder) as string[]).indexOf('b')]
    const dm = h.fake.dmChannelOf(ANA.id)!
    expect(shownText(h.fake.messagesIn(String(dm.id)))).toContain(`a lead settled it: ${letter} is better`)

    // The same form submitted again (a second tab, a retry) is told the flag was handled.
    const modal = h.fake.modals.at(-1)!
    const again = await h.send(h.fake.modalSubmit({ user: LEE, customId: String(modal.data.custom_id), fields: { note: 'Actually A.' } }))
    expect(shownText(again.messages)).toMatch(/This flag was handled already/)
    expect((await h.t.store.items.findByExternalId(p.id, 'x1'))!.gold).toEqual({ winner: 'b' })
    expect((await h.t.store.items.findByExternalId(p.id, 'x1'))!.droppedAt).toBeNull()
  })

  it("the Guidelines button shows the project's own guidelines, uploaded by a lead with /label guide", async () => {
    await h.project('p', {}, [{ ...pair, externalId: 'x1', target: 3 }])
    const guide = '# Project p\n\nPrefer the answer that shows its reasoning. Flag anything legal.'
    const refused = await h.command(BOB, 'label guide', { project: 'p', file: h.fake.addAttachment({ filename: 'guide.md', content: guide }) } as never)
    expect(shownText(refused.messages)).toMatch(/Only leads/)
    expect(h.fake.downloads).toHaveLength(0)
    const set = await h.command(LEE, 'label guide', { project: 'p', file: h.fake.addAttachment({ filename: 'guide.md', content: guide }) } as never)
    expect(shownText(set.messages)).toMatch(/The guidelines of p are now guide\.md/)

    const task = taskMessage(await h.command(ANA, 'label start'))
    const shown = await h.click(ANA, task, 'Guidelines')
    const reply = shown.messages.at(-1)!
    expect(h.fake.storedMessage(reply.id)!.ephemeral).toBe(true)
    expect(shownText([reply])).toContain('Flag anything legal.')
    // The task itself is untouched.
    expect(h.latest(task).components).toEqual(task.components)
  })

  it('an item routed to a named labeler goes to them alone', async () => {
    const p = await h.project('p', { redundancy: 1 }, [
      { ...pair, externalId: 'for-ana', target: 1 },
      { ...pair, externalId: 'open', target: 1 },
    ])
    await routeItems(h.t.ctx, { selection: { projectId: p.id, externalIds: ['for-ana'] }, routing: await resolveRouting(h.t.ctx, { labelers: ['ana'] }) })
    const externalOf = async (message: APIMessage) => {
      const id = Number(/Task (\d+)/.exec(shownText([message]))?.[1])
      const assignment = await h.t.store.assignments.findById(id)
      return (await h.t.store.items.findById(assignment!.itemId))!.externalId
    }
    const bobs = taskMessage(await h.command(BOB, 'label start'))
    expect(await externalOf(bobs)).toBe('open')
    await h.click(BOB, bobs, 'Tie')
    const next = await h.click(BOB, h.latest(bobs), 'Next task')
    expect(shownText(next.messages)).toMatch(/All done for now/)

    const anas = taskMessage(await h.command(ANA, 'label start'))
    expect(await externalOf(anas)).toBe('for-ana')
  })
})

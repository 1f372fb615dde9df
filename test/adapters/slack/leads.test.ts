// What leads get on Slack beyond calibration: a labeler's flag posted at once in the project's
// lead channel with lead-only controls (settle, drop, return to the pool); a project's own
// guidelines behind the Guidelines button on every task; items routed to named labelers or a
// group, and skills that bring a labeler their domain first. Real Bolt app, fake Slack, on
// SQLite and PostgreSQL.
import { LogLevel } from '@slack/bolt'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSlackPort } from '../../../src/adapters/slack/slack-port'
import { loadConfig } from '../../../src/config'
import { ensureLabeler } from '../../../src/core/labelers'
import { setGuidelines } from '../../../src/core/guidelines'
import { resolveRouting, routeItems } from '../../../src/core/route-items'
import { ChatPorts } from '../../../src/interactions/chat-port'
import type { JobEnv } from '../../../src/jobs/job-env'
import { JobRunner } from '../../../src/jobs/runner'
import { JOBS } from '../../../src/jobs/definitions'
import { LETTERS } from '../../../src/views/task-card'
import type { StoredMessage } from '../../fakes/fake-slack'
import { PROVIDERS, type TestProvider } from '../../support/databases'
import { ANA, BEN, LEAD, labelsOf, pairItem, retryConfig, slackHarness, textOf, unescape, type Harness } from './harness'
import { existingRow } from '../../support/tables'

const LEADS = 'C0LEADS'

function leadNoticeJobs(h: Harness): JobRunner {
  const config = loadConfig({ SLACK_BOT_TOKEN: h.fake.botToken, SLACK_API_URL: h.fake.apiUrl })
  const ports = new ChatPorts()
  ports.register(createSlackPort(config, { retryConfig, logLevel: LogLevel.ERROR }))
  const env: JobEnv = {
    ctx: h.t.ctx,
    ports,
    log: pino({ level: 'silent' }),
    settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 },
  }
  return new JobRunner(env, JOBS.filter((j) => j.name === 'lead-notices'))
}

const flagPosts = (h: Harness): StoredMessage[] => h.fake.messages(LEADS).filter((m) => /Flagged · p · item|✓ .* · p · item/.test(unescape(textOf(m))))

/** Ana takes her next task and flags it with a reason; returns the flagged item's external id. */
async function anaFlags(h: Harness, reason: string): Promise<string> {
  const task = await h.label(ANA)
  await h.click(ANA, 'Flag for review', { message: task })
  await h.submit(ANA, { reason })
  const judgment = await existingRow(h.t.store.database, 'Judgment', { flagged: true, flagReason: reason })
  return (await h.t.store.items.findById(judgment.itemId))!.externalId!
}

/** The external ids of the items a labeler was handed, in the order they were handed out. */
async function itemsTakenBy(h: Harness, user: string): Promise<(string | null)[]> {
  const labeler = (await h.t.store.labelers.findByHandle(user))[0]!
  const taken = await h.t.store.database.db
    .selectFrom('Assignment')
    .innerJoin('Item', 'Item.id', 'Assignment.itemId')
    .select('Item.externalId')
    .where('Assignment.labelerId', '=', labeler.id)
    .orderBy('Assignment.id', 'asc')
    .execute()
  return taken.map((row) => row.externalId)
}

describe.each(PROVIDERS)('Slack: what leads see on %s', (provider: TestProvider) => {
  let h: Harness
  beforeEach(async () => {
    h = await slackHarness(provider)
    h.fake.channel(LEADS, 'labeling-leads')
    for (const [user, name] of [[ANA, 'ana'], [BEN, 'ben']]) await ensureLabeler(h.t.ctx, { platform: 'slack', workspaceId: h.fake.teamId, platformUserId: user! }, name!)
  })
  afterEach(async () => h.stop())

  it('a flag reaches the lead channel at once; a labeler cannot handle it; a lead settles it from there and the flagger hears in their own letters', async () => {
    const p = await h.project({ slackLeadChannel: LEADS }, [{ ...pairItem('x1'), target: 1 }])
    const flagged = await anaFlags(h, 'Both answers look right to me <!channel> — ask <@U0BEN>?')
    expect(unescape(textOf(h.last(ANA)))).toContain('Flagged for review')

    // One post in the lead channel: the item, who flagged it and why, lead controls. Nobody pinged.
    const [post, ...more] = flagPosts(h)
    expect(more).toEqual([])
    const shown = unescape(textOf(post))
    expect(shown).toContain(`Flagged · p · item ${flagged}`)
    expect(shown).toContain('Flagged by')
    expect(shown).toContain('ana')
    expect(shown).toContain('Both answers look right to me')
    expect(shown).toContain('Which is the capital of France?')
    expect(labelsOf(post)).toEqual(['Lead: settle the verdict…', 'Drop from project', 'Return to the pool'])
    expect(h.fake.unsafeMentions).toEqual([])
    expect(h.fake.mentions.filter((m) => m.kind === 'broadcast')).toEqual([])
    expect(await h.t.store.notifications.pendingLeadNotices()).toEqual([])

    // Ben is a labeler: each control answers him privately and changes nothing.
    await h.choose(BEN, /^Lead: settle/, ['b'], { message: post })
    expect(h.fake.ephemerals(BEN).at(-1)?.text).toMatch(/^Only leads can handle a flagged item/)
    await h.click(BEN, 'Drop from project', { message: post })
    expect(h.fake.ephemerals(BEN).at(-1)?.text).toMatch(/^Only leads can handle a flagged item/)
    expect(h.fake.callsTo('views.open')).toHaveLength(1) // Ana's flag form only
    expect((await h.t.store.items.findByExternalId(p.id, flagged))?.droppedAt).toBeNull()

    // The lead settles B with the calibration verdict form.
    await h.choose(LEAD, /^Lead: settle/, ['b'], { message: post })
    expect(h.fake.lastView(LEAD)?.title.text).toBe('Settle the verdict')
    const stale = h.fake.blockActions({ user: LEAD, channel: LEADS, messageTs: post!.ts, actionId: String((post!.blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: { text?: { text?: string } }) => e.text?.text === 'Drop from project')!.action_id) })
    await h.submit(LEAD, { note: 'Paris is the capital; Lyon is not.' })
    const settled = h.fake.message(LEADS, post!.ts)!
    expect(unescape(textOf(settled))).toContain(`✓ Settled: Response 2 is better · p · item ${flagged}`)
    expect(unescape(textOf(settled))).toContain('Paris is the capital; Lyon is not.')
    expect(labelsOf(settled)).toEqual([])
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toMatch(/^Settled: Response 2 is better\. It is now the item's gold answer/)
    const item = (await h.t.store.items.findByExternalId(p.id, flagged))!
    expect([item.gold, item.verdict]).toEqual([{ winner: 'b' }, { winner: 'b' }])

    // Ana learns it privately, in the letter response b had on her screen.
    const assignment = await existingRow(h.t.store.database, 'Assignment', { itemId: item.id })
    const letter = LETTERS[(JSON.parse(assignment.displayOrder) as string[]).indexOf('b')]
    const told = unescape(textOf(h.last(ANA)))
    expect(told).toContain('A task you flagged was reviewed')
    expect(told).toContain(`a lead settled it: ${letter} is better`)
    expect(told).toContain('Paris is the capital')

    // A stale press (the message as it was before) is told the flag was handled.
    await h.fake.sendInteractive(stale)
    await h.idle()
    expect(h.fake.ephemerals(LEAD).at(-1)?.text).toBe('This flag was handled already.')
    expect((await h.t.store.items.findByExternalId(p.id, flagged))?.droppedAt).toBeNull()
    expect(h.fake.unsafeMentions).toEqual([])
  })

  it('a lead drops one flagged item (nobody gets it again) and returns another to the pool (one more labeler gets it)', async () => {
    const p = await h.project({ slackLeadChannel: LEADS, redundancy: 1 }, [{ ...pairItem('x1'), target: 1 }, { ...pairItem('x2'), target: 1 }])
    const first = await anaFlags(h, 'The prompt is cut off.')
    await h.click(LEAD, 'Drop from project', { message: flagPosts(h).at(-1) })
    expect(unescape(textOf(flagPosts(h).at(-1)))).toContain(`✓ Dropped from the project · p · item ${first}`)
    expect((await h.t.store.items.findByExternalId(p.id, first))?.droppedAt).not.toBeNull()
    expect(unescape(textOf(h.last(ANA)))).toContain('the item was dropped from the project')

    const second = await anaFlags(h, 'Needs a domain expert.')
    expect(second).not.toBe(first)
    await h.click(LEAD, 'Return to the pool', { message: flagPosts(h).at(-1) })
    expect(unescape(textOf(flagPosts(h).at(-1)))).toContain(`✓ Returned to the pool · p · item ${second}`)

    // Ben gets the returned item, never the dropped one; then there is nothing left.
    const task = await h.label(BEN)
    expect(await itemsTakenBy(h, BEN)).toEqual([second])
    await h.click(BEN, 'Tie', { message: task })
    await h.click(BEN, 'Next task')
    expect(unescape(textOf(h.last(BEN)))).toContain('All done for now')
    // A dropped item is left out of exports.
    const exported: string[] = []
    const { exportData } = await import('../../../src/core/export/export-data')
    await exportData(h.t.ctx, { projectName: 'p', format: 'judgments' }, (chunk) => void exported.push(chunk))
    expect(exported.join('')).not.toContain(`"${first}"`)
  })

  it('a flag whose lead channel cannot be posted in is kept and posted by the lead-notices job once it can', async () => {
    h.fake.channel(LEADS, 'labeling-leads', { botMember: false })
    await h.project({ slackLeadChannel: LEADS }, [{ ...pairItem('x1'), target: 1 }])
    await anaFlags(h, 'Unclear instructions.')
    // Ana's flag is recorded and she sees no error.
    expect(unescape(textOf(h.last(ANA)))).toContain('✓ Recorded')
    expect(h.fake.ephemerals(ANA).filter((e) => /went wrong/.test(String(e.text)))).toEqual([])
    expect(flagPosts(h)).toEqual([])
    expect(await h.t.store.notifications.pendingLeadNotices()).toHaveLength(1)

    h.fake.channel(LEADS, 'labeling-leads', { botMember: true })
    const runner = leadNoticeJobs(h)
    // Within the grace minute the job leaves it (the interaction may still be posting it).
    expect((await runner.runNow('lead-notices', h.t.clock.now())).message).toBe('posted 0 lead notices')
    h.t.clock.advance(2 * 60_000)
    expect((await runner.runNow('lead-notices', h.t.clock.now())).message).toBe('posted 1 lead notice')
    expect(flagPosts(h)).toHaveLength(1)
    expect(unescape(textOf(flagPosts(h)[0]))).toContain('Unclear instructions.')
    expect((await runner.runNow('lead-notices', h.t.clock.now())).message).toBe('posted 0 lead notices')
    expect(flagPosts(h)).toHaveLength(1)
  })

  it("the Guidelines button shows the project's own guidelines, set by a lead's upload; long ones arrive as a file", async () => {
    await h.project({}, [{ ...pairItem('x1'), target: 3 }])
    // Before any upload: the team's guide, as a file (it is long).
    let task = await h.label(ANA)
    expect(labelsOf(task)).toContain('Guidelines')
    await h.click(ANA, 'Guidelines', { message: task })
    const teamGuide = await h.fake.waitUntil(() => h.fake.files.find((f) => f.name === 'guidelines-p.md'))
    expect(h.fake.fileContent(String(teamGuide.id))?.toString()).toContain('Read the Prompt Carefully')

    // A labeler's upload with the comment is refused; the lead's sets the guidelines.
    const guide = '# Capitals project\n\nPrefer the answer that names the capital city. Flag anything about disputed territories.'
    const refused = h.fake.userUploadsFile({ user: BEN, name: 'guide.md', content: guide, text: 'guide p' })
    await h.fake.sendEvent(refused.event)
    await h.idle()
    expect((await h.t.store.projects.findByName('p'))?.guide).toBeNull()
    const upload = h.fake.userUploadsFile({ user: LEAD, name: 'guide.md', content: guide, text: 'guide p' })
    await h.fake.sendEvent(upload.event)
    await h.idle()
    await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && /The guidelines of p are now guide\.md/.test(String(c.args.text)), { timeoutMs: 5_000 })
    expect((await h.t.store.projects.findByName('p'))?.guide).toBe(guide)

    // Ana presses Guidelines on the task she holds: the project's own text, privately in her DM.
    task = h.fake.message(task.channel, task.ts)!
    await h.click(ANA, 'Guidelines', { message: task })
    const shown = h.last(ANA)
    expect(shown.channel).toBe(h.fake.dmChannelOf(ANA))
    expect(unescape(textOf(shown))).toContain('Guidelines · p')
    expect(unescape(textOf(shown))).toContain('Flag anything about disputed territories.')

    // Guidelines longer than a message comes as a Markdown file.
    const long = `# Long guidelines\n\n${'Judge the substance, not the style. '.repeat(120)}`
    await setGuidelines(h.t.ctx, { projectName: 'p', text: long })
    await h.click(ANA, 'Guidelines', { message: task })
    const files = h.fake.files.filter((f) => f.name === 'guidelines-p.md')
    expect(h.fake.fileContent(String(files.at(-1)!.id))?.toString()).toBe(long.trim())
    expect(h.fake.unsafeMentions).toEqual([])
  })

  it('items routed to a named labeler go to them alone; a group gets its items; skills bring a domain first', async () => {
    const p = await h.project({ redundancy: 1 }, [
      { ...pairItem('for-ana'), target: 1 },
      { ...pairItem('for-experts'), target: 1 },
      { ...pairItem('open'), target: 1 },
      { ...pairItem('open-math'), target: 1, domain: 'math' },
    ])
    await routeItems(h.t.ctx, { selection: { projectId: p.id, externalIds: ['for-ana'] }, routing: await resolveRouting(h.t.ctx, { labelers: ['ana'] }) })
    await routeItems(h.t.ctx, { selection: { projectId: p.id, externalIds: ['for-experts'] }, routing: await resolveRouting(h.t.ctx, { labelers: [], group: 'experts' }) })
    const ben = (await h.t.store.labelers.findByHandle(BEN))[0]!
    await h.t.store.labelers.setSkills(ben.id, ['math'])
    const taken = (user: string) => itemsTakenBy(h, user)

    // Ben, skilled in math, gets the math item first, then the open one; never Ana's nor the experts'.
    await h.click(BEN, 'Tie', { message: await h.label(BEN) })
    await h.click(BEN, 'Next task')
    await h.click(BEN, 'Tie', { message: h.last(BEN) })
    await h.click(BEN, 'Next task')
    expect(await taken(BEN)).toEqual(['open-math', 'open'])
    expect(unescape(textOf(h.last(BEN)))).toContain('All done for now')

    // Ana gets hers; the experts' item waits for a member of the group.
    const task = await h.label(ANA)
    expect(await taken(ANA)).toEqual(['for-ana'])
    await h.click(ANA, 'Tie', { message: task })
    await h.click(ANA, 'Next task')
    expect(unescape(textOf(h.last(ANA)))).toContain('All done for now')

    await h.t.store.labelers.setGroups(ben.id, ['experts'])
    await h.label(BEN)
    expect(await taken(BEN)).toEqual(['open-math', 'open', 'for-experts'])
  })
})

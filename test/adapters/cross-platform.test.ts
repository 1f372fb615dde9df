// One core decision serves both platforms: the same labeling session — a verdict, a close call
// with its rationale, a flag, a ranking — told through the real Bolt app against the fake Slack
// and through the real discord.js client against the fake Discord, leaves identical rows.
import { describe, expect, it } from 'vitest'
import type { APIMessage, APIStringSelectComponent } from 'discord.js'
import { slackHarness, ANA as SLACK_ANA, type Harness as SlackHarness } from './slack/harness'
import { Harness as DiscordHarness, ANA as DISCORD_ANA, shownText, taskMessage, components } from './discord/harness'
import type { NewItem } from '../../src/store/item-repository'
import type { TestCore } from '../support/core'
import { PROVIDERS } from '../support/databases'
import { rows } from '../support/tables'

const settings = { taskTypes: ['pairwise', 'likert', 'ranking'], rationalePolicy: 'close_calls', redundancy: 2 }
const responses = (n: number) => ['First answer.', 'Second answer, a little longer.', 'Third answer.'].slice(0, n).map((text, i) => ({ id: 'abc'[i]!, model: `m${i}`, text }))
const items: NewItem[] = [
  { externalId: 'p1', type: 'pairwise', messages: [{ role: 'user', content: 'Capital of France?' }], responses: responses(2), target: 2 },
  { externalId: 'p2', type: 'pairwise', messages: [{ role: 'user', content: 'Boil an egg?' }], responses: responses(2), target: 2 },
  { externalId: 'l1', type: 'likert', messages: [{ role: 'user', content: 'Define entropy.' }], responses: responses(1), target: 2 },
  { externalId: 'r1', type: 'ranking', messages: [{ role: 'user', content: 'Name a prime.' }], responses: responses(3), target: 2 },
]

/** What a labeler does with each task, by what the task asks. */
interface Driver {
  start(): Promise<string>
  click(label: string): Promise<void>
  chooseByIndex(placeholder: string, index: number): Promise<void>
  submit(values: Record<string, string | string[]>): Promise<void>
}

async function session(driver: Driver): Promise<void> {
  let pairwiseSeen = 0
  for (let task = 0; task < items.length; task++) {
    const shown = await driver.start()
    if (shown.includes('Which response is better?')) {
      if (pairwiseSeen++ === 0) await driver.click('A is better')
      else {
        await driver.click('Tie') // a close call: the rationale modal opens, the verdict kept
        await driver.submit({ rationale: 'Both give the same correct steps.', flaws: [] })
      }
    } else if (shown.includes('Rate the response')) {
      await driver.click('Flag for review')
      await driver.submit({ reason: 'The prompt is ambiguous.' })
    } else if (shown.includes('Rank the responses')) {
      await driver.chooseByIndex('1st (best)', 2)
      await driver.chooseByIndex('2nd', 0)
      await driver.chooseByIndex('3rd', 1)
      await driver.click('Submit ranking')
    } else throw new Error(`unexpected task: ${shown.slice(0, 200)}`)
  }
}

async function storedRows(t: TestCore) {
  const database = t.store.database
  const external = new Map((await rows(database, 'Item')).map((i) => [i.id, i.externalId]))
  const judgments = (await rows(database, 'Judgment')).map((j) => ({
    item: external.get(j.itemId),
    kind: j.kind,
    choice: j.choice,
    choicePosition: j.choicePosition,
    ranking: j.ranking,
    rating: j.rating,
    flaws: j.flaws,
    flagged: j.flagged,
    flagReason: j.flagReason,
    rationale: j.rationale,
    displayOrder: j.displayOrder,
  }))
  const assignments = (await rows(database, 'Assignment')).map((a) => ({ item: external.get(a.itemId), status: a.status, displayOrder: a.displayOrder }))
  const itemRows = (await rows(database, 'Item')).map((i) => ({ item: i.externalId, claimed: i.claimed, judged: i.judged, target: i.target, open: i.open }))
  return { judgments, assignments, items: itemRows }
}

function slackDriver(h: SlackHarness): Driver {
  return {
    async start() {
      const task = await h.label(SLACK_ANA, 'p')
      return `${task.text}\n${JSON.stringify(task.blocks)}`
    },
    click: (label) => h.click(SLACK_ANA, label),
    async chooseByIndex(placeholder, index) {
      const message = h.last(SLACK_ANA)
      const select = (message.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as Record<string, any>[]) : [])).find((e) => e.placeholder?.text === placeholder)!
      await h.choose(SLACK_ANA, placeholder, [String(select.options[index].value)])
    },
    async submit(values) {
      await h.submit(SLACK_ANA, values)
    },
  }
}

function discordDriver(h: DiscordHarness): Driver {
  let current: APIMessage | null = null
  return {
    async start() {
      const started = await h.command(DISCORD_ANA, 'label start', { project: 'p' })
      current = taskMessage(started)
      return shownText(started.messages)
    },
    async click(label) {
      await h.click(DISCORD_ANA, h.latest(current!), label)
    },
    async chooseByIndex(placeholder, index) {
      const message = h.latest(current!)
      const select = components(message).find((c): c is APIStringSelectComponent => c.type === 3 && c.placeholder === placeholder)!
      await h.choose(DISCORD_ANA, message, placeholder, [select.options[index]!.value])
    },
    async submit(values) {
      await h.submit(DISCORD_ANA, values)
    },
  }
}

describe.each(PROVIDERS)('the same session through Slack and Discord on %s', (provider) => {
  it('leaves identical rows in the store', async () => {
    const slack = await slackHarness(provider)
    let slackRows
    try {
      await slack.project(settings, items)
      await session(slackDriver(slack))
      slackRows = await storedRows(slack.t)
    } finally {
      await slack.stop()
    }
    const discord = await DiscordHarness.start(provider)
    let discordRows
    try {
      await discord.project('p', settings, items)
      await session(discordDriver(discord))
      discordRows = await storedRows(discord.t)
    } finally {
      await discord.stop()
    }
    expect(slackRows.judgments).toHaveLength(4)
    expect(slackRows.judgments.map((j) => j.kind).sort()).toEqual(['likert', 'pairwise', 'pairwise', 'ranking'])
    expect(slackRows.judgments.find((j) => j.choice === 'tie')?.rationale).toBe('Both give the same correct steps.')
    expect(discordRows).toEqual(slackRows)
  }, 60_000)
})

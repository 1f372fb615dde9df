// Per click, only what it needs: the SQL statements a verdict click and the "Next task" after it cost, counted on the query
// builder (openDatabase's onQuery sees every statement, on both databases). The click goes the
// whole way — inbox accept, the neutral layer, recording, the inbox mark — and the count is exact:
// a statement added to this path fails here, and must be argued for (and the README's figure
// changed with it).
import { describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import type { LiveInteraction } from '../../src/inbox/inbox-pipeline'
import { pairwiseItem, standInPipeline } from '../support/stand-in-platform'
import type { InboxEnvelope, NeutralEvent } from '../../src/inbox/inbox-event'
import type { Outcome } from '../../src/interactions/outcome'
import type { Card, Control } from '../../src/views/card'

const actor = { identity: { platform: 'slack', workspaceId: 'T1', platformUserId: 'U_ANA' }, displayName: 'Ana' }

/** "verb table(+joined tables)", or begin / commit: what a statement is, without its columns. */
function shape(sql: string): string {
  const verb = /^\s*(begin|commit|rollback|insert into|update|delete from|select)/i.exec(sql)?.[1]?.toLowerCase() ?? sql.slice(0, 30)
  if (verb === 'begin' || verb === 'commit' || verb === 'rollback') return verb
  const tables = [...sql.matchAll(/(?:insert into|update|from|join)\s+"(\w+)"/gi)].map((m) => m[1]!)
  return `${verb} ${[...new Set(tables)].join('+')}`
}

function button(card: Card, label: string) {
  const found = card.blocks.flatMap((b) => (b.type === 'actions' ? b.controls : [])).find((c): c is Extract<Control, { type: 'button' }> => c.type === 'button' && c.label === label)
  if (!found) throw new Error(`no button "${label}"`)
  return found.action
}

// Slack acknowledges a click at once. Discord waits for the outcome (up to a budget) and answers
// with it in the interaction callback: the same statements, nothing read twice.
const ACK = {
  slack: { budgetMs: 0 },
  discord: { budgetMs: 2_000 },
} as const

describe.each(PROVIDERS.flatMap((provider) => (['slack', 'discord'] as const).map((ack) => [provider, ack] as const)))('one verdict click on %s, acknowledged as on %s', (provider, ack) => {
  // An item that wants one judgment is complete with this one: dynamic overlap looks at its
  // judgments, and the one it has is the one in hand — nothing more is read.
  it.each([
    ['wanting three judgments', 3],
    ['wanting one judgment (the click completes it)', 1],
  ])('on an item %s, costs the inbox write, one joined read, one write transaction, the inbox mark — nine statements; then "Next task" eight', async (_, target) => {
    const statements: string[] = []
    let counting = false
    const t = await testCore(provider, 1, { onQuery: (sql) => counting && statements.push(sql) })
    try {
      // The schema's default rationale policy (close calls) on an item nobody judged yet.
      const project = await createProject(t.ctx, { name: 'p', settings: { goldRate: 0 } })
      await t.store.items.insertMany(project.id, [pairwiseItem('x', target), pairwiseItem('y', target)])
      // The platform side has nothing to do: the count is the store's.
      const pipeline = standInPipeline(t.ctx)
      let n = 0
      const click = async (event: NeutralEvent): Promise<Outcome> => {
        let shown: Outcome | undefined
        const live: LiveInteraction = {
          decisionMs: async () => ACK[ack].budgetMs,
          ack: async () => ({}),
          duplicate: async () => undefined,
          apply: async (outcome) => void (shown = outcome),
          failed: async (message) => {
            throw new Error(message)
          },
        }
        const envelope: InboxEnvelope<Record<string, never>> = { actor, event, where: {} }
        await pipeline.receive(`k${++n}`, envelope, live)
        return shown!
      }

      // /label: the labeler is known (and cached, as on every click within seconds of the last).
      const task = (await click({ kind: 'command', command: { kind: 'start' } })).post![0]!.card
      counting = true
      const outcome = await click({ kind: 'action', action: button(task, 'A is better'), values: [] })
      counting = false

      expect(outcome.update?.summary).toMatch(/^Recorded: A is better/)
      expect(statements.map(shape)).toEqual([
        'insert into InboundEvent', // accept: the interaction is stored before the ack
        'select Assignment+Item+Project', // the task: assignment, item and project in one fresh read
        'begin', // recording: one write transaction …
        'update Assignment', //   closes the assignment (only if still active)
        'insert into Judgment', //   the judgment (unique assignmentId: a double click keeps one)
        'update Item', //   counts it on the item, returning judged/target (dynamic overlap)
        'select Notification', //   the labeler's undelivered messages, shown with this outcome
        'commit',
        'update InboundEvent', // mark: handled
      ])
      const [ana] = await t.store.labelers.findByHandle('U_ANA')
      expect(await t.store.judgments.countFor(ana!.id)).toBe(1)

      // "Next task": the claim hands back the item it claimed, so the task needs no read of it.
      statements.length = 0
      counting = true
      const next = await click({ kind: 'action', action: button(outcome.update!, 'Next task'), values: [] })
      counting = false
      expect(next.post?.[0]?.card.blocks.some((b) => b.type === 'actions')).toBe(true)
      expect(statements.map(shape)).toEqual([
        'insert into InboundEvent', // accept
        'select Assignment', // a live assignment in the project comes back first (none here)
        'select Item+Assignment', // candidates: open items this labeler has not seen
        'begin', // the claim: one write transaction …
        'update Item', //   takes a slot only while the item wants more, returning the item itself
        'insert into Assignment', //   the assignment with its drawn display order
        'commit',
        'update InboundEvent', // mark: handled
      ])
    } finally {
      await t.cleanup()
    }
  })
})

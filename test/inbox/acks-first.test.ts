// When many people type /label at once, every one of them is acknowledged before any of their
// tasks is worked out: an acknowledgement is an inbox write and a small reply, and the work of
// the first few would otherwise run between them and push the last acknowledgements back.
import { describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import type { LiveInteraction } from '../../src/inbox/inbox-pipeline'
import { pairwiseItem, standInPipeline, standInPlatform, type NoWhere } from '../support/stand-in-platform'
import type { InboxEnvelope } from '../../src/inbox/inbox-event'

describe.each(PROVIDERS)('an opening burst of commands on %s', (provider) => {
  it('acknowledges all twenty before the work of any begins, then gives each a task', async () => {
    const t = await testCore(provider)
    try {
      const project = await createProject(t.ctx, { name: 'p', settings: { goldRate: 0 } })
      await t.store.items.insertMany(project.id, Array.from({ length: 20 }, (_, i) => pairwiseItem(`x${i}`, 1)))

      const log: string[] = []
      // Work begins by resolving its actor: that is where the log sees it start.
      const platform = { ...standInPlatform(), resolveActor: async (actor: InboxEnvelope<NoWhere>['actor']) => (log.push(`work ${actor.identity.platformUserId}`), actor) }
      // A generous cap, so a slow machine cannot let work start early and fail the test by time.
      const pipeline = standInPipeline(t.ctx, platform, { acksFirstMaxMs: 30_000 })

      const tasks: string[] = []
      const start = (user: string) => {
        const live: LiveInteraction = {
          decisionMs: async () => 0,
          ack: async () => (log.push(`ack ${user}`), {}),
          duplicate: async () => undefined,
          apply: async (outcome) => void tasks.push(outcome.post?.[0]?.card.summary ?? ''),
          failed: async (message) => {
            throw new Error(message)
          },
        }
        const envelope: InboxEnvelope<NoWhere> = { actor: { identity: { platform: 'slack', workspaceId: 'T1', platformUserId: user }, displayName: user }, event: { kind: 'command', command: { kind: 'start' } }, where: {} }
        return pipeline.receive(`start-${user}`, envelope, live)
      }
      await Promise.all(Array.from({ length: 20 }, (_, i) => start(`U${i}`)))

      const firstWork = log.findIndex((entry) => entry.startsWith('work'))
      expect(log.slice(0, firstWork).filter((entry) => entry.startsWith('ack'))).toHaveLength(20)
      expect(tasks).toHaveLength(20)
      expect(tasks.every((summary) => summary.length > 0)).toBe(true)
    } finally {
      await t.cleanup()
    }
  })
})

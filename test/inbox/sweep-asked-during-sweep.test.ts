// A sweep asked for while another is still running must look again: the running one may have
// read the inbox before the caller's rows were there. (An instance starts with a sweep; a row a
// crashed instance left a moment later, or a test's `replay()`, must not get that sweep's answer.)
import { describe, expect, it } from 'vitest'
import { PROVIDERS } from '../support/databases'
import { testCore } from '../support/core'
import { createProject } from '../../src/core/projects'
import { pairwiseItem, standInPipeline, standInPlatform, type NoWhere } from '../support/stand-in-platform'
import type { InboxEnvelope } from '../../src/inbox/inbox-event'

/** `/label` by one labeler, as an instance stored it before dying (its lease already ran out). */
function orphanedStart(user: string): Record<string, unknown> {
  const envelope: InboxEnvelope<NoWhere> = { actor: { identity: { platform: 'slack', workspaceId: 'T1', platformUserId: user }, displayName: user }, event: { kind: 'command', command: { kind: 'start' } }, where: {} }
  return { ...envelope }
}
const expired = () => ({ owner: 'a-dead-instance', until: new Date(Date.now() - 1_000) })

describe.each(PROVIDERS)('a sweep asked for during a sweep, on %s', (provider) => {
  it('runs after the running one and handles the rows stored meanwhile', async () => {
    const t = await testCore(provider)
    try {
      const project = await createProject(t.ctx, { name: 'p', settings: { goldRate: 0 } })
      await t.store.items.insertMany(project.id, [pairwiseItem('x', 3), pairwiseItem('y', 3)])

      // The platform shows replayed outcomes; the first one hangs until the test lets it go, so
      // the first sweep is still running when the second row arrives.
      let letGo!: () => void
      const held = new Promise<void>((resolve) => (letGo = resolve))
      const shownTo: string[] = []
      const platform = standInPlatform(async (envelope) => {
        shownTo.push(envelope.actor.identity.platformUserId)
        if (shownTo.length === 1) await held
      })
      const pipeline = standInPipeline(t.ctx, platform)

      await t.store.inbox.accept('slack', 'ana-start', orphanedStart('U_ANA'), expired())
      const first = pipeline.sweep()
      await expect.poll(() => shownTo).toEqual(['U_ANA'])

      await t.store.inbox.accept('slack', 'bob-start', orphanedStart('U_BOB'), expired())
      const second = pipeline.sweep()
      letGo()

      expect(await first).toBe(1)
      expect(await second).toBe(1)
      expect(shownTo).toEqual(['U_ANA', 'U_BOB'])
      expect(await t.store.inbox.pending('slack')).toEqual([])
    } finally {
      await t.cleanup()
    }
  })
})

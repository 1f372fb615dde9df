// The platform side of the inbox pipeline with nothing of a platform in it, for tests of the
// pipeline and the store: replayed outcomes are handed to `applyReplayed` (a no-op unless given).
import { z } from 'zod'
import type { InboxPlatform } from '../../src/inbox/inbox-pipeline'

export type NoWhere = Record<string, never>

export function standInPlatform(applyReplayed: InboxPlatform<NoWhere>['applyReplayed'] = async () => undefined): InboxPlatform<NoWhere> {
  return {
    name: 'slack',
    whereSchema: z.object({}).strict() as z.ZodType<NoWhere>,
    applyReplayed,
    reportReplayedFailure: async () => undefined,
    nameOf: async (id) => id,
    completeMessage: async () => {
      throw new Error('not used')
    },
    download: async () => {
      throw new Error('not used')
    },
    helpText: '',
    closesModalOnSubmit: false,
  }
}

// The platform side of the inbox pipeline with nothing of a platform in it, for tests of the
// pipeline and the store: replayed outcomes are handed to `applyReplayed` (a no-op unless given).
// With it, the pipeline those tests drive, and the plain pairwise item they label.
import pino from 'pino'
import { z } from 'zod'
import type { CoreContext } from '../../src/core/context'
import { LabelingInteractions } from '../../src/interactions/labeling'
import { InboxPipeline, type InboxPlatform, type PipelineTiming } from '../../src/inbox/inbox-pipeline'
import type { NewItem } from '../../src/store/item-repository'

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

/** The pipeline over the labeling flow and a stand-in platform, silent, sweeping only when asked. */
export function standInPipeline(ctx: CoreContext, platform: InboxPlatform<NoWhere> = standInPlatform(), timing: PipelineTiming = {}): InboxPipeline<NoWhere> {
  return new InboxPipeline({ ctx, interactions: new LabelingInteractions(ctx, { maxFields: 5, maxTextInput: 4000 }), platform, logger: pino({ level: 'silent' }), sweepMs: 0, ...timing })
}

/** A two-response pairwise item wanting `target` judgments. */
export function pairwiseItem(externalId: string, target: number): NewItem {
  return { externalId, type: 'pairwise', messages: [{ role: 'user', content: 'Q' }], responses: [{ id: 'a', model: null, text: 'A' }, { id: 'b', model: null, text: 'B' }], target }
}

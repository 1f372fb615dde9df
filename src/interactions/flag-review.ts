// A flag in the lead channel: the post itself (built from the outbox row), and what a lead's
// press on it does — settle the verdict (the same form as calibration), drop the item, or return
// it to the pool. Each flag is handled once: the first lead's choice stands, a second press (or
// a double click) is told so. Anyone who is not a lead gets a polite private refusal.
import type { CoreContext } from '../core/context'
import { ArbiterError, isArbiterError } from '../core/errors'
import { isLead } from '../core/labelers'
import { FLAG_NOTICE } from '../core/flag-notice'
import { CHANNEL_FIELDS } from '../core/projects'
import type { ItemDto } from '../store/item-repository'
import type { JudgmentDto } from '../store/judgment-repository'
import type { LabelerDto } from '../store/labeler-repository'
import type { LeadNoticeDto } from '../store/notification-repository'
import type { ProjectDto } from '../store/project-repository'
import type { Action, ModalRef } from '../views/action-codec'
import type { Card, FormValues } from '../views/card'
import { settleVerdictModal, verdictAsGold, verdictChoices, verdictLabel } from '../views/calibration-cards'
import { flagHandledCard, flagOutcomeCard, flagPostCard, settleable, verdictAsSeen } from '../views/flag-cards'
import { labelerFor, type Actor } from './actor'
import type { ChannelPost, Outcome } from './outcome'

const REFUSAL = 'Only leads can handle a flagged item. Thanks for looking; a lead will take care of it.'

interface Flag {
  judgment: JudgmentDto
  item: ItemDto
  project: ProjectDto
  flagger: LabelerDto | null
}

async function flagFor(ctx: CoreContext, judgmentId: number): Promise<Flag> {
  const judgment = await ctx.store.judgments.findById(judgmentId)
  if (!judgment || !judgment.flagged) throw new ArbiterError('ITEM_NOT_FOUND', 'That flag no longer exists.')
  const item = await ctx.store.items.findById(judgment.itemId)
  const project = await ctx.store.projects.findById(judgment.projectId)
  if (!item || !project) throw new ArbiterError('ITEM_NOT_FOUND')
  return { judgment, item, project, flagger: await ctx.store.labelers.findById(judgment.labelerId) }
}

const flaggedBy = (flag: Flag) => flag.flagger?.displayName ?? 'a labeler'

/** The lead-channel post of a queued flag notice; null when there is nothing (left) to post. */
export async function leadNoticePost(ctx: CoreContext, notice: LeadNoticeDto): Promise<ChannelPost | null> {
  if (notice.kind !== FLAG_NOTICE) return null
  const flag = await flagFor(ctx, Number(notice.payload.judgmentId)).catch(() => null)
  if (!flag || (notice.platform !== 'slack' && notice.platform !== 'discord')) return null
  const channelId = flag.project[CHANNEL_FIELDS[notice.platform].leads]
  if (!channelId) return null
  const card = flagPostCard({ judgmentId: flag.judgment.id, projectName: flag.project.name, item: flag.item, flaggedBy: flaggedBy(flag), reason: flag.judgment.flagReason ?? '' })
  return { channelId, card, notificationId: notice.id }
}

/** The posts a just-recorded flag owes the lead channel on this platform (delivered with the flagger's outcome). */
export async function flagPostsFor(ctx: CoreContext, judgmentId: number, platform: string): Promise<ChannelPost[]> {
  const notices = await ctx.store.notifications.pendingLeadNotices({ platform, kind: FLAG_NOTICE, payloadKey: { name: 'judgmentId', value: judgmentId } })
  const posts: ChannelPost[] = []
  for (const notice of notices) {
    const post = await leadNoticePost(ctx, notice)
    if (post) posts.push(post)
    // A notice that has nowhere to go any more (the channel was unset) is done with.
    else await ctx.store.notifications.markDelivered(notice.id, ctx.now())
  }
  return posts
}

/** A lead's presses on a flag post. */
export class FlagReview {
  constructor(private readonly ctx: CoreContext) {}

  async action(actor: Actor, action: Extract<Action, { a: 'flag_settle' | 'flag_drop' | 'flag_return' }>, selected: string[]): Promise<Outcome> {
    try {
      const lead = await labelerFor(this.ctx, actor)
      if (!isLead(lead)) return { notice: REFUSAL }
      const flag = await flagFor(this.ctx, action.j)
      if (await this.handled(flag)) return { notice: 'This flag was handled already.' }
      if (action.a === 'flag_settle') {
        const value = action.v === 'select' ? selected[0] : action.v
        if (!settleable(flag.item) || !value || !verdictChoices(flag.item).some((c) => c.value === value)) throw new ArbiterError('INVALID_INPUT', 'Choose one of the verdicts offered.')
        return { modal: settleVerdictModal({ m: 'flag_settle', j: flag.judgment.id, v: value }, flag.item, value) }
      }
      if (!(await this.claim(flag))) return { notice: 'This flag was handled already.' }
      if (action.a === 'flag_drop') {
        await this.ctx.store.items.drop(flag.item.id, this.ctx.now())
        return this.done(flag, lead, 'Dropped from the project', { tell: 'the item was dropped from the project' })
      }
      await this.ctx.store.items.returnToPool(flag.item.id, flag.project.redundancy)
      return this.done(flag, lead, 'Returned to the pool', {})
    } catch (error) {
      if (isArbiterError(error)) return { notice: error.message }
      throw error
    }
  }

  async submit(actor: Actor, ref: Extract<ModalRef, { m: 'flag_settle' }>, values: FormValues): Promise<Outcome> {
    try {
      const lead = await labelerFor(this.ctx, actor)
      if (!isLead(lead)) return { notice: REFUSAL }
      const flag = await flagFor(this.ctx, ref.j)
      if (!verdictChoices(flag.item).some((c) => c.value === ref.v)) throw new ArbiterError('INVALID_INPUT', 'Choose one of the verdicts offered.')
      if (!(await this.claim(flag))) return { notice: 'This flag was handled already.' }
      const note = typeof values.note === 'string' && values.note.trim() ? values.note.trim() : null
      // The verdict becomes the item's gold answer: it now calibrates future labelers.
      await this.ctx.store.items.settle(flag.item.id, verdictAsGold(flag.item, ref.v))
      const seen = verdictAsSeen(flag.item, ref.v, flag.judgment.displayOrder)
      const outcome = await this.done(flag, lead, `Settled: ${verdictLabel(flag.item, ref.v)}`, { tell: `a lead settled it: ${seen}`, note })
      return { ...outcome, notice: `Settled: ${verdictLabel(flag.item, ref.v)}. It is now the item's gold answer.${outcome.notice ? ` ${outcome.notice}` : ''}` }
    } catch (error) {
      if (isArbiterError(error)) return { notice: error.message }
      throw error
    }
  }

  private key(flag: Flag): string {
    return `flag-handled:${flag.judgment.id}`
  }

  private async handled(flag: Flag): Promise<boolean> {
    return this.ctx.store.calibration.wasSent(this.key(flag))
  }

  /** The first lead's choice stands: inserting the key is the claim. */
  private claim(flag: Flag): Promise<boolean> {
    return this.ctx.store.calibration.once(this.key(flag))
  }

  /** The post shows what was done; the flagger hears privately (on their platform, or through the outbox). */
  private async done(flag: Flag, lead: LabelerDto, outcome: string, tellFlagger: { tell?: string; note?: string | null }): Promise<Outcome> {
    const update: Card = flagHandledCard({ projectName: flag.project.name, item: flag.item, flaggedBy: flaggedBy(flag), reason: flag.judgment.flagReason ?? '', outcome, leadName: lead.displayName, note: tellFlagger.note ?? null })
    const result: Outcome = { update }
    if (tellFlagger.tell && flag.flagger && flag.flagger.platform === lead.platform) {
      result.direct = [{ userId: flag.flagger.platformUserId, card: flagOutcomeCard({ projectName: flag.project.name, item: flag.item, outcome: tellFlagger.tell, note: tellFlagger.note ?? null }) }]
    } else if (tellFlagger.tell && flag.flagger) {
      await this.ctx.store.notifications.add(flag.flagger.id, 'flag_outcome', { projectName: flag.project.name, itemId: flag.item.id, outcome: tellFlagger.tell, note: tellFlagger.note ?? null })
    }
    return result
  }
}

// Calibration from chat: blind votes, a lead settling the verdict, drift acknowledgements.
import type { CoreContext } from '../core/context'
import { ArbiterError, isArbiterError } from '../core/errors'
import { isLead } from '../core/labelers'
import type { ItemDto } from '../store/item-repository'
import type { CalibrationThreadDto } from '../store/calibration-repository'
import type { Action, ModalRef } from '../views/action-codec'
import type { FormValues } from '../views/card'
import { settleVerdictModal, calibrationResolvedCard, calibrationWithdrawnCard, goldAsVerdict, leadPeekCard, revealCard, verdictAsGold, verdictChoices, verdictLabel, verdictNoticeCard, voteAnswerCard, type VerdictRow } from '../views/calibration-cards'
import type { Card } from '../views/card'
import { ownFrame } from '../views/response-frame'
import type { LabelerDto } from '../store/labeler-repository'
import { labelerFor, type Actor } from './actor'
import { showGuidelines } from './guidelines'
import type { Outcome } from './outcome'
import { verdictPoint } from '../core/vote-split'

/** Who said what on an item: original judgments, named (display names) or anonymized as the project says, with the order each was shown. */
export async function verdictRows(ctx: CoreContext, thread: CalibrationThreadDto): Promise<(VerdictRow & { displayOrder: string[] })[]> {
  const project = await ctx.store.projects.findById(thread.projectId)
  const judgments = await ctx.store.judgments.forItem(thread.itemId)
  const rows: (VerdictRow & { displayOrder: string[] })[] = []
  for (const [n, j] of judgments.entries()) {
    const verdict = verdictPoint(j)
    if (verdict === null) continue
    const who = project?.anonymizeCalibration ? `Labeler ${n + 1}` : (await ctx.store.labelers.findById(j.labelerId))?.displayName ?? `Labeler ${n + 1}`
    rows.push({ labelerId: j.labelerId, who, verdict, rationale: j.rationale, displayOrder: j.displayOrder })
  }
  return rows
}

const BYSTANDER = 'Only the labelers who judged this item vote on it, and what they said stays private until they all have. You are welcome to follow the discussion in the thread.'

/** Who a closed thread names as having settled its item when a lead did it outside the thread. */
export const SETTLED_ELSEWHERE = 'a lead, outside this thread'

/** What a press on a thread whose item was dropped hears. */
const WITHDRAWN = 'A lead dropped this item from the project, so there is nothing to settle here. The thread is closed.'

/**
 * An open thread whose item a lead decided outside it must not read as an open vote, nor take a
 * second verdict over the first: the item was settled (from its flag in the lead channel, or in
 * the other platform's thread), or dropped from the project (its flag upheld). Gives the parent
 * card that says so, what a presser hears, and `close()`, which closes the thread in the store;
 * null while the thread is open for good reason. (Show first, then close: a failed edit leaves it
 * for the next try.)
 */
export async function closedOutside(ctx: CoreContext, thread: CalibrationThreadDto, item: ItemDto): Promise<{ card: Card; notice: string; close: () => Promise<void> } | null> {
  if (thread.status !== 'open') return null
  const dropped = item.droppedAt !== null
  const settled = dropped ? null : item.verdict
  const verdict = settled === null ? null : goldAsVerdict(item, settled)
  if (!dropped && verdict === null) return null
  // Read only when the thread is to be closed: every press on an open thread comes through here.
  const project = await ctx.store.projects.findById(thread.projectId)
  if (!project) return null
  if (dropped || settled === null || verdict === null) {
    return { card: calibrationWithdrawnCard({ projectName: project.name, item }), notice: WITHDRAWN, close: async () => void (await ctx.store.calibration.withdraw(thread.id, ctx.now())) }
  }
  return {
    card: calibrationResolvedCard({ projectName: project.name, item, verdict, note: null, leadName: SETTLED_ELSEWHERE }),
    notice: `A lead settled this item already, outside this thread: ${verdictLabel(item, verdict)}. The thread is closed.`,
    close: async () => void (await ctx.store.calibration.resolve(thread.id, { verdict: settled as Record<string, unknown>, note: null, by: null, now: ctx.now() })),
  }
}

/** A press on a thread decided outside it: closes it (see closedOutside) and answers with the parent that says so; a withdrawn thread's later presses hear why. Null when the thread is open for good reason, or was settled in it. */
async function answerDecidedOutside(ctx: CoreContext, thread: CalibrationThreadDto, item: ItemDto): Promise<Outcome | null> {
  const closed = await closedOutside(ctx, thread, item)
  if (closed) {
    await closed.close()
    return { update: closed.card, notice: closed.notice }
  }
  return thread.status === 'withdrawn' ? { notice: WITHDRAWN } : null
}

export class CalibrationInteractions {
  constructor(private readonly ctx: CoreContext) {}

  async action(actor: Actor, action: Extract<Action, { a: 'cal_vote' | 'cal_resolve' | 'drift_ack' | 'rubric' }>, selected: string[]): Promise<Outcome> {
    try {
      if (action.a === 'rubric') return await showGuidelines(this.ctx, null)
      const labeler = await labelerFor(this.ctx, actor)
      if (action.a === 'drift_ack') {
        await this.ctx.store.calibration.acknowledgeDrift(action.p, labeler.id, this.ctx.now())
        return { notice: 'Thanks — noted. Re-reading the guidelines and bringing hard cases to calibration is the best way back.' }
      }
      const { thread, item } = await this.threadFor(action.t)
      const decided = await answerDecidedOutside(this.ctx, thread, item)
      if (decided) return decided
      const value = action.v === 'select' ? selected[0] : action.v
      if (!value || !verdictChoices(item).some((c) => c.value === value)) throw new ArbiterError('INVALID_INPUT', 'Choose one of the verdicts offered.')
      if (action.a === 'cal_resolve') {
        if (!isLead(labeler)) throw new ArbiterError('NOT_ALLOWED', 'Only leads can settle a calibration item; commit your own verdict with the buttons above.')
        if (thread.status !== 'open') return { notice: 'This item was settled already.' }
        const ref: ModalRef = { m: 'cal_resolve', t: thread.id, v: value }
        return { modal: settleVerdictModal(ref as Extract<ModalRef, { m: 'cal_resolve' }>, item, value) }
      }
      return await this.vote(labeler, thread, item, value)
    } catch (error) {
      if (isArbiterError(error)) return { notice: error.message }
      throw error
    }
  }

  async submit(actor: Actor, ref: Extract<ModalRef, { m: 'cal_resolve' }>, values: FormValues): Promise<Outcome> {
    try {
      const lead = await labelerFor(this.ctx, actor)
      const note = typeof values.note === 'string' && values.note.trim() ? values.note.trim() : null
      return await resolveCalibration(this.ctx, { lead, threadId: ref.t, verdict: ref.v, note, platform: actor.identity.platform })
    } catch (error) {
      if (isArbiterError(error)) return { notice: error.message }
      throw error
    }
  }

  /**
   * A blind vote. Only the labelers who judged the item vote; a lead who did not judge it sees the
   * original verdicts (in the shared numbers) and records nothing; anyone else learns nothing.
   * The voter's answer is in their own letters and leaves them out of "what the others said".
   */
  private async vote(labeler: LabelerDto, thread: CalibrationThreadDto, item: ItemDto, value: string): Promise<Outcome> {
    const judged = thread.labelerIds.includes(labeler.id)
    if (!judged && !isLead(labeler)) return { notice: BYSTANDER }
    if (thread.status !== 'open') return { notice: 'This item was settled already: the verdict is on the message above.' }
    const rows = await verdictRows(this.ctx, thread)
    if (!judged) return { post: [{ card: leadPeekCard({ item, rows, votes: (await this.ctx.store.calibration.votes(thread.id)).length }) }] }
    const mine = rows.find((r) => r.labelerId === labeler.id)
    const first = await this.ctx.store.calibration.vote(thread.id, labeler.id, value, mine?.verdict ?? null)
    const votes = await this.ctx.store.calibration.votes(thread.id)
    const own = votes.find((v) => v.labelerId === labeler.id)
    const answer = voteAnswerCard({ item, frame: ownFrame(item, mine?.displayOrder), fresh: own?.verdict ?? value, first, original: own?.original ?? mine?.verdict ?? null, others: rows.filter((r) => r.labelerId !== labeler.id) })
    const allIn = thread.labelerIds.every((id) => votes.some((v) => v.labelerId === id))
    // Claimed once: two last votes arriving together post one reveal.
    const reveal = allIn && (await this.ctx.store.calibration.markRevealed(thread.id, this.ctx.now())) ? revealCard({ item, rows: rows.map((r) => ({ ...r, fresh: votes.find((v) => v.labelerId === r.labelerId)?.verdict ?? null })) }) : undefined
    return { post: [{ card: answer }], ...(reveal ? { threadReply: reveal } : {}) }
  }

  private async threadFor(threadId: number): Promise<{ thread: CalibrationThreadDto; item: ItemDto }> {
    const thread = await this.ctx.store.calibration.findById(threadId)
    if (!thread) throw new ArbiterError('ITEM_NOT_FOUND', 'That calibration thread no longer exists.')
    const item = await this.ctx.store.items.findById(thread.itemId)
    if (!item) throw new ArbiterError('ITEM_NOT_FOUND')
    return { thread, item }
  }
}

/**
 * A lead settles a calibration item: the verdict becomes the item's gold answer (it now
 * calibrates future labelers), the thread is marked resolved, and each labeler whose verdict
 * differed learns the verdict and the lead's note privately.
 */
export async function resolveCalibration(
  ctx: CoreContext,
  args: { lead: Awaited<ReturnType<typeof labelerFor>>; threadId: number; verdict: string; note: string | null; platform: string },
): Promise<Outcome> {
  if (!isLead(args.lead)) throw new ArbiterError('NOT_ALLOWED', 'Only leads can settle a calibration item.')
  const thread = await ctx.store.calibration.findById(args.threadId)
  if (!thread) throw new ArbiterError('ITEM_NOT_FOUND', 'That calibration thread no longer exists.')
  const item = (await ctx.store.items.findById(thread.itemId))!
  const decided = await answerDecidedOutside(ctx, thread, item)
  if (decided) return decided
  const project = (await ctx.store.projects.findById(thread.projectId))!
  const gold = verdictAsGold(item, args.verdict)
  const now = ctx.now()
  if (!(await ctx.store.calibration.resolve(thread.id, { verdict: gold as Record<string, unknown>, note: args.note, by: args.lead.id, now }))) return { notice: 'This item was settled already.' }
  await ctx.store.items.settle(item.id, gold)
  const direct: { userId: string; card: ReturnType<typeof verdictNoticeCard> }[] = []
  for (const row of await verdictRows(ctx, thread)) {
    if (row.verdict === args.verdict) continue
    const labeler = await ctx.store.labelers.findById(row.labelerId)
    if (!labeler) continue
    // Each hears it in the letters they were shown, never the stored order.
    const frame = ownFrame(item, row.displayOrder)
    const card = verdictNoticeCard({ projectName: project.name, item, frame, verdict: args.verdict, yours: row.verdict, note: args.note })
    if (labeler.platform === args.platform) direct.push({ userId: labeler.platformUserId, card })
    else await ctx.store.notifications.add(labeler.id, 'calibration_verdict', { projectName: project.name, itemId: item.id, verdict: verdictLabel(item, args.verdict, frame), yours: verdictLabel(item, row.verdict, frame), note: args.note })
  }
  return {
    update: calibrationResolvedCard({ projectName: project.name, item, verdict: args.verdict, note: args.note, leadName: args.lead.displayName }),
    direct,
    notice: `Settled: ${verdictLabel(item, args.verdict)}. ${direct.length} labeler${direct.length === 1 ? '' : 's'} who judged differently will be told privately.`,
  }
}

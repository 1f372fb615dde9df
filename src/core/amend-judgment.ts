// Second thoughts: a labeler changes their own judgment from the task message, for a short
// window after recording it and only while the item is open.
//
// The Judgment row is replaced by the new answer, so every metric, agreement figure and export
// uses the latest; the answer it replaced is kept as a JudgmentAmendment (audit). Idempotent: an
// amendment names the revision it changes, and only one change per revision goes through, so a
// double click or a retried delivery amends once.
//
// What may not change, and why:
// - gold items and items a lead settled: the labeler has seen (or may now see) the settled answer;
// - items in a calibration thread: the labeler may have seen the others' verdicts;
// - SFT submissions and SFT reviews: other people's work (a review, a rewrite) builds on them,
//   and a rewrite after "both bad" stays as first written for the same reason.
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { lessBadFloorViolation } from './both-bad'
import { checkFitsItem, nextTarget, toNewJudgment } from './record-judgment'
import { rationaleRequired } from './rationale-policy'
import { safetyFloorViolation } from './safety-floor'
import { judgmentInputSchema } from './task-types'
import { verdictOf } from './vote-split'
import { AMENDABLE_FIELDS, type JudgmentAnswer, type JudgmentDto } from '../store/judgment-repository'
import type { ItemDto } from '../store/item-repository'
import type { ProjectDto } from '../store/project-repository'

/** Minutes a judgment may be changed after it was recorded, unless configured (AMEND_WINDOW_MINUTES). */
export const AMEND_WINDOW_DEFAULT_MINUTES = 10

const AMENDABLE_KINDS: ReadonlySet<string> = new Set(['pairwise', 'ranking', 'likert', 'dimensions'])

/** Until when a judgment may be changed. */
export function amendDeadline(ctx: Pick<CoreContext, 'settings'>, judgment: Pick<JudgmentDto, 'createdAt'>): Date {
  const minutes = ctx.settings.amendWindowMinutes ?? AMEND_WINDOW_DEFAULT_MINUTES
  return new Date(judgment.createdAt.getTime() + minutes * 60_000)
}

/** Why a judgment cannot be changed now (without asking the store), or null when it can. */
export function amendRefusal(ctx: Pick<CoreContext, 'settings' | 'now'>, judgment: Pick<JudgmentDto, 'kind' | 'createdAt' | 'assignmentId'>, item: Pick<ItemDto, 'verdict' | 'gold'>): string | null {
  if (!AMENDABLE_KINDS.has(judgment.kind) || judgment.assignmentId === null) return 'Written responses and reviews cannot be changed once submitted.'
  if (item.verdict ?? item.gold) return 'This item is settled, so its answers can no longer be changed.'
  if (ctx.now() >= amendDeadline(ctx, judgment)) {
    const minutes = ctx.settings.amendWindowMinutes ?? AMEND_WINDOW_DEFAULT_MINUTES
    return `An answer can be changed for ${minutes} minutes after it is recorded; that time has passed.`
  }
  return null
}

/** What amending did. */
export interface AmendResult {
  judgment: JudgmentDto
  /** True when this change had been made before (a double click, a retry, or a stale card). */
  duplicate: boolean
  item: ItemDto
  project: ProjectDto
}

/** The revision a judgment is at, after checking it may change now; throws AMEND_CLOSED otherwise. */
export async function amendableRevision(ctx: CoreContext, judgment: JudgmentDto, item: ItemDto): Promise<number> {
  const refusal = amendRefusal(ctx, judgment, item)
  if (refusal) throw new ArbiterError('AMEND_CLOSED', refusal)
  const state = await ctx.store.judgments.amendmentState(judgment.id, item.id)
  if (state.discussed) throw new ArbiterError('AMEND_CLOSED', 'This item is being discussed in calibration, so its answers can no longer be changed.')
  return state.revision
}

export async function amendJudgment(ctx: CoreContext, options: { assignmentId: number; labelerId: number; fromRevision: number; input: unknown }): Promise<AmendResult> {
  const { store } = ctx
  const task = await store.assignments.findTask(options.assignmentId)
  if (!task) throw new ArbiterError('ASSIGNMENT_NOT_FOUND')
  const { assignment, item, project } = task
  if (assignment.labelerId !== options.labelerId) throw new ArbiterError('FOREIGN_ASSIGNMENT')
  const judgment = await store.judgments.findByAssignment(assignment.id)
  if (!judgment) throw new ArbiterError('AMEND_CLOSED', 'There is no recorded answer to change.')
  const revision = await amendableRevision(ctx, judgment, item)
  if (revision !== options.fromRevision) return { judgment, duplicate: true, item, project }

  const parsed = judgmentInputSchema.safeParse(options.input)
  if (!parsed.success) throw new ArbiterError('INVALID_JUDGMENT', `That answer does not fit the task: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
  const input = parsed.data
  const responseIds = item.responses.map((response) => response.id)
  checkFitsItem(input, item, project, responseIds) // includes the both-bad rules
  const floor = safetyFloorViolation(input, responseIds) ?? lessBadFloorViolation(input)
  if (floor) throw new ArbiterError('SAFETY_FLOOR', floor)

  const row = toNewJudgment(input, { assignmentId: assignment.id, item, labelerId: options.labelerId, displayOrder: assignment.displayOrder })
  // The same rationale rule as at recording, against the other labelers' verdicts.
  const verdict = verdictOf(row)
  const others = (await store.judgments.forItem(item.id)).filter((j) => j.id !== judgment.id).map(verdictOf).filter((v): v is string => v !== null)
  if (!input.rationale && !input.flag && rationaleRequired(project.rationalePolicy, verdict, others)) throw new ArbiterError('RATIONALE_REQUIRED', undefined, { verdict })

  const answer = Object.fromEntries(AMENDABLE_FIELDS.map((field) => [field, row[field] ?? null])) as JudgmentAnswer
  const outcome = await store.judgments.amend({
    judgmentId: judgment.id,
    fromRevision: revision,
    answer,
    now: ctx.now(),
    nextTarget: (counts, judgments) => nextTarget(project, counts, judgments),
  })
  return { judgment: outcome.judgment, duplicate: outcome.status === 'duplicate', item, project }
}

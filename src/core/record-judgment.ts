// Records a labeler's judgment on an assignment.
//
// Idempotent by construction: the assignment id is the judgment's unique key, so a double click
// or a platform retry returns the judgment already stored (`duplicate: true`) instead of a second
// one. Refusals (expired or foreign assignment, safety floor, missing rationale) are ArbiterErrors
// whose messages the adapters show as they are.
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { rationaleNeeded } from './rationale-policy'
import { safetyFloorViolation } from './safety-floor'
import { judgmentInputSchema, BOTH_BAD, SFT_CHECKLIST, TIE, type JudgmentInput } from './task-types'
import { strictMajority, verdictOf } from './vote-split'
import type { ItemDto } from '../store/item-repository'
import type { JudgmentDto, NewJudgment } from '../store/judgment-repository'
import type { ProjectDto } from '../store/project-repository'
import type { AssignmentTaskDto } from '../store/assignment-repository'
import type { NotificationDto } from '../store/notification-repository'
import { judgmentFollowUps } from './after-judgment'
import { FLAG_NOTICE, leadPlatformFor } from './flag-notice'
import { bothBadProblem, followUpColumns, lessBadFloorViolation } from './both-bad'

/** What recording did. */
export interface RecordResult {
  judgment: JudgmentDto
  /** True when this answer had been recorded before (retry or double click). */
  duplicate: boolean
  item: ItemDto
  project: ProjectDto
  /** The labeler's undelivered private messages, read with a new judgment (absent on a duplicate: read them if needed). */
  notifications?: NotificationDto[]
}

/**
 * `task`: the assignment with its item and project when the caller has just read them
 * (assignments.findTask, in the same handling of the click); otherwise they are read here.
 */
export async function recordJudgment(ctx: CoreContext, options: { assignmentId: number; labelerId: number; input: unknown; task?: AssignmentTaskDto }): Promise<RecordResult> {
  const { store } = ctx
  const now = ctx.now()
  const task = options.task ?? (await store.assignments.findTask(options.assignmentId))
  if (!task || task.assignment.id !== options.assignmentId) throw new ArbiterError('ASSIGNMENT_NOT_FOUND')
  const { assignment, item, project } = task
  if (assignment.labelerId !== options.labelerId) throw new ArbiterError('FOREIGN_ASSIGNMENT')

  // Only a closed assignment can have its judgment already: recording closes the assignment in
  // the judgment's own transaction. (Should it close between the read and the write, the store
  // finds the first judgment itself.)
  if (assignment.status !== 'active') {
    const existing = await store.judgments.findByAssignment(assignment.id)
    if (existing) return { judgment: existing, duplicate: true, item, project }
  }
  if (assignment.status === 'expired' || (assignment.status === 'active' && assignment.expiresAt <= now)) {
    await store.assignments.release(assignment.id, 'expired')
    throw new ArbiterError('ASSIGNMENT_EXPIRED')
  }
  // A lead dropped the item while this labeler had it open (ItemRepository.drop withdraws their
  // task; one opened before that rule may still be active): nothing is recorded on it.
  if (assignment.status === 'withdrawn') throw new ArbiterError('ITEM_WITHDRAWN')
  if (assignment.status !== 'active') throw new ArbiterError('ASSIGNMENT_CLOSED')
  if (item.droppedAt !== null) {
    await store.assignments.release(assignment.id, 'withdrawn')
    throw new ArbiterError('ITEM_WITHDRAWN')
  }

  const parsed = judgmentInputSchema.safeParse(options.input)
  if (!parsed.success) throw new ArbiterError('INVALID_JUDGMENT', `That answer does not fit the task: ${parsed.error.issues.map((i) => i.message).join('; ')}`)
  const input = parsed.data
  const responseIds = item.responses.map((response) => response.id)
  checkFitsItem(input, item, project, responseIds)

  const floor = safetyFloorViolation(input, responseIds) ?? lessBadFloorViolation(input)
  if (floor) throw new ArbiterError('SAFETY_FLOOR', floor)

  const row = toNewJudgment(input, { assignmentId: assignment.id, item, labelerId: options.labelerId, displayOrder: assignment.displayOrder })
  const verdict = verdictOf(row)
  if (!input.rationale && !input.flag && (await rationaleNeeded(store, project.rationalePolicy, item, verdict))) {
    throw new ArbiterError('RATIONALE_REQUIRED', undefined, { verdict })
  }

  // The follow-ups commit with the judgment (see after-judgment.ts).
  const followUps = judgmentFollowUps({ project, item, judgment: row })
  // A flag reaches the leads through the outbox, queued with the judgment (its platform: see flag-notice.ts).
  if (row.flagged) {
    const platform = leadPlatformFor(project, (await store.labelers.findById(options.labelerId))?.platform ?? '')
    if (platform) followUps.leadNotice = { platform, kind: FLAG_NOTICE }
  }
  const outcome = await store.judgments.record({
    assignmentId: assignment.id,
    judgment: { ...row, reviewStatus: followUps.reviewStatus },
    followUps,
    now,
    nextTarget: (counts, judgments) => nextTarget(project, counts, judgments),
  })
  if (outcome.status === 'duplicate') return { judgment: outcome.judgment, duplicate: true, item, project }
  if (outcome.status === 'closed') throw new ArbiterError('ASSIGNMENT_CLOSED')
  ctx.observer?.judgmentRecorded(item.type)
  return { judgment: outcome.judgment, duplicate: false, item, project, notifications: outcome.notifications }
}

/**
 * Dynamic overlap: an item whose judgments reached its target without a strict majority is
 * offered to one more labeler, up to redundancy + maxExtraOverlap; only then can it be disputed.
 */
export function nextTarget(project: ProjectDto, item: { judged: number; target: number }, judgments: JudgmentDto[]): number {
  const verdicts = judgments.map(verdictOf).filter((v): v is string => v !== null)
  if (verdicts.length === 0 || strictMajority(verdicts) !== null) return item.target
  return Math.min(item.target + 1, project.redundancy + project.maxExtraOverlap)
}

export function checkFitsItem(input: JudgmentInput, item: ItemDto, project: ProjectDto, responseIds: string[]): void {
  const refuse = (why: string): never => {
    throw new ArbiterError('INVALID_JUDGMENT', `That answer does not fit the task: ${why}`)
  }
  if (input.kind !== item.type) refuse(`this is a ${item.type} task, not ${input.kind}`)
  for (const id of Object.keys(input.flaws ?? {})) if (!responseIds.includes(id)) refuse(`no response "${id}"`)
  const hasVerdict =
    (input.kind === 'pairwise' && input.choice !== undefined) ||
    (input.kind === 'ranking' && input.ranking !== undefined) ||
    (input.kind === 'likert' && input.rating !== undefined) ||
    (input.kind === 'dimensions' && input.ratings !== undefined) ||
    (input.kind === 'sft' && input.sft !== undefined) ||
    (input.kind === 'sft_review' && input.review !== undefined)
  if (!hasVerdict && !input.flag) refuse('give a verdict, or flag the task for review')
  if (input.kind === 'pairwise' && input.choice !== undefined && ![...responseIds, TIE, BOTH_BAD].includes(input.choice)) refuse(`no response "${input.choice}"`)
  const bothBad = bothBadProblem(input, responseIds)
  if (bothBad) refuse(bothBad)
  if (input.kind === 'ranking' && input.ranking) {
    const sorted = [...input.ranking].sort()
    if (new Set(input.ranking).size !== input.ranking.length) refuse('each response must have its own rank')
    if (sorted.join() !== [...responseIds].sort().join()) refuse(`rank every response exactly once (${responseIds.join(', ')})`)
  }
  if (input.kind === 'dimensions' && input.ratings) {
    const missing = project.dimensions.filter((d) => input.ratings![d] === undefined)
    const unknown = Object.keys(input.ratings).filter((d) => !project.dimensions.includes(d))
    if (missing.length > 0) refuse(`rate every dimension (missing: ${missing.join(', ')})`)
    if (unknown.length > 0) refuse(`unknown dimension ${unknown.join(', ')}`)
  }
  if (input.kind === 'sft' && input.sft) {
    const unconfirmed = SFT_CHECKLIST.filter((box) => input.sft!.checklist[box] !== true)
    if (unconfirmed.length > 0) refuse(`confirm every self-review item (${unconfirmed.join(', ')})`)
    const writesPrompt = item.messages.length === 0
    if (writesPrompt && !input.sft.prompt) refuse('this task asks you to write the prompt too')
  }
}

export function toNewJudgment(input: JudgmentInput, ctx: { assignmentId: number; item: ItemDto; labelerId: number; displayOrder: string[] }): NewJudgment {
  const choice = input.kind === 'pairwise' ? input.choice ?? null : null
  const choicePosition = choice !== null && choice !== TIE && choice !== BOTH_BAD ? ctx.displayOrder.indexOf(choice) : null
  return {
    assignmentId: ctx.assignmentId,
    projectId: ctx.item.projectId,
    itemId: ctx.item.id,
    labelerId: ctx.labelerId,
    kind: input.kind,
    choice,
    choicePosition,
    ranking: input.kind === 'ranking' ? input.ranking ?? null : null,
    rating: input.kind === 'likert' ? input.rating ?? null : null,
    ratings: input.kind === 'dimensions' ? input.ratings ?? null : input.kind === 'sft_review' && input.review ? input.review.criteria : null,
    sft: input.kind === 'sft' && input.sft ? input.sft : input.kind === 'sft_review' && input.review ? { accept: input.review.accept } : null,
    flaws: input.flaws && Object.keys(input.flaws).length > 0 ? input.flaws : null,
    flagged: input.flag !== undefined,
    flagReason: input.flag?.reason ?? null,
    rationale: input.rationale || null,
    durationMs: input.durationMs ?? null,
    displayOrder: ctx.displayOrder,
    reviewStatus: null,
    ...followUpColumns(input),
  }
}

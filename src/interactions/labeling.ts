// The labeling session, platform-neutral: what a slash command, a click or a modal submit
// means, decided once for Slack and Discord alike. Adapters parse their payloads into an
// Actor plus an Action / ModalRef, call these, and render the Outcome.
import type { CoreContext } from '../core/context'
import { ArbiterError, isArbiterError } from '../core/errors'
import { nextTask, type Task } from '../core/next-task'
import type { JudgmentDto } from '../store/judgment-repository'
import type { LabelerDto } from '../store/labeler-repository'
import { recordJudgment } from '../core/record-judgment'
import { amendDeadline, amendJudgment, amendRefusal, amendableRevision } from '../core/amend-judgment'
import { skipTask } from '../core/skip-task'
import { activeProjects, resolveProject } from '../core/projects'
import { rationaleNeeded } from '../core/rationale-policy'
import { verdictOf } from '../core/vote-split'
import { BOTH_BAD, EDGE_CASES, FLAW_KINDS, SFT_CHECKLIST, type FlawKind, type JudgmentInput } from '../core/task-types'
import type { Action, ModalRef } from '../views/action-codec'
import type { Card, FormValues } from '../views/card'
import { bothBadModal, flagModal, formFieldIds, formModal, formSteps, rationaleModal, type FormName, type ModalLimits } from '../views/forms'
import { describeJudgment, LETTERS, messageCard, projectButtons, recordedCard, taskCard } from '../views/task-card'
import { feedbackCard } from '../views/feedback'
import { labelerFor, type Actor } from './actor'
import { parseDraft, type Draft } from '../core/draft'
import type { Outcome } from './outcome'
import { CalibrationInteractions } from './calibration'
import { sendCapturedToLabeling } from './lead'
import { showGuidelines } from './guidelines'
import { FlagReview, flagPostsFor } from './flag-review'

/** Handles the labeling flow for one platform (its modal limits differ). */
export class LabelingInteractions {
  constructor(
    private readonly ctx: CoreContext,
    private readonly limits: ModalLimits,
  ) {}

  /** `/label [project]`: the next task, or a choice of project. */
  async start(actor: Actor, projectName?: string): Promise<Outcome> {
    const labeler = await labelerFor(this.ctx, actor)
    let project
    try {
      project = await resolveProject(this.ctx, projectName)
    } catch (error) {
      if (isArbiterError(error, 'AMBIGUOUS_PROJECT')) return { post: [{ card: await this.projectChoice() }] }
      throw error
    }
    return await this.offerNext(labeler, project.id, 'post')
  }

  private async projectChoice(): Promise<Card> {
    return {
      summary: 'Choose a project',
      blocks: [{ type: 'header', text: 'Which project would you like to label?' }, projectButtons(await activeProjects(this.ctx), (p) => ({ a: 'start', p }))],
    }
  }

  private async offerNext(labeler: LabelerDto, projectId: number, how: 'post' | 'update'): Promise<Outcome> {
    try {
      const task = await nextTask(this.ctx, { projectId, labelerId: labeler.id, labeler })
      const card = taskCard(task, parseDraft(task.assignment.draft))
      return how === 'post' ? { post: [{ card }] } : { update: card }
    } catch (error) {
      if (!isArbiterError(error, 'NO_TASK_AVAILABLE')) throw error
      const project = await this.ctx.store.projects.findById(projectId)
      const card = messageCard('All done for now', `${error.message} Thank you! (${project?.name ?? ''})`, { projectId, label: 'Check again' })
      return how === 'post' ? { post: [{ card }] } : { update: card }
    }
  }

  /** A click or a select on one of our messages. `selected` carries select values. */
  async action(actor: Actor, action: Action, selected: string[] = []): Promise<Outcome> {
    if (action.a === 'cal_vote' || action.a === 'cal_resolve' || action.a === 'drift_ack' || action.a === 'rubric') return new CalibrationInteractions(this.ctx).action(actor, action, selected)
    if (action.a === 'send_to') return sendCapturedToLabeling(this.ctx, actor, action.c, action.p)
    if (action.a === 'guide') return showGuidelines(this.ctx, action.p)
    if (action.a === 'flag_settle' || action.a === 'flag_drop' || action.a === 'flag_return') return new FlagReview(this.ctx).action(actor, action, selected)
    const labeler = await labelerFor(this.ctx, actor)
    try {
      if (action.a === 'start' || action.a === 'next') {
        const projectId = action.p ?? (await resolveProject(this.ctx, undefined)).id
        // Replace the finished card's buttons so "Next task" cannot be pressed twice.
        const next = await this.offerNext(labeler, projectId, 'post')
        return action.a === 'next' ? { ...next, update: messageCard('On to the next task', 'Your next task is below.') } : next
      }
      if (action.a === 'stop') return { update: messageCard('Session ended', 'Thanks for your work. Type /label whenever you want to continue.') }

      const task = await this.taskFor(action.as, labeler.id)
      const draft = parseDraft(task.assignment.draft)
      switch (action.a) {
        case 'verdict':
          if (task.item.type === 'pairwise' && action.v === BOTH_BAD) return { modal: await this.bothBadForm(task, draft) }
          return await this.record(task, labeler.id, this.verdictInput(task, action.v, draft), action.v)
        case 'edge': {
          const edgeCase = selected[0]
          if (edgeCase === undefined || !(EDGE_CASES as readonly string[]).includes(edgeCase)) return {}
          await this.saveDraft(task, { ...draft, edgeCase })
          return {}
        }
        case 'amend':
          return await this.startAmending(task)
        case 'keep': {
          const judgment = await this.ctx.store.judgments.findByAssignment(task.assignment.id)
          return judgment ? { update: this.recorded(task, judgment) } : {}
        }
        case 'flaws':
          await this.saveDraft(task, { ...draft, flaws: parseFlaws(selected, task) })
          return {}
        case 'rank': {
          const ranking = [...(draft.ranking ?? [])]
          ranking[action.pos] = selected[0]
          await this.saveDraft(task, { ...draft, ranking })
          return {}
        }
        case 'submit_rank': {
          const ranking = task.assignment.displayOrder.map((_, place) => draft.ranking?.[place])
          if (ranking.some((id) => id === undefined)) return { notice: `Choose a response for every place (${ranking.length} places) before submitting.` }
          const duplicate = ranking.find((id, i) => ranking.indexOf(id) !== i)
          if (duplicate) return { notice: `Response ${LETTERS[task.assignment.displayOrder.indexOf(duplicate!)]} is in two places: each response needs its own rank.` }
          return await this.record(task, labeler.id, { kind: 'ranking', ranking: ranking as string[], flaws: draft.flaws, rationale: text(draft.form?.rationale as string | undefined), ...edgeOf(draft) }, ranking[0] ?? null)
        }
        case 'rationale':
          return { modal: rationaleModal(task, draft, { required: false }) }
        case 'flag':
          return { modal: flagModal(task) }
        case 'skip':
          await skipTask(this.ctx, { assignmentId: task.assignment.id, labelerId: labeler.id })
          return { update: messageCard('Skipped', 'The task went back to the pool for someone else.', { projectId: task.project.id, label: 'Next task' }) }
        case 'form':
          return { modal: formModal(action.f, action.s, task, draft, this.limits) }
        case 'review':
          await this.saveDraft(task, { ...draft, reviewAccept: action.ok })
          return { modal: formModal('sft_review', 0, task, { ...draft, reviewAccept: action.ok }, this.limits) }
        case 'sft_submit':
          return await this.submitSft(task, labeler.id, draft)
        case 'read_full':
          return { file: { name: `task-${task.assignment.id}.md`, content: (await import('../views/task-card')).fullText(task), comment: 'The whole task, for reading in full.' } }
      }
    } catch (error) {
      return refusal(error)
    }
  }

  /** A submitted modal. */
  async submit(actor: Actor, ref: ModalRef, values: FormValues): Promise<Outcome> {
    if (ref.m === 'cal_resolve') return new CalibrationInteractions(this.ctx).submit(actor, ref, values)
    if (ref.m === 'flag_settle') return new FlagReview(this.ctx).submit(actor, ref, values)
    const labeler = await labelerFor(this.ctx, actor)
    try {
      const task = await this.taskFor(ref.as, labeler.id)
      const draft = parseDraft(task.assignment.draft)
      switch (ref.m) {
        case 'rationale': {
          const rationale = text(values.rationale)
          const flaws = values.flaws === undefined ? draft.flaws : parseFlaws(list(values.flaws), task)
          if (ref.v === undefined) {
            await this.saveDraft(task, { ...draft, flaws, form: { ...draft.form, rationale: rationale ?? '' } })
            return { notice: 'Rationale saved; it will be recorded with your verdict.' }
          }
          if (!rationale) return { fieldErrors: { rationale: 'Write a short rationale: which response wins and why.' } }
          return await this.record(task, labeler.id, { ...this.verdictInput(task, ref.v, { ...draft, flaws }), rationale }, ref.v)
        }
        case 'flag': {
          const reason = text(values.reason)
          if (!reason) return { fieldErrors: { reason: 'Say briefly what makes it hard to judge.' } }
          return await this.record(task, labeler.id, { kind: task.item.type, flag: { reason }, flaws: draft.flaws, rationale: text(draft.form?.rationale as string | undefined), ...edgeOf(draft) } as JudgmentInput, null, actor.identity.platform)
        }
        case 'both_bad': {
          const lessBad = list(values.lessBad)[0]
          const rewrite = text(values.rewrite)
          const rationale = text(values.rationale) ?? text(draft.form?.rationale as string | undefined)
          // Kept in the draft: should a rationale turn out to be needed, the form opens again with it.
          const next: Draft = { ...draft, bothBad: { lessBad, rewrite }, form: { ...draft.form, ...(rationale ? { rationale } : {}) } }
          await this.saveDraft(task, next)
          if (!lessBad) return { fieldErrors: { lessBad: 'Say which response is less bad, or that they are equally bad.' } }
          if (!rationale && (await this.needsRationale(task, BOTH_BAD))) return { fieldErrors: { rationale: 'Write a short rationale: why both are bad, and why one is less bad.' } }
          return await this.record(task, labeler.id, { kind: 'pairwise', choice: BOTH_BAD, lessBad, ...(rewrite ? { rewrite } : {}), rationale, flaws: draft.flaws, ...edgeOf(draft) }, BOTH_BAD)
        }
        case 'form':
          return await this.submitForm(task, labeler.id, draft, ref.f, ref.s, values)
        case 'read_full':
          return {}
      }
    } catch (error) {
      return refusal(error)
    }
  }

  /** A modal closed without submitting: keep what was typed (Slack reports it). */
  async close(actor: Actor, ref: ModalRef, values: FormValues): Promise<void> {
    if (ref.m !== 'both_bad' && (ref.m !== 'form' || ref.f !== 'sft_write')) return
    const labeler = await labelerFor(this.ctx, actor)
    const task = await this.taskFor(ref.as, labeler.id).catch(() => null)
    if (!task) return
    const draft = parseDraft(task.assignment.draft)
    if (ref.m === 'both_bad') {
      const kept = { lessBad: list(values.lessBad)[0] ?? draft.bothBad?.lessBad, rewrite: text(values.rewrite) ?? draft.bothBad?.rewrite }
      if (kept.lessBad || kept.rewrite) await this.saveDraft(task, { ...draft, bothBad: kept }).catch(() => undefined)
      return
    }
    const written = this.writtenSft(task, values)
    if (written.response || written.prompt) await this.saveDraft(task, { ...draft, sft: { ...draft.sft, ...written } })
  }

  private writtenSft(task: Task, values: FormValues): { prompt?: string; response?: string } {
    const parts = Array.from({ length: 10 }, (_, i) => values[`response:${i}`]).filter((v): v is string => typeof v === 'string')
    const response = parts.join('').trim()
    return { ...(task.item.messages.length === 0 ? { prompt: text(values.prompt) ?? '' } : {}), ...(response ? { response } : {}) }
  }

  private async submitForm(task: Task, labelerId: number, draft: Draft, form: FormName, step: number, values: FormValues): Promise<Outcome> {
    if (form === 'sft_write') {
      const written = this.writtenSft(task, values)
      if (!written.response) return { fieldErrors: { 'response:0': 'Write the response.' } }
      if (task.item.messages.length === 0 && !written.prompt) return { fieldErrors: { prompt: 'Write the user prompt too.' } }
      const next = { ...draft, sft: { ...draft.sft, ...written } }
      await this.saveDraft(task, next)
      return { update: taskCard(task, next) }
    }
    if (form === 'sft_details') {
      const checklist = list(values.checklist)
      const missing = SFT_CHECKLIST.filter((c) => !checklist.includes(c))
      const next: Draft = { ...draft, sft: { ...draft.sft, domain: text(values.domain), difficulty: text(list(values.difficulty)[0]), tags: text(values.tags), edgeCase: list(values.edgeCase)[0] ?? 'none', checklist } }
      await this.saveDraft(task, next)
      if (missing.length > 0) return { fieldErrors: { checklist: 'Confirm every self-review point before submitting; revise the response if one does not hold.' } }
      return { update: taskCard(task, next) }
    }
    // Multi-step rating forms: collect each step's values, record after the last.
    const collected = { ...draft.form }
    for (const [id, value] of Object.entries(values)) if (value !== undefined) collected[id] = value
    const next = { ...draft, form: collected }
    await this.saveDraft(task, next)
    const steps = formSteps(form, task, next, this.limits)
    if (step + 1 < steps) return { update: taskCard(task, next, { continueForm: { f: form, s: step + 1, of: steps } }) }
    const missing = formFieldIds(form, task, next, this.limits).filter((f) => f.required && (collected[f.id] === undefined || list(collected[f.id]).length === 0))
    if (missing.length > 0) return { notice: `Some answers are missing (${missing.map((m) => m.id.split(':')[1] ?? m.id).join(', ')}). Open the form again to finish.` }
    const rating = (id: string) => Number(list(collected[id])[0])
    if (form === 'dimensions') {
      const ratings = Object.fromEntries(task.project.dimensions.map((d) => [d, rating(`dim:${d}`)]))
      return await this.record(task, labelerId, { kind: 'dimensions', ratings, flaws: draft.flaws, rationale: text(collected.rationale as string | undefined), ...edgeOf(draft) }, null)
    }
    const criteria = Object.fromEntries(Object.keys(collected).filter((id) => id.startsWith('crit:')).map((id) => [id.slice(5), rating(id)]))
    return await this.record(task, labelerId, { kind: 'sft_review', review: { criteria: criteria as never, accept: draft.reviewAccept === true }, rationale: text(collected.comment as string | undefined), ...edgeOf(draft) }, null)
  }

  private async submitSft(task: Task, labelerId: number, draft: Draft): Promise<Outcome> {
    const sft = draft.sft
    if (!sft?.response) return { notice: 'Write the response first.' }
    const checklist = Object.fromEntries(SFT_CHECKLIST.map((c) => [c, (sft.checklist ?? []).includes(c)]))
    if (Object.values(checklist).some((ok) => !ok)) return { notice: 'Open “Details & self-review” and confirm every self-review point before submitting.' }
    const tags = (sft.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean)
    return await this.record(
      task,
      labelerId,
      {
        kind: 'sft',
        sft: {
          ...(sft.prompt ? { prompt: sft.prompt } : {}),
          response: sft.response,
          metadata: { ...(sft.domain ? { domain: sft.domain } : {}), ...(sft.difficulty ? { difficulty: sft.difficulty } : {}), ...(tags.length ? { tags } : {}) },
          checklist: checklist as never,
          edgeCase: (sft.edgeCase ?? 'none') as never,
        },
      },
      null,
    )
  }

  private verdictInput(task: Task, verdict: string, draft: Draft): JudgmentInput {
    const rationale = text(draft.form?.rationale as string | undefined)
    if (task.item.type === 'likert') return { kind: 'likert', rating: Number(verdict), flaws: draft.flaws, rationale, ...edgeOf(draft) }
    if (task.item.type === 'ranking') return { kind: 'ranking', ranking: (draft.ranking ?? []) as string[], flaws: draft.flaws, rationale, ...edgeOf(draft) }
    if (verdict === BOTH_BAD) return { kind: 'pairwise', choice: verdict, flaws: draft.flaws, rationale, ...(draft.bothBad?.lessBad ? { lessBad: draft.bothBad.lessBad } : {}), ...(draft.bothBad?.rewrite && draft.amending === undefined ? { rewrite: draft.bothBad.rewrite } : {}), ...edgeOf(draft) }
    return { kind: 'pairwise', choice: verdict, flaws: draft.flaws, rationale, ...edgeOf(draft) }
  }

  /** The form after "Both bad": less bad, the rationale where required, an optional rewrite. */
  private async bothBadForm(task: Task, draft: Draft, required?: boolean): Promise<NonNullable<Outcome['modal']>> {
    const rationaleRequired = required ?? (!text(draft.form?.rationale as string | undefined) && (await this.needsRationale(task, BOTH_BAD)))
    return bothBadModal(task, draft, { rationaleRequired, amending: isAmending(task, draft), limits: this.limits })
  }

  /** The task message after its judgment, with "Change my answer" while that is still possible. */
  private recorded(task: Task, judgment: JudgmentDto, options: { duplicate?: boolean; amended?: boolean } = {}) {
    const changeable = amendRefusal(this.ctx, judgment, task.item) === null
    return recordedCard(task, judgment, { ...options, ...(changeable ? { changeableUntil: amendDeadline(this.ctx, judgment) } : {}) })
  }

  /** "Change my answer": the task again, with the recorded answer as the starting point. */
  private async startAmending(task: Task): Promise<Outcome> {
    const judgment = await this.ctx.store.judgments.findByAssignment(task.assignment.id)
    if (!judgment) return { notice: 'There is no recorded answer to change.' }
    let revision: number
    try {
      revision = await amendableRevision(this.ctx, judgment, task.item)
    } catch (error) {
      if (!isArbiterError(error, 'AMEND_CLOSED')) throw error
      return { update: recordedCard(task, judgment), notice: error.message }
    }
    const next: Draft = {
      flaws: judgment.flaws ?? undefined,
      ...(judgment.ranking ? { ranking: judgment.ranking } : {}),
      ...(judgment.ratings ? { form: Object.fromEntries(Object.entries(judgment.ratings).map(([d, n]) => [`dim:${d}`, String(n)])) } : {}),
      ...(judgment.lessBad ? { bothBad: { lessBad: judgment.lessBad } } : {}),
      ...(judgment.edgeCase ? { edgeCase: judgment.edgeCase } : {}),
      amending: revision,
    }
    await this.ctx.store.assignments.saveAnsweredDraft(task.assignment.id, next as Record<string, unknown>)
    task.assignment.draft = next as Record<string, unknown>
    const until = amendDeadline(this.ctx, judgment).toISOString().slice(11, 16)
    return { update: taskCard(task, next, { amending: { recorded: describeJudgment(task, judgment), until } }) }
  }

  private async record(task: Task, labelerId: number, input: JudgmentInput, verdict: string | null, platform = ''): Promise<Outcome> {
    const draft = parseDraft(task.assignment.draft)
    try {
      if (isAmending(task, draft)) {
        // Second thoughts: the recorded answer is replaced (the earlier one kept), exactly once per revision.
        const amended = await amendJudgment(this.ctx, { assignmentId: task.assignment.id, labelerId, fromRevision: draft.amending!, input })
        return { update: this.recorded(task, amended.judgment, { amended: true, duplicate: amended.duplicate }) }
      }
      const durationMs = Math.max(0, this.ctx.now().getTime() - task.assignment.shownAt.getTime())
      // The task was read fresh for this click (taskFor): recording does not read it again.
      const result = await recordJudgment(this.ctx, { assignmentId: task.assignment.id, labelerId, input: { ...input, durationMs }, task })
      // A new judgment brings the labeler's undelivered messages from its transaction; a replayed one reads them.
      const notes = result.notifications ?? (await this.ctx.store.notifications.pendingFor([labelerId]))
      // A flag goes to the leads at once, with this outcome (on a replay too, until it is posted).
      const channelPosts = result.judgment.flagged ? await flagPostsFor(this.ctx, result.judgment.id, platform) : []
      return {
        update: this.recorded(task, result.judgment, { duplicate: result.duplicate }),
        post: notes.map((n) => ({ card: feedbackCard(n), notificationId: n.id })),
        ...(channelPosts.length > 0 ? { channelPosts } : {}),
      }
    } catch (error) {
      if (isArbiterError(error, 'RATIONALE_REQUIRED')) {
        // Keep the verdict: nothing is recorded until the rationale is submitted.
        const kept = { ...draft, flaws: input.flaws ?? draft.flaws }
        if (verdict === BOTH_BAD && task.item.type === 'pairwise') return { modal: await this.bothBadForm(task, kept, true) }
        return { modal: rationaleModal(task, kept, { verdict: verdict ?? undefined, required: true }) }
      }
      if (isArbiterError(error, 'AMEND_CLOSED')) {
        const judgment = await this.ctx.store.judgments.findByAssignment(task.assignment.id)
        return { ...(judgment ? { update: recordedCard(task, judgment) } : {}), notice: error.message }
      }
      if (isArbiterError(error, 'ASSIGNMENT_EXPIRED')) {
        return { update: messageCard('This task expired', `${error.message} Nothing was recorded.`, { projectId: task.project.id, label: 'Next task' }), notice: error.message }
      }
      if (isArbiterError(error, 'ITEM_WITHDRAWN')) {
        return { update: messageCard('This item was withdrawn', `${error.message} Nothing was recorded.`, { projectId: task.project.id, label: 'Next task' }), notice: error.message }
      }
      throw error
    }
  }

  /** The task a click is about: the assignment with its item and project, in one fresh read. */
  private async taskFor(assignmentId: number, labelerId: number): Promise<Task> {
    const task = await this.ctx.store.assignments.findTask(assignmentId)
    if (!task) throw new ArbiterError('ASSIGNMENT_NOT_FOUND')
    if (task.assignment.labelerId !== labelerId) throw new ArbiterError('FOREIGN_ASSIGNMENT')
    return { ...task, resumed: true }
  }

  private async saveDraft(task: Task, draft: Draft): Promise<void> {
    const amending = isAmending(task, parseDraft(task.assignment.draft))
    if (task.assignment.status !== 'active' && !amending) throw new ArbiterError('ASSIGNMENT_CLOSED')
    if (amending) await this.ctx.store.assignments.saveAnsweredDraft(task.assignment.id, draft as Record<string, unknown>)
    else await this.ctx.store.assignments.saveDraft(task.assignment.id, draft as Record<string, unknown>)
    task.assignment.draft = draft as Record<string, unknown>
  }

  /** Whether a verdict on this task would need a rationale now: the core's own rule, on the verdict as it will be recorded. */
  private async needsRationale(task: Task, verdict: string): Promise<boolean> {
    const type = task.item.type
    const comparable = verdictOf({ kind: type, choice: type === 'pairwise' ? verdict : null, ranking: type === 'ranking' ? [verdict] : null, rating: type === 'likert' ? Number(verdict) : null })
    return rationaleNeeded(this.ctx.store, task.project.rationalePolicy, task.item, comparable)
  }
}

/** True while the labeler is changing an answer already recorded on this task. */
function isAmending(task: Task, draft: Draft | undefined): boolean {
  return task.assignment.status === 'answered' && draft?.amending !== undefined
}

/** The edge case marked on the task, as judgment input. */
function edgeOf(draft: Draft): { edgeCase?: (typeof EDGE_CASES)[number] } {
  const edge = draft.edgeCase
  return edge && edge !== 'none' && (EDGE_CASES as readonly string[]).includes(edge) ? { edgeCase: edge as (typeof EDGE_CASES)[number] } : {}
}

/** Turns a core refusal into a polite private note; anything else is a bug and is rethrown. */
function refusal(error: unknown): Outcome {
  if (isArbiterError(error)) return { notice: error.message }
  throw error
}

function text(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value
  const trimmed = single?.trim()
  return trimmed ? trimmed : undefined
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : value === '' ? [] : [value]
}

function parseFlaws(values: string[], task: Task): Record<string, FlawKind[]> {
  const flaws: Record<string, FlawKind[]> = {}
  for (const value of values) {
    const [id, flaw] = [value.slice(0, value.lastIndexOf(':')), value.slice(value.lastIndexOf(':') + 1)]
    if (!task.assignment.displayOrder.includes(id) || !(FLAW_KINDS as readonly string[]).includes(flaw)) continue
    ;(flaws[id] ??= []).push(flaw as FlawKind)
  }
  return flaws
}

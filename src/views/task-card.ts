// What a task shows, the same on every platform: the conversation, the responses in the
// assignment's stored display order (labeled A, B, … by position, never by stored id), and
// the controls of its task type. Gold items render exactly like the others.
import type { Task } from '../core/next-task'
import { BOTH_BAD, EDGE_CASES, FLAW_KINDS, LESS_BAD_EQUAL, LIKERT_MEANING, TIE, type Message } from '../core/task-types'
import type { JudgmentDto } from '../store/judgment-repository'
import type { Action } from './action-codec'
import type { Block, Card, Control, Option } from './card'
import { segmentsOf } from './segments'
import { guidelinesButton } from './guidelines'
import type { Draft } from '../core/draft'

export const LETTERS = ['A', 'B', 'C', 'D']
const ORDINALS = ['1st (best)', '2nd', '3rd', '4th']
const ROLE_TITLES: Record<Message['role'], string> = { system: 'System', user: 'User', assistant: 'Assistant' }
const FLAW_LABELS: Record<string, string> = { factual_error: 'factual error', safety_issue: 'safety issue' }
/** The guide's edge cases, as labelers read them. */
export const EDGE_LABELS: Record<string, string> = { none: 'None', ambiguous: 'Ambiguous prompt', harmful_request: 'Harmful request', opinion: 'Opinion question', multi_part: 'Multi-part question' }

const TYPE_TITLES: Record<string, string> = {
  pairwise: 'Which response is better?',
  ranking: 'Rank the responses',
  likert: 'Rate the response',
  dimensions: 'Rate the response on each dimension',
  sft: 'Write the ideal response',
  sft_review: 'Review a written response',
}

// The guide's reminders, one line per task type, where the labeler decides.
const TYPE_TIPS: Record<string, string> = {
  pairwise: 'Read every response in full first. Longer is not better; a factual error or safety issue loses to a plain, correct answer. Unsure? Flag it.',
  ranking: 'Rank from best to worst. A response with a critical flaw ranks below every safe, correct one.',
  likert: '1 very bad · 4 acceptable · 7 excellent. Use the whole scale: keep 1–2 for genuinely bad and 7 for truly outstanding.',
  dimensions: 'Score each dimension on its own; no dimension makes up for a safety problem.',
  sft: 'Write what a top expert would be proud of: accurate, helpful, clear, safe, and neither too short nor padded. Never submit a first draft.',
  sft_review: 'Rate the written response against the guide’s quality criteria, then accept or reject it.',
}

/** The letter a response is shown under in this assignment. */
export function letterOf(task: Pick<Task, 'assignment'>, responseId: string): string {
  return LETTERS[task.assignment.displayOrder.indexOf(responseId)] ?? responseId
}

/** Human words for a recorded pairwise choice. */
export function describeChoice(task: Pick<Task, 'assignment'>, choice: string | null): string {
  if (choice === null) return 'no verdict'
  if (choice === TIE) return 'Tie'
  if (choice === BOTH_BAD) return 'Both bad'
  return `${letterOf(task, choice)} is better`
}

function conversationBlocks(messages: Message[]): Block[] {
  return messages.map((m) => ({ type: 'section' as const, title: ROLE_TITLES[m.role], segments: segmentsOf(m.content) }))
}

function responseBlocks(task: Task): Block[] {
  const byId = new Map(task.item.responses.map((r) => [r.id, r]))
  return task.assignment.displayOrder.map((id, position) => ({
    type: 'section' as const,
    title: task.item.type === 'sft_review' ? 'Written response' : task.assignment.displayOrder.length === 1 ? 'Response' : `Response ${LETTERS[position]}`,
    segments: segmentsOf(byId.get(id)?.text ?? ''),
  }))
}

/** Options of the critical-flaw select: one per response and flaw kind. */
export function flawOptions(task: Task): Option[] {
  return task.assignment.displayOrder.flatMap((id, position) =>
    FLAW_KINDS.map((flaw) => ({ label: `${task.assignment.displayOrder.length === 1 ? 'Response' : LETTERS[position]}: ${FLAW_LABELS[flaw]}`, value: `${id}:${flaw}` })),
  )
}

function flawSelect(task: Task, draft: Draft): Control {
  const initial = Object.entries(draft.flaws ?? {}).flatMap(([id, flaws]) => flaws.map((f) => `${id}:${f}`))
  return { type: 'select', action: { a: 'flaws', as: task.assignment.id }, placeholder: 'Mark critical flaws (optional)', options: flawOptions(task), multi: true, initial }
}

/**
 * The guide's edge cases (ambiguous, harmful request, opinion, multi-part), markable on every task;
 * SFT writers mark theirs in "Details & self-review".
 */
function edgeSelect(task: Task, draft: Draft): Block {
  const options = EDGE_CASES.map((e) => ({ label: e === 'none' ? 'Not an edge case' : EDGE_LABELS[e]!, value: e }))
  const marked = draft.edgeCase && draft.edgeCase !== 'none' ? { initial: [draft.edgeCase] } : {}
  return { type: 'actions', controls: [{ type: 'select', action: { a: 'edge', as: task.assignment.id }, placeholder: 'Edge case? (optional)', options, ...marked }] }
}

function commonControls(task: Task, withRationale: boolean): Control[] {
  const as = task.assignment.id
  return [
    ...(withRationale ? [{ type: 'button' as const, action: { a: 'rationale' as const, as }, label: 'Rationale…' }] : []),
    { type: 'button', action: { a: 'flag', as }, label: 'Flag for review' },
    { type: 'button', action: { a: 'skip', as }, label: 'Skip' },
    guidelinesButton(task.project.id),
  ]
}

function typeControls(task: Task, draft: Draft): Block[] {
  const as = task.assignment.id
  const order = task.assignment.displayOrder
  switch (task.item.type) {
    case 'pairwise':
      return [
        { type: 'actions', controls: [flawSelect(task, draft)] },
        {
          type: 'actions',
          controls: [
            ...order.map((id, position): Control => ({ type: 'button', action: { a: 'verdict', as, v: id }, label: `${LETTERS[position]} is better`, style: 'primary' })),
            { type: 'button', action: { a: 'verdict', as, v: TIE }, label: 'Tie' },
            { type: 'button', action: { a: 'verdict', as, v: BOTH_BAD }, label: 'Both bad' },
          ],
        },
        { type: 'actions', controls: commonControls(task, true) },
      ]
    case 'ranking': {
      const options = order.map((id, position) => ({ label: `Response ${LETTERS[position]}`, value: id }))
      return [
        { type: 'actions', controls: [flawSelect(task, draft)] },
        {
          type: 'actions',
          controls: order.map((_, place): Control => {
            const picked = draft.ranking?.[place]
            return { type: 'select', action: { a: 'rank', as, pos: place }, placeholder: ORDINALS[place]!, options, ...(picked ? { initial: [picked] } : {}) }
          }),
        },
        { type: 'actions', controls: [{ type: 'button', action: { a: 'submit_rank', as }, label: 'Submit ranking', style: 'primary' }, ...commonControls(task, true)] },
      ]
    }
    case 'likert':
      return [
        { type: 'actions', controls: [flawSelect(task, draft)] },
        { type: 'actions', controls: [1, 2, 3, 4, 5, 6, 7].map((n): Control => ({ type: 'button', action: { a: 'verdict', as, v: String(n) }, label: `${n} · ${LIKERT_MEANING[n]}` })) },
        { type: 'actions', controls: commonControls(task, true) },
      ]
    case 'dimensions':
      return [{ type: 'actions', controls: [{ type: 'button', action: { a: 'form', as, f: 'dimensions', s: 0 }, label: 'Rate dimensions…', style: 'primary' }, ...commonControls(task, false)] }]
    case 'sft':
      return [
        {
          type: 'actions',
          controls: [
            { type: 'button', action: { a: 'form', as, f: 'sft_write', s: 0 }, label: draft.sft?.response ? 'Revise response…' : 'Write response…', style: 'primary' },
            ...(draft.sft?.response ? [{ type: 'button' as const, action: { a: 'form' as const, as, f: 'sft_details' as const, s: 0 }, label: 'Details & self-review…' }] : []),
            ...commonControls(task, false),
          ],
        },
      ]
    case 'sft_review':
      return [
        {
          type: 'actions',
          controls: [
            { type: 'button', action: { a: 'review', as, ok: true }, label: 'Rate & accept…', style: 'primary' },
            { type: 'button', action: { a: 'review', as, ok: false }, label: 'Rate & reject…', style: 'danger' },
            ...commonControls(task, false),
          ],
        },
      ]
  }
}

function sftPreview(task: Task, draft: Draft): Block[] {
  const sft = draft.sft
  if (!sft?.response) return []
  const details = [sft.domain && `domain ${sft.domain}`, sft.difficulty && `difficulty ${sft.difficulty}`, sft.tags && `tags ${sft.tags}`, sft.edgeCase && sft.edgeCase !== 'none' && `edge case: ${sft.edgeCase.replace('_', ' ')}`].filter(Boolean)
  const confirmed = (sft.checklist ?? []).length
  return [
    { type: 'divider' },
    { type: 'header', text: 'Preview of your draft' },
    ...(sft.prompt ? [{ type: 'section' as const, title: 'Your prompt', segments: segmentsOf(sft.prompt) }] : []),
    { type: 'section', title: 'Your response', segments: segmentsOf(sft.response) },
    { type: 'note', text: `${details.length > 0 ? details.join(' · ') + ' · ' : ''}self-review ${confirmed} of 6 confirmed. Read it once more: revise, or submit when an expert would be proud of it.` },
    ...(confirmed === 6 ? [{ type: 'actions' as const, controls: [{ type: 'button' as const, action: { a: 'sft_submit' as const, as: task.assignment.id }, label: 'Submit', style: 'primary' as const }] }] : []),
  ]
}

/** The task message; `continueForm` adds the button to the next step of a multi-step form. */
export function taskCard(
  task: Task,
  draft: Draft = {},
  options: {
    continueForm?: { f: 'dimensions' | 'sft_write' | 'sft_details' | 'sft_review'; s: number; of: number }
    /** The labeler is changing a recorded answer: what it was, and until when (HH:MM) it can change. */
    amending?: { recorded: string; until: string }
  } = {},
): Card {
  const type = task.item.type
  const writesPrompt = type === 'sft' && task.item.messages.length === 0
  const blocks: Block[] = [
    { type: 'header', text: `${TYPE_TITLES[type]} · ${task.project.name}` },
    { type: 'note', text: TYPE_TIPS[type]! },
    ...(writesPrompt ? [{ type: 'note' as const, text: 'This task has no prompt: write both a realistic user prompt and the ideal response.' }] : conversationBlocks(task.item.messages)),
  ]
  if (task.assignment.displayOrder.length > 0) blocks.push({ type: 'divider' }, ...responseBlocks(task))
  if (task.item.type === 'sft') blocks.push(...sftPreview(task, draft))
  blocks.push({ type: 'divider' })
  if (options.amending) blocks.push({ type: 'note', text: `Changing your answer (recorded: ${options.amending.recorded}). Choose again; until ${options.amending.until} UTC you can change it. Your first answer is kept for the record.` })
  // A recorded task cannot be skipped: while changing an answer, the Skip button goes.
  const controls = typeControls(task, draft).map((b) => (options.amending && b.type === 'actions' ? { ...b, controls: b.controls.filter((c) => c.action.a !== 'skip') } : b))
  // The edge case first: it is about the prompt, and on Discord, where a long card's first rows
  // move to the message before, it then moves with the flaw marks, never between ranking selects.
  if (task.item.type !== 'sft') blocks.push(edgeSelect(task, draft))
  blocks.push(...controls)
  if (options.amending) blocks.push({ type: 'actions', controls: [{ type: 'button', action: { a: 'keep', as: task.assignment.id }, label: 'Keep my answer' }] })
  if (options.continueForm) {
    const { f, s, of } = options.continueForm
    blocks.push({ type: 'actions', controls: [{ type: 'button', action: { a: 'form', as: task.assignment.id, f, s }, label: `Continue: step ${s + 1} of ${of}…`, style: 'primary' }] })
  }
  const expires = task.assignment.expiresAt.toISOString().slice(11, 16)
  if (!options.amending) blocks.push({ type: 'note', text: `Task ${task.assignment.id} · held for you until ${expires} UTC` })
  return { summary: `${TYPE_TITLES[type]} (${task.project.name})`, blocks }
}

/** Words for what was recorded. */
export function describeJudgment(task: Pick<Task, 'assignment'>, judgment: JudgmentDto): string {
  if (judgment.kind === 'pairwise' && judgment.choice === BOTH_BAD && judgment.lessBad) return `Both bad · ${judgment.lessBad === LESS_BAD_EQUAL ? 'equally bad' : `${letterOf(task, judgment.lessBad)} is less bad`}`
  if (judgment.kind === 'pairwise') return judgment.choice === null ? 'Flagged for review' : describeChoice(task, judgment.choice)
  if (judgment.kind === 'ranking') return judgment.ranking ? judgment.ranking.map((id) => letterOf(task, id)).join(' > ') : 'Flagged for review'
  if (judgment.kind === 'likert') return judgment.rating === null ? 'Flagged for review' : `${judgment.rating} · ${LIKERT_MEANING[judgment.rating]}`
  if (judgment.kind === 'dimensions' && judgment.ratings) return Object.entries(judgment.ratings).map(([d, n]) => `${d} ${n}`).join(', ')
  if (judgment.kind === 'sft') return judgment.sft ? 'Response submitted' : 'Flagged for review'
  if (judgment.kind === 'sft_review' && judgment.sft) return (judgment.sft as { accept?: boolean }).accept ? 'Accepted' : 'Rejected'
  return 'Flagged for review'
}

/** The task message after its judgment: what was recorded, and how to go on. No way to answer again. */
export function recordedCard(task: Task, judgment: JudgmentDto, options: { duplicate?: boolean; amended?: boolean; changeableUntil?: Date } = {}): Card {
  const fields = [{ label: 'Your answer', value: describeJudgment(task, judgment) }]
  if (judgment.rewrite) fields.push({ label: 'Your better response', value: judgment.rewrite })
  if (judgment.edgeCase) fields.push({ label: 'Edge case', value: EDGE_LABELS[judgment.edgeCase] ?? judgment.edgeCase })
  const flaws = Object.entries(judgment.flaws ?? {}).flatMap(([id, kinds]) => kinds.map((k) => `${letterOf(task, id)}: ${FLAW_LABELS[k]}`))
  if (flaws.length > 0) fields.push({ label: 'Critical flaws', value: flaws.join(', ') })
  if (judgment.flagged) fields.push({ label: 'Flagged for review', value: judgment.flagReason ?? '' })
  if (judgment.rationale) fields.push({ label: 'Rationale', value: judgment.rationale })
  return {
    summary: `Recorded: ${describeJudgment(task, judgment)}`,
    blocks: [
      { type: 'header', text: `✓ Recorded · ${task.project.name}` },
      { type: 'fields', fields },
      ...(options.duplicate ? [{ type: 'note' as const, text: options.amended ? 'This change had already been made; nothing was counted twice.' : 'This answer had already been recorded; nothing was counted twice.' }] : []),
      ...(options.amended && !options.duplicate ? [{ type: 'note' as const, text: 'Changed. Your earlier answer is kept for the record; the figures use this one.' }] : []),
      ...(options.changeableUntil ? [{ type: 'note' as const, text: `Second thoughts? You can change this answer until ${options.changeableUntil.toISOString().slice(11, 16)} UTC.` }] : []),
      {
        type: 'actions',
        controls: [
          { type: 'button', action: { a: 'next', p: task.project.id }, label: 'Next task', style: 'primary' },
          ...(options.changeableUntil ? [{ type: 'button' as const, action: { a: 'amend' as const, as: task.assignment.id }, label: 'Change my answer' }] : []),
          { type: 'button', action: { a: 'stop' }, label: 'Stop' },
        ],
      },
    ],
  }
}

/** A short card that ends or pauses a session, with a way back in. */
export function messageCard(title: string, text: string, next?: { projectId: number; label: string }): Card {
  return {
    summary: title,
    blocks: [
      { type: 'header', text: title },
      { type: 'section', segments: [{ kind: 'text', text }] },
      ...(next ? [{ type: 'actions' as const, controls: [{ type: 'button' as const, action: { a: 'next' as const, p: next.projectId }, label: next.label, style: 'primary' as const }] }] : []),
    ],
  }
}

/** A choice of project: one button each, as many as a message's controls can hold. */
export function projectButtons(projects: { id: number; name: string }[], actionFor: (projectId: number) => Action): Block {
  return { type: 'actions', controls: projects.slice(0, 20).map((p) => ({ type: 'button' as const, action: actionFor(p.id), label: p.name })) }
}

/** The whole task as plain text, for "Read in full" when it cannot fit one message. */
export function fullText(task: Task): string {
  const parts = task.item.messages.map((m) => `## ${ROLE_TITLES[m.role]}\n\n${m.content}`)
  task.assignment.displayOrder.forEach((id, position) => {
    const text = task.item.responses.find((r) => r.id === id)?.text ?? ''
    parts.push(`## Response ${LETTERS[position]}\n\n${text}`)
  })
  return parts.join('\n\n')
}

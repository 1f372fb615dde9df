// The modal forms of the labeling flow, as neutral Modal values. Forms longer than a
// platform's modal allows are cut into steps (Discord modals hold five inputs).
import type { Task } from '../core/next-task'
import { EDGE_CASES, LESS_BAD_EQUAL, LIKERT_MEANING, SFT_CHECKLIST, SFT_REVIEW_CRITERIA } from '../core/task-types'
import type { Field, Modal, Option } from './card'
import { describeChoice, EDGE_LABELS, flawOptions, LETTERS } from './task-card'
import type { Draft } from '../core/draft'
import type { ModalRef } from './action-codec'

/** What the platform's modals can hold. */
export interface ModalLimits {
  maxFields: number
  /** Longest value of one text input. */
  maxTextInput: number
}

export type FormName = 'dimensions' | 'sft_write' | 'sft_details' | 'sft_review'

const RATING_OPTIONS: Option[] = [1, 2, 3, 4, 5, 6, 7].map((n) => ({ label: `${n} · ${LIKERT_MEANING[n]}`, value: String(n) }))
const CHECKLIST_LABELS: Record<string, string> = {
  accurate: 'Accurate: no factual errors or made-up information',
  helpful: 'Helpful: directly addresses what the user needs',
  clear: 'Clear: well organized, easy to read',
  safe: 'Safe: nothing harmful, biased or against policy',
  appropriately_scoped: 'Appropriately scoped: neither too short nor padded',
  format_fit: 'Format fits: markdown only where it renders',
}
const CRITERIA_LABELS: Record<string, string> = {
  factual_accuracy: 'Factual accuracy',
  task_completion: 'Task completion',
  format_fit: 'Format fit',
  appropriate_length: 'Appropriate length',
  safety: 'Safety & policy',
  natural_tone: 'Natural tone',
}
/** How many text inputs an SFT response may span (each up to the platform's input limit). */
export const RESPONSE_PARTS = 3

/** The rationale modal; with `verdict`, the verdict is kept and recorded on submit. */
export function rationaleModal(task: Task, draft: Draft, options: { verdict?: string; required: boolean }): Modal {
  const initialFlaws = Object.entries(draft.flaws ?? {}).flatMap(([id, kinds]) => kinds.map((k) => `${id}:${k}`))
  return {
    ref: { m: 'rationale', as: task.assignment.id, ...(options.verdict ? { v: options.verdict } : {}) },
    title: 'Rationale',
    submitLabel: options.verdict ? 'Record' : 'Save',
    intro: options.verdict
      ? `Your verdict: ${verdictWords(task, options.verdict)}. ${options.required ? 'This project asks for a short rationale here.' : ''} State why in 1–3 sentences, cite the responses, and name the key flaw of the loser.`
      : 'State which response wins and why in 1–3 sentences, cite specific content, and name the key flaw of the loser. Focus on substance, not length or style.',
    fields: [
      { kind: 'text', id: 'rationale', label: 'Rationale', multiline: true, required: options.required, maxLength: 2_000, initial: (draft.form?.rationale as string | undefined) ?? '' },
      ...(task.assignment.displayOrder.length > 0 ? [{ kind: 'checkboxes' as const, id: 'flaws', label: 'Critical flaws', options: flawOptions(task), required: false, initial: initialFlaws }] : []),
    ],
  }
}

/**
 * After "Both bad" (the guide: "rank the less bad one higher"): which is less bad, the rationale
 * where the project asks for one (one form asks both), and an optional better response of the
 * labeler's own. A change of answer keeps a rewrite as first written, so the form then omits it.
 */
export function bothBadModal(task: Task, draft: Draft, options: { rationaleRequired: boolean; amending: boolean; limits: ModalLimits }): Modal {
  const saved = draft.bothBad ?? {}
  const lessBad: Option[] = [
    ...task.assignment.displayOrder.map((id, position) => ({ label: `${LETTERS[position]} is less bad`, value: id })),
    { label: 'Equally bad', value: LESS_BAD_EQUAL },
  ]
  return {
    ref: { m: 'both_bad', as: task.assignment.id },
    title: 'Both bad',
    submitLabel: 'Record',
    intro: `Both responses are bad. Which is less bad? You are expressing relative preference, not absolute quality: a response with a factual error or safety issue is the worse one.${options.amending ? '' : ' If you can, write a better response: it becomes training data.'}`,
    fields: [
      { kind: 'select', id: 'lessBad', label: 'Which is less bad?', options: lessBad, required: true, initial: saved.lessBad },
      ...(options.rationaleRequired || draft.form?.rationale
        ? [{ kind: 'text' as const, id: 'rationale', label: 'Rationale', multiline: true, required: options.rationaleRequired, maxLength: 2_000, initial: (draft.form?.rationale as string | undefined) ?? '', placeholder: 'Why are both bad, and why is one less bad? Cite the responses.' }]
        : []),
      ...(options.amending ? [] : [{ kind: 'text' as const, id: 'rewrite', label: 'A better response (optional)', multiline: true, required: false, maxLength: options.limits.maxTextInput, initial: saved.rewrite ?? '' }]),
    ],
  }
}

function verdictWords(task: Task, verdict: string): string {
  return task.item.type === 'likert' ? `${verdict} · ${LIKERT_MEANING[Number(verdict)] ?? ''}` : task.item.type === 'pairwise' ? describeChoice(task, verdict) : verdict
}

export function flagModal(task: Task): Modal {
  return {
    ref: { m: 'flag', as: task.assignment.id },
    title: 'Flag for review',
    submitLabel: 'Flag',
    intro: 'Flag a task that is genuinely ambiguous, broken, or that you would judge differently each time you read it. A lead will look at it.',
    fields: [{ kind: 'text', id: 'reason', label: 'What makes it hard to judge?', multiline: true, required: true, maxLength: 1_000 }],
  }
}

/** All fields of a form, before cutting into steps. */
function formFields(form: FormName, task: Task, draft: Draft, limits: ModalLimits): Field[] {
  const saved = draft.form ?? {}
  const text = (id: string) => (typeof saved[id] === 'string' ? (saved[id] as string) : undefined)
  switch (form) {
    case 'dimensions':
      return task.project.dimensions.map((d) => ({ kind: 'select', id: `dim:${d}`, label: d[0]!.toUpperCase() + d.slice(1), options: RATING_OPTIONS, required: true, initial: text(`dim:${d}`) }))
    case 'sft_write': {
      const writesPrompt = task.item.messages.length === 0
      const response = draft.sft?.response ?? ''
      const parts: Field[] = Array.from({ length: RESPONSE_PARTS }, (_, i) => ({
        kind: 'text',
        id: `response:${i}`,
        label: i === 0 ? 'Ideal response' : `Response, continued (part ${i + 1})`,
        multiline: true,
        required: i === 0,
        maxLength: limits.maxTextInput,
        initial: response.slice(i * limits.maxTextInput, (i + 1) * limits.maxTextInput),
      }))
      return [...(writesPrompt ? [{ kind: 'text' as const, id: 'prompt', label: 'User prompt', multiline: true, required: true, maxLength: limits.maxTextInput, initial: draft.sft?.prompt ?? '' }] : []), ...parts]
    }
    case 'sft_details':
      return [
        { kind: 'text', id: 'domain', label: 'Domain', required: false, maxLength: 100, initial: draft.sft?.domain ?? task.item.domain ?? '' },
        { kind: 'select', id: 'difficulty', label: 'Difficulty', options: ['easy', 'medium', 'hard'].map((d) => ({ label: d, value: d })), required: false, initial: draft.sft?.difficulty },
        { kind: 'text', id: 'tags', label: 'Tags (comma-separated)', required: false, maxLength: 300, initial: draft.sft?.tags ?? task.item.tags.join(', ') },
        { kind: 'select', id: 'edgeCase', label: 'Edge case', options: EDGE_CASES.map((e) => ({ label: EDGE_LABELS[e]!, value: e })), required: true, initial: draft.sft?.edgeCase ?? 'none' },
        { kind: 'checkboxes', id: 'checklist', label: 'Self-review: confirm every point', options: SFT_CHECKLIST.map((c) => ({ label: CHECKLIST_LABELS[c]!, value: c })), required: true, initial: draft.sft?.checklist ?? [] },
      ]
    case 'sft_review':
      return [
        ...SFT_REVIEW_CRITERIA.map((c): Field => ({ kind: 'select', id: `crit:${c}`, label: CRITERIA_LABELS[c]!, options: RATING_OPTIONS, required: true, initial: text(`crit:${c}`) })),
        { kind: 'text', id: 'comment', label: 'Note for the writer', multiline: true, required: false, maxLength: 1_000, initial: text('comment') ?? '' },
      ]
  }
}

const FORM_TITLES: Record<FormName, string> = { dimensions: 'Rate dimensions', sft_write: 'Write the response', sft_details: 'Details & self-review', sft_review: 'Review the response' }

/** How many steps a form takes on this platform. */
export function formSteps(form: FormName, task: Task, draft: Draft, limits: ModalLimits): number {
  return Math.max(1, Math.ceil(formFields(form, task, draft, limits).length / limits.maxFields))
}

/** Step `step` of a form as a modal. */
export function formModal(form: FormName, step: number, task: Task, draft: Draft, limits: ModalLimits): Modal {
  const fields = formFields(form, task, draft, limits)
  const steps = Math.max(1, Math.ceil(fields.length / limits.maxFields))
  const ref: ModalRef = { m: 'form', as: task.assignment.id, f: form, s: step }
  const title = steps > 1 ? `${FORM_TITLES[form]} (${step + 1}/${steps})` : FORM_TITLES[form]
  const last = step === steps - 1
  return {
    ref,
    title,
    submitLabel: last ? (form === 'sft_review' || form === 'dimensions' ? 'Record' : 'Save') : 'Next',
    ...(form === 'sft_write' ? { intro: 'Draft freely, then revise: you will see a preview before you submit. Long responses continue in the next fields.' } : {}),
    ...(form === 'sft_review' && step === 0 ? { intro: `You chose to ${draft.reviewAccept ? 'accept' : 'reject'} this response. Rate it on each of the guide’s criteria.` } : {}),
    fields: fields.slice(step * limits.maxFields, (step + 1) * limits.maxFields),
  }
}

/** Field ids of every step of a form (to check a multi-step form is complete). */
export function formFieldIds(form: FormName, task: Task, draft: Draft, limits: ModalLimits): { id: string; required: boolean }[] {
  return formFields(form, task, draft, limits).map((f) => ({ id: f.id, required: f.required }))
}

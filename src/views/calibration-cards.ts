// Calibration threads, drift pings, digests and refreshers as neutral cards.
import { BOTH_BAD, LIKERT_MEANING, TIE, type Gold } from '../core/task-types'
import type { ItemDto } from '../store/item-repository'
import type { Block, Card, Control, Modal } from './card'
import type { ModalRef } from './action-codec'
import { segmentsOf } from './segments'
import { LETTERS } from './task-card'

/** The choices a calibration offers for an item, in the task's own terms. Responses in stored order. */
export function verdictChoices(item: ItemDto): { value: string; label: string }[] {
  const letters = item.responses.map((r, i) => ({ id: r.id, letter: LETTERS[i] ?? r.id }))
  if (item.type === 'likert') return [1, 2, 3, 4, 5, 6, 7].map((n) => ({ value: String(n), label: `${n} · ${LIKERT_MEANING[n]}` }))
  if (item.type === 'ranking') return letters.map((l) => ({ value: l.id, label: `${l.letter} is best` }))
  return [...letters.map((l) => ({ value: l.id, label: `${l.letter} is better` })), { value: TIE, label: 'Tie' }, { value: BOTH_BAD, label: 'Both bad' }]
}

/** A verdict value as gold, in the item's own terms. Rankings: the chosen best first, the rest in stored order. */
export function verdictAsGold(item: ItemDto, value: string): Gold {
  if (item.type === 'likert') return { rating: Number(value) }
  if (item.type === 'ranking') return { ranking: [value, ...item.responses.map((r) => r.id).filter((id) => id !== value)] }
  return { winner: value }
}

/** Words for a verdict value on an item. */
export function verdictLabel(item: ItemDto, value: string): string {
  return verdictChoices(item).find((c) => c.value === value)?.label ?? value
}

/** The item as leads read it: its conversation, then the responses labeled A, B… in stored order. */
export function itemBlocks(item: ItemDto): Block[] {
  const roles: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant' }
  return [
    ...item.messages.map((m) => ({ type: 'section' as const, title: roles[m.role], segments: segmentsOf(m.content) })),
    ...item.responses.map((r, i) => ({ type: 'section' as const, title: item.responses.length === 1 ? 'Response' : `Response ${LETTERS[i]}`, segments: segmentsOf(r.text) })),
  ]
}

/** The parent message of a calibration thread: the item, the split, blind-vote and lead controls. */
export function calibrationParentCard(args: { threadId: number; projectName: string; item: ItemDto; split: Record<string, number>; reasons: string[]; labelerCount: number }): Card {
  const { item } = args
  const split = Object.entries(args.split)
    .sort((a, b) => b[1] - a[1])
    .map(([value, n]) => `${verdictLabel(item, value)}: ${n}`)
    .join(' · ')
  const choices = verdictChoices(item)
  const voteControls: Control[] =
    choices.length <= 5
      ? choices.map((c) => ({ type: 'button', action: { a: 'cal_vote', t: args.threadId, v: c.value }, label: c.label }))
      : [{ type: 'select', action: { a: 'cal_vote', t: args.threadId, v: 'select' }, placeholder: 'Commit your verdict', options: choices }]
  const resolveControls: Control[] = [{ type: 'select', action: { a: 'cal_resolve', t: args.threadId, v: 'select' }, placeholder: 'Lead: settle the verdict…', options: choices }]
  return {
    summary: `Calibration: a disputed item in ${args.projectName}`,
    blocks: [
      { type: 'header', text: `Calibration · ${args.projectName} · item ${item.externalId ?? item.id}` },
      { type: 'note', text: `Why it is here: ${args.reasons.join(', ') || 'split votes'}. ${args.labelerCount} labelers judged it: ${split}.` },
      ...itemBlocks(item),
      { type: 'divider' },
      { type: 'note', text: 'Blind first: commit a fresh verdict privately below; you then see the others’ verdicts and rationales. Discuss in the thread.' },
      { type: 'actions', controls: voteControls },
      { type: 'actions', controls: resolveControls },
    ],
  }
}

/** The parent once a lead settled it. */
export function calibrationResolvedCard(args: { projectName: string; item: ItemDto; verdict: string; note: string | null; leadName: string }): Card {
  return {
    summary: `Settled: ${verdictLabel(args.item, args.verdict)}`,
    blocks: [
      { type: 'header', text: `✓ Settled · ${args.projectName} · item ${args.item.externalId ?? args.item.id}` },
      { type: 'fields', fields: [{ label: 'Verdict', value: verdictLabel(args.item, args.verdict) }, { label: 'Settled by', value: args.leadName }, ...(args.note ? [{ label: 'Note', value: args.note }] : [])] },
      ...itemBlocks(args.item),
      { type: 'note', text: 'This verdict is now the item’s gold answer: it calibrates future labelers.' },
    ],
  }
}

/** What each labeler said, revealed after a blind vote (named or anonymized). */
export function breakdownCard(title: string, item: ItemDto, rows: { who: string; verdict: string; rationale: string | null }[]): Card {
  return {
    summary: title,
    blocks: [
      { type: 'header', text: title },
      { type: 'section', segments: [{ kind: 'text', text: rows.map((r) => `${r.who}: ${verdictLabel(item, r.verdict)}${r.rationale ? ` — “${r.rationale}”` : ''}`).join('\n') || 'No verdicts yet.' }] },
    ],
  }
}

/** The thread's opening message: who is asked to join. */
export function threadInviteCard(userIds: string[]): Card {
  return {
    summary: 'Calibration discussion',
    blocks: [{ type: 'mentions', userIds, text: 'you judged this item: please commit a fresh verdict with the buttons on the message above (privately, before reading the others), then discuss here. A lead will settle it.' }],
  }
}

/** The note a labeler gets when a lead settles an item they judged differently. */
export function verdictNoticeCard(args: { projectName: string; item: ItemDto; verdict: string; yours: string; note: string | null }): Card {
  return {
    summary: `Calibration settled: ${verdictLabel(args.item, args.verdict)}`,
    blocks: [
      { type: 'header', text: 'A calibration item you judged was settled' },
      { type: 'fields', fields: [{ label: 'Item', value: `${args.projectName} · ${args.item.externalId ?? args.item.id}` }, { label: 'Settled verdict', value: verdictLabel(args.item, args.verdict) }, { label: 'Your verdict', value: verdictLabel(args.item, args.yours) }, ...(args.note ? [{ label: 'Lead’s note', value: args.note }] : [])] },
      ...itemBlocks(args.item),
      { type: 'note', text: 'Only you see this. Disagreement is how calibration teaches; nothing counts against you.' },
    ],
  }
}

/** The form a lead settles a verdict with, from a calibration thread or a flag in the lead channel. */
export function settleVerdictModal(ref: Extract<ModalRef, { m: 'cal_resolve' | 'flag_settle' }>, item: ItemDto, value: string): Modal {
  return {
    ref,
    title: 'Settle the verdict',
    submitLabel: 'Settle',
    intro: `Verdict: ${verdictLabel(item, value)}. It becomes the item's gold answer, and labelers who judged differently are told privately.`,
    fields: [{ kind: 'text', id: 'note', label: 'Note for the team (why)', multiline: true, required: false, maxLength: 1_000 }],
  }
}

export { type Gold }

// Calibration threads, drift pings, digests and refreshers as neutral cards.
import type { Gold } from '../core/task-types'
import type { ItemDto } from '../store/item-repository'
import type { Block, Card, Control, Modal } from './card'
import type { ModalRef } from './action-codec'
import { segmentsOf } from './segments'
import { framedResponses, lettersKey, sharedKey, SHARED, verdictChoices, verdictLabel, type ResponseFrame } from './response-frame'

export { verdictChoices, verdictLabel }

/** A verdict value as gold, in the item's own terms. Rankings: the chosen best first, the rest in stored order. */
export function verdictAsGold(item: ItemDto, value: string): Gold {
  if (item.type === 'likert') return { rating: Number(value) }
  if (item.type === 'ranking') return { ranking: [value, ...item.responses.map((r) => r.id).filter((id) => id !== value)] }
  return { winner: value }
}

/** The verdict value a gold answer stands for on the item (the inverse of verdictAsGold); null when it names none. */
export function goldAsVerdict(item: ItemDto, gold: Gold): string | null {
  if ('rating' in gold) return item.type === 'likert' ? String(gold.rating) : null
  if ('ranking' in gold) return item.type === 'ranking' ? (gold.ranking[0] ?? null) : null
  return item.type === 'likert' || item.type === 'ranking' ? null : gold.winner
}

/** The item as sections, its responses named and ordered in the reader's frame. */
export function itemBlocks(item: ItemDto, frame: ResponseFrame): Block[] {
  const roles: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant' }
  return [
    ...item.messages.map((m) => ({ type: 'section' as const, title: roles[m.role], segments: segmentsOf(m.content) })),
    ...framedResponses(item, frame).map((r) => ({ type: 'section' as const, title: item.responses.length === 1 ? 'Response' : frame.kind === 'own' ? `Response ${r.name}` : r.name, segments: segmentsOf(r.text) })),
  ]
}

const SHARED_NOTE = 'Responses are numbered here in stored order, not in the A/B order anyone was shown; your private answer tells you which one was your A.'

/** The parent message of a calibration thread, read by the whole channel: responses by neutral numbers. */
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
      ...itemBlocks(item, SHARED),
      { type: 'divider' },
      { type: 'note', text: `Blind first: if you judged this item, commit a fresh verdict privately below; you then see the others’ verdicts and rationales. Discuss in the thread. ${item.responses.length > 1 ? SHARED_NOTE : ''}`.trim() },
      { type: 'actions', controls: voteControls },
      { type: 'actions', controls: resolveControls },
    ],
  }
}

/** The parent once a lead settled it (still read by the whole channel). */
export function calibrationResolvedCard(args: { projectName: string; item: ItemDto; verdict: string; note: string | null; leadName: string }): Card {
  return {
    summary: `Settled: ${verdictLabel(args.item, args.verdict)}`,
    blocks: [
      { type: 'header', text: `✓ Settled · ${args.projectName} · item ${args.item.externalId ?? args.item.id}` },
      { type: 'fields', fields: [{ label: 'Verdict', value: verdictLabel(args.item, args.verdict) }, { label: 'Settled by', value: args.leadName }, ...(args.note ? [{ label: 'Note', value: args.note }] : [])] },
      ...itemBlocks(args.item, SHARED),
      { type: 'note', text: 'This verdict is now the item’s gold answer: it calibrates future labelers.' },
    ],
  }
}

/** The parent once its item was dropped from the project (nothing to settle; still read by the whole channel). */
export function calibrationWithdrawnCard(args: { projectName: string; item: ItemDto }): Card {
  return {
    summary: 'Withdrawn: the item was dropped from the project',
    blocks: [
      { type: 'header', text: `Withdrawn · ${args.projectName} · item ${args.item.externalId ?? args.item.id}` },
      { type: 'note', text: 'A lead dropped this item from the project (its flag was upheld): it is never offered or exported again, so there is nothing to settle here.' },
      ...itemBlocks(args.item, SHARED),
    ],
  }
}

/** One labeler's verdicts on a thread's item: the original, and the fresh one once they voted. */
export interface VerdictRow {
  labelerId: number
  who: string
  verdict: string
  rationale: string | null
  fresh?: string | null
}

const rationaleOf = (r: VerdictRow) => (r.rationale ? ` — “${r.rationale}”` : '')

/**
 * The private answer to a labeler's blind vote, in their own letters: their fresh verdict, what
 * they had said, and what the others said (never themselves).
 */
export function voteAnswerCard(args: { item: ItemDto; frame: ResponseFrame; fresh: string; first: boolean; original: string | null; others: VerdictRow[] }): Card {
  const { item, frame } = args
  const title = args.first ? `Your fresh verdict: ${verdictLabel(item, args.fresh, frame)}` : `You had committed your fresh verdict already: ${verdictLabel(item, args.fresh, frame)}`
  const key = lettersKey(item, frame)
  const lines = args.others.map((r) => `${r.who}: ${verdictLabel(item, r.verdict, frame)}${rationaleOf(r)}`)
  return {
    summary: title,
    blocks: [
      { type: 'header', text: title },
      ...(args.original !== null ? [{ type: 'fields' as const, fields: [{ label: 'You had said', value: verdictLabel(item, args.original, frame) }] }] : []),
      { type: 'section', title: 'What the others said', segments: [{ kind: 'text', text: lines.join('\n') || 'Nobody else judged it.' }] },
      { type: 'note', text: [key ? `In your letters, as you were shown them: ${key}.` : null, 'Rationales are quoted as written, in their writers’ own letters.', 'Only you see this.'].filter(Boolean).join(' ') },
    ],
  }
}

/** What a lead who did not judge the item sees on pressing a vote: the originals, in the shared numbers. */
export function leadPeekCard(args: { item: ItemDto; rows: VerdictRow[]; votes: number }): Card {
  const { item } = args
  return {
    summary: 'The verdicts so far (lead view)',
    blocks: [
      { type: 'header', text: 'The verdicts so far (lead view)' },
      { type: 'section', segments: [{ kind: 'text', text: args.rows.map((r) => `${r.who}: ${verdictLabel(item, r.verdict)}${rationaleOf(r)}`).join('\n') || 'No verdicts yet.' }] },
      { type: 'note', text: `You did not judge this item, so no fresh verdict of yours is recorded. ${args.votes} of ${args.rows.length} labelers have voted; the thread sees everything once all have. ${item.responses.length > 1 ? sharedKey(item) : ''}`.trim() },
    ],
  }
}

/** The reveal in the thread once everyone voted: each labeler's original and fresh verdict, in the shared numbers. */
export function revealCard(args: { item: ItemDto; rows: VerdictRow[] }): Card {
  const { item } = args
  const changed = args.rows.filter((r) => r.fresh && r.fresh !== r.verdict).length
  const lines = args.rows.map((r) => {
    const fresh = r.fresh ?? null
    const move = fresh === null ? ' → (no fresh verdict)' : fresh === r.verdict ? ' → kept it' : ` → now ${verdictLabel(item, fresh)} (changed)`
    return `${r.who}: ${verdictLabel(item, r.verdict)}${move}${rationaleOf(r)}`
  })
  return {
    summary: 'Everyone involved has voted: original and fresh verdicts',
    blocks: [
      { type: 'header', text: 'Everyone involved has voted: original and fresh verdicts' },
      { type: 'section', segments: [{ kind: 'text', text: lines.join('\n') }] },
      { type: 'note', text: `${changed} of ${args.rows.length} changed their mind.${item.responses.length > 1 ? ` ${sharedKey(item)}.` : ''} Rationales are quoted as written, in their writers’ own letters.` },
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

/** The note a labeler gets when a lead settles an item they judged differently, in their own letters. */
export function verdictNoticeCard(args: { projectName: string; item: ItemDto; frame: ResponseFrame; verdict: string; yours: string; note: string | null }): Card {
  const { item, frame } = args
  return {
    summary: `Calibration settled: ${verdictLabel(item, args.verdict, frame)}`,
    blocks: [
      { type: 'header', text: 'A calibration item you judged was settled' },
      { type: 'fields', fields: [{ label: 'Item', value: `${args.projectName} · ${item.externalId ?? item.id}` }, { label: 'Settled verdict', value: verdictLabel(item, args.verdict, frame) }, { label: 'Your verdict', value: verdictLabel(item, args.yours, frame) }, ...(args.note ? [{ label: 'Lead’s note', value: args.note }] : [])] },
      ...itemBlocks(item, frame),
      { type: 'note', text: `${frame.kind === 'own' ? 'Letters are as you were shown them (the thread numbers the responses instead). ' : ''}Only you see this. Disagreement is how calibration teaches; nothing counts against you.` },
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

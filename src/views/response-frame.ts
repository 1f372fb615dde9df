// How a message names an item's responses. Every task shows the responses in an order shuffled
// per labeler, so "A" means a different response to different people. A message one person reads
// uses *their* letters (the display order stored with their judgment); a message many read names
// responses by neutral numbers ("Response 1") defined in that message, which no task ever shows.
import { LIKERT_MEANING, TIE, BOTH_BAD } from '../core/task-types'
import type { ItemDto } from '../store/item-repository'
import { LETTERS } from './task-card'

/** A reader's way of naming responses: their own letters, or the neutral numbers of a shared message. */
export type ResponseFrame = { kind: 'own'; order: string[] } | { kind: 'shared' }

/** The frame everyone shares: responses numbered in stored order. */
export const SHARED: ResponseFrame = { kind: 'shared' }

/**
 * A reader's own frame from the display order they were shown. An order that does not cover the
 * item's responses (an import without one, a changed item) falls back to the shared numbers, so
 * a letter is never guessed.
 */
export function ownFrame(item: ItemDto, order: readonly string[] | null | undefined): ResponseFrame {
  const ids = item.responses.map((r) => r.id)
  if (!order || order.length !== ids.length || !ids.every((id) => order.includes(id))) return SHARED
  return { kind: 'own', order: [...order] }
}

/** The responses in the reader's order: their A first; stored order in the shared frame. */
export function framedResponses(item: ItemDto, frame: ResponseFrame): { id: string; text: string; name: string }[] {
  const ids = frame.kind === 'own' ? frame.order : item.responses.map((r) => r.id)
  return ids.map((id) => ({ id, text: item.responses.find((r) => r.id === id)?.text ?? '', name: responseName(item, frame, id) }))
}

/** "A" in the reader's letters, "Response 1" in the shared frame ("Response" for a single one). */
export function responseName(item: ItemDto, frame: ResponseFrame, id: string): string {
  if (item.responses.length === 1) return 'the response'
  if (frame.kind === 'own') {
    const position = frame.order.indexOf(id)
    if (position >= 0) return LETTERS[position] ?? id
  }
  const stored = item.responses.findIndex((r) => r.id === id)
  return stored >= 0 ? `Response ${stored + 1}` : id
}

/** The choices a calibration offers for an item, named in a frame. Values are stored response ids. */
export function verdictChoices(item: ItemDto, frame: ResponseFrame = SHARED): { value: string; label: string }[] {
  if (item.type === 'likert') return [1, 2, 3, 4, 5, 6, 7].map((n) => ({ value: String(n), label: `${n} · ${LIKERT_MEANING[n]}` }))
  const named = framedResponses(item, frame)
  if (item.type === 'ranking') return named.map((r) => ({ value: r.id, label: `${r.name} is best` }))
  return [...named.map((r) => ({ value: r.id, label: `${r.name} is better` })), { value: TIE, label: 'Tie' }, { value: BOTH_BAD, label: 'Both bad' }]
}

/** Words for a verdict value (a response id, tie, both bad or a Likert point) in a frame. */
export function verdictLabel(item: ItemDto, value: string, frame: ResponseFrame = SHARED): string {
  return verdictChoices(item, frame).find((c) => c.value === value)?.label ?? value
}

/** A one-line excerpt of a text, for naming a response where the whole of it is not shown. */
export function excerpt(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`
}

/** The key of a shared message that does not show the item: "Response 1: “Answer A” · …". */
export function sharedKey(item: ItemDto): string {
  return framedResponses(item, SHARED)
    .map((r) => `${r.name}: “${excerpt(r.text, 60)}”`)
    .join(' · ')
}

/** How the reader's letters map onto the shared numbers: "your A = Response 2, your B = Response 1". */
export function lettersKey(item: ItemDto, frame: ResponseFrame): string | null {
  if (frame.kind !== 'own' || item.responses.length < 2) return null
  return framedResponses(item, frame)
    .map((r) => `your ${r.name} = ${responseName(item, SHARED, r.id)}`)
    .join(', ')
}

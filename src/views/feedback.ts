// Private feedback cards: the settled answer after a gold item, an SFT review's outcome.
import type { NotificationDto } from '../store/notification-repository'
import type { Card } from './card'
import { BOTH_BAD, TIE } from '../core/task-types'
import { LETTERS } from './task-card'

type Settled = { winner?: string | null; ranking?: string[] | null; rating?: number | null; choice?: string | null }

/**
 * An answer in the labeler's own letters (the order they were shown, kept in the payload).
 * Feedback written before orders were kept names responses by their position in the item.
 */
function answerWords(answer: Settled, order: string[]): string {
  const letter = (id: string) => (order.includes(id) ? (LETTERS[order.indexOf(id)] ?? id) : `“${id}”`)
  const winner = answer.winner ?? answer.choice
  if (winner === TIE) return 'a tie'
  if (winner === BOTH_BAD) return 'both bad'
  if (winner) return `${letter(winner)} is better`
  if (answer.ranking) return `the order ${answer.ranking.map(letter).join(' > ')}`
  return `a rating of ${answer.rating}`
}

/** The card for one notification from the outbox. */
export function feedbackCard(notification: NotificationDto): Card {
  const p = notification.payload
  if (notification.kind === 'gold_feedback') {
    const agreed = p.agreed === true
    const note = typeof p.note === 'string' && p.note ? ` Why: ${p.note}` : ''
    const order = Array.isArray(p.displayOrder) ? p.displayOrder.map(String) : []
    const yours = p.yourAnswer && typeof p.yourAnswer === 'object' && !agreed ? ` Your answer: ${answerWords(p.yourAnswer as Settled, order)}.` : ''
    return {
      summary: agreed ? 'Calibration check: you matched the settled answer' : 'Calibration check: the settled answer differed',
      blocks: [
        { type: 'header', text: agreed ? '✓ Calibration check: matched' : 'Calibration check: a different answer was settled' },
        { type: 'section', segments: [{ kind: 'text', text: `That task in ${String(p.projectName)} was a calibration item. The settled answer: ${answerWords(p.settled as Settled, order)}.${yours}${note}` }] },
        ...(order.length > 1 ? [{ type: 'note' as const, text: 'Letters are as you were shown them in that task.' }] : []),
        { type: 'note', text: 'Only you see this. Calibration items keep everyone’s judgment consistent; they are never counted against volume.' },
      ],
    }
  }
  if (notification.kind === 'sft_review_outcome') {
    const accepted = p.accepted === true
    const comment = typeof p.comment === 'string' && p.comment ? `\nReviewer’s note: ${p.comment}` : ''
    const criteria = p.criteria && typeof p.criteria === 'object' ? Object.entries(p.criteria as Record<string, number>).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`).join(', ') : ''
    return {
      summary: accepted ? 'Your written response was accepted' : 'Your written response was not accepted',
      blocks: [
        { type: 'header', text: accepted ? '✓ Your written response was accepted' : 'Your written response was not accepted' },
        { type: 'section', segments: [{ kind: 'text', text: `A reviewer rated your submission in ${String(p.projectName)}: ${criteria}.${comment}` }] },
      ],
    }
  }
  if (notification.kind === 'calibration_verdict') {
    const note = typeof p.note === 'string' && p.note ? `\nLead’s note: ${p.note}` : ''
    return {
      summary: 'A calibration item you judged was settled',
      blocks: [
        { type: 'header', text: 'A calibration item you judged was settled' },
        { type: 'section', segments: [{ kind: 'text', text: `In ${String(p.projectName)}, the team settled on ${String(p.verdict)}; you had said ${String(p.yours)}.${note}` }] },
      ],
    }
  }
  if (notification.kind === 'flag_outcome') {
    const note = typeof p.note === 'string' && p.note ? `\nLead’s note: ${p.note}` : ''
    return {
      summary: 'A task you flagged was reviewed',
      blocks: [
        { type: 'header', text: 'A task you flagged was reviewed' },
        { type: 'section', segments: [{ kind: 'text', text: `In ${String(p.projectName)}: ${String(p.outcome)}.${note}` }] },
      ],
    }
  }
  return { summary: notification.kind, blocks: [{ type: 'section', segments: [{ kind: 'text', text: JSON.stringify(p) }] }] }
}

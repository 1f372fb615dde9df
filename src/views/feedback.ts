// Private feedback cards: the settled answer after a gold item, an SFT review's outcome.
import type { NotificationDto } from '../store/notification-repository'
import type { Card } from './card'

type Settled = { winner?: string; ranking?: string[]; rating?: number }

function settledWords(settled: Settled): string {
  if (settled.winner === 'tie') return 'a tie'
  if (settled.winner === 'both_bad') return 'both bad'
  if (settled.winner) return `response "${settled.winner}" is better`
  if (settled.ranking) return `the order ${settled.ranking.join(' > ')}`
  return `a rating of ${settled.rating}`
}

/** The card for one notification from the outbox. */
export function feedbackCard(notification: NotificationDto): Card {
  const p = notification.payload
  if (notification.kind === 'gold_feedback') {
    const agreed = p.agreed === true
    const note = typeof p.note === 'string' && p.note ? ` Why: ${p.note}` : ''
    return {
      summary: agreed ? 'Calibration check: you matched the settled answer' : 'Calibration check: the settled answer differed',
      blocks: [
        { type: 'header', text: agreed ? '✓ Calibration check: matched' : 'Calibration check: a different answer was settled' },
        { type: 'section', segments: [{ kind: 'text', text: `That task in ${String(p.projectName)} was a calibration item. The settled answer is ${settledWords(p.settled as Settled)}.${note}` }] },
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

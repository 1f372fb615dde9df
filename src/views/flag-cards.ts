// A flag as its project's leads see it in the lead channel: the item, who flagged it and why,
// and lead-only controls (settle the verdict, drop the item, return it to the pool). The post is
// read by many, so responses are named by the neutral numbers shown in it ("Response 1"), and the
// verdict choices use the same names; the flagger's own note uses the letters they saw.
import type { ItemDto } from '../store/item-repository'
import type { Card, Control } from './card'
import { itemBlocks } from './calibration-cards'
import { ownFrame, SHARED, verdictChoices, verdictLabel } from './response-frame'

/** Item types a lead can settle with a verdict (the others can be dropped or returned). */
export function settleable(item: ItemDto): boolean {
  return item.type === 'pairwise' || item.type === 'ranking' || item.type === 'likert'
}

function itemName(item: ItemDto): string {
  return item.externalId ?? String(item.id)
}

/** The post in the lead channel. */
export function flagPostCard(args: { judgmentId: number; projectName: string; item: ItemDto; flaggedBy: string; reason: string }): Card {
  const { item } = args
  const controls: Control[] = [
    { type: 'button', action: { a: 'flag_drop', j: args.judgmentId }, label: 'Drop from project', style: 'danger' },
    { type: 'button', action: { a: 'flag_return', j: args.judgmentId }, label: 'Return to the pool' },
  ]
  return {
    summary: `Flagged for review in ${args.projectName}: item ${itemName(item)}`,
    blocks: [
      { type: 'header', text: `Flagged · ${args.projectName} · item ${itemName(item)}` },
      { type: 'fields', fields: [{ label: 'Flagged by', value: args.flaggedBy }, { label: 'Why', value: args.reason }] },
      ...itemBlocks(item, SHARED),
      { type: 'divider' },
      { type: 'note', text: 'Leads: settle the verdict (it becomes the gold answer), drop the item from the project, or return it to the pool for another labeler.' },
      ...(settleable(item) ? [{ type: 'actions' as const, controls: [{ type: 'select' as const, action: { a: 'flag_settle' as const, j: args.judgmentId, v: 'select' }, placeholder: 'Lead: settle the verdict…', options: verdictChoices(item) }] }] : []),
      { type: 'actions', controls },
    ],
  }
}

/** The post once a lead handled the flag: what was done and by whom, no controls. */
export function flagHandledCard(args: { projectName: string; item: ItemDto; flaggedBy: string; reason: string; outcome: string; leadName: string; note?: string | null }): Card {
  return {
    summary: `${args.outcome} (item ${itemName(args.item)})`,
    blocks: [
      { type: 'header', text: `✓ ${args.outcome} · ${args.projectName} · item ${itemName(args.item)}` },
      {
        type: 'fields',
        fields: [
          { label: 'Flagged by', value: args.flaggedBy },
          { label: 'Why', value: args.reason },
          { label: 'Handled by', value: args.leadName },
          ...(args.note ? [{ label: 'Note', value: args.note }] : []),
        ],
      },
      ...itemBlocks(args.item, SHARED),
    ],
  }
}

/** A verdict in the letters one labeler saw (their display order), for their own messages. */
export function verdictAsSeen(item: ItemDto, value: string, displayOrder: string[]): string {
  return verdictLabel(item, value, ownFrame(item, displayOrder))
}

/** The flagger hears what became of their flag, privately. */
export function flagOutcomeCard(args: { projectName: string; item: ItemDto; outcome: string; note?: string | null }): Card {
  const prompt = args.item.messages.filter((m) => m.role === 'user').at(-1)?.content ?? ''
  return {
    summary: `A task you flagged: ${args.outcome}`,
    blocks: [
      { type: 'header', text: 'A task you flagged was reviewed' },
      { type: 'section', segments: [{ kind: 'text', text: `In ${args.projectName}: ${args.outcome}.${args.note ? `\nLead’s note: ${args.note}` : ''}` }] },
      ...(prompt ? [{ type: 'section' as const, title: 'The prompt', segments: [{ kind: 'text' as const, text: prompt.length > 500 ? `${prompt.slice(0, 500)}…` : prompt }] }] : []),
      { type: 'note', text: 'Thanks for flagging it rather than guessing. Only you see this.' },
    ],
  }
}

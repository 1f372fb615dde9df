// `arbiter items list`: an item's ids, type, progress and whether it is settled or disputed, so a
// lead can find the id to settle or look up. Disputes are the report's (quality/analytics).
import type { CoreContext } from './context'
import { findProject } from './projects'
import { projectDisputes } from '../quality/analytics'

/** One listed item. */
export interface ListedItem {
  /** The external id given at import, else "#" and the database id. */
  item: string
  itemId: number
  type: string
  judged: number
  target: number
  /** settled (lead verdict), gold, disputed, complete, or open. */
  status: 'settled' | 'gold' | 'disputed' | 'complete' | 'open'
  /** Why it is disputed: split, flaw_disagreement, flagged. */
  reasons: string[]
  /** The last user turn (or the first message), on one line. */
  prompt: string
}

const PREVIEW = 80

function preview(messages: { role: string; content: string }[]): string {
  const turn = [...messages].reverse().find((m) => m.role === 'user') ?? messages[0]
  const text = (turn?.content ?? '').replace(/\s+/g, ' ').trim()
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text
}

/** Lists a project's items (or only the disputed ones), in id order. */
export async function listItems(ctx: CoreContext, options: { projectName: string; disputedOnly?: boolean }): Promise<ListedItem[]> {
  const project = await findProject(ctx, options.projectName)
  const data = await ctx.store.quality.read(project.id)
  const disputes = projectDisputes(data, { redundancy: (item) => data.targets.get(item.id) ?? project.redundancy, disputeLimit: Number.MAX_SAFE_INTEGER })
  const reasons = new Map(disputes.disputes.map((d) => [d.itemId, d.reasons.map((r) => r.code)]))
  const listed: ListedItem[] = []
  for await (const page of ctx.store.bulk.pages(project.id, { kinds: [] })) {
    for (const item of page.items) {
      if (item.type === 'sft_review') continue
      const disputed = reasons.get(item.id)
      if (options.disputedOnly && !disputed) continue
      const status = item.verdict ? 'settled' : item.gold ? 'gold' : disputed ? 'disputed' : item.judged >= item.target ? 'complete' : 'open'
      listed.push({ item: item.externalId ?? `#${item.id}`, itemId: item.id, type: item.type, judged: item.judged, target: item.target, status, reasons: disputed ?? [], prompt: preview(item.messages) })
    }
  }
  return listed
}

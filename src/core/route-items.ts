// Routing: a lead sends items to named labelers or to a group (`arbiter import … --assign ana,ben`,
// `arbiter items assign`). Only they get those items; next-task offers them first. Names are
// checked before anything changes, so a typo never leaves a batch half routed.
import { z } from 'zod'
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { findLabeler } from './labelers'
import type { ItemRouting, ItemSelection } from '../store/item-repository'
import type { LabelerDto } from '../store/labeler-repository'

const groupSchema = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'a group name is 1–40 letters, digits, dots, dashes or underscores')

/** A group name, checked (the same rule for `arbiter labeler group` and routing). */
export function groupName(name: string): string {
  const parsed = groupSchema.safeParse(name)
  if (!parsed.success) throw new ArbiterError('INVALID_INPUT', `"${name}": ${parsed.error.issues[0]!.message}`)
  return parsed.data
}

/** Who items go to, from the handles and group a lead typed; refuses unknown or ambiguous names. */
export async function resolveRouting(ctx: CoreContext, options: { labelers: string[]; group?: string | null }): Promise<ItemRouting & { people: LabelerDto[] }> {
  const people: LabelerDto[] = []
  for (const handle of options.labelers) people.push(await findLabeler(ctx, handle))
  const group = options.group ? groupName(options.group) : null
  if (people.length === 0 && group === null) throw new ArbiterError('INVALID_INPUT', 'Name the labelers (--assign ana,ben) or the group (--group experts) the items go to.')
  return { labelerIds: [...new Set(people.map((p) => p.id))], group, people }
}

/** Routes the selected items; returns how many there were. */
export async function routeItems(ctx: CoreContext, options: { selection: ItemSelection; routing: ItemRouting }): Promise<number> {
  return ctx.store.items.route(options.selection, options.routing)
}

/** Words for a routing, as the CLI and chat report it ("ana, ben and the group experts"). */
export function routingText(routing: ItemRouting & { people: LabelerDto[] }): string {
  const parts = [...routing.people.map((p) => p.displayName), ...(routing.group ? [`the group ${routing.group}`] : [])]
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

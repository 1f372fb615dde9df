// `arbiter items list --project NAME [--disputed] [--json]`: find item ids (and the disputed ones).
// `arbiter items assign ITEM... --project P --to ana,ben | --group experts`: route single items.
import { withCore } from './context'
import { parseList } from './io'
import { table } from './report-command'
import { findProject } from '../core/projects'
import { listItems } from '../core/list-items'
import { resolveRouting, routeItems, routingText } from '../core/route-items'

export async function itemsList(options: { project: string; disputed: boolean; json: boolean }): Promise<number> {
  return withCore(async (ctx) => {
    const items = await listItems(ctx, { projectName: options.project, disputedOnly: options.disputed })
    if (options.json) process.stdout.write(JSON.stringify(items, null, 2) + '\n')
    else if (items.length === 0) process.stdout.write(options.disputed ? `No disputed items in ${options.project}.\n` : `No items in ${options.project}.\n`)
    else process.stdout.write(table(['item', 'type', 'judged', 'status', 'reasons', 'prompt'], items.map((i) => [i.item, i.type, `${i.judged}/${i.target}`, i.status, i.reasons.join(', '), i.prompt])))
    return 0
  })
}

export async function itemsAssign(externalIds: string[], options: { project: string; to?: string; group?: string }): Promise<number> {
  return withCore(async (ctx) => {
    const project = await findProject(ctx, options.project)
    const routing = await resolveRouting(ctx, { labelers: parseList(options.to ?? ''), group: options.group ?? null })
    const routed = await routeItems(ctx, { selection: { projectId: project.id, externalIds }, routing })
    if (routed < externalIds.length) process.stderr.write(`${externalIds.length - routed} of the ids name no item of ${project.name}.\n`)
    process.stdout.write(`Routed ${routed} item${routed === 1 ? '' : 's'} of ${project.name} to ${routingText(routing)}.\n`)
    return routed === externalIds.length ? 0 : 1
  })
}

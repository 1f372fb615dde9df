// `arbiter items assign ITEM... --project P --to ana,ben | --group experts`
import { withCore } from './context'
import { parseList } from './io'
import { findProject } from '../core/projects'
import { resolveRouting, routeItems, routingText } from '../core/route-items'

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

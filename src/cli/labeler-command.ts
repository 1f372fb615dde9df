// `arbiter labeler list|role|skills|group`
import { withCore } from './context'
import { findLabeler, setRole } from '../core/labelers'
import { groupName } from '../core/route-items'
import { ArbiterError } from '../core/errors'
import { roleNames, type LabelerRole } from '../core/task-types'
import { parseList } from './io'

export async function labelerList(): Promise<number> {
  return withCore(async (ctx) => {
    const labelers = await ctx.store.labelers.list()
    if (labelers.length === 0) process.stdout.write('No labelers yet: anyone who talks to the bot becomes one.\n')
    for (const l of labelers) process.stdout.write(`#${l.id}\t${l.displayName}\t${l.platform}:${l.platformUserId}\t${l.role}\t${l.skills.join(',')}\t${l.groups.join(',')}\n`)
    return 0
  })
}

export async function labelerRole(handle: string, role: string): Promise<number> {
  if (!roleNames.includes(role as LabelerRole)) throw new ArbiterError('INVALID_INPUT', `Role must be one of ${roleNames.join(', ')}.`)
  return withCore(async (ctx) => {
    const labeler = await findLabeler(ctx, handle)
    const updated = await setRole(ctx, { actor: null, labelerId: labeler.id, role: role as LabelerRole })
    process.stdout.write(`${updated.displayName} is now ${updated.role}.\n`)
    return 0
  })
}

export async function labelerSkills(handle: string, skills: string): Promise<number> {
  return withCore(async (ctx) => {
    const labeler = await findLabeler(ctx, handle)
    const updated = await ctx.store.labelers.setSkills(labeler.id, parseList(skills))
    process.stdout.write(`${updated.displayName}'s skills: ${updated.skills.join(', ') || '(none)'}\n`)
    return 0
  })
}

/** Sets the groups a labeler belongs to (items can be routed to a group). */
export async function labelerGroups(handle: string, groups: string): Promise<number> {
  return withCore(async (ctx) => {
    const labeler = await findLabeler(ctx, handle)
    const updated = await ctx.store.labelers.setGroups(labeler.id, parseList(groups).map(groupName))
    process.stdout.write(`${updated.displayName}'s groups: ${updated.groups.join(', ') || '(none)'}\n`)
    return 0
  })
}

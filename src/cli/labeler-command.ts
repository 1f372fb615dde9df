// `arbiter labeler list|role|skills`
import { withCore } from './context'
import { setRole } from '../core/labelers'
import { ArbiterError } from '../core/errors'
import { roleNames, type LabelerRole } from '../core/task-types'
import type { CoreContext } from '../core/context'
import type { LabelerDto } from '../store/labeler-repository'
import { parseList } from './io'

async function findOne(ctx: CoreContext, handle: string): Promise<LabelerDto> {
  const byId = /^#\d+$/.test(handle) ? await ctx.store.labelers.findById(Number(handle.slice(1))) : null
  const matches = byId ? [byId] : await ctx.store.labelers.findByHandle(handle)
  if (matches.length === 0) throw new ArbiterError('LABELER_NOT_FOUND', `No labeler matches "${handle}" (give a platform user id, a display name, or #id from "arbiter labeler list").`)
  if (matches.length > 1) throw new ArbiterError('LABELER_NOT_FOUND', `Several labelers match "${handle}": ${matches.map((m) => `#${m.id} ${m.displayName} (${m.platform})`).join(', ')}. Use #id.`)
  return matches[0]!
}

export async function labelerList(): Promise<number> {
  return withCore(async (ctx) => {
    const labelers = await ctx.store.labelers.list()
    if (labelers.length === 0) process.stdout.write('No labelers yet: anyone who talks to the bot becomes one.\n')
    for (const l of labelers) process.stdout.write(`#${l.id}\t${l.displayName}\t${l.platform}:${l.platformUserId}\t${l.role}\t${l.skills.join(',')}\n`)
    return 0
  })
}

export async function labelerRole(handle: string, role: string): Promise<number> {
  if (!roleNames.includes(role as LabelerRole)) throw new ArbiterError('INVALID_INPUT', `Role must be one of ${roleNames.join(', ')}.`)
  return withCore(async (ctx) => {
    const labeler = await findOne(ctx, handle)
    const updated = await setRole(ctx, { actor: null, labelerId: labeler.id, role: role as LabelerRole })
    process.stdout.write(`${updated.displayName} is now ${updated.role}.\n`)
    return 0
  })
}

export async function labelerSkills(handle: string, skills: string): Promise<number> {
  return withCore(async (ctx) => {
    const labeler = await findOne(ctx, handle)
    const updated = await ctx.store.labelers.setSkills(labeler.id, parseList(skills))
    process.stdout.write(`${updated.displayName}'s skills: ${updated.skills.join(', ') || '(none)'}\n`)
    return 0
  })
}

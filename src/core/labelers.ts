// Labelers come into being by talking to the bot; roles change only by a lead or an admin
// (or `arbiter labeler role` on the server, which is trusted).
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import type { LabelerDto, PlatformIdentity } from '../store/labeler-repository'
import type { LabelerRole } from './task-types'

/** The labeler behind a platform user, created on first contact (admins from configuration). */
export async function ensureLabeler(ctx: CoreContext, identity: PlatformIdentity, displayName: string): Promise<LabelerDto> {
  const role: LabelerRole = ctx.settings.admins.includes(identity.platformUserId) ? 'admin' : 'labeler'
  const labeler = await ctx.store.labelers.ensure(identity, displayName, role)
  // An id added to ARBITER_ADMINS later is promoted on its next contact.
  if (role === 'admin' && labeler.role !== 'admin') return ctx.store.labelers.setRole(labeler.id, 'admin')
  return labeler
}

/** True for leads and admins. */
export function isLead(labeler: LabelerDto): boolean {
  return labeler.role === 'lead' || labeler.role === 'admin'
}

/** Refuses unless the labeler is a lead or an admin. */
export function requireLead(labeler: LabelerDto): void {
  if (!isLead(labeler)) throw new ArbiterError('NOT_ALLOWED')
}

/** Changes a role on behalf of `actor` (null: the trusted command line). Only admins make admins. */
export async function setRole(ctx: CoreContext, options: { actor: LabelerDto | null; labelerId: number; role: LabelerRole }): Promise<LabelerDto> {
  if (options.actor) {
    requireLead(options.actor)
    if (options.role === 'admin' && options.actor.role !== 'admin') throw new ArbiterError('NOT_ALLOWED', 'Only admins can make admins.')
  }
  const target = await ctx.store.labelers.findById(options.labelerId)
  if (!target) throw new ArbiterError('LABELER_NOT_FOUND')
  return ctx.store.labelers.setRole(target.id, options.role)
}

/** The one labeler a handle names: a platform user id, a display name, or #id; refuses none or several. */
export async function findLabeler(ctx: CoreContext, handle: string): Promise<LabelerDto> {
  const byId = /^#\d+$/.test(handle) ? await ctx.store.labelers.findById(Number(handle.slice(1))) : null
  const matches = byId ? [byId] : await ctx.store.labelers.findByHandle(handle)
  if (matches.length === 0) throw new ArbiterError('LABELER_NOT_FOUND', `No labeler matches "${handle}" (give a platform user id, a display name, or #id from "arbiter labeler list").`)
  if (matches.length > 1) throw new ArbiterError('LABELER_NOT_FOUND', `Several labelers match "${handle}": ${matches.map((m) => `#${m.id} ${m.displayName} (${m.platform})`).join(', ')}. Use #id.`)
  return matches[0]!
}

// Who is acting, as adapters report it. Anyone who talks to the bot becomes a labeler.
import type { CoreContext } from '../core/context'
import { ensureLabeler } from '../core/labelers'
import type { LabelerDto, PlatformIdentity } from '../store/labeler-repository'

/** A platform user, as an adapter sees them. */
export interface Actor {
  identity: PlatformIdentity
  displayName: string
  /** True when the platform itself says this person leads (e.g. a Discord lead role). */
  platformLead?: boolean
}

/** The labeler behind an actor, with a platform lead role counting as lead. */
export async function labelerFor(ctx: CoreContext, actor: Actor): Promise<LabelerDto> {
  const labeler = await ensureLabeler(ctx, actor.identity, actor.displayName)
  return actor.platformLead && labeler.role === 'labeler' ? { ...labeler, role: 'lead' } : labeler
}

// The Guidelines button on every task (and in drift pings and refreshers): a project's own
// guidelines, or the team's guide, shown privately.
import type { CoreContext } from '../core/context'
import { guidelinesOf } from '../core/guidelines'
import { guidelinesView } from '../views/guidelines'
import type { Outcome } from './outcome'

/** Shows a project's guidelines (null: the team's guide) to whoever asked. */
export async function showGuidelines(ctx: CoreContext, projectId: number | null): Promise<Outcome> {
  const project = projectId === null ? null : await ctx.store.projects.findById(projectId)
  const view = guidelinesView(project?.name ?? null, guidelinesOf(project))
  return 'card' in view ? { post: [{ card: view.card }] } : { file: view.file }
}

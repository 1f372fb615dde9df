// Skipping hands the item back to the pool for others; this labeler will not see it again.
import { ArbiterError } from './errors'
import type { CoreContext } from './context'

export async function skipTask(ctx: CoreContext, options: { assignmentId: number; labelerId: number }): Promise<void> {
  const assignment = await ctx.store.assignments.findById(options.assignmentId)
  if (!assignment) throw new ArbiterError('ASSIGNMENT_NOT_FOUND')
  if (assignment.labelerId !== options.labelerId) throw new ArbiterError('FOREIGN_ASSIGNMENT')
  if (assignment.status === 'skipped') return
  if (!(await ctx.store.assignments.release(assignment.id, 'skipped'))) throw new ArbiterError('ASSIGNMENT_CLOSED')
}

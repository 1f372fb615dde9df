// A labeler holding a task close to its expiry gets one gentle reminder; at expiry the task
// returns to the pool and the labeler is told — once, whichever instance notices.
import { sendQuietly, type JobEnv } from './job-env'
import { messageCard } from '../views/task-card'

export async function claimReminders(env: JobEnv): Promise<string> {
  const { ctx } = env
  const now = ctx.now()
  let reminded = 0
  let expired = 0
  const within = env.settings.claimReminderMinutes * 60_000
  for (const assignment of await ctx.store.assignments.expiringSoon(now, within)) {
    const labeler = await ctx.store.labelers.findById(assignment.labelerId)
    const port = labeler ? env.ports.get(labeler.platform) : undefined
    if (!labeler || !port || !(await ctx.store.assignments.markReminded(assignment.id, now))) continue
    const minutes = Math.max(1, Math.round((assignment.expiresAt.getTime() - now.getTime()) / 60_000))
    await sendQuietly(env, port, labeler.platformUserId, messageCard('Your task is waiting', `The task you hold (task ${assignment.id}) goes back to the pool in about ${minutes} minute${minutes === 1 ? '' : 's'}. No rush — if you cannot finish, it simply returns for someone else.`))
    reminded++
  }
  await ctx.store.assignments.expireOverdue(now)
  for (const assignment of await ctx.store.assignments.expiredSince(new Date(now.getTime() - 24 * 3_600_000))) {
    const labeler = await ctx.store.labelers.findById(assignment.labelerId)
    const port = labeler ? env.ports.get(labeler.platform) : undefined
    if (!labeler || !port || !(await ctx.store.calibration.once(`expired:${assignment.id}`))) continue
    await sendQuietly(env, port, labeler.platformUserId, messageCard('A task went back to the pool', `Task ${assignment.id} expired before it was answered, so it went back to the pool. Nothing was recorded; type /label to continue.`, { projectId: assignment.projectId, label: 'Next task' }))
    expired++
  }
  return `reminded ${reminded}, told ${expired} about expired tasks`
}

// Keeps calibration moving: a reminder in a thread no lead settled, then an escalation to the
// lead channel; a thread that was deleted is noticed and its item returns to the queue; a thread
// whose item a lead settled or dropped outside it is closed, its parent saying so.
import type { Card } from '../views/card'
import type { JobEnv } from './job-env'
import { closedOutside } from '../interactions/calibration'

export async function remindCalibrationThreads(env: JobEnv): Promise<string> {
  const { ctx } = env
  const now = ctx.now()
  let reminded = 0
  let escalated = 0
  let removed = 0
  let closed = 0
  for (const thread of await ctx.store.calibration.open()) {
    const port = env.ports.get(thread.platform)
    if (!port) continue
    const parent = { channelId: thread.channelId, messageId: thread.messageId, ...(thread.threadId ? { threadId: thread.threadId } : {}) }
    if (!(await port.messageExists(parent))) {
      await ctx.store.calibration.remove(thread.id)
      removed++
      continue
    }
    const age = now.getTime() - thread.postedAt.getTime()
    const project = await ctx.store.projects.findById(thread.projectId)
    const item = await ctx.store.items.findById(thread.itemId)
    if (!project || !item) continue
    // Settled or dropped outside the thread (its flag, the other platform's thread): the parent says so, no reminder.
    const outside = await closedOutside(ctx, thread, item)
    if (outside) {
      await port.updateMessage(parent, outside.card)
      await outside.close()
      closed++
      continue
    }
    if (age >= env.settings.calibrationRemindHours * 3_600_000 && !thread.remindedAt && (await ctx.store.calibration.markReminded(thread.id, now))) {
      const votes = await ctx.store.calibration.votes(thread.id)
      const waiting: string[] = []
      for (const id of thread.labelerIds.filter((id) => !votes.some((v) => v.labelerId === id))) {
        const labeler = await ctx.store.labelers.findById(id)
        if (labeler?.platform === thread.platform) waiting.push(labeler.platformUserId)
      }
      const card: Card = {
        summary: 'Calibration reminder',
        blocks: [waiting.length > 0 ? { type: 'mentions', userIds: waiting, text: 'a fresh verdict from you is still missing here.' } : { type: 'section', segments: [{ kind: 'text', text: 'Reminder: this item still waits for a lead to settle it.' }] }],
      }
      await port.postInThread(parent, card, 'Calibration')
      reminded++
    }
    if (age >= env.settings.calibrationEscalateHours * 3_600_000 && !thread.escalatedAt) {
      const leadChannel = thread.platform === 'slack' ? project.slackLeadChannel : project.discordLeadChannel
      if (leadChannel && (await ctx.store.calibration.markEscalated(thread.id, now))) {
        await port.postToChannel(leadChannel, {
          summary: 'A calibration item waits for a lead',
          blocks: [
            { type: 'header', text: `Calibration waiting · ${project.name}` },
            { type: 'section', segments: [{ kind: 'text', text: `Item ${item.externalId ?? item.id} has been open for ${Math.floor(age / 3_600_000)} hours without a settled verdict. Settle it from its thread in the calibration channel.` }] },
          ],
        })
        escalated++
      }
    }
  }
  return `reminded ${reminded}, escalated ${escalated}, closed ${closed} decided outside their thread, found ${removed} deleted thread${removed === 1 ? '' : 's'} (items back in the queue)`
}

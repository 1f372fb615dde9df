// Posts the most instructive disputed items of a project into its calibration channel(s),
// each as a parent message with a thread that asks the labelers involved to join.
import type { ProjectDto } from '../store/project-repository'
import { projectReport } from '../core/report/project-report'
import { calibrationParentCard, threadInviteCard } from '../views/calibration-cards'
import { verdictPoint } from '../core/vote-split'
import type { JobEnv } from './job-env'

/** Calibration channels of a project, by platform. */
export function calibrationChannels(project: ProjectDto): { platform: 'slack' | 'discord'; channelId: string }[] {
  return [
    ...(project.slackCalibrationChannel ? [{ platform: 'slack' as const, channelId: project.slackCalibrationChannel }] : []),
    ...(project.discordCalibrationChannel ? [{ platform: 'discord' as const, channelId: project.discordCalibrationChannel }] : []),
  ]
}

export async function postCalibrationThreads(env: JobEnv, project: ProjectDto): Promise<string> {
  const { ctx } = env
  const targets = calibrationChannels(project).filter((t) => env.ports.get(t.platform))
  if (targets.length === 0) return `${project.name}: no calibration channel on a running platform`
  const report = await projectReport(ctx, { projectName: project.name, leaderboard: false })
  const posted: string[] = []
  for (const target of targets) {
    const port = env.ports.get(target.platform)!
    const discussed = await ctx.store.calibration.discussedItemIds(project.id, target.platform)
    let count = 0
    for (const dispute of report.disputes) {
      if (count >= env.settings.calibrationItemsPerRun) break
      if (discussed.has(dispute.itemId)) continue
      const item = await ctx.store.items.findById(dispute.itemId)
      // Settled, or dropped from the project (its flag upheld): nothing to discuss.
      if (!item || item.verdict || item.droppedAt) continue
      const judgments = (await ctx.store.judgments.forItem(item.id)).filter((j) => verdictPoint(j) !== null)
      const labelerIds = [...new Set(judgments.map((j) => j.labelerId))]
      // The unique (project, item, platform) row is claimed before posting: two instances, or a
      // run overlapping a restart, can never post the same item twice.
      const thread = await ctx.store.calibration.claim({ projectId: project.id, itemId: item.id, platform: target.platform, channelId: target.channelId, labelerIds, now: ctx.now() })
      if (!thread) continue
      try {
        const split: Record<string, number> = {}
        for (const j of judgments) split[verdictPoint(j)!] = (split[verdictPoint(j)!] ?? 0) + 1
        const parent = await port.postToChannel(target.channelId, calibrationParentCard({ threadId: thread.id, projectName: project.name, item, split, reasons: dispute.reasons, labelerCount: labelerIds.length }))
        const userIds: string[] = []
        for (const id of labelerIds) {
          const labeler = await ctx.store.labelers.findById(id)
          if (labeler?.platform === target.platform) userIds.push(labeler.platformUserId)
        }
        const invite = await port.postInThread(parent, threadInviteCard(userIds), `Calibration: item ${item.externalId ?? item.id}`)
        await ctx.store.calibration.setPosted(thread.id, parent.messageId, invite.threadId ?? parent.messageId)
        count++
        posted.push(`${target.platform}:${item.externalId ?? item.id}`)
      } catch (error) {
        await ctx.store.calibration.remove(thread.id)
        throw error
      }
    }
  }
  return `${project.name}: posted ${posted.length} calibration thread${posted.length === 1 ? '' : 's'}${posted.length ? ` (${posted.join(', ')})` : ''}`
}

// The guide: "If unsure: flag the task for review." A flag reaches the project's leads at once, as
// a post in its lead channel. The post is queued in the notification outbox with the judgment, so
// a crash between recording and posting loses nothing: whoever replays the flag, or the
// lead-notices sweep, posts it.
import type { ProjectDto } from '../store/project-repository'

/** What the outbox holds for a flag: the judgment names the item, the labeler and the reason. */
export interface FlagNoticePayload {
  judgmentId: number
}

export const FLAG_NOTICE = 'flag'

/** The platform whose lead channel hears a flag: the flagger's own when the project has a lead channel there, else the other one. */
export function leadPlatformFor(project: Pick<ProjectDto, 'slackLeadChannel' | 'discordLeadChannel'>, flaggedOn: string): 'slack' | 'discord' | null {
  const channels = { slack: project.slackLeadChannel, discord: project.discordLeadChannel }
  if (flaggedOn === 'slack' || flaggedOn === 'discord') if (channels[flaggedOn]) return flaggedOn
  if (channels.slack) return 'slack'
  if (channels.discord) return 'discord'
  return null
}

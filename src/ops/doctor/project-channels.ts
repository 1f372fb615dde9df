// The channels the active projects name on one platform, with the command that changes each.
// Paused projects are not checked: their channels may be archived on purpose.
import { CHANNEL_FIELDS, CHANNEL_PURPOSES, type ChannelPurpose } from '../../core/projects'
import type { ProjectDto } from '../../store/project-repository'

/** One channel a project uses. */
export interface ProjectChannel {
  project: string
  purpose: ChannelPurpose
  channelId: string
  /** How a lead points the project at another channel. */
  setCommand: string
}

const FLAG: Record<ChannelPurpose, string> = { labeling: 'channel', calibration: 'calibration-channel', leads: 'lead-channel' }

export function projectChannels(projects: readonly ProjectDto[], platform: keyof typeof CHANNEL_FIELDS): ProjectChannel[] {
  return projects
    .filter((project) => project.active)
    .flatMap((project) =>
      CHANNEL_PURPOSES.flatMap((purpose) => {
        const channelId = project[CHANNEL_FIELDS[platform][purpose]]
        return channelId ? [{ project: project.name, purpose, channelId, setCommand: `arbiter project set ${project.name} --${platform}-${FLAG[purpose]} ID` }] : []
      }),
    )
}

/** "project p's calibration channel" */
export function describeChannel(channel: ProjectChannel): string {
  return `project ${channel.project}'s ${channel.purpose === 'leads' ? 'lead' : channel.purpose} channel`
}

// Doctor, Slack: the bot token works (auth.test), it was granted every scope manifest.yml asks
// for (Slack reports a token's scopes with every answer), the app token opens Socket Mode (or a
// signing secret is set for HTTP mode), and the bot can read and post in each project channel.
// Only read calls, with scopes the manifest already has: nothing is posted or changed.
import { webApi } from '@slack/bolt'
import type { Config } from '../../config'
import type { ProjectDto } from '../../store/project-repository'
import type { Section } from './checklist'
import { manifestBotScopes } from './manifest'
import { describeChannel, projectChannels } from './project-channels'

const SETUP = 'README, "Setting up Slack"'

function client(token: string, config: Config): webApi.WebClient {
  // No retries: the doctor reports what Slack answers now, at once.
  return new webApi.WebClient(token, { ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}), retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR, timeout: 10_000 })
}

function errorCode(error: unknown): string {
  const data = (error as { data?: { error?: string } }).data
  return data?.error ?? (error instanceof Error ? error.message : String(error))
}

export async function checkSlack(section: Section, config: Config, projects: ProjectDto[] | null): Promise<void> {
  const token = config.SLACK_BOT_TOKEN
  if (!token) return section.skip('not configured (SLACK_BOT_TOKEN is not set)')
  const bot = client(token, config)
  let auth: webApi.AuthTestResponse
  try {
    auth = await bot.auth.test()
  } catch (error) {
    return section.fail(`bot token refused by Slack (${errorCode(error)})`, `copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN (${SETUP}, step 2)`)
  }
  const botName = auth.user ?? 'Arbiter'
  section.ok(`bot token valid: workspace "${auth.team}" (${auth.team_id}), bot user @${botName} (${auth.user_id})`)

  const granted = auth.response_metadata?.scopes
  if (!granted) section.skip('Slack did not report the token\'s scopes; compare OAuth & Permissions with manifest.yml by hand')
  else {
    const missing = manifestBotScopes().filter((scope) => !granted.includes(scope))
    if (missing.length === 0) section.ok(`granted scopes cover manifest.yml (${granted.length} granted)`)
    else section.fail(`scopes missing from the install: ${missing.join(', ')}`, `add ${missing.join(', ')} under OAuth & Permissions → Bot Token Scopes (or update the app from manifest.yml), then reinstall the app to the workspace (${SETUP}, steps 1–2)`)
  }

  if (config.SLACK_APP_TOKEN) {
    try {
      await client(config.SLACK_APP_TOKEN, config).apps.connections.open()
      section.ok('app token opens a Socket Mode connection')
    } catch (error) {
      const code = errorCode(error)
      const fix =
        code === 'not_allowed_token_type'
          ? 'SLACK_APP_TOKEN must be the app-level token (xapp-…), not the bot token'
          : `create an app-level token with the connections:write scope under Basic Information → App-Level Tokens and put it in SLACK_APP_TOKEN; Socket Mode must be on (${SETUP}, step 2)`
      section.fail(`app token cannot open Socket Mode (${code})`, fix)
    }
  } else if (config.SLACK_SIGNING_SECRET) section.ok(`HTTP mode: signing secret set; Slack must reach https://YOUR-HOST/slack/events on port ${config.SLACK_PORT}`)
  else section.fail('neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is set', `set SLACK_APP_TOKEN for Socket Mode (${SETUP}, step 2) or SLACK_SIGNING_SECRET for HTTP mode (${SETUP}, "HTTP mode")`)

  if (projects === null) return section.skip('project channels not checked: the database did not answer or needs migrating')
  const channels = projectChannels(projects, 'slack')
  if (channels.length === 0) return section.skip('no active project names a Slack channel')
  const invite = `/invite @${botName}`
  for (const channel of channels) {
    const where = `${channel.channelId} (${describeChannel(channel)})`
    try {
      // Reading one message needs channels:history / groups:history (in the manifest) and
      // membership; posting needs chat:write (checked above) and the same membership.
      await bot.conversations.history({ channel: channel.channelId, limit: 1 })
      section.ok(`can read and post in ${where}`)
    } catch (error) {
      const code = errorCode(error)
      if (code === 'not_in_channel') section.fail(`not a member of ${where}`, `${invite} in the channel ${channel.channelId} (open it in Slack and type the command)`)
      else if (code === 'channel_not_found') section.fail(`cannot see ${where}: a private channel the bot is not in, or a wrong id`, `${invite} in that channel, or correct it: ${channel.setCommand}`)
      else if (code === 'missing_scope') section.fail(`cannot read ${where}: the token lacks channels:history / groups:history`, `add the scopes manifest.yml lists and reinstall the app (${SETUP}, step 1)`)
      else section.fail(`cannot read ${where} (${code})`, `check the channel in Slack, or correct it: ${channel.setCommand}`)
    }
  }
}

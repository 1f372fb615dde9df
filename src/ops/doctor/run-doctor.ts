// `arbiter doctor`: checks a deployment from the configuration the bot would start with, and
// changes nothing (no migration, no message, no command registration).
import { loadConfig, type Config } from '../../config'
import { Checklist, type CheckResult } from './checklist'
import { checkDatabase } from './database-checks'
import { checkDiscord } from './discord-checks'
import { checkSchedules } from './schedule-checks'
import { checkSlack } from './slack-checks'

export async function runDoctor(env: Record<string, string | undefined>, now = new Date()): Promise<CheckResult[]> {
  const list = new Checklist()
  const configuration = list.section('Configuration')
  let config: Config
  try {
    config = loadConfig(env)
  } catch (error) {
    configuration.fail((error as Error).message.replace(/\n\s*/g, '; '), 'correct the variables named above (README, "Configuration")')
    return list.results
  }
  const platforms = [config.SLACK_BOT_TOKEN ? `Slack (${config.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP mode'})` : null, config.DISCORD_TOKEN ? 'Discord' : null].filter(Boolean)
  if (platforms.length === 0) configuration.fail('configuration parses, but names no chat platform: the bot would not start', 'set SLACK_BOT_TOKEN (README, "Setting up Slack") and/or DISCORD_TOKEN (README, "Setting up Discord")')
  else configuration.ok(`configuration parses: ${platforms.join(' and ')}`)
  const projects = await checkDatabase(list.section('Database'), config)
  // A platform that cannot be reached at all is one ✗, not a crash of the doctor.
  const guarded = async (name: string, check: () => Promise<void>) => check().catch((error: unknown) => list.section(name).fail(`the check stopped: ${error instanceof Error ? error.message : String(error)}`, 'run `arbiter doctor` again; if it persists, report it'))
  await guarded('Slack', () => checkSlack(list.section('Slack'), config, projects))
  await guarded('Discord', () => checkDiscord(list.section('Discord'), config, projects))
  checkSchedules(list.section('Jobs'), config, projects, now)
  return list.results
}

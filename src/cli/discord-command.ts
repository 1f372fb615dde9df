// `arbiter discord register [--guild ID]`: puts Arbiter's commands on Discord. Needs no
// database, only DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_API_URL for tests).
import { loadConfig } from '../config'

export async function discordRegister(options: { guild?: string }, env: Record<string, string | undefined> = process.env): Promise<number> {
  const config = loadConfig(env)
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    process.stderr.write('arbiter: set DISCORD_TOKEN and DISCORD_APPLICATION_ID first (README, "Setting up Discord").\n')
    return 1
  }
  const { registerCommands } = await import('../adapters/discord/commands')
  const names = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(config.DISCORD_API_URL ? { apiUrl: config.DISCORD_API_URL } : {}),
    ...(options.guild ? { guildId: options.guild } : {}),
  })
  const where = options.guild ? `in guild ${options.guild} (available now)` : 'globally (Discord may take up to an hour to show them everywhere)'
  process.stdout.write(`Registered ${names.map((n) => `"${n}"`).join(', ')} ${where}.\n`)
  return 0
}

// The chat ports configured for this process: what scheduled jobs post through.
import type { Config } from '../config'
import { noMetrics, type Metrics } from '../ops/metrics'
import { ChatPorts } from '../interactions/chat-port'

/** Ports for each platform whose credentials are set (Web API / REST clients only). */
export async function portsFromConfig(config: Config, metrics: Metrics = noMetrics): Promise<ChatPorts> {
  const ports = new ChatPorts()
  if (config.SLACK_BOT_TOKEN) ports.register((await import('./slack/slack-port')).SlackChatPort.fromConfig(config, {}, metrics)!)
  if (config.DISCORD_TOKEN) ports.register((await import('./discord/discord-port')).createDiscordPort(config, metrics))
  return ports
}

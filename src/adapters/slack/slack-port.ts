// The ChatPort of Slack for scheduled jobs (calibration threads, digests, drift pings): the Web
// API client only, no Socket Mode connection, so `arbiter jobs run` can use it from the CLI.
// Cards render exactly as in the labeling flow (render.ts), where a `mentions` block is the one
// deliberate ping. Posting in a channel needs the bot to be a member of it (invite @Arbiter).
import { webApi } from '@slack/bolt'
import type { Config } from '../../config'
import type { ChatPort, MessageRef } from '../../interactions/chat-port'
import type { Card } from '../../views/card'
import { fitText, renderMessage } from './render'
import { noMetrics, type Metrics } from '../../ops/metrics'
import { observedFetch } from './observed-fetch'

/** The Web API's error code (`not_in_channel`, `message_not_found`…), if it is one. */
function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error
}

/**
 * Posting in a channel needs the bot to be a member (the app has chat:write, not
 * chat:write.public). Slack's bare `not_in_channel` says nothing to whoever reads the job log or
 * `arbiter jobs run`, so it becomes an instruction.
 */
async function inChannel<T>(channelId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    const code = slackError(error)
    if (code === 'not_in_channel' || code === 'channel_not_found') {
      throw new Error(`Slack: Arbiter cannot post in channel ${channelId} (${code}). Invite it there (in the channel: /invite @Arbiter), or check the channel id in arbiter project set.`, { cause: error })
    }
    throw error
  }
}

/**
 * A thread's first message, read with conversations.replies (channels:history, or
 * groups:history in a private channel); undefined when Slack returns none. Errors are the caller's.
 */
export async function threadParent(client: webApi.WebClient, channel: string, ts: string): Promise<{ text?: string; subtype?: string } | undefined> {
  const thread = await client.conversations.replies({ channel, ts, limit: 1 })
  return thread.messages?.find((m) => m.ts === ts) as { text?: string; subtype?: string } | undefined
}

export class SlackChatPort implements ChatPort {
  readonly platform = 'slack' as const
  private readonly dms = new Map<string, string>()
  /** Until Slack says missing_scope: the app may lack channels:history if installed from an older manifest. */
  private canReadHistory = true

  constructor(private readonly client: webApi.WebClient) {}

  /** A port from configuration, or null when Slack is not configured. */
  static fromConfig(config: Config, options: webApi.WebClientOptions = {}, metrics: Metrics = noMetrics): SlackChatPort | null {
    if (!config.SLACK_BOT_TOKEN) return null
    return new SlackChatPort(new webApi.WebClient(config.SLACK_BOT_TOKEN, { ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}), fetch: observedFetch(metrics), ...options }))
  }

  async postToChannel(channelId: string, card: Card): Promise<MessageRef> {
    const message = renderMessage(card)
    const posted = await inChannel(channelId, () => this.client.chat.postMessage({ channel: channelId, text: message.text, blocks: message.blocks as never }))
    return { channelId: posted.channel ?? channelId, messageId: String(posted.ts) }
  }

  async postInThread(parent: MessageRef, card: Card, _threadName?: string): Promise<MessageRef> {
    const message = renderMessage(card)
    const threadTs = parent.threadId ?? parent.messageId
    const posted = await inChannel(parent.channelId, () => this.client.chat.postMessage({ channel: parent.channelId, thread_ts: threadTs, text: message.text, blocks: message.blocks as never }))
    return { channelId: parent.channelId, messageId: String(posted.ts), threadId: threadTs }
  }

  async updateMessage(ref: MessageRef, card: Card): Promise<void> {
    const message = renderMessage(card)
    await this.client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: message.text, blocks: message.blocks as never })
  }

  async messageExists(ref: MessageRef): Promise<boolean> {
    // A thread parent deleted while it has replies (ours always has the invite) is not gone on
    // Slack: it stays as a "This message was deleted." tombstone that chat.getPermalink still
    // links to. Only reading it tells, which takes channels:history (groups:history for a private
    // channel). An app installed before that scope was added falls back to the permalink, which
    // notices only parents deleted without replies.
    if (this.canReadHistory) {
      try {
        const parent = await threadParent(this.client, ref.channelId, ref.messageId)
        return parent !== undefined && parent.subtype !== 'tombstone'
      } catch (error) {
        const code = slackError(error)
        if (code === 'thread_not_found' || code === 'message_not_found' || code === 'channel_not_found') return false
        if (code !== 'missing_scope') throw error
        this.canReadHistory = false
      }
    }
    try {
      await this.client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.messageId })
      return true
    } catch (error) {
      const code = slackError(error)
      if (code === 'message_not_found' || code === 'channel_not_found' || code === 'thread_not_found') return false
      throw error
    }
  }

  async sendDirect(userId: string, card: Card): Promise<MessageRef> {
    let channel = this.dms.get(userId)
    if (!channel) {
      channel = (await this.client.conversations.open({ users: userId })).channel?.id
      if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`)
      this.dms.set(userId, channel)
    }
    return this.postToChannel(channel, card)
  }

  async uploadFile(channelId: string, file: { name: string; content: Uint8Array | string; comment: string; threadId?: string }): Promise<void> {
    await inChannel(channelId, () => this.client.filesUploadV2({
      channel_id: channelId,
      ...(file.threadId ? { thread_ts: file.threadId } : {}),
      filename: file.name,
      file: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content),
      initial_comment: fitText(file.comment, 3_000),
    } as webApi.FilesUploadV2Arguments))
  }
}

/** A Slack port from configuration (SLACK_BOT_TOKEN, SLACK_API_URL); throws when Slack is not configured. */
export function createSlackPort(config: Config, options: webApi.WebClientOptions = {}): SlackChatPort {
  const port = SlackChatPort.fromConfig(config, options)
  if (!port) throw new Error('SLACK_BOT_TOKEN is not set')
  return port
}

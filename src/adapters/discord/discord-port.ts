// Arbiter's jobs posting to Discord through REST only (no gateway), so `arbiter jobs run` works
// from the command line too; the bot uses the same port for what an interaction sends to other
// places (DMs to other people, replies in a calibration thread). Every message sets
// allowed_mentions: nobody is pinged except the users a card's `mentions` block names.
//
// Threads: a thread started from a message shares that message's id (POST
// /channels/{channel}/messages/{message}/threads), so a calibration parent's `threadId` equals its
// `messageId` on Discord; that is an existing thread, not a request to open one.
import { REST, RESTJSONErrorCodes, Routes, type RESTPostAPIChannelMessageJSONBody } from 'discord.js'
import type { Config } from '../../config'
import type { ChatPort, MessageRef } from '../../interactions/chat-port'
import type { Card } from '../../views/card'
import { escapeText } from './escape'
import { renderCard, type DiscordPage } from './render-card'
import { DISCORD } from './discord-limits'
import { noMetrics, type Metrics } from '../../ops/metrics'
import { observeRest } from './observe-rest'

const NO_PINGS = { parse: [] as [] }

interface Message {
  id: string
  channel_id: string
}

/** A page as a REST message body: pings exactly the page's allowed users, nobody else. */
export function messageBody(page: DiscordPage): RESTPostAPIChannelMessageJSONBody {
  const users = page.allowedUsers ?? []
  return { ...(page.content ? { content: page.content } : {}), embeds: page.embeds, components: page.components, allowed_mentions: users.length > 0 ? { parse: [], users } : NO_PINGS }
}

function errorCode(error: unknown): { status?: number; code?: number } {
  const e = error as { status?: number; code?: number | string }
  return { ...(e.status !== undefined ? { status: e.status } : {}), ...(typeof e.code === 'number' ? { code: e.code } : {}) }
}

export class DiscordChatPort implements ChatPort {
  readonly platform = 'discord' as const

  constructor(private readonly rest: REST) {}

  private async post(channelId: string, card: Card): Promise<Message> {
    let first: Message | null = null
    for (const page of renderCard(card)) {
      const files = page.files?.map((f) => ({ name: f.name, data: f.data }))
      const message = (await this.rest.post(Routes.channelMessages(channelId), { body: messageBody(page), ...(files ? { files } : {}) })) as Message
      first ??= message
    }
    return first!
  }

  async postToChannel(channelId: string, card: Card): Promise<MessageRef> {
    const message = await this.post(channelId, card)
    return { channelId: message.channel_id, messageId: message.id }
  }

  async postInThread(parent: MessageRef, card: Card, threadName: string): Promise<MessageRef> {
    const threadId = parent.threadId ?? (await this.openThread(parent, threadName))
    const message = await this.post(threadId, card)
    return { channelId: threadId, messageId: message.id, threadId }
  }

  /** Opens the thread of a message; one that already exists (another instance, a retry) is reused. */
  private async openThread(parent: MessageRef, name: string): Promise<string> {
    try {
      const thread = (await this.rest.post(Routes.threads(parent.channelId, parent.messageId), { body: { name: name.slice(0, DISCORD.threadName), auto_archive_duration: 10080 } })) as { id: string }
      return thread.id
    } catch (error) {
      if (errorCode(error).code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return parent.messageId
      throw error
    }
  }

  /** Edits a message in place. A card longer than one message keeps its first page only (edits cannot add messages). */
  async updateMessage(ref: MessageRef, card: Card): Promise<void> {
    const [first] = renderCard(card)
    if (first) await this.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), { body: { ...messageBody(first), content: first.content ?? '' } })
  }

  async messageExists(ref: MessageRef): Promise<boolean> {
    try {
      await this.rest.get(Routes.channelMessage(ref.channelId, ref.messageId))
      // Deleting a thread leaves its starter message, and the discussion is gone all the same.
      if (ref.threadId) await this.rest.get(Routes.channel(ref.threadId))
      return true
    } catch (error) {
      if (errorCode(error).status === 404) return false
      throw error
    }
  }

  async sendDirect(userId: string, card: Card): Promise<MessageRef> {
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string }
    return this.postToChannel(channel.id, card)
  }

  /**
   * Posts a file to a channel. `threadId` (Slack's thread of a message, e.g. the digest's) becomes a
   * reply to that message here, so the chart sits under its digest; if it is gone the file is
   * posted plainly.
   */
  async uploadFile(channelId: string, file: { name: string; content: Uint8Array | string; comment: string; threadId?: string }): Promise<void> {
    await this.rest.post(Routes.channelMessages(channelId), {
      body: {
        content: escapeText(file.comment).slice(0, DISCORD.content),
        allowed_mentions: NO_PINGS,
        ...(file.threadId ? { message_reference: { message_id: file.threadId, fail_if_not_exists: false } } : {}),
      },
      files: [{ name: file.name, data: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content) }],
    })
  }
}

/** A Discord port from configuration (DISCORD_TOKEN, DISCORD_API_URL). */
export function createDiscordPort(config: Config, metrics: Metrics = noMetrics): DiscordChatPort {
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}) }).setToken(config.DISCORD_TOKEN ?? '')
  observeRest(rest, metrics)
  return new DiscordChatPort(rest)
}

// Arbiter's jobs posting to Discord through REST only (no gateway), so `arbiter jobs run` works
// from the command line too. Every message sets allowed_mentions: nobody is pinged except the
// labelers a calibration thread deliberately asks to join.
import { REST, Routes, type RESTPostAPIChannelMessageJSONBody } from 'discord.js'
import type { Config } from '../../config'
import type { ChatPort, MessageRef } from '../../interactions/chat-port'
import type { Card } from '../../views/card'
import { escapeText } from './escape'
import { renderCard, type DiscordPage } from './render-card'

const SNOWFLAKE = /^\d{15,21}$/
const NO_PINGS = { parse: [] as [] }

interface Message {
  id: string
  channel_id: string
}

/** Messages for a card; a `mentions` block becomes content that pings exactly those users. */
export function discordPages(card: Card): { page: DiscordPage; allowedUsers: string[] }[] {
  const mention = card.blocks.find((b) => b.type === 'mentions')
  const pages = renderCard({ ...card, blocks: card.blocks.filter((b) => b.type !== 'mentions') })
  if (!mention || mention.type !== 'mentions') return pages.map((page) => ({ page, allowedUsers: [] }))
  const users = mention.userIds.filter((id) => SNOWFLAKE.test(id))
  const content = `${users.map((id) => `<@${id}>`).join(' ')} ${escapeText(mention.text)}`.trim().slice(0, 2_000)
  const [first, ...rest] = pages
  const withMention = first && first.embeds.length + first.components.length > 0 ? { ...first, content } : { embeds: [], components: [], content }
  return [{ page: withMention, allowedUsers: users }, ...rest.map((page) => ({ page, allowedUsers: [] }))]
}

function body(page: DiscordPage, allowedUsers: string[]): RESTPostAPIChannelMessageJSONBody {
  return { ...(page.content ? { content: page.content } : {}), embeds: page.embeds, components: page.components, allowed_mentions: allowedUsers.length > 0 ? { parse: [], users: allowedUsers } : NO_PINGS }
}

export class DiscordChatPort implements ChatPort {
  readonly platform = 'discord' as const

  constructor(private readonly rest: REST) {}

  private async post(channelId: string, card: Card): Promise<Message> {
    let first: Message | null = null
    for (const { page, allowedUsers } of discordPages(card)) {
      const files = page.files?.map((f) => ({ name: f.name, data: f.data }))
      const message = (await this.rest.post(Routes.channelMessages(channelId), { body: body(page, allowedUsers), ...(files ? { files } : {}) })) as Message
      first ??= message
    }
    return first!
  }

  async postToChannel(channelId: string, card: Card): Promise<MessageRef> {
    const message = await this.post(channelId, card)
    return { channelId: message.channel_id, messageId: message.id }
  }

  async postInThread(parent: MessageRef, card: Card, threadName: string): Promise<MessageRef> {
    let threadId = parent.threadId
    if (!threadId || threadId === parent.messageId) {
      const thread = (await this.rest.post(Routes.threads(parent.channelId, parent.messageId), { body: { name: threadName.slice(0, 100), auto_archive_duration: 10080 } })) as { id: string }
      threadId = thread.id
    }
    const message = await this.post(threadId, card)
    return { channelId: threadId, messageId: message.id, threadId }
  }

  async updateMessage(ref: MessageRef, card: Card): Promise<void> {
    const [first] = discordPages(card)
    if (first) await this.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), { body: body(first.page, first.allowedUsers) })
  }

  async messageExists(ref: MessageRef): Promise<boolean> {
    try {
      await this.rest.get(Routes.channelMessage(ref.channelId, ref.messageId))
      if (ref.threadId && ref.threadId !== ref.messageId) await this.rest.get(Routes.channel(ref.threadId))
      return true
    } catch (error) {
      const status = (error as { status?: number }).status
      if (status === 404) return false
      throw error
    }
  }

  async sendDirect(userId: string, card: Card): Promise<MessageRef> {
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string }
    return this.postToChannel(channel.id, card)
  }

  async uploadFile(channelId: string, file: { name: string; content: Uint8Array | string; comment: string }): Promise<void> {
    await this.rest.post(Routes.channelMessages(channelId), {
      body: { content: escapeText(file.comment).slice(0, 2_000), allowed_mentions: NO_PINGS },
      files: [{ name: file.name, data: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content) }],
    })
  }
}

/** A Discord port from configuration (DISCORD_TOKEN, DISCORD_API_URL). */
export function createDiscordPort(config: Config): DiscordChatPort {
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}) }).setToken(config.DISCORD_TOKEN ?? '')
  return new DiscordChatPort(rest)
}

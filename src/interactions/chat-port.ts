// What scheduled jobs need from a chat platform: post to channels and threads, edit, check a
// message still exists, message a user privately, attach a file. Each adapter implements it
// with its Web API / REST client only (no gateway), so `arbiter jobs run` can use it from the CLI.
import type { Card } from '../views/card'

/** Where a message is. */
export interface MessageRef {
  channelId: string
  messageId: string
  /** Slack: the parent ts of a thread; Discord: the thread channel's id. */
  threadId?: string
}

export interface ChatPort {
  readonly platform: 'slack' | 'discord'
  postToChannel(channelId: string, card: Card): Promise<MessageRef>
  /** Posts under `parent`, opening its thread if needed; returns the new message with `threadId` set. */
  postInThread(parent: MessageRef, card: Card, threadName: string): Promise<MessageRef>
  updateMessage(ref: MessageRef, card: Card): Promise<void>
  /** False when the message (or its thread) was deleted. */
  messageExists(ref: MessageRef): Promise<boolean>
  sendDirect(userId: string, card: Card): Promise<MessageRef>
  uploadFile(channelId: string, file: { name: string; content: Uint8Array | string; comment: string; threadId?: string }): Promise<void>
}

/** The ports of the platforms running in this process (or configured for the CLI). */
export class ChatPorts {
  private readonly byPlatform = new Map<string, ChatPort>()

  register(port: ChatPort): void {
    this.byPlatform.set(port.platform, port)
  }

  get(platform: string): ChatPort | undefined {
    return this.byPlatform.get(platform)
  }

  all(): ChatPort[] {
    return [...this.byPlatform.values()]
  }
}

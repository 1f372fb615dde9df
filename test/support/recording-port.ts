// An in-memory chat platform for job tests: records what jobs post, lets a test delete a
// message. (The Slack and Discord suites run the same jobs against the local fakes.)
import type { ChatPort, MessageRef } from '../../src/interactions/chat-port'
import type { Card } from '../../src/views/card'

export interface Posted {
  kind: 'channel' | 'thread' | 'direct' | 'file'
  to: string
  ref: MessageRef
  card?: Card
  file?: { name: string; size: number }
}

export class RecordingPort implements ChatPort {
  readonly posted: Posted[] = []
  readonly deleted = new Set<string>()
  private next = 1

  constructor(readonly platform: 'slack' | 'discord') {}

  private ref(channelId: string, threadId?: string): MessageRef {
    return { channelId, messageId: `m${this.next++}`, ...(threadId ? { threadId } : {}) }
  }

  async postToChannel(channelId: string, card: Card): Promise<MessageRef> {
    const ref = this.ref(channelId)
    this.posted.push({ kind: 'channel', to: channelId, ref, card })
    return ref
  }

  async postInThread(parent: MessageRef, card: Card): Promise<MessageRef> {
    const ref = this.ref(parent.channelId, parent.threadId ?? parent.messageId)
    this.posted.push({ kind: 'thread', to: parent.threadId ?? parent.messageId, ref, card })
    return ref
  }

  async updateMessage(ref: MessageRef, card: Card): Promise<void> {
    this.posted.push({ kind: 'channel', to: `update:${ref.messageId}`, ref, card })
  }

  async messageExists(ref: MessageRef): Promise<boolean> {
    return !this.deleted.has(ref.messageId)
  }

  async sendDirect(userId: string, card: Card): Promise<MessageRef> {
    const ref = this.ref(`D${userId}`)
    this.posted.push({ kind: 'direct', to: userId, ref, card })
    return ref
  }

  async uploadFile(channelId: string, file: { name: string; content: Uint8Array | string }): Promise<void> {
    this.posted.push({ kind: 'file', to: channelId, ref: this.ref(channelId), file: { name: file.name, size: file.content.length } })
  }

  of(kind: Posted['kind'], to?: string): Posted[] {
    return this.posted.filter((p) => p.kind === kind && (to === undefined || p.to === to))
  }
}

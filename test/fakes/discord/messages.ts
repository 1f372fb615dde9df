// Messages and attachments the bot created, kept with every version so tests can read what was
// posted, edited, uploaded and deleted.
import type { APIAttachment, APIMessage, APIUser } from 'discord.js'
import { asArray, asNumber, asObject, asString, clone, type Json } from './json'
import { MessageFlag } from './limits'

/** A file part of a multipart request. */
export interface UploadedFile {
  /** The form field name, `files[0]` for discord.js. */
  field: string
  filename: string
  contentType: string
  content: Buffer
}

/** An attachment the fake can serve: its API object and its bytes. */
export interface StoredAttachment {
  attachment: APIAttachment
  content: Buffer
  messageId?: string
}

/** A message as the fake keeps it. */
export interface StoredMessage {
  /** The current version (the fake's own object: clone before handing it out). */
  message: APIMessage
  ephemeral: boolean
  deleted: boolean
  /** The interaction whose response or follow-up this is. */
  interactionId?: string
  /** Earlier versions, oldest first. */
  versions: APIMessage[]
}

/** Everything needed to create a message. */
export interface CreateMessageParams {
  channelId: string
  author: APIUser
  payload: Json
  files: UploadedFile[]
  type?: number
  /** Flags the server sets itself (LOADING for a deferred reply). */
  extraFlags?: number
  /** Forces the id (a forum post's first message shares its thread's id). */
  id?: string
  interactionId?: string
  webhookId?: string
  applicationId?: string
  interactionMetadata?: Json
  /** Mention resolution needs to know which users exist. */
  lookupUser?: (id: string) => APIUser | undefined
}

const SETTABLE_FLAGS = MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2

function guessContentType(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop() ?? ''
  const types: Record<string, string> = {
    txt: 'text/plain; charset=utf-8',
    json: 'application/json; charset=utf-8',
    jsonl: 'application/jsonl; charset=utf-8',
    ndjson: 'application/x-ndjson; charset=utf-8',
    csv: 'text/csv; charset=utf-8',
    md: 'text/markdown; charset=utf-8',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
  }
  return types[ext] ?? 'application/octet-stream'
}

/** The messages and attachments of one fake. */
export class MessageStore {
  readonly messages = new Map<string, StoredMessage>()
  readonly attachments = new Map<string, StoredAttachment>()

  constructor(
    private readonly baseUrl: string,
    private readonly newId: () => string,
  ) {}

  /** Stores bytes under a download URL on the fake and returns the attachment object. */
  addAttachment(input: {
    filename: string
    content: Buffer | string
    contentType?: string
    description?: string
    /** URL folder: `attachments/{channel}` for messages, `ephemeral-attachments/{app}` for uploads to commands. */
    folder: string
    ephemeral?: boolean
    messageId?: string
  }): APIAttachment {
    const id = this.newId()
    const content = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content
    const url = `${this.baseUrl}/${input.folder}/${id}/${encodeURIComponent(input.filename)}`
    const attachment: APIAttachment = {
      id,
      filename: input.filename,
      size: content.byteLength,
      url,
      proxy_url: url,
      content_type: input.contentType ?? guessContentType(input.filename),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ephemeral ? { ephemeral: true } : {}),
    }
    this.attachments.set(id, { attachment, content, ...(input.messageId ? { messageId: input.messageId } : {}) })
    return attachment
  }

  /**
   * The attachments of a created or edited message. `attachments` entries whose id is an existing
   * attachment keep it; entries whose id is an upload index (`files[N]`) add that upload; uploads
   * no entry names are added too.
   */
  private resolveAttachments(
    channelId: string,
    messageId: string,
    existing: APIAttachment[],
    payload: Json,
    files: UploadedFile[],
    ephemeral: boolean,
  ): APIAttachment[] {
    const byIndex = new Map<string, UploadedFile>()
    files.forEach((file, i) => {
      const m = /^files\[(\d+)\]$/.exec(file.field)
      byIndex.set(m?.[1] ?? String(i), file)
    })
    const used = new Set<UploadedFile>()
    const upload = (file: UploadedFile, entry?: Json): APIAttachment => {
      used.add(file)
      const description = asString(entry?.description)
      return this.addAttachment({
        filename: asString(entry?.filename) ?? file.filename,
        content: file.content,
        contentType: file.contentType || undefined,
        ...(description !== undefined ? { description } : {}),
        folder: `attachments/${channelId}`,
        ephemeral,
        messageId,
      })
    }
    const entries = asArray(payload.attachments)
    const result: APIAttachment[] = []
    if (entries) {
      for (const raw of entries) {
        const entry = asObject(raw) ?? {}
        const id = String(entry.id ?? '')
        const kept = existing.find((a) => a.id === id)
        const file = byIndex.get(id)
        if (kept) result.push(kept)
        else if (file && !used.has(file)) result.push(upload(file, entry))
      }
    } else {
      result.push(...existing)
    }
    for (const file of files) if (!used.has(file)) result.push(upload(file))
    return result
  }

  /** Who and what the text would actually ping, given allowed_mentions (Discord's default parses all). */
  private resolveMentions(payload: Json, lookupUser?: (id: string) => APIUser | undefined): Pick<APIMessage, 'mentions' | 'mention_roles' | 'mention_everyone'> {
    const content = asString(payload.content) ?? ''
    const am = asObject(payload.allowed_mentions)
    const parse = am ? (asArray(am.parse) ?? []) : ['users', 'roles', 'everyone']
    const users = new Set((asArray(am?.users) ?? []).map(String))
    const roles = new Set((asArray(am?.roles) ?? []).map(String))
    const mentionEveryone = /@(everyone|here)\b/.test(content) && parse.includes('everyone')
    const mentionRoles = [...content.matchAll(/<@&(\d+)>/g)]
      .map((m) => m[1] ?? '')
      .filter((id) => parse.includes('roles') || roles.has(id))
    const mentions = [...content.matchAll(/<@!?(\d+)>/g)]
      .map((m) => m[1] ?? '')
      .filter((id) => parse.includes('users') || users.has(id))
      .map((id) => lookupUser?.(id))
      .filter((u): u is APIUser => u !== undefined)
    return { mentions, mention_roles: [...new Set(mentionRoles)], mention_everyone: mentionEveryone }
  }

  create(params: CreateMessageParams): StoredMessage {
    const id = params.id ?? this.newId()
    const payload = params.payload
    const flags = ((asNumber(payload.flags) ?? 0) & SETTABLE_FLAGS) | (params.extraFlags ?? 0)
    const ephemeral = (flags & MessageFlag.Ephemeral) !== 0
    const message = {
      id,
      type: params.type ?? 0,
      channel_id: params.channelId,
      author: params.author,
      content: asString(payload.content) ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: payload.tts === true,
      ...this.resolveMentions(payload, params.lookupUser),
      attachments: this.resolveAttachments(params.channelId, id, [], payload, params.files, ephemeral),
      embeds: normalizeEmbeds(payload.embeds),
      components: clone(asArray(payload.components) ?? []),
      pinned: false,
      flags,
      ...(payload.nonce !== undefined ? { nonce: payload.nonce } : {}),
      ...(params.webhookId ? { webhook_id: params.webhookId } : {}),
      ...(params.applicationId ? { application_id: params.applicationId } : {}),
      ...(params.interactionMetadata ? { interaction_metadata: params.interactionMetadata } : {}),
    } as unknown as APIMessage
    const stored: StoredMessage = {
      message,
      ephemeral,
      deleted: false,
      ...(params.interactionId ? { interactionId: params.interactionId } : {}),
      versions: [],
    }
    this.messages.set(id, stored)
    return stored
  }

  /** Applies an edit: fields present in the payload replace the old ones (null clears). */
  edit(stored: StoredMessage, payload: Json, files: UploadedFile[], lookupUser?: (id: string) => APIUser | undefined): void {
    const before = clone(stored.message)
    stored.versions.push(before)
    const m = stored.message as unknown as Json
    const wasLoading = ((asNumber(m.flags) ?? 0) & MessageFlag.Loading) !== 0
    if ('content' in payload) {
      m.content = asString(payload.content) ?? ''
      Object.assign(m, this.resolveMentions(payload, lookupUser))
    }
    if ('embeds' in payload) m.embeds = normalizeEmbeds(payload.embeds)
    if ('components' in payload) m.components = clone(asArray(payload.components) ?? [])
    if ('attachments' in payload || files.length > 0) {
      m.attachments = this.resolveAttachments(stored.message.channel_id, stored.message.id, stored.message.attachments, payload, files, stored.ephemeral)
    }
    let flags = asNumber(m.flags) ?? 0
    // Only SUPPRESS_EMBEDS (and V2 on a loading response) may change on edit; the first edit of a
    // deferred reply completes it, clearing LOADING.
    const requested = asNumber(payload.flags)
    if (requested !== undefined) {
      flags = (flags & ~MessageFlag.SuppressEmbeds) | (requested & MessageFlag.SuppressEmbeds)
      if (wasLoading) flags |= requested & MessageFlag.IsComponentsV2
    }
    flags &= ~MessageFlag.Loading
    m.flags = flags
    if (!wasLoading) m.edited_timestamp = new Date().toISOString()
  }

  /** Whether a message has nothing to show (Discord refuses to create or leave such a message). */
  static isEmpty(message: APIMessage): boolean {
    return (
      message.content === '' &&
      message.embeds.length === 0 &&
      (message.components?.length ?? 0) === 0 &&
      message.attachments.length === 0 &&
      ((message.flags ?? 0) & MessageFlag.Loading) === 0 &&
      !(message as unknown as Json).poll &&
      !(message as unknown as Json).sticker_items
    )
  }
}

/** Discord stores embeds with `type: 'rich'` when the sender leaves it out. */
function normalizeEmbeds(raw: unknown): APIMessage['embeds'] {
  return (asArray(raw) ?? []).map((e) => ({ type: 'rich', ...(asObject(e) ?? {}) })) as unknown as APIMessage['embeds']
}

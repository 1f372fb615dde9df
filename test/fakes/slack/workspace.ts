// The fake workspace's state: users, channels, messages, ephemerals, views, files, triggers and
// response URLs. Web API handlers, payload builders and the socket hub all read and change it here.
import { IdSource, TsClock, randomHex, tsToMicros } from './ids'
import type { FakeUser, FakeUserOptions, SlackJson, StoredEphemeral, StoredMessage, StoredView } from './types'

/** Fixed facts about the fake workspace and app. */
export interface WorkspaceConfig {
  teamId: string
  teamDomain: string
  teamName: string
  appId: string
  botUserId: string
  botId: string
  botToken: string
  appToken: string
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  baseUrl: string
  /** How long a trigger_id stays valid (Slack: 3 s). */
  triggerTtlMs: number
  /** How many times a response_url may be used (Slack: 5 within 30 minutes). */
  responseUrlUses: number
  /** Channel used by builders when a test names none. */
  defaultChannel: string
}

interface Trigger {
  user: string
  issuedAt: number
  used: boolean
}

/** Where a response_url leads back to: the message (or ephemeral) an interaction came from. */
export interface ResponseTarget {
  user: string
  channel?: string
  messageTs?: string
  ephemeral: boolean
  uses: number
}

interface StoredFile {
  file: SlackJson
  content: Buffer | null
}

const MIME_BY_EXT: Record<string, [mimetype: string, filetype: string, pretty: string]> = {
  jsonl: ['application/x-ndjson', 'jsonl', 'JSON Lines'],
  json: ['application/json', 'json', 'JSON'],
  csv: ['text/csv', 'csv', 'CSV'],
  txt: ['text/plain', 'text', 'Plain Text'],
  md: ['text/markdown', 'markdown', 'Markdown (raw)'],
  png: ['image/png', 'png', 'PNG'],
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function shortId(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)]
  return out
}

/**
 * Slack stores blocks with a generated block_id (and elements with a generated action_id) when the
 * app gave none, and returns them that way in payloads and history; a bot must not rely on their absence.
 */
export function withGeneratedIds(blocks: unknown): unknown {
  if (!Array.isArray(blocks)) return blocks
  return blocks.map((block: unknown) => {
    if (typeof block !== 'object' || block === null) return block
    const b = clone(block) as SlackJson
    if (b.block_id === undefined) b.block_id = shortId(4)
    const fill = (el: unknown): void => {
      if (typeof el === 'object' && el !== null && (el as SlackJson).action_id === undefined && typeof (el as SlackJson).type === 'string' && (el as SlackJson).type !== 'image' && (el as SlackJson).type !== 'plain_text' && (el as SlackJson).type !== 'mrkdwn') {
        ;(el as SlackJson).action_id = shortId(5)
      }
    }
    if (b.type === 'actions' && Array.isArray(b.elements)) b.elements.forEach(fill)
    if (b.type === 'section' && b.accessory !== undefined) fill(b.accessory)
    if (b.type === 'input' && b.element !== undefined) fill(b.element)
    return b
  })
}

export class Workspace {
  readonly ids = new IdSource()
  readonly clock: TsClock
  readonly users = new Map<string, FakeUser>()
  readonly channels = new Map<string, SlackJson>()
  readonly messages = new Map<string, StoredMessage[]>()
  readonly ephemerals: StoredEphemeral[] = []
  readonly views = new Map<string, StoredView>()
  readonly viewOwners = new Map<string, string>()
  /** Per user, the modal stack, root first (Slack allows 3). */
  readonly viewStacks = new Map<string, string[]>()
  readonly homeViews = new Map<string, string>()
  /** Per user, the modal most recently opened, pushed or updated. */
  readonly lastModal = new Map<string, string>()
  readonly triggers = new Map<string, Trigger>()
  readonly responseUrls = new Map<string, ResponseTarget>()
  readonly files = new Map<string, StoredFile>()

  constructor(readonly config: WorkspaceConfig, startSeconds: number) {
    this.clock = new TsClock(startSeconds)
  }

  // ---- users and channels ----

  addUser(id: string, opts: FakeUserOptions = {}): FakeUser {
    const name = opts.name ?? id.toLowerCase()
    const realName = opts.realName ?? name
    const user: FakeUser = {
      id,
      team_id: opts.team ?? this.config.teamId,
      name,
      real_name: realName,
      deleted: opts.deleted ?? false,
      is_bot: opts.isBot ?? false,
      is_admin: opts.isAdmin ?? false,
      is_owner: false,
      is_app_user: false,
      tz: opts.tz ?? 'Europe/Berlin',
      tz_label: 'Central European Time',
      tz_offset: 3600,
      updated: 1700000000,
      profile: {
        real_name: realName,
        // Slack keeps the profile's display name apart from the handle; unset, it is "" and clients show the real name.
        display_name: opts.displayName ?? name,
        display_name_normalized: opts.displayName ?? name,
        ...(opts.email === undefined ? {} : { email: opts.email }),
        team: opts.team ?? this.config.teamId,
      },
    }
    this.users.set(id, user)
    return user
  }

  /** Builders reference users by id; make sure users.info can answer for them. */
  ensureUser(id: string): FakeUser {
    return this.users.get(id) ?? this.addUser(id)
  }

  dmChannelOf(user: string): string {
    const id = `D${user}`
    if (!this.channels.has(id)) this.channels.set(id, { id, is_im: true, user, created: 1700000000 })
    return id
  }

  /** Resolve a `channel` argument the way chat.postMessage does: user ids open the DM. */
  resolveChannel(channel: unknown): string | null {
    if (typeof channel !== 'string' || channel.length === 0) return null
    if (/^[UW][A-Z0-9_]+$/.test(channel)) return this.dmChannelOf(channel)
    if (channel.startsWith('#')) {
      const name = channel.slice(1)
      for (const c of this.channels.values()) if (c.name === name) return c.id as string
      return null
    }
    if (!/^[CGD][A-Z0-9_]+$/.test(channel)) return null
    this.ensureChannel(channel)
    return channel
  }

  ensureChannel(id: string, name?: string): SlackJson {
    const existing = this.channels.get(id)
    if (existing) {
      if (name !== undefined) existing.name = name
      return existing
    }
    const channel: SlackJson = id.startsWith('D')
      ? { id, is_im: true, created: 1700000000 }
      : { id, name: name ?? id.toLowerCase(), is_channel: id.startsWith('C'), is_group: id.startsWith('G'), is_im: false, is_member: true, created: 1700000000 }
    this.channels.set(id, channel)
    return channel
  }

  // ---- messages ----

  channelMessages(channel: string): StoredMessage[] {
    let list = this.messages.get(channel)
    if (!list) {
      list = []
      this.messages.set(channel, list)
    }
    return list
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts)
  }

  /** Store a new message (bot's or a user's) and keep thread bookkeeping like Slack's. */
  storeMessage(channel: string, fields: SlackJson & { user: string; text: string }, ts: string = this.clock.next()): StoredMessage {
    this.ensureChannel(channel)
    const message: StoredMessage = { type: 'message', ...clone(fields), channel, ts, team: this.config.teamId }
    if (message.blocks !== undefined) message.blocks = withGeneratedIds(message.blocks) as SlackJson[]
    const parentTs = typeof fields.thread_ts === 'string' ? fields.thread_ts : undefined
    if (parentTs !== undefined && parentTs !== ts) {
      const parent = this.findMessage(channel, parentTs)
      if (parent) {
        if (parent.thread_ts === undefined) parent.thread_ts = parent.ts
        parent.reply_count = (Number(parent.reply_count) || 0) + 1
        const replyUsers = new Set<string>(Array.isArray(parent.reply_users) ? parent.reply_users : [])
        replyUsers.add(fields.user)
        parent.reply_users = [...replyUsers]
        parent.reply_users_count = replyUsers.size
        parent.latest_reply = ts
      }
    }
    const list = this.channelMessages(channel)
    list.push(message)
    list.sort((a, b) => tsToMicros(a.ts) - tsToMicros(b.ts))
    return message
  }

  /** A message as Slack's API returns it: without the fake's `channel` bookkeeping field. */
  publicMessage(message: StoredMessage): SlackJson {
    const { channel: _channel, ...rest } = clone(message)
    return rest
  }

  botMessageFields(): SlackJson & { user: string } {
    return {
      user: this.config.botUserId,
      bot_id: this.config.botId,
      app_id: this.config.appId,
      bot_profile: { id: this.config.botId, app_id: this.config.appId, name: 'arbiter', deleted: false, team_id: this.config.teamId },
    }
  }

  permalink(channel: string, ts: string, threadTs?: string): string {
    const base = `https://${this.config.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`
    return threadTs !== undefined && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base
  }

  // ---- triggers and response URLs ----

  issueTrigger(user: string): string {
    const id = `${Date.now()}.${this.ids.next('').replace(/^0+/, '')}.${randomHex(16)}`
    this.triggers.set(id, { user, issuedAt: Date.now(), used: false })
    return id
  }

  /** Exchange a trigger_id: once only, within the TTL, exactly like Slack's modal rules. */
  consumeTrigger(id: unknown): { user: string } | { error: string } {
    if (typeof id !== 'string') return { error: 'invalid_trigger_id' }
    const trigger = this.triggers.get(id)
    if (!trigger) return { error: 'invalid_trigger_id' }
    if (trigger.used) return { error: 'exchanged_trigger_id' }
    if (Date.now() - trigger.issuedAt > this.config.triggerTtlMs) return { error: 'expired_trigger_id' }
    trigger.used = true
    return { user: trigger.user }
  }

  issueResponseUrl(target: Omit<ResponseTarget, 'uses'>): string {
    const id = randomHex(12)
    this.responseUrls.set(id, { ...target, uses: 0 })
    return `${this.config.baseUrl}/response/${id}`
  }

  // ---- views ----

  /** Create or replace a stored view from what the app sent, keeping Slack's generated fields. */
  saveView(input: SlackJson, owner: string, existing?: StoredView): StoredView {
    const id = existing?.id ?? this.ids.next('V')
    const view: StoredView = {
      id,
      team_id: this.config.teamId,
      type: input.type === 'home' ? 'home' : 'modal',
      title: clone(input.title),
      submit: input.submit === undefined ? null : clone(input.submit),
      close: input.close === undefined ? null : clone(input.close),
      blocks: withGeneratedIds(Array.isArray(input.blocks) ? input.blocks : []) as SlackJson[],
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      state: { values: {} },
      hash: `${Math.floor(Date.now() / 1000)}.${randomHex(4)}`,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      submit_disabled: input.submit_disabled === true,
      previous_view_id: existing?.previous_view_id ?? null,
      root_view_id: existing?.root_view_id ?? id,
      app_id: this.config.appId,
      app_installed_team_id: this.config.teamId,
      bot_id: this.config.botId,
    }
    this.views.set(id, view)
    this.viewOwners.set(id, owner)
    if (view.type === 'modal') this.lastModal.set(owner, id)
    return view
  }

  viewStack(user: string): string[] {
    let stack = this.viewStacks.get(user)
    if (!stack) {
      stack = []
      this.viewStacks.set(user, stack)
    }
    return stack
  }

  findViewByExternalId(externalId: string): StoredView | undefined {
    for (const view of this.views.values()) if (view.external_id === externalId) return view
    return undefined
  }

  /** Latest view with this id or callback_id (ids win), so a test can name a modal either way. */
  findView(idOrCallbackId: string): StoredView | undefined {
    const byId = this.views.get(idOrCallbackId)
    if (byId) return byId
    const all = [...this.views.values()].filter((v) => v.callback_id === idOrCallbackId)
    return all[all.length - 1]
  }

  /** What Slack does with a view_submission ack: close, update, push, clear or show errors. */
  applySubmissionAck(viewId: string, ackPayload: SlackJson): void {
    const owner = this.viewOwners.get(viewId)
    if (owner === undefined) return
    const stack = this.viewStack(owner)
    const action = ackPayload.response_action
    if (action === 'errors') return
    if (action === 'clear') {
      stack.length = 0
      return
    }
    if (action === 'update' && ackPayload.view !== undefined) {
      const existing = this.views.get(viewId)
      if (existing) this.saveView(ackPayload.view as SlackJson, owner, existing)
      return
    }
    if (action === 'push' && ackPayload.view !== undefined) {
      const pushed = this.saveView(ackPayload.view as SlackJson, owner)
      pushed.previous_view_id = viewId
      pushed.root_view_id = this.views.get(viewId)?.root_view_id ?? viewId
      stack.push(pushed.id)
      return
    }
    const index = stack.lastIndexOf(viewId)
    if (index >= 0) stack.splice(index, 1)
  }

  // ---- files ----

  createFile(opts: { name: string; title?: string; user?: string; mimetype?: string; filetype?: string; content?: Buffer | null; id?: string }): SlackJson {
    const id = opts.id ?? this.ids.next('F')
    const ext = opts.name.includes('.') ? (opts.name.split('.').pop() ?? '').toLowerCase() : ''
    const [mimetype, filetype, pretty] = MIME_BY_EXT[ext] ?? ['text/plain', ext || 'text', 'Plain Text']
    const safeName = encodeURIComponent(opts.name)
    const base = `${this.config.baseUrl}/files-pri/${this.config.teamId}-${id}`
    const content = opts.content ?? null
    const file: SlackJson = {
      id,
      created: Math.floor(Date.now() / 1000),
      timestamp: Math.floor(Date.now() / 1000),
      name: opts.name,
      title: opts.title ?? opts.name,
      mimetype: opts.mimetype ?? mimetype,
      filetype: opts.filetype ?? filetype,
      pretty_type: pretty,
      user: opts.user ?? this.config.botUserId,
      user_team: this.config.teamId,
      editable: false,
      size: content?.length ?? 0,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/${safeName}`,
      url_private_download: `${base}/download/${safeName}`,
      permalink: `https://${this.config.teamDomain}.slack.com/files/${opts.user ?? this.config.botUserId}/${id}/${safeName}`,
      permalink_public: `https://slack-files.com/${this.config.teamId}-${id}-${randomHex(5)}`,
      channels: [],
      groups: [],
      ims: [],
      shares: {},
      comments_count: 0,
    }
    this.files.set(id, { file, content })
    return file
  }

  /** Record that a file was shared into a channel, as files.completeUploadExternal does. */
  shareFile(fileId: string, channel: string, ts: string): void {
    const stored = this.files.get(fileId)
    if (!stored) return
    const key = channel.startsWith('D') ? 'ims' : channel.startsWith('G') ? 'groups' : 'channels'
    const list = stored.file[key] as string[]
    if (!list.includes(channel)) list.push(channel)
    const shares = stored.file.shares as SlackJson
    const scope = channel.startsWith('C') ? 'public' : 'private'
    shares[scope] = { ...(shares[scope] ?? {}), [channel]: [{ ts, channel_name: this.channels.get(channel)?.name ?? channel, team_id: this.config.teamId }] }
  }
}

// A local fake Discord (REST + gateway) that the real discord.js Client talks to over real HTTP
// and WebSocket on 127.0.0.1. Tests start it, point the client at `fake.apiUrl`, drive
// interactions in, and read back what the bot posted, with Discord's validation, rate limits,
// allowed_mentions audit and resumable gateway sessions modelled on the real service.
//
//   const fake = await FakeDiscord.start({ guilds: [{ id, name, channels: [{ id, name }] }] })
//   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl },
//     allowedMentions: { parse: [] } })
//   await client.login('test-token')            // then wait for Events.ClientReady
//   const ack = await fake.sendInteraction(fake.slashCommand({ name: 'task' }))
//   fake.lastMessage(channelId)                 // what the bot posted
//   await client.destroy(); await fake.stop()   // client first: it reconnects to a vanished server
//
// Discord behaviour the fake models on purpose (each one bites a bot in production):
// - 3 s to acknowledge an interaction; later callbacks get 404 10062 (`interactionDeadlineMs`).
// - One callback per interaction; a second gets 400 40060. Follow-ups and webhook edits before
//   the callback get 404 10015 (the webhook does not exist yet).
// - A deferred reply (type 5) is a LOADING placeholder whose ephemerality is fixed at defer time;
//   the first follow-up after it completes that placeholder instead of posting a new message.
// - Ephemeral messages cannot be fetched, edited or deleted through channel routes (404 10008).
// - Payloads over the documented limits, empty messages (50006), duplicate custom ids and
//   `parse`+ids conflicts in allowed_mentions are refused like Discord refuses them.
// - Gateway sessions are resumable: dispatches while the bot is away are replayed on RESUME.
import { EventEmitter } from 'node:events'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { APIApplicationCommand, APIAttachment, APIMessage, APIUser, UserFlags } from 'discord.js'
import { FakeGateway, RESUMABLE_CLOSE_CODE, type GatewayLogEntry } from './discord/gateway'
import {
  InteractionFactory,
  type ButtonClickInput,
  type FakeInteraction,
  type MessageContextMenuInput,
  type ModalSubmitInput,
  type SelectMenuInput,
  type ShownModal,
  type SlashCommandInput,
  type UserContextMenuInput,
} from './discord/interactions'
import { asArray, asNumber, asObject, asString, clone, isObject, type Json } from './discord/json'
import { MessageFlag, validateCommands, validateMessagePayload, validateModal, type FormErrors } from './discord/limits'
import { auditAllowedMentions, type MentionViolation } from './discord/mentions'
import { MessageStore, type StoredMessage, type UploadedFile } from './discord/messages'
import { snowflake } from './discord/snowflake'
import { PermissionFlagsBits } from 'discord.js'
import { DEFAULT_BOT_PERMISSIONS, World, type FakeGuildInput, type FakeOverwriteInput, type FakeUserInput, type UserRef } from './discord/world'

export { DISCORD_LIMITS, MessageFlag } from './discord/limits'
export type { FormErrors } from './discord/limits'
export type { MentionViolation } from './discord/mentions'
export type { GatewayLogEntry } from './discord/gateway'
export type { StoredMessage, UploadedFile } from './discord/messages'
export type {
  ButtonClickInput,
  FakeInteraction,
  MessageContextMenuInput,
  ModalSubmitInput,
  OptionValue,
  SelectMenuInput,
  ShownModal,
  SlashCommandInput,
  UserContextMenuInput,
} from './discord/interactions'
export type { FakeChannelInput, FakeGuildInput, FakeMemberInput, FakeOverwriteInput, FakeRoleInput, FakeUserInput, UserRef } from './discord/world'

/** How to start the fake. Every field has a default. */
export interface FakeDiscordOptions {
  applicationId?: string
  /** Defaults to the application id, as for real bots. */
  botUserId?: string
  botUsername?: string
  /** When set, REST calls and IDENTIFY must present it (`Authorization: Bot <token>`). */
  token?: string
  guilds?: FakeGuildInput[]
  /** Extra users; the first is the default actor of the interaction builders. */
  users?: FakeUserInput[]
  /** Gateway heartbeat interval; short by default so heartbeats happen within a test. */
  heartbeatIntervalMs?: number
  /**
   * Discord's 3-second window to acknowledge an interaction: later callbacks get 404 10062
   * "Unknown interaction" and the `sendInteraction` promise rejects. 0 turns the check off.
   */
  interactionDeadlineMs?: number
  /** Uploads larger than this get 413 / 40005 (Discord's default limit is 10 MiB). */
  maxUploadBytes?: number
  /** The bot's guild permissions (its managed role); a typical invite by default. */
  botPermissions?: string | bigint
}

/** One REST request the fake received. */
export interface RecordedRequest {
  seq: number
  method: string
  /** The path below `/api/v10`, as received (`@original` arrives as `%40original`). */
  path: string
  /** The route that matched, e.g. `POST /channels/:channelId/messages`; '' when none did. */
  route: string
  query: Record<string, string>
  headers: http.IncomingHttpHeaders
  /** The JSON body, or the parsed `payload_json` of a multipart body. */
  body: unknown
  files: UploadedFile[]
  /** The HTTP status the fake answered with (0 while in progress). */
  status: number
  response: unknown
  at: number
}

/**
 * Selects requests: `'POST /channels/:id/messages'` (`:x` matches one segment, a trailing `*` the
 * rest; the method is optional), a RegExp tested against `METHOD /path`, or a predicate.
 */
export type RouteMatcher = string | RegExp | ((request: RecordedRequest) => boolean)

/** The first callback the bot sent for an interaction. */
export interface InteractionAck {
  interactionId: string
  /** Callback type: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number
  data?: Json
  /** Milliseconds from `sendInteraction` to the callback's arrival. */
  latencyMs: number
}

/** Something the bot did for an interaction (accepted requests only; see `requests` for all). */
export interface InteractionResponseRecord {
  kind: 'callback' | 'followup' | 'edit' | 'delete'
  /** The callback type, for callbacks. */
  type?: number
  /** The callback's `data`, or the webhook message payload. */
  body: Json
  messageId?: string
  files: UploadedFile[]
  at: number
  /** Milliseconds since the interaction was sent. */
  latencyMs: number
}

export interface SendInteractionOptions {
  /** Reject if no callback arrives in time; defaults to the interaction deadline (or 10 s when off). */
  timeoutMs?: number
}

export interface WaitForOptions {
  timeoutMs?: number
  /** Describes what was awaited, for the timeout error. */
  description?: string
}

export interface MessageQuery {
  /** true: only ephemeral, false: only public; all by default. */
  ephemeral?: boolean
  includeDeleted?: boolean
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? status))
  }
}

const formError = (errors: FormErrors): HttpError => new HttpError(400, { code: 50035, message: 'Invalid Form Body', errors })
const jsonError = (status: number, code: number, message: string): HttpError => new HttpError(status, { message, code })
const unknownChannel = (): HttpError => jsonError(404, 10003, 'Unknown Channel')
const unknownMessage = (): HttpError => jsonError(404, 10008, 'Unknown Message')
const unknownWebhook = (): HttpError => jsonError(404, 10015, 'Unknown Webhook')
const unknownInteraction = (): HttpError => jsonError(404, 10062, 'Unknown interaction')
const missingAccess = (): HttpError => jsonError(403, 50001, 'Missing Access')
const emptyMessage = (): HttpError => jsonError(400, 50006, 'Cannot send an empty message')

interface RouteContext {
  request: RecordedRequest
  params: Record<string, string>
  body: unknown
  files: UploadedFile[]
  query: URLSearchParams
}

interface Route {
  method: string
  pattern: string
  segments: string[]
  auth: boolean
  handler: (ctx: RouteContext) => Reply
}

interface InteractionState {
  payload: FakeInteraction
  createdAt: number
  acknowledged: boolean
  callbackType?: number
  originalMessageId?: string
  responses: InteractionResponseRecord[]
  resolveAck: (ack: InteractionAck) => void
  rejectAck: (error: Error) => void
  timer?: NodeJS.Timeout
}

interface Injection {
  matcher: RouteMatcher
  remaining: number
  reply: (request: RecordedRequest) => HttpError
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Whether a request matches a RouteMatcher. */
function matches(matcher: RouteMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(request)
  const decodedPath = '/' + splitPath(request.path).map(decodeSegment).join('/')
  if (matcher instanceof RegExp) return matcher.test(`${request.method} ${decodedPath}`) || matcher.test(`${request.method} ${request.path}`)
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(matcher)
  const method = m ? m[1]?.toUpperCase() : undefined
  const pattern = splitPath(m ? (m[2] ?? '') : matcher.trim()).filter((s) => !/^api$|^v10$/.test(s))
  if (method && method !== request.method) return false
  const actual = splitPath(decodedPath)
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? ''
    if (want === '*' && i === pattern.length - 1) return true
    const got = actual[i]
    if (got === undefined) return false
    if (!want.startsWith(':') && want !== got) return false
  }
  return actual.length === pattern.length
}

/** The Discord fake. Create with `FakeDiscord.start()`, end with `stop()`. */
export class FakeDiscord {
  readonly applicationId: string
  readonly botUserId: string
  readonly bot: APIUser
  /** `http://127.0.0.1:PORT/api`: pass as the Client's `rest.api` (discord.js appends `/v10`). */
  readonly apiUrl: string
  /** `http://127.0.0.1:PORT`: attachment URLs live under it. */
  readonly baseUrl: string
  /** The URL `GET /gateway/bot` returns. */
  readonly gatewayUrl: string
  /** The `resume_gateway_url` of READY; a resuming client connects here. */
  readonly resumeGatewayUrl: string
  /** Every REST request, in arrival order. */
  readonly requests: RecordedRequest[] = []
  /** Message payloads missing allowed_mentions or letting a mention in their text ping. */
  readonly mentionViolations: MentionViolation[] = []
  /** Modals the bot opened, in order. */
  readonly modals: ShownModal[] = []
  /** Attachment downloads (GETs of attachment URLs), in order. */
  readonly downloads: { url: string; attachmentId: string; status: number; at: number }[] = []
  /** Bugs in the fake itself (answered 500): tests may assert this stays empty. */
  readonly internalErrors: Error[] = []

  private readonly options: Required<Pick<FakeDiscordOptions, 'heartbeatIntervalMs' | 'interactionDeadlineMs' | 'maxUploadBytes'>> & FakeDiscordOptions
  private readonly server: http.Server
  private readonly sockets = new Set<Socket>()
  private readonly events = new EventEmitter()
  private readonly world: World
  private readonly store: MessageStore
  private readonly gateway: FakeGateway
  private readonly factory: InteractionFactory
  private readonly routes: Route[] = []
  private readonly injections: Injection[] = []
  private readonly interactions = new Map<string, InteractionState>()
  private readonly interactionsByToken = new Map<string, InteractionState>()
  private readonly globalCommands: Json[] = []
  private readonly guildCommands = new Map<string, Json[]>()
  private readonly defaultUser: UserRef
  private stopped = false

  private constructor(options: FakeDiscordOptions, server: http.Server, port: number) {
    this.options = {
      heartbeatIntervalMs: 1000,
      interactionDeadlineMs: 3000,
      maxUploadBytes: 10 * 1024 * 1024,
      ...options,
    }
    this.server = server
    this.events.setMaxListeners(0)
    this.applicationId = options.applicationId ?? '1100000000000000001'
    this.botUserId = options.botUserId ?? this.applicationId
    this.baseUrl = `http://127.0.0.1:${port}`
    this.apiUrl = `${this.baseUrl}/api`
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`
    this.resumeGatewayUrl = `ws://127.0.0.1:${port}/gateway-resume`
    this.bot = {
      id: this.botUserId,
      username: options.botUsername ?? 'Arbiter',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
    }
    const botPermissions = options.botPermissions === undefined ? DEFAULT_BOT_PERMISSIONS : BigInt(options.botPermissions)
    this.world = new World(this.bot, botPermissions, () => snowflake())
    for (const user of options.users ?? []) this.world.ensureUser(user)
    this.defaultUser = options.users?.[0] ?? { id: '200000000000000001', username: 'labeler' }
    this.world.ensureUser(this.defaultUser)
    for (const guild of options.guilds ?? []) this.world.addGuild(guild)
    this.store = new MessageStore(this.baseUrl, () => snowflake())
    this.gateway = new FakeGateway({
      ...(options.token !== undefined ? { token: options.token } : {}),
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      resumeGatewayUrl: this.resumeGatewayUrl,
      readyPayload: (sessionId) => this.readyPayload(sessionId),
      guildCreatePayloads: () => this.botGuildIds().map((id) => this.world.guildCreatePayload(id)).filter(isObject),
      guildMembers: (guildId, userIds, query, limit) => this.guildMembers(guildId, userIds, query, limit),
      changed: () => this.changed(),
    })
    this.factory = new InteractionFactory({
      applicationId: this.applicationId,
      world: this.world,
      store: this.store,
      defaultUser: this.defaultUser,
      newId: () => snowflake(),
      findCommand: (name, type, guildId) => this.findCommand(name, type, guildId),
      findModal: (customId) => [...this.modals].reverse().find((m) => m.data.custom_id === customId),
    })
    this.registerRoutes()
  }

  /** Starts the fake on an ephemeral port of 127.0.0.1. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = http.createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const port = (server.address() as AddressInfo).port
    const fake = new FakeDiscord(options, server, port)
    server.on('connection', (socket) => {
      fake.sockets.add(socket)
      socket.on('close', () => fake.sockets.delete(socket))
    })
    server.on('request', (req, res) => void fake.onRequest(req, res))
    server.on('upgrade', (req, socket, head) => fake.gateway.handleUpgrade(req, socket, head))
    return fake
  }

  /** Closes everything at once: open sockets are destroyed, pending interactions rejected. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const state of this.interactions.values()) {
      if (state.timer) clearTimeout(state.timer)
      if (!state.acknowledged) state.rejectAck(new Error('FakeDiscord stopped'))
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    await this.gateway.close()
    this.server.closeAllConnections()
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  // ---------------------------------------------------------------- queries for tests

  /** Messages in a channel, oldest first (copies). Ephemeral replies are included unless filtered. */
  messagesIn(channelId: string, query: MessageQuery = {}): APIMessage[] {
    return this.storedIn(channelId, query).map((s) => clone(s.message))
  }

  /** The newest message in a channel (a copy), or undefined. */
  lastMessage(channelId: string, query: MessageQuery = {}): APIMessage | undefined {
    const all = this.storedIn(channelId, query)
    const last = all[all.length - 1]
    return last ? clone(last.message) : undefined
  }

  /** A message by id (a copy), deleted or not. */
  message(id: string): APIMessage | undefined {
    const stored = this.store.messages.get(id)
    return stored ? clone(stored.message) : undefined
  }

  /** The fake's record of a message: versions, ephemeral and deleted flags, interaction. */
  storedMessage(id: string): StoredMessage | undefined {
    const stored = this.store.messages.get(id)
    return stored ? clone(stored) : undefined
  }

  private storedIn(channelId: string, query: MessageQuery): StoredMessage[] {
    return [...this.store.messages.values()].filter(
      (s) =>
        s.message.channel_id === channelId &&
        (query.includeDeleted || !s.deleted) &&
        (query.ephemeral === undefined || s.ephemeral === query.ephemeral),
    )
  }

  /** The bytes of an attachment (by object, id or URL) that the bot uploaded or a test added. */
  attachmentContent(attachment: APIAttachment | string): Buffer | undefined {
    const key = typeof attachment === 'string' ? attachment : attachment.id
    const direct = this.store.attachments.get(key)
    if (direct) return direct.content
    return [...this.store.attachments.values()].find((a) => a.attachment.url === key)?.content
  }

  /** Everything the bot did for an interaction: callback, follow-ups, edits, deletes. */
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return clone(this.interactions.get(interactionId)?.responses ?? [])
  }

  /** Registered application commands: global, or of one guild. */
  commands(guildId?: string): APIApplicationCommand[] {
    const list = guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? [])
    return clone(list) as unknown as APIApplicationCommand[]
  }

  /** A channel object (guild channel, thread or DM) as the fake holds it. */
  channel(id: string): Json | undefined {
    const channel = this.world.channels.get(id)
    return channel ? clone(channel) : undefined
  }

  /** The DM channel the bot opened with a user, if any. */
  dmChannelOf(userId: string): Json | undefined {
    return [...this.world.channels.values()].find(
      (c) => c.type === 1 && (asArray(c.recipients) ?? []).some((r) => asObject(r)?.id === userId),
    )
  }

  /** Gateway events (connects, identifies, resumes, drops, dispatches), for `waitFor`. */
  get gatewayLog(): readonly GatewayLogEntry[] {
    return this.gateway.log
  }

  /** Whether a bot session is connected to the gateway now. */
  get gatewayConnected(): boolean {
    return this.gateway.connected
  }

  /**
   * Resolves with the predicate's first truthy value, checked on every change the fake sees
   * (and every 20 ms); rejects after `timeoutMs` (5 s by default).
   */
  waitFor<T>(predicate: () => T | undefined | null | false, options: WaitForOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5000
    return new Promise<T>((resolve, reject) => {
      let done = false
      const finish = (): void => {
        done = true
        clearInterval(poll)
        clearTimeout(timer)
        this.events.off('change', check)
      }
      const check = (): void => {
        if (done) return
        let value: T | undefined | null | false
        try {
          value = predicate()
        } catch (error) {
          finish()
          reject(error instanceof Error ? error : new Error(String(error)))
          return
        }
        if (value) {
          finish()
          resolve(value)
        }
      }
      const poll = setInterval(check, 20)
      const timer = setTimeout(() => {
        if (done) return
        finish()
        reject(new Error(`FakeDiscord.waitFor timed out after ${timeoutMs} ms${options.description ? `: ${options.description}` : ''}`))
      }, timeoutMs)
      this.events.on('change', check)
      check()
    })
  }

  /** Waits for a (non-deleted) message in a channel that satisfies the predicate. */
  waitForMessage(channelId: string, predicate: (m: APIMessage) => boolean = () => true, options: WaitForOptions = {}): Promise<APIMessage> {
    return this.waitFor(() => this.messagesIn(channelId).find(predicate), {
      description: `a message in channel ${channelId}`,
      ...options,
    })
  }

  private changed(): void {
    this.events.emit('change')
  }

  // ---------------------------------------------------------------- controls for tests

  /**
   * The next `count` requests matching `matcher` get HTTP 429 with Discord's body and headers
   * (`retry-after`, `x-ratelimit-*`); discord.js waits `retryAfterSeconds` and retries.
   */
  rateLimitNext(matcher: RouteMatcher, count: number, retryAfterSeconds: number, options: { global?: boolean } = {}): void {
    this.injections.push({
      matcher,
      remaining: count,
      reply: (request) => {
        const global = options.global === true
        const headers: Record<string, string> = {
          'retry-after': String(retryAfterSeconds),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': ((Date.now() + retryAfterSeconds * 1000) / 1000).toFixed(3),
          'x-ratelimit-reset-after': retryAfterSeconds.toFixed(3),
          'x-ratelimit-bucket': `fake-${request.route.replace(/\W+/g, '-') || 'bucket'}`,
          'x-ratelimit-scope': global ? 'global' : 'user',
        }
        if (global) headers['x-ratelimit-global'] = 'true'
        return new HttpError(429, { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global }, headers)
      },
    })
  }

  /** The next `count` matching requests fail with `status` (500 by default) before being handled. */
  failNext(matcher: RouteMatcher, count: number, options: { status?: number; body?: Json } = {}): void {
    const status = options.status ?? 500
    this.injections.push({
      matcher,
      remaining: count,
      reply: () => new HttpError(status, options.body ?? { message: `${status}: Internal Server Error`, code: 0 }),
    })
  }

  /**
   * Stores a file on the fake (as a user's upload to a slash command option) and returns its
   * attachment object; its `url` serves the content, so the bot can download it with fetch.
   */
  addAttachment(input: { filename: string; content: string | Buffer; contentType?: string; description?: string }): APIAttachment {
    return this.store.addAttachment({ ...input, folder: `ephemeral-attachments/${this.applicationId}`, ephemeral: true })
  }

  /** Registers a user (optionally as a member of a guild with roles and a server nickname). */
  addUser(user: UserRef, membership?: { guildId: string; roles?: string[]; nick?: string | null }): APIUser {
    const apiUser = this.world.ensureUser(user)
    if (membership) this.world.setMember(membership.guildId, user, membership.roles ?? [], membership.nick)
    return clone(apiUser)
  }

  /**
   * A server admin removes the bot from a guild: its channels and the guild answer 403 Missing
   * Access from then on, and it leaves the bot's guild list, as on Discord.
   */
  removeBotFromGuild(guildId: string): void {
    this.world.removeMember(guildId, this.bot.id)
  }

  /** Replaces a channel's permission overwrites (Edit Channel → Permissions). */
  setPermissionOverwrites(channelId: string, overwrites: FakeOverwriteInput[]): void {
    const channel = this.world.channels.get(channelId)
    if (!channel) throw new Error(`FakeDiscord: unknown channel ${channelId}`)
    channel.permission_overwrites = overwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow ?? 0n).toString(), deny: BigInt(o.deny ?? 0n).toString() }))
  }

  /** The bot's permissions in a channel, computed as Discord does (roles, then overwrites). */
  botPermissionsIn(channelId: string): bigint {
    return this.world.channelPermissions(channelId, this.bot.id)
  }

  private botGuildIds(): string[] {
    return [...this.world.guilds.keys()].filter((id) => this.world.isMember(id, this.bot.id))
  }

  /** Dispatches any gateway event (queued for replay while the bot is disconnected). */
  dispatch(event: string, data: unknown): number {
    return this.gateway.dispatch(event, data)
  }

  /**
   * Closes the bot's gateway socket with a resumable close code (4000 by default). discord.js
   * reconnects to resume_gateway_url after ~0.5 s and RESUMEs; events dispatched meanwhile are
   * replayed. Wait for it with `fake.waitForResume()`.
   */
  dropGateway(code: number = RESUMABLE_CLOSE_CODE): void {
    this.gateway.drop(code)
  }

  /** Resolves when the gateway has sent RESUMED after the given log position (default: now). */
  waitForResume(options: WaitForOptions & { after?: number } = {}): Promise<GatewayLogEntry> {
    const after = options.after ?? this.gateway.log.length
    return this.waitFor(() => this.gateway.log.slice(after).find((e) => e.kind === 'resumed'), {
      description: 'a gateway RESUMED',
      ...options,
    })
  }

  /** Whether heartbeats are answered; set false to test zombie-connection handling (discord.js resumes). */
  get ackHeartbeats(): boolean {
    return this.gateway.ackHeartbeats
  }

  set ackHeartbeats(value: boolean) {
    this.gateway.ackHeartbeats = value
  }

  // ---------------------------------------------------------------- interactions

  /** A chat-input command interaction (type 2); attachment options are resolved. */
  slashCommand(input: SlashCommandInput): FakeInteraction {
    return this.factory.slashCommand(input)
  }

  /** A button click (type 3, component_type 2) on a stored message. */
  buttonClick(input: ButtonClickInput): FakeInteraction {
    return this.factory.buttonClick(input)
  }

  /** A select menu choice (type 3) on a stored message. */
  selectMenu(input: SelectMenuInput): FakeInteraction {
    return this.factory.selectMenu(input)
  }

  /** A modal submission (type 5), laid out like the modal the bot showed. */
  modalSubmit(input: ModalSubmitInput): FakeInteraction {
    return this.factory.modalSubmit(input)
  }

  /** A message context-menu command (type 2, command type 3) on a stored message. */
  messageContextMenu(input: MessageContextMenuInput): FakeInteraction {
    return this.factory.messageContextMenu(input)
  }

  /** A user context-menu command (type 2, command type 2). */
  userContextMenu(input: UserContextMenuInput): FakeInteraction {
    return this.factory.userContextMenu(input)
  }

  /**
   * Dispatches INTERACTION_CREATE and resolves with the bot's first accepted callback and its
   * latency. Rejects if none arrives in time. A rejection nobody awaits is not reported as
   * unhandled, so fire-and-forget sends are safe.
   */
  sendInteraction(payload: FakeInteraction, options: SendInteractionOptions = {}): Promise<InteractionAck> {
    if (this.interactions.has(payload.id)) throw new Error(`FakeDiscord: interaction ${payload.id} was already sent`)
    let resolveAck!: (ack: InteractionAck) => void
    let rejectAck!: (error: Error) => void
    const promise = new Promise<InteractionAck>((resolve, reject) => {
      resolveAck = resolve
      rejectAck = reject
    })
    promise.catch(() => undefined)
    const state: InteractionState = { payload: clone(payload), createdAt: Date.now(), acknowledged: false, responses: [], resolveAck, rejectAck }
    const deadline = this.options.interactionDeadlineMs
    const timeoutMs = options.timeoutMs ?? (deadline > 0 ? deadline : 10_000)
    state.timer = setTimeout(() => {
      if (!state.acknowledged) rejectAck(new Error(`FakeDiscord: interaction ${payload.id} got no callback within ${timeoutMs} ms`))
    }, timeoutMs)
    state.timer.unref()
    this.interactions.set(payload.id, state)
    this.interactionsByToken.set(payload.token, state)
    this.gateway.dispatch('INTERACTION_CREATE', state.payload)
    this.changed()
    return promise
  }

  // ---------------------------------------------------------------- gateway payloads

  private readyPayload(sessionId: string): Json {
    return {
      v: 10,
      user: { ...this.bot, verified: true, mfa_enabled: false, email: null },
      application: { id: this.applicationId, flags: 0 },
      guilds: this.botGuildIds().map((id) => ({ id, unavailable: true })),
      session_id: sessionId,
      session_type: 'normal',
      resume_gateway_url: this.resumeGatewayUrl,
      shard: [0, 1],
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['["fake-discord-gateway",{}]'],
    }
  }

  private guildMembers(guildId: string, userIds: string[] | undefined, query: string | undefined, limit: number): Json[] {
    const guild = this.world.guilds.get(guildId)
    if (!guild) return []
    let ids = [...guild.members.keys()]
    if (userIds) ids = ids.filter((id) => userIds.includes(id))
    else if (query) ids = ids.filter((id) => (this.world.users.get(id)?.username ?? '').toLowerCase().startsWith(query.toLowerCase()))
    if (limit > 0) ids = ids.slice(0, limit)
    return ids.map((id) => this.world.member(guildId, id)).filter(isObject)
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl)
    try {
      if (req.method === 'GET' && /^\/(ephemeral-)?attachments\//.test(url.pathname)) {
        this.serveAttachment(url, res)
        return
      }
      if (!url.pathname.startsWith('/api/v10/') && url.pathname !== '/api/v10') {
        this.send(res, { status: 404, body: { message: '404: Not Found', code: 0 } })
        return
      }
      await this.onRest(req, res, url)
    } catch (error) {
      this.send(res, { status: 500, body: { message: `FakeDiscord internal error: ${String(error)}`, code: 0 } })
    }
  }

  private internalError(error: unknown): Reply {
    const err = error instanceof Error ? error : new Error(String(error))
    this.internalErrors.push(err)
    return { status: 500, body: { message: `FakeDiscord internal error: ${err.message}`, code: 0 } }
  }

  private serveAttachment(url: URL, res: http.ServerResponse): void {
    const id = splitPath(url.pathname)[2] ?? ''
    const stored = this.store.attachments.get(id)
    this.downloads.push({ url: url.href, attachmentId: id, status: stored ? 200 : 404, at: Date.now() })
    this.changed()
    if (!stored) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      return
    }
    res
      .writeHead(200, {
        'content-type': stored.attachment.content_type ?? 'application/octet-stream',
        'content-length': String(stored.content.byteLength),
      })
      .end(stored.content)
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    if (res.headersSent) return
    const headers: Record<string, string> = { ...reply.headers }
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers).end()
      return
    }
    const text = JSON.stringify(reply.body)
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(Buffer.byteLength(text))
    res.writeHead(reply.status, headers).end(text)
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  /** Parses JSON or multipart (payload_json + file parts) bodies, as Discord accepts both. */
  private async parseBody(req: http.IncomingMessage, raw: Buffer): Promise<{ body: unknown; files: UploadedFile[] }> {
    const type = req.headers['content-type'] ?? ''
    if (raw.byteLength === 0) return { body: undefined, files: [] }
    if (type.startsWith('multipart/form-data')) {
      // undici's multipart parser (behind the global Response) reads what discord.js's FormData wrote.
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData()
      let body: unknown
      const files: UploadedFile[] = []
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value)
          continue
        }
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          content: Buffer.from(await value.arrayBuffer()),
        })
      }
      return { body, files }
    }
    return { body: JSON.parse(raw.toString('utf8')), files: [] }
  }

  private async onRest(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    const path = url.pathname.slice('/api/v10'.length) || '/'
    const raw = await this.readBody(req)
    const request: RecordedRequest = {
      seq: this.requests.length + 1,
      method,
      path,
      route: '',
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      files: [],
      status: 0,
      response: undefined,
      at: Date.now(),
    }
    this.requests.push(request)
    let reply: Reply
    try {
      let parsed: { body: unknown; files: UploadedFile[] }
      try {
        parsed = await this.parseBody(req, raw)
      } catch {
        throw jsonError(400, 50109, 'The request body contains invalid JSON.')
      }
      request.body = parsed.body
      request.files = parsed.files
      const found = this.matchRoute(method, path)
      if (found) request.route = `${found.route.method} ${found.route.pattern}`
      const injection = this.injections.find((i) => i.remaining > 0 && matches(i.matcher, request))
      if (injection) {
        injection.remaining -= 1
        throw injection.reply(request)
      }
      if (!found) throw jsonError(404, 0, '404: Not Found')
      if (found.route.auth) this.checkAuth(req)
      if (parsed.files.some((f) => f.content.byteLength > this.options.maxUploadBytes)) {
        throw jsonError(413, 40005, 'Request entity too large')
      }
      reply = found.route.handler({ request, params: found.params, body: parsed.body, files: parsed.files, query: url.searchParams })
    } catch (error) {
      reply = error instanceof HttpError ? { status: error.status, body: error.body, headers: error.headers } : this.internalError(error)
    }
    request.status = reply.status
    request.response = reply.body === undefined ? undefined : clone(reply.body)
    this.send(res, reply)
    this.changed()
  }

  private checkAuth(req: http.IncomingMessage): void {
    const header = req.headers.authorization ?? ''
    const token = header.startsWith('Bot ') ? header.slice(4) : undefined
    if (token === undefined || (this.options.token !== undefined && token !== this.options.token)) {
      throw jsonError(401, 0, '401: Unauthorized')
    }
  }

  private matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const segments = splitPath(path).map(decodeSegment)
    // Literal segments win over parameters (`/users/@me` before `/users/:userId`).
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue
      const params: Record<string, string> = {}
      let literals = 0
      let ok = true
      route.segments.forEach((want, i) => {
        const got = segments[i] ?? ''
        if (want.startsWith(':')) params[want.slice(1)] = got
        else if (want === got) literals += 1
        else ok = false
      })
      if (ok && (!best || literals > best.literals)) best = { route, params, literals }
    }
    return best
  }

  private route(method: string, pattern: string, handler: (ctx: RouteContext) => Reply, auth = true): void {
    this.routes.push({ method, pattern, segments: splitPath(pattern), auth, handler })
  }

  // ---------------------------------------------------------------- REST routes

  private registerRoutes(): void {
    const ok = (body: unknown, status = 200): Reply => ({ status, body })
    const noContent: Reply = { status: 204 }

    this.route('GET', '/gateway', () => ok({ url: this.gatewayUrl }), false)
    this.route('GET', '/gateway/bot', () =>
      ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
    )
    this.route('GET', '/users/@me', () => ok({ ...this.bot, verified: true, mfa_enabled: false, locale: 'en-US' }))
    this.route('GET', '/users/@me/guilds', () =>
      ok(
        this.botGuildIds().map((id) => {
          const guild = this.world.guildObject(id) ?? {}
          return { id, name: guild.name, icon: null, banner: null, owner: false, permissions: this.world.permissions(id, this.bot.id).toString(), features: [] }
        }),
      ),
    )
    this.route('GET', '/users/:userId', ({ params }) => {
      const user = this.world.users.get(params.userId ?? '')
      if (!user) throw jsonError(404, 10013, 'Unknown User')
      return ok(user)
    })
    this.route('GET', '/applications/@me', () => ok(this.applicationObject()))
    this.route('POST', '/users/@me/channels', ({ body }) => {
      const recipient = asString(asObject(body)?.recipient_id)
      if (!recipient || !this.world.users.has(recipient)) throw jsonError(404, 10013, 'Unknown User')
      return ok(this.world.dmChannel(recipient))
    })

    // Guilds
    const guildOr404 = (guildId: string | undefined): Json => {
      const guild = this.world.guildObject(guildId ?? '')
      if (!guild) throw jsonError(404, 10004, 'Unknown Guild')
      if (!this.world.isMember(guildId ?? '', this.bot.id)) throw missingAccess()
      return guild
    }
    this.route('GET', '/guilds/:guildId', ({ params, query }) => {
      const guild = guildOr404(params.guildId)
      if (query.get('with_counts') === 'true') {
        const size = this.world.guilds.get(params.guildId ?? '')?.members.size ?? 0
        return ok({ ...guild, approximate_member_count: size, approximate_presence_count: 0 })
      }
      return ok(guild)
    })
    this.route('GET', '/guilds/:guildId/roles', ({ params }) => {
      guildOr404(params.guildId)
      return ok(this.world.roles(params.guildId ?? ''))
    })
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => {
      guildOr404(params.guildId)
      return ok(this.world.guildChannels(params.guildId ?? '').filter((c) => ![10, 11, 12].includes(Number(c.type))))
    })
    this.route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      guildOr404(params.guildId)
      const member = this.world.member(params.guildId ?? '', params.userId ?? '')
      if (!member) throw jsonError(404, 10007, 'Unknown Member')
      return ok(member)
    })
    this.route('GET', '/guilds/:guildId/members', ({ params, query }) => {
      guildOr404(params.guildId)
      const limit = Number(query.get('limit') ?? '1')
      return ok(this.guildMembers(params.guildId ?? '', undefined, undefined, limit))
    })

    // Channels and messages
    this.route('GET', '/channels/:channelId', ({ params }) => ok(this.visibleChannel(params.channelId)))
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      this.channelOr404(params.channelId)
      return noContent
    })
    this.route('POST', '/channels/:channelId/messages', (ctx) => ok(this.createChannelMessage(ctx)))
    this.route('GET', '/channels/:channelId/messages', ({ params, query }) => ok(this.listMessages(params.channelId ?? '', query)))
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) =>
      ok(clone(this.channelMessageOr404(params.channelId, params.messageId).message)),
    )
    this.route('PATCH', '/channels/:channelId/messages/:messageId', (ctx) => {
      const stored = this.channelMessageOr404(ctx.params.channelId, ctx.params.messageId)
      if (stored.message.author.id !== this.bot.id) throw jsonError(403, 50005, 'Cannot edit a message authored by another user')
      return ok(this.editMessage(ctx, stored, []))
    })
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      this.channelMessageOr404(params.channelId, params.messageId).deleted = true
      return noContent
    })
    this.route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
      this.react(this.channelMessageOr404(params.channelId, params.messageId), params.emoji ?? '', 1)
      return noContent
    })
    this.route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
      this.react(this.channelMessageOr404(params.channelId, params.messageId), params.emoji ?? '', -1)
      return noContent
    })
    this.route('POST', '/channels/:channelId/messages/:messageId/threads', (ctx) => ok(this.threadFromMessage(ctx), 201))
    this.route('POST', '/channels/:channelId/threads', (ctx) => ok(this.threadWithoutMessage(ctx), 201))
    this.route('PUT', '/channels/:channelId/thread-members/:userId', ({ params }) => {
      this.channelOr404(params.channelId)
      return noContent
    })

    // Application commands
    this.route('GET', '/applications/:appId/commands', ({ params }) => ok(this.commandList(params.appId)))
    this.route('PUT', '/applications/:appId/commands', ({ params, body }) => ok(this.overwriteCommands(params.appId, undefined, body)))
    this.route('POST', '/applications/:appId/commands', ({ params, body }) => ok(this.upsertCommand(params.appId, undefined, body), 201))
    this.route('DELETE', '/applications/:appId/commands/:commandId', ({ params }) => {
      this.deleteCommand(params.appId, undefined, params.commandId ?? '')
      return noContent
    })
    this.route('GET', '/applications/:appId/guilds/:guildId/commands', ({ params }) => ok(this.commandList(params.appId, params.guildId)))
    this.route('PUT', '/applications/:appId/guilds/:guildId/commands', ({ params, body }) =>
      ok(this.overwriteCommands(params.appId, params.guildId, body)),
    )
    this.route('POST', '/applications/:appId/guilds/:guildId/commands', ({ params, body }) =>
      ok(this.upsertCommand(params.appId, params.guildId, body), 201),
    )
    this.route('DELETE', '/applications/:appId/guilds/:guildId/commands/:commandId', ({ params }) => {
      this.deleteCommand(params.appId, params.guildId, params.commandId ?? '')
      return noContent
    })

    // Interactions: the token authenticates these, so no Authorization header is sent.
    this.route('POST', '/interactions/:interactionId/:token/callback', (ctx) => this.interactionCallback(ctx), false)
    this.route('POST', '/webhooks/:appId/:token', (ctx) => this.followUp(ctx), false)
    this.route('GET', '/webhooks/:appId/:token/messages/:messageId', (ctx) => ok(clone(this.webhookMessage(ctx).stored.message)), false)
    this.route('PATCH', '/webhooks/:appId/:token/messages/:messageId', (ctx) => this.editWebhookMessage(ctx), false)
    this.route(
      'DELETE',
      '/webhooks/:appId/:token/messages/:messageId',
      (ctx) => {
        const { stored, state } = this.webhookMessage(ctx)
        stored.deleted = true
        this.recordResponse(state, { kind: 'delete', body: {}, messageId: stored.message.id, files: [] })
        return noContent
      },
      false,
    )
  }

  private applicationObject(): Json {
    return {
      id: this.applicationId,
      name: this.bot.username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      hook: true,
      is_monetized: false,
      is_verified: false,
      is_discoverable: false,
      team: null,
      owner: { id: '300000000000000001', username: 'owner', discriminator: '0', global_name: null, avatar: null, public_flags: 0 },
      bot: this.bot,
      integration_types_config: { '0': {} },
      approximate_guild_count: this.world.guilds.size,
      approximate_user_install_count: 0,
    }
  }

  private channelOr404(channelId: string | undefined): Json {
    const channel = this.world.channels.get(channelId ?? '')
    if (!channel) throw unknownChannel()
    return channel
  }

  /** A channel the bot may see: in a guild it is not in, or without View Channel, Discord answers 403 Missing Access. */
  private visibleChannel(channelId: string | undefined): Json {
    const channel = this.channelOr404(channelId)
    if (channel.guild_id && (this.world.channelPermissions(String(channel.id), this.bot.id) & PermissionFlagsBits.ViewChannel) === 0n) throw missingAccess()
    return channel
  }

  /** A public, live message of the channel; ephemeral messages cannot be fetched through channels. */
  private channelMessageOr404(channelId: string | undefined, messageId: string | undefined): StoredMessage {
    this.channelOr404(channelId)
    const stored = this.store.messages.get(messageId ?? '')
    if (!stored || stored.deleted || stored.ephemeral || stored.message.channel_id !== channelId) throw unknownMessage()
    return stored
  }

  private listMessages(channelId: string, query: URLSearchParams): APIMessage[] {
    this.channelOr404(channelId)
    const limit = Math.min(Math.max(Number(query.get('limit') ?? '50') || 50, 1), 100)
    // Newest first, like Discord.
    let list = this.storedIn(channelId, { ephemeral: false }).reverse()
    const before = query.get('before')
    const after = query.get('after')
    if (before) list = list.filter((s) => BigInt(s.message.id) < BigInt(before))
    if (after) list = list.filter((s) => BigInt(s.message.id) > BigInt(after)).reverse().slice(0, limit).reverse()
    return list.slice(0, limit).map((s) => clone(s.message))
  }

  private react(stored: StoredMessage, emoji: string, delta: number): void {
    const m = stored.message as unknown as Json
    const reactions = (asArray(m.reactions) ?? []) as Json[]
    const name = decodeSegment(emoji)
    const existing = reactions.find((r) => asObject(r.emoji)?.name === name)
    if (existing) existing.count = Math.max(0, (asNumber(existing.count) ?? 0) + delta)
    else if (delta > 0) reactions.push({ emoji: { id: null, name }, count: 1, me: true, burst_colors: [], count_details: { burst: 0, normal: 1 }, me_burst: false, burst_me: false, burst_count: 0 })
    m.reactions = reactions.filter((r) => (asNumber(r.count) ?? 0) > 0)
  }

  /** Validation, the allowed_mentions audit and the empty-message rule, shared by every write. */
  private checkMessageWrite(request: RecordedRequest, payload: Json, files: UploadedFile[], prefix: string[] = []): void {
    const errors = validateMessagePayload(payload, { prefix, fileCount: files.length })
    if (errors) throw formError(errors)
    const reasons = auditAllowedMentions(payload)
    for (const reason of reasons) {
      this.mentionViolations.push({ request: `${request.method} ${request.path}`, reason, payload: clone(payload), at: Date.now() })
    }
  }

  private lookupUser = (id: string): APIUser | undefined => this.world.users.get(id)

  private createChannelMessage(ctx: RouteContext): APIMessage {
    const channel = this.visibleChannel(ctx.params.channelId)
    // Posting in a guild channel takes Send Messages (Send Messages in Threads in a thread).
    if (channel.guild_id) {
      const needed = [10, 11, 12].includes(Number(channel.type)) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages
      if ((this.world.channelPermissions(String(channel.id), this.bot.id) & needed) === 0n) throw jsonError(403, 50013, 'Missing Permissions')
    }
    const payload = asObject(ctx.body) ?? {}
    this.checkMessageWrite(ctx.request, payload, ctx.files)
    if (this.payloadIsEmpty(payload, ctx.files)) throw emptyMessage()
    const reference = asObject(payload.message_reference)
    const referenced = reference ? this.store.messages.get(String(reference.message_id ?? '')) : undefined
    if (reference && (!referenced || referenced.deleted) && reference.fail_if_not_exists !== false) {
      throw formError({ message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } })
    }
    const stored = this.store.create({
      channelId: String(channel.id),
      author: this.bot,
      payload,
      files: ctx.files,
      type: referenced ? 19 : 0,
      lookupUser: this.lookupUser,
    })
    if (referenced) {
      const m = stored.message as unknown as Json
      m.message_reference = { type: 0, channel_id: referenced.message.channel_id, message_id: referenced.message.id, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) }
      m.referenced_message = clone(referenced.message)
    }
    channel.last_message_id = stored.message.id
    return clone(stored.message)
  }

  private payloadIsEmpty(payload: Json, files: UploadedFile[]): boolean {
    const content = asString(payload.content) ?? ''
    return (
      content === '' &&
      (asArray(payload.embeds)?.length ?? 0) === 0 &&
      (asArray(payload.components)?.length ?? 0) === 0 &&
      (asArray(payload.sticker_ids)?.length ?? 0) === 0 &&
      payload.poll === undefined &&
      files.length === 0
    )
  }

  /** Applies an edit with validation and audit; an edit that would leave nothing is refused. */
  private editMessage(ctx: RouteContext, stored: StoredMessage, prefix: string[], payloadOverride?: Json): APIMessage {
    const payload = payloadOverride ?? asObject(ctx.body) ?? {}
    this.checkMessageWrite(ctx.request, payload, ctx.files, prefix)
    this.store.edit(stored, payload, ctx.files, this.lookupUser)
    if (MessageStore.isEmpty(stored.message)) {
      const previous = stored.versions.pop()
      if (previous) stored.message = previous
      throw emptyMessage()
    }
    return clone(stored.message)
  }

  private threadFromMessage(ctx: RouteContext): Json {
    const parent = this.channelOr404(ctx.params.channelId)
    const stored = this.channelMessageOr404(ctx.params.channelId, ctx.params.messageId)
    const body = asObject(ctx.body) ?? {}
    const name = this.threadName(body)
    if ((stored.message as unknown as Json).thread) throw jsonError(400, 160004, 'A thread has already been created for this message')
    // A thread started from a message shares the message's id.
    const thread = this.world.addThread(
      String(parent.id),
      stored.message.id,
      name,
      parent.type === 5 ? 10 : 11,
      asNumber(body.auto_archive_duration) ?? 1440,
      this.bot.id,
    )
    const m = stored.message as unknown as Json
    m.thread = clone(thread)
    m.flags = (asNumber(m.flags) ?? 0) | 32 // HAS_THREAD
    this.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true })
    return clone(thread)
  }

  private threadWithoutMessage(ctx: RouteContext): Json {
    const parent = this.channelOr404(ctx.params.channelId)
    const body = asObject(ctx.body) ?? {}
    const name = this.threadName(body)
    if (parent.type === 15) {
      // Forum posts carry their first message, which shares the thread's id.
      const message = asObject(body.message) ?? {}
      this.checkMessageWrite(ctx.request, message, ctx.files, ['message'])
      if (this.payloadIsEmpty(message, ctx.files)) throw emptyMessage()
      const id = snowflake()
      const thread = this.world.addThread(String(parent.id), id, name, 11, asNumber(body.auto_archive_duration) ?? 1440, this.bot.id)
      const stored = this.store.create({ id, channelId: id, author: this.bot, payload: message, files: ctx.files, lookupUser: this.lookupUser })
      this.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true })
      return { ...clone(thread), message: clone(stored.message) }
    }
    const type = asNumber(body.type) ?? 12
    const thread = this.world.addThread(
      String(parent.id),
      snowflake(),
      name,
      type,
      asNumber(body.auto_archive_duration) ?? 1440,
      this.bot.id,
      body.invitable === undefined ? undefined : body.invitable === true,
    )
    this.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true })
    return clone(thread)
  }

  private threadName(body: Json): string {
    const name = asString(body.name)
    if (!name || [...name].length > 100) {
      throw formError({ name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } })
    }
    return name
  }

  // ---------------------------------------------------------------- commands

  private checkApp(appId: string | undefined): void {
    if (appId !== this.applicationId) throw jsonError(403, 50001, 'Missing Access')
  }

  private commandList(appId: string | undefined, guildId?: string): Json[] {
    this.checkApp(appId)
    if (guildId !== undefined && !this.world.guilds.has(guildId)) throw jsonError(404, 10004, 'Unknown Guild')
    return clone(guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? []))
  }

  private commandObject(input: Json, guildId: string | undefined, id: string): Json {
    const type = asNumber(input.type) ?? 1
    return {
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      options: [],
      description: '',
      ...clone(input),
      id,
      application_id: this.applicationId,
      type,
      version: snowflake(),
      ...(guildId !== undefined ? { guild_id: guildId } : {}),
    }
  }

  /** Bulk overwrite: commands keep their ids when name and type are unchanged, as on Discord. */
  private overwriteCommands(appId: string | undefined, guildId: string | undefined, body: unknown): Json[] {
    this.checkApp(appId)
    if (guildId !== undefined && !this.world.guilds.has(guildId)) throw jsonError(404, 10004, 'Unknown Guild')
    const list = asArray(body)
    if (!list) throw formError({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] })
    const errors = validateCommands(list)
    if (errors) throw formError(errors)
    const previous = guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? [])
    const next = list.map((raw) => {
      const input = asObject(raw) ?? {}
      const type = asNumber(input.type) ?? 1
      const same = previous.find((c) => c.name === input.name && c.type === type)
      return this.commandObject(input, guildId, asString(same?.id) ?? snowflake())
    })
    if (guildId === undefined) this.globalCommands.splice(0, this.globalCommands.length, ...next)
    else this.guildCommands.set(guildId, next)
    return clone(next)
  }

  private upsertCommand(appId: string | undefined, guildId: string | undefined, body: unknown): Json {
    this.checkApp(appId)
    const input = asObject(body) ?? {}
    const errors = validateCommands([input])
    if (errors) throw formError(asObject(errors['0']) as FormErrors)
    const list = guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? [])
    const type = asNumber(input.type) ?? 1
    const index = list.findIndex((c) => c.name === input.name && c.type === type)
    const command = this.commandObject(input, guildId, asString(list[index]?.id) ?? snowflake())
    if (index >= 0) list[index] = command
    else list.push(command)
    if (guildId !== undefined) this.guildCommands.set(guildId, list)
    return clone(command)
  }

  private deleteCommand(appId: string | undefined, guildId: string | undefined, commandId: string): void {
    this.checkApp(appId)
    const list = guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? [])
    const index = list.findIndex((c) => c.id === commandId)
    if (index < 0) throw jsonError(404, 10063, 'Unknown application command')
    list.splice(index, 1)
  }

  private findCommand(name: string, type: number, guildId?: string): Json | undefined {
    const inGuild = guildId !== undefined ? this.guildCommands.get(guildId)?.find((c) => c.name === name && c.type === type) : undefined
    return inGuild ?? this.globalCommands.find((c) => c.name === name && c.type === type)
  }

  // ---------------------------------------------------------------- interaction responses

  private recordResponse(state: InteractionState, record: Omit<InteractionResponseRecord, 'at' | 'latencyMs'>): void {
    const at = Date.now()
    state.responses.push({ ...clone(record), at, latencyMs: at - state.createdAt })
  }

  /** Metadata Discord attaches to messages created by an interaction. */
  private interactionMetadata(state: InteractionState, extra: Json = {}): Json {
    const p = state.payload
    const user = p.user ?? asObject(p.member?.user)
    const data = p.data
    return {
      id: p.id,
      type: p.type,
      user,
      authorizing_integration_owners: p.authorizing_integration_owners,
      ...(p.type === 2 ? { name: data.name, command_type: data.type } : {}),
      ...(p.type === 3 && p.message ? { interacted_message_id: p.message.id } : {}),
      ...extra,
    }
  }

  /** Message type of an interaction's response: CHAT_INPUT_COMMAND 20, CONTEXT_MENU_COMMAND 23, else DEFAULT. */
  private responseMessageType(state: InteractionState): number {
    if (state.payload.type !== 2) return 0
    return state.payload.data.type === 1 ? 20 : 23
  }

  private createInteractionMessage(state: InteractionState, payload: Json, files: UploadedFile[], extraFlags = 0, extraMeta: Json = {}): StoredMessage {
    return this.store.create({
      channelId: state.payload.channel_id,
      author: this.bot,
      payload,
      files,
      type: this.responseMessageType(state),
      extraFlags,
      interactionId: state.payload.id,
      webhookId: this.applicationId,
      applicationId: this.applicationId,
      interactionMetadata: this.interactionMetadata(state, extraMeta),
      lookupUser: this.lookupUser,
    })
  }

  /** The message a component (or a modal opened from one) sits on, stored if the test built it by hand. */
  private componentMessage(state: InteractionState): StoredMessage | undefined {
    const message = state.payload.message
    if (!message) return undefined
    const existing = this.store.messages.get(message.id)
    if (existing) return existing
    const stored: StoredMessage = { message: clone(message), ephemeral: ((message.flags ?? 0) & MessageFlag.Ephemeral) !== 0, deleted: false, versions: [] }
    this.store.messages.set(message.id, stored)
    return stored
  }

  private interactionCallback(ctx: RouteContext): Reply {
    const state = this.interactions.get(ctx.params.interactionId ?? '')
    if (!state || state.payload.token !== ctx.params.token) throw unknownInteraction()
    const deadline = this.options.interactionDeadlineMs
    if (!state.acknowledged && deadline > 0 && Date.now() - state.createdAt > deadline) throw unknownInteraction()
    if (state.acknowledged) throw jsonError(400, 40060, 'Interaction has already been acknowledged.')
    const body = asObject(ctx.body) ?? {}
    const type = asNumber(body.type)
    const data = asObject(body.data)
    const interactionType = state.payload.type
    const allowed: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: state.payload.message ? [4, 5, 6, 7] : [4, 5] }
    if (type === undefined || !(allowed[interactionType] ?? []).includes(type)) {
      throw formError({
        type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${String(body.type)} is not valid for interaction type ${interactionType}` }] },
      })
    }
    let message: StoredMessage | undefined
    switch (type) {
      case 4: {
        const payload = data ?? {}
        this.checkMessageWrite(ctx.request, payload, ctx.files, ['data'])
        if (this.payloadIsEmpty(payload, ctx.files)) throw emptyMessage()
        message = this.createInteractionMessage(state, payload, ctx.files)
        state.originalMessageId = message.message.id
        break
      }
      case 5: {
        // The "thinking…" placeholder; its ephemerality is fixed here and kept by later edits.
        const ephemeral = ((asNumber(data?.flags) ?? 0) & MessageFlag.Ephemeral) !== 0
        message = this.createInteractionMessage(state, {}, [], MessageFlag.Loading | (ephemeral ? MessageFlag.Ephemeral : 0))
        state.originalMessageId = message.message.id
        break
      }
      case 6:
        state.originalMessageId = this.componentMessage(state)?.message.id
        break
      case 7: {
        const target = this.componentMessage(state)
        if (!target) throw unknownMessage()
        this.editMessage(ctx, target, ['data'], data ?? {})
        message = target
        state.originalMessageId = target.message.id
        break
      }
      case 8: {
        const choices = asArray(data?.choices) ?? []
        if (choices.length > 25) {
          throw formError({ data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } })
        }
        break
      }
      case 9: {
        const errors = validateModal(data ?? {})
        if (errors) throw formError(errors)
        const p = state.payload
        const userId = String(p.user?.id ?? asObject(p.member?.user)?.id ?? '')
        this.modals.push({
          interactionId: p.id,
          userId,
          ...(p.guild_id !== undefined ? { guildId: p.guild_id } : {}),
          channelId: p.channel_id,
          ...(p.message ? { messageId: p.message.id } : {}),
          data: clone(data ?? {}),
          at: Date.now(),
        })
        break
      }
    }
    state.acknowledged = true
    state.callbackType = type
    if (state.timer) clearTimeout(state.timer)
    this.recordResponse(state, {
      kind: 'callback',
      type,
      body: data ?? {},
      ...(message ? { messageId: message.message.id } : {}),
      files: ctx.files,
    })
    state.resolveAck({ interactionId: state.payload.id, type, ...(data ? { data: clone(data) } : {}), latencyMs: Date.now() - state.createdAt })
    if (ctx.query.get('with_response') !== 'true') return { status: 204 }
    const original = state.originalMessageId ? this.store.messages.get(state.originalMessageId) : undefined
    return {
      status: 200,
      body: {
        interaction: {
          id: state.payload.id,
          type: interactionType,
          activity_instance_id: null,
          response_message_id: original?.message.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: original?.ephemeral ?? false,
        },
        resource: { type, ...(original && type !== 6 && type !== 9 ? { message: clone(original.message) } : {}) },
      },
    }
  }

  /** The interaction behind a webhook token; follow-ups and edits need an acknowledged one. */
  private webhookState(ctx: RouteContext): InteractionState {
    if (ctx.params.appId !== this.applicationId) throw unknownWebhook()
    const state = this.interactionsByToken.get(ctx.params.token ?? '')
    if (!state || !state.acknowledged) throw unknownWebhook()
    return state
  }

  private webhookMessage(ctx: RouteContext): { state: InteractionState; stored: StoredMessage } {
    const state = this.webhookState(ctx)
    const id = ctx.params.messageId === '@original' ? state.originalMessageId : ctx.params.messageId
    const stored = id ? this.store.messages.get(id) : undefined
    const belongs = stored && (stored.message.id === state.originalMessageId || stored.interactionId === state.payload.id)
    if (!stored || !belongs || stored.deleted) throw unknownMessage()
    return { state, stored }
  }

  private followUp(ctx: RouteContext): Reply {
    const state = this.webhookState(ctx)
    const payload = asObject(ctx.body) ?? {}
    this.checkMessageWrite(ctx.request, payload, ctx.files)
    if (this.payloadIsEmpty(payload, ctx.files)) throw emptyMessage()
    const original = state.originalMessageId ? this.store.messages.get(state.originalMessageId) : undefined
    let stored: StoredMessage
    if (original && ((original.message.flags ?? 0) & MessageFlag.Loading) !== 0) {
      // After a deferred reply, the first follow-up completes the "thinking…" message (keeping the
      // ephemerality chosen when deferring) rather than posting a new one.
      this.editMessage(ctx, original, [], payload)
      stored = original
    } else {
      stored = this.createInteractionMessage(state, payload, ctx.files, 0, state.originalMessageId ? { original_response_message_id: state.originalMessageId } : {})
    }
    this.recordResponse(state, { kind: 'followup', body: payload, messageId: stored.message.id, files: ctx.files })
    if (ctx.query.get('wait') !== 'true') return { status: 204 }
    return { status: 200, body: clone(stored.message) }
  }

  private editWebhookMessage(ctx: RouteContext): Reply {
    const { state, stored } = this.webhookMessage(ctx)
    const message = this.editMessage(ctx, stored, [])
    this.recordResponse(state, { kind: 'edit', body: asObject(ctx.body) ?? {}, messageId: stored.message.id, files: ctx.files })
    return { status: 200, body: message }
  }
}

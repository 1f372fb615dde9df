// A local fake Slack owned by the test suite: Web API over real HTTP, Socket Mode over a real
// WebSocket, response URLs, file upload/download and signed HTTP-mode requests. The real
// @slack/bolt App runs against it unchanged (`clientOptions: { slackApiUrl: fake.apiUrl }`), so
// adapter tests exercise Bolt's own parsing, acking and retrying instead of a mock of it.
//
// Usage:
//   const fake = await FakeSlack.start()
//   const app = new App({ token: fake.botToken, appToken: fake.appToken, socketMode: true,
//                         clientOptions: { slackApiUrl: fake.apiUrl } })
//   await app.start()
//   const ack = await fake.sendSlashCommand({ command: '/label', user_id: 'U1' })
//   ...
//   await app.stop(); await fake.stop()   // stop the app first, then the fake (see stop()).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import * as builders from './slack/builders'
import { findMentions } from './slack/mentions'
import { bearerToken, parseBody, readBody, sendJson, sendText } from './slack/http'
import { postToHttpApp, type HttpAppRequestOptions, type HttpAppResponse } from './slack/signing'
import { SocketHub, type ReceivedAck, type SendOptions } from './slack/socket-mode'
import type { AckResult, Envelope, FakeUser, FakeUserOptions, RecordedCall, RecordedMention, SlackJson, SlackMention, StoredEphemeral, StoredMessage, StoredView } from './slack/types'
import { WEB_API_METHODS, checkToken, handleResponseUrl, handleWebApi } from './slack/web-api'
import { ALL_BOT_SCOPES, checkScopes } from './slack/scopes'
import { Workspace, type WorkspaceConfig } from './slack/workspace'

export { SLACK_LIMITS, blocksTextLength, validateMessageBlocks, validateView } from './slack/block-kit-validation'
export { escapeSlackText, findMentions, mentionsInText } from './slack/mentions'
export { signSlackRequest, postToHttpApp, encodeHttpAppBody } from './slack/signing'
export type { HttpAppRequestKind, HttpAppRequestOptions, HttpAppResponse } from './slack/signing'
export { AckTimeoutError } from './slack/socket-mode'
export type { ReceivedAck, SendOptions } from './slack/socket-mode'
export type { BlockActionsOptions, SlashCommandFields, StateInput, ViewSubmissionOptions } from './slack/builders'
export type * from './slack/types'

/** Options for `FakeSlack.start`; every field has a sensible default. */
export interface FakeSlackOptions {
  /** Bot token the app must use (default `xoxb-test`). */
  botToken?: string
  /** App-level token for apps.connections.open (default `xapp-test`). */
  appToken?: string
  teamId?: string
  teamDomain?: string
  teamName?: string
  appId?: string
  botUserId?: string
  botId?: string
  /** How long a trigger_id stays valid; Slack's is 3 s. */
  triggerTtlMs?: number
  /** How long send* waits for the app's ack before rejecting with AckTimeoutError; Slack's is 3 s. */
  ackTimeoutMs?: number
  /** How often one response_url may be used; Slack's is 5. */
  responseUrlUses?: number
  /** Seconds part of the first message ts (default 1700000000 → `"1700000000.000100"`). */
  startTs?: number
  /** Channel builders use when a test names none (default `C0GENERAL`). */
  defaultChannel?: string
  /** Which mentions the bot may emit deliberately; all others land in `unsafeMentions`. */
  allowMentions?: MentionPolicy
  /** Users known from the start (users.info answers for them). */
  users?: Array<{ id: string } & FakeUserOptions>
  /** Port to listen on (default 0: an ephemeral port on 127.0.0.1). */
  port?: number
  /**
   * Scopes the bot token was granted (e.g. `manifestBotScopes()`); a method that needs another
   * answers `missing_scope`, as Slack does. Default: every scope.
   */
  botScopes?: readonly string[]
}

/** Decides whether one mention in outgoing text is deliberate (true) or unsafe (false). */
export type MentionPolicy = (mention: SlackMention & { method: string }) => boolean

/** Build a MentionPolicy from lists: users / channels the bot may mention, link prefixes it may emit, broadcasts it may send. */
export function mentionAllowList(allow: { users?: string[]; channels?: string[]; linkPrefixes?: string[]; broadcasts?: Array<'here' | 'channel' | 'everyone'>; dates?: boolean }): MentionPolicy {
  return (m) => {
    switch (m.kind) {
      case 'user':
        return allow.users?.includes(m.target) ?? false
      case 'channel':
        return allow.channels?.includes(m.target) ?? false
      case 'link':
        return allow.linkPrefixes?.some((p) => m.target.startsWith(p)) ?? false
      case 'broadcast':
        return allow.broadcasts?.includes(m.target as 'here' | 'channel' | 'everyone') ?? false
      case 'date':
        return allow.dates ?? false
      default:
        return false
    }
  }
}

/** A scripted failure for `failNext`: a Slack error code (HTTP 200, ok:false) or a raw HTTP status. */
export type ScriptedFailure = string | { status: number; body?: SlackJson | string; headers?: Record<string, string> }

interface MentionEntry {
  mention: SlackMention
  method: string
  callSeq: number
}

const INTERACTIVE_WITH_RESPONSE_PAYLOAD = new Set(['view_submission', 'block_suggestion'])

export class FakeSlack {
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly hub: SocketHub
  private ws: Workspace
  private readonly _calls: RecordedCall[] = []
  private readonly mentionLog: MentionEntry[] = []
  private readonly rateLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>()
  private readonly stalls = new Set<string>()
  /** Calls that arrived and were left hanging by stallNext (they are not in calls(): they have no answer). */
  private readonly stalledLog: string[] = []
  private readonly failures = new Map<string, ScriptedFailure[]>()
  private readonly waiters = new Set<() => void>()
  private mentionPolicy: MentionPolicy
  private stopped = false

  private constructor(private readonly options: FakeSlackOptions, config: WorkspaceConfig) {
    this.ws = new Workspace(config, options.startTs ?? 1700000000)
    this.mentionPolicy = options.allowMentions ?? (() => false)
    for (const u of options.users ?? []) this.ws.addUser(u.id, u)
    this.hub = new SocketHub({
      appId: config.appId,
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      onAck: (ack, envelope) => this.onAck(ack, envelope),
      onConnectionChange: () => this.notify(),
    })
    this.server = createServer((req, res) => {
      void this.onRequest(req, res)
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.hub.handleUpgrade(req, socket, head))
  }

  /** Start a fake Slack on 127.0.0.1 (ephemeral port unless `port` is given). */
  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const config: WorkspaceConfig = {
      teamId: options.teamId ?? 'T0TEAM',
      teamDomain: options.teamDomain ?? 'arbiter-test',
      teamName: options.teamName ?? 'Arbiter Test',
      appId: options.appId ?? 'A1',
      botUserId: options.botUserId ?? 'U0BOT',
      botId: options.botId ?? 'B0BOT',
      botToken: options.botToken ?? 'xoxb-test',
      appToken: options.appToken ?? 'xapp-test',
      baseUrl: '',
      triggerTtlMs: options.triggerTtlMs ?? 3000,
      responseUrlUses: options.responseUrlUses ?? 5,
      defaultChannel: options.defaultChannel ?? 'C0GENERAL',
    }
    const fake = new FakeSlack(options, config)
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject)
      fake.server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
    })
    const { port } = fake.server.address() as AddressInfo
    config.baseUrl = `http://127.0.0.1:${port}`
    fake.ws.ensureChannel(config.defaultChannel, 'general')
    return fake
  }

  // ---------------------------------------------------------------- addresses and identity

  /** `http://127.0.0.1:PORT` */
  get baseUrl(): string {
    return this.ws.config.baseUrl
  }
  /** `http://127.0.0.1:PORT/api/` — give it to Bolt as `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`
  }
  get port(): number {
    return Number(new URL(this.baseUrl).port)
  }
  get botToken(): string {
    return this.ws.config.botToken
  }
  get appToken(): string {
    return this.ws.config.appToken
  }
  get botUserId(): string {
    return this.ws.config.botUserId
  }
  get teamId(): string {
    return this.ws.config.teamId
  }
  get appId(): string {
    return this.ws.config.appId
  }
  get defaultChannel(): string {
    return this.ws.config.defaultChannel
  }
  /** Methods under /api/ the fake implements. */
  get methods(): readonly string[] {
    return [...WEB_API_METHODS, 'apps.connections.open']
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Close everything: socket-mode connections (close frame, then terminate after 300 ms), every
   * HTTP socket, the server. Stop the Bolt app first: a running socket-mode client whose server
   * vanishes schedules a reconnect timer that outlives the test.
   */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    await this.hub.close(300)
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const wake of this.waiters) wake()
  }

  /** Forget calls, messages, views, files, mentions and scripted failures; keep users, server and sockets. */
  reset(): void {
    const users = [...this.ws.users.values()]
    this.ws = new Workspace(this.ws.config, this.options.startTs ?? 1700000000)
    for (const u of users) this.ws.users.set(u.id, u)
    this.ws.ensureChannel(this.ws.config.defaultChannel, 'general')
    this._calls.length = 0
    this.mentionLog.length = 0
    this.rateLimits.clear()
    this.stalls.clear()
    this.stalledLog.length = 0
    this.failures.clear()
  }

  // ---------------------------------------------------------------- calls and waiting

  /** Every request received, oldest first. */
  get calls(): readonly RecordedCall[] {
    return this._calls
  }

  /** Calls to one method (`chat.postMessage`, `response_url`, `file_download`, …), including rate-limited attempts. */
  callsTo(method: string): RecordedCall[] {
    return this._calls.filter((c) => c.method === method)
  }

  /** Current position in `calls`; pass as `since` to wait only for later calls. */
  mark(): number {
    return this._calls.length
  }

  /** Resolve with the first call (after `since`) matching the predicate, now or when it arrives. */
  async waitFor(predicate: (call: RecordedCall) => boolean, opts: { timeoutMs?: number; since?: number } = {}): Promise<RecordedCall> {
    const since = opts.since ?? 0
    return this.waitUntil(() => this._calls.find((c) => c.seq > since && predicate(c)), {
      timeoutMs: opts.timeoutMs ?? 2000,
      describe: () => `no matching call; calls so far: ${this._calls.slice(since).map((c) => `${c.method}(${c.status}${c.ok ? '' : ` ${typeof c.response === 'string' ? c.response : String(c.response.error)}`})`).join(', ') || 'none'}`,
    })
  }

  /** Re-evaluate `check` after every request, ack and connection until it returns a value. */
  async waitUntil<T>(check: () => T | undefined | null | false, opts: { timeoutMs?: number; describe?: () => string } = {}): Promise<T> {
    const first = check()
    if (first !== undefined && first !== null && first !== false) return first
    const timeoutMs = opts.timeoutMs ?? 2000
    return new Promise<T>((resolve, reject) => {
      const wake = (): void => {
        if (this.stopped) return finish(new Error('fake-slack: stopped while waiting'))
        const value = check()
        if (value !== undefined && value !== null && value !== false) finish(undefined, value)
      }
      const timer = setTimeout(() => finish(new Error(`fake-slack: timed out after ${timeoutMs} ms: ${opts.describe?.() ?? 'condition not met'}`)), timeoutMs)
      const finish = (error?: Error, value?: T): void => {
        clearTimeout(timer)
        this.waiters.delete(wake)
        if (error) reject(error)
        else resolve(value as T)
      }
      this.waiters.add(wake)
    })
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake()
  }

  private record(method: string, path: string, args: SlackJson, token: string | undefined, status: number, response: SlackJson | string): RecordedCall {
    const ok = status === 200 && typeof response === 'object' && response.ok === true
    const call: RecordedCall = { seq: this._calls.length + 1, method, path, args, token, status, response, ok, at: Date.now() }
    this._calls.push(call)
    if (status !== 429) {
      for (const mention of findMentions(args)) this.mentionLog.push({ mention, method, callSeq: call.seq })
    }
    this.notify()
    return call
  }

  // ---------------------------------------------------------------- scripted trouble

  /** The next `count` calls to `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, count = 1, retryAfterSeconds = 1): void {
    this.rateLimits.set(method, { remaining: count, retryAfterSeconds })
  }

  /** The next call to `method` gets no answer at all (a Slack API call that hangs) until the fake stops. */
  stallNext(method: string): void {
    this.stalls.add(method)
  }

  /** How many calls to `method` arrived and were left hanging (stallNext): a test knows its stalled call was made. */
  stalledCalls(method: string): number {
    return this.stalledLog.filter((m) => m === method).length
  }

  /** The next `count` calls to `method` fail: a Slack error code (`channel_not_found`) or an HTTP status (`{status: 503}`). */
  failNext(method: string, failure: ScriptedFailure, count = 1): void {
    const list = this.failures.get(method) ?? []
    for (let i = 0; i < count; i++) list.push(failure)
    this.failures.set(method, list)
  }

  /** Answer a scripted 429 or failure if one is due; returns true when it answered. */
  private scripted(method: string, path: string, args: SlackJson, token: string | undefined, res: ServerResponse): boolean {
    if (this.stalls.delete(method)) {
      this.stalledLog.push(method)
      return true
    }
    const limit = this.rateLimits.get(method)
    if (limit && limit.remaining > 0) {
      limit.remaining -= 1
      const body = { ok: false, error: 'ratelimited' }
      this.record(method, path, args, token, 429, body)
      sendJson(res, 429, body, { 'retry-after': String(limit.retryAfterSeconds) })
      return true
    }
    const failure = this.failures.get(method)?.shift()
    if (failure === undefined) return false
    if (typeof failure === 'string') {
      const body = { ok: false, error: failure }
      this.record(method, path, args, token, 200, body)
      sendJson(res, 200, body)
      return true
    }
    const body = failure.body ?? { ok: false, error: `http_${failure.status}` }
    this.record(method, path, args, token, failure.status, body)
    if (typeof body === 'string') sendText(res, failure.status, body, 'text/plain', failure.headers)
    else sendJson(res, failure.status, body, failure.headers)
    return true
  }

  // ---------------------------------------------------------------- HTTP routing

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    try {
      if (req.method === 'POST' && path.startsWith('/api/')) return await this.onApi(req, res, path)
      if (req.method === 'POST' && path.startsWith('/response/')) return await this.onResponseUrl(req, res, path)
      if (req.method === 'POST' && path.startsWith('/upload/')) return await this.onUpload(req, res, path)
      if ((req.method === 'GET' || req.method === 'HEAD') && path.startsWith('/files-pri/')) return this.onDownload(req, res, path)
      sendJson(res, 404, { ok: false, error: 'not_found' })
    } catch (error) {
      const body = { ok: false, error: 'fake_slack_internal_error', detail: error instanceof Error ? error.message : String(error) }
      this.record('internal_error', path, {}, undefined, 500, body)
      if (!res.headersSent) sendJson(res, 500, body)
      else res.end()
    }
  }

  private async onApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = decodeURIComponent(path.slice('/api/'.length))
    const parsed = await parseBody(req.headers['content-type'], await readBody(req))
    const args = parsed.fields
    const token = bearerToken(req) ?? (typeof args.token === 'string' ? args.token : undefined)
    delete args.token
    if (this.scripted(method, path, args, token, res)) return
    const tokenError = checkToken(this.ws, method, token) ?? (token === this.botToken && this.options.botScopes ? checkScopes(method, args, this.options.botScopes) : null)
    let body: SlackJson
    if (tokenError) body = tokenError
    else if (method === 'apps.connections.open') body = { ok: true, url: this.hub.issueUrl(this.baseUrl.replace(/^http/, 'ws')) }
    else body = handleWebApi(this.ws, method, args, token ?? '')
    this.record(method, path, args, token, 200, body)
    sendJson(res, 200, body, this.scopeHeaders(token))
  }

  /**
   * Slack reports a token's granted scopes in the x-oauth-scopes header of every Web API answer
   * (and the scopes the method accepts in x-accepted-oauth-scopes); @slack/web-api exposes them as
   * response_metadata.scopes / acceptedScopes.
   */
  private scopeHeaders(token: string | undefined): Record<string, string> {
    if (token === this.botToken) return { 'x-oauth-scopes': (this.options.botScopes ?? ALL_BOT_SCOPES).join(',') }
    if (token === this.appToken) return { 'x-oauth-scopes': 'connections:write' }
    return {}
  }

  private async onResponseUrl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const id = path.slice('/response/'.length)
    const args = (await parseBody(req.headers['content-type'] ?? 'application/json', await readBody(req))).fields
    if (this.scripted('response_url', path, args, undefined, res)) return
    const { status, body } = handleResponseUrl(this.ws, id, args)
    this.record('response_url', path, args, undefined, status, body)
    sendJson(res, status, body)
  }

  /** The upload step of filesUploadV2: a multipart POST (field `body`) or raw bytes to the URL getUploadURLExternal returned. */
  private async onUpload(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const fileId = path.slice('/upload/'.length)
    const raw = await readBody(req)
    const parsed = await parseBody(req.headers['content-type'], raw)
    const data = (req.headers['content-type'] ?? '').startsWith('multipart/') ? (parsed.files[0]?.data ?? Buffer.alloc(0)) : raw
    const args = { file_id: fileId, filename: parsed.files[0]?.name, length: data.length }
    if (this.scripted('file_upload', path, args, bearerToken(req), res)) return
    const stored = this.ws.files.get(fileId)
    if (!stored) {
      this.record('file_upload', path, args, bearerToken(req), 404, 'file_not_found')
      return sendText(res, 404, 'file_not_found', 'text/plain')
    }
    stored.content = data
    stored.file.size = data.length
    this.record('file_upload', path, args, bearerToken(req), 200, `OK - ${data.length}`)
    sendText(res, 200, `OK - ${data.length}`, 'text/plain')
  }

  /**
   * url_private / url_private_download. Without the bot token Slack answers 200 with its HTML
   * sign-in page, not 401: a bot that forgets the header reads HTML as file content. So does the fake.
   */
  private onDownload(req: IncomingMessage, res: ServerResponse, path: string): void {
    const [, , teamAndFile = ''] = path.split('/')
    const fileId = teamAndFile.slice(teamAndFile.indexOf('-') + 1)
    const token = bearerToken(req)
    const authorized = token === this.botToken
    const stored = this.ws.files.get(fileId)
    const args = { file: fileId, authorized }
    if (!authorized) {
      this.record('file_download', path, args, token, 200, 'sign-in page')
      return sendText(res, 200, '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>', 'text/html; charset=utf-8')
    }
    if (!stored || stored.content === null) {
      this.record('file_download', path, args, token, 404, 'file_not_found')
      return sendText(res, 404, 'file_not_found', 'text/plain')
    }
    this.record('file_download', path, args, token, 200, `${stored.content.length} bytes`)
    sendText(res, 200, req.method === 'HEAD' ? '' : stored.content, String(stored.file.mimetype), {
      'content-disposition': `attachment; filename="${String(stored.file.name)}"`,
    })
  }

  // ---------------------------------------------------------------- workspace state

  /** Register (or replace) a user; `users.info` answers for it. */
  user(id: string, opts: FakeUserOptions = {}): FakeUser {
    return structuredClone(this.ws.addUser(id, opts))
  }

  /**
   * Register a channel with a name (channels are otherwise created on first use, with the bot as
   * a member). `botMember: false` is a channel nobody invited the bot to: posting there answers
   * `not_in_channel`, as Slack does for an app without chat:write.public; set it true to invite.
   */
  channel(id: string, name?: string, opts: { botMember?: boolean } = {}): SlackJson {
    const channel = this.ws.ensureChannel(id, name)
    if (opts.botMember !== undefined && channel.is_im !== true) channel.is_member = opts.botMember
    return structuredClone(channel)
  }

  /** The DM channel id the fake uses for a user (`D` + user id). */
  dmChannelOf(user: string): string {
    return this.ws.dmChannelOf(user)
  }

  /** Messages in a channel, oldest first, including thread replies (copies). */
  messages(channel: string): StoredMessage[] {
    return structuredClone(this.ws.messages.get(channel) ?? [])
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    const m = this.ws.findMessage(channel, ts)
    return m ? structuredClone(m) : undefined
  }

  /**
   * A person (or an admin) deletes a message, as Slack does it: a message without replies is
   * gone (chat.update, chat.getPermalink and conversations.replies answer message_not_found /
   * thread_not_found); a thread parent with replies becomes a tombstone — "This message was
   * deleted.", subtype `tombstone`, no blocks — that history and replies still return and
   * chat.getPermalink still links to, while its replies stay. Returns false when there was no such message.
   */
  deleteMessage(channel: string, ts: string): boolean {
    const list = this.ws.messages.get(channel)
    const index = list?.findIndex((m) => m.ts === ts) ?? -1
    if (!list || index < 0) return false
    const message = list[index]!
    if (Number(message.reply_count) > 0) {
      for (const key of ['blocks', 'attachments', 'bot_id', 'bot_profile', 'app_id', 'edited', 'metadata', 'files']) delete message[key]
      Object.assign(message, { subtype: 'tombstone', text: 'This message was deleted.', user: 'USLACKBOT', hidden: true })
    } else {
      list.splice(index, 1)
    }
    this.notify()
    return true
  }

  /** Newest message in a channel, or across all channels. */
  lastMessage(channel?: string): StoredMessage | undefined {
    const all = channel !== undefined ? (this.ws.messages.get(channel) ?? []) : [...this.ws.messages.values()].flat()
    const newest = [...all].sort((a, b) => (a.ts < b.ts ? -1 : 1)).pop()
    return newest ? structuredClone(newest) : undefined
  }

  /** A thread: parent first, then replies. */
  thread(channel: string, ts: string): StoredMessage[] {
    return this.messages(channel).filter((m) => m.ts === ts || m.thread_ts === ts)
  }

  /** Ephemeral messages (chat.postEphemeral and ephemeral response_url replies), optionally for one user. */
  ephemerals(user?: string): StoredEphemeral[] {
    return structuredClone(this.ws.ephemerals.filter((e) => user === undefined || e.user === user))
  }

  /** Put a file in the workspace, as if a person uploaded it; the bot can files.info and download it. */
  addFile(opts: { name: string; content: string | Buffer; user?: string; title?: string; mimetype?: string; filetype?: string }): SlackJson {
    const content = typeof opts.content === 'string' ? Buffer.from(opts.content, 'utf8') : opts.content
    return structuredClone(this.ws.createFile({ ...opts, content }))
  }

  fileById(id: string): SlackJson | undefined {
    const f = this.ws.files.get(id)
    return f ? structuredClone(f.file) : undefined
  }

  /** Bytes of a file (uploaded by the bot or added by the test); undefined until uploaded. */
  fileContent(id: string): Buffer | undefined {
    return this.ws.files.get(id)?.content ?? undefined
  }

  /** All files, newest last. */
  get files(): SlackJson[] {
    return [...this.ws.files.values()].map((f) => structuredClone(f.file))
  }

  viewById(id: string): StoredView | undefined {
    const v = this.ws.views.get(id)
    return v ? structuredClone(v) : undefined
  }

  /** The modal most recently opened, pushed or updated for a user. */
  lastView(user: string): StoredView | undefined {
    const id = this.ws.lastModal.get(user)
    return id === undefined ? undefined : this.viewById(id)
  }

  /** The user's open modal stack, root first (views.open resets it, push adds, submit/clear pops). */
  openViews(user: string): StoredView[] {
    return this.ws.viewStack(user).flatMap((id) => this.viewById(id) ?? [])
  }

  /** The App Home view published for a user. */
  homeView(user: string): StoredView | undefined {
    const id = this.ws.homeViews.get(user)
    return id === undefined ? undefined : this.viewById(id)
  }

  /** A fresh trigger_id for a user, valid once for `triggerTtlMs`. */
  issueTriggerId(user: string): string {
    return this.ws.issueTrigger(user)
  }

  // ---------------------------------------------------------------- mentions

  /** Every mention found in outgoing content, with whether the policy allowed it. */
  get mentions(): RecordedMention[] {
    return this.mentionLog.map(({ mention, method, callSeq }) => ({ ...mention, method, callSeq, allowed: this.mentionPolicy({ ...mention, method }) }))
  }

  /** Mentions the policy did not allow: assert this is empty after feeding the bot hostile text. */
  get unsafeMentions(): RecordedMention[] {
    return this.mentions.filter((m) => !m.allowed)
  }

  /** Mentions in one recorded call. */
  mentionsIn(call: RecordedCall): RecordedMention[] {
    return this.mentions.filter((m) => m.callSeq === call.seq)
  }

  /** Replace the mention policy (applies to mentions already recorded, too). */
  allowMentions(policy: MentionPolicy): void {
    this.mentionPolicy = policy
  }

  // ---------------------------------------------------------------- payload builders

  /** A block_actions payload for an element in a stored message (or view); see BlockActionsOptions. */
  blockActions(opts: builders.BlockActionsOptions): SlackJson {
    return builders.blockActions(this.ws, opts)
  }
  /** A view_submission payload for a stored view (by id or callback_id) with state values. */
  viewSubmission(opts: builders.ViewSubmissionOptions): SlackJson {
    return builders.viewSubmission(this.ws, opts)
  }
  viewClosed(opts: { view: string; user?: string; isCleared?: boolean }): SlackJson {
    return builders.viewClosed(this.ws, opts)
  }
  messageShortcut(opts: { callbackId: string; user: string; channel: string; messageTs: string }): SlackJson {
    return builders.messageShortcut(this.ws, opts)
  }
  globalShortcut(opts: { callbackId: string; user: string }): SlackJson {
    return builders.globalShortcut(this.ws, opts)
  }
  slashCommand(fields: builders.SlashCommandFields): SlackJson {
    return builders.slashCommand(this.ws, fields)
  }
  /** The inner app_home_opened event (includes the published home view, if any). */
  appHomeOpened(opts: { user: string; tab?: 'home' | 'messages' }): SlackJson {
    return builders.appHomeOpened(this.ws, opts)
  }
  /** The inner message event of a person writing; stored in the channel (default: the user's DM). */
  messageEvent(opts: { user: string; channel?: string; text: string; threadTs?: string; files?: SlackJson[]; store?: boolean }): SlackJson {
    return builders.messageEvent(this.ws, opts)
  }
  /** A person uploads a file into a channel (default their DM with the bot): returns the file and the message event. */
  userUploadsFile(opts: { user: string; name: string; content: string | Buffer; channel?: string; text?: string }): { file: SlackJson; event: SlackJson } {
    const file = this.addFile({ name: opts.name, content: opts.content, user: opts.user })
    const channel = opts.channel ?? this.ws.dmChannelOf(opts.user)
    const event = builders.messageEvent(this.ws, { user: opts.user, channel, text: opts.text ?? '', files: [file] })
    this.ws.shareFile(String(file.id), channel, String(event.ts))
    return { file: this.fileById(String(file.id)) ?? file, event }
  }
  /** Wrap an inner event as the Events API delivers it (`type: event_callback`, event_id, authorizations). */
  eventCallback(event: SlackJson): SlackJson {
    return builders.eventCallback(this.ws, event)
  }

  // ---------------------------------------------------------------- socket mode

  /** Open socket-mode connections. */
  get socketConnections(): number {
    return this.hub.connectionCount
  }
  /** Every envelope pushed so far. */
  get envelopes(): readonly Envelope[] {
    return this.hub.envelopes
  }
  /** Every ack received so far (including late ones). */
  get acks(): readonly ReceivedAck[] {
    return this.hub.acks
  }

  async waitForSocket(timeoutMs = 2000): Promise<void> {
    await this.hub.waitForConnection(timeoutMs)
  }

  /** Push a raw envelope; resolves with the ack and its latency, rejects with AckTimeoutError. */
  sendEnvelope(type: Envelope['type'], payload: SlackJson, opts: SendOptions = {}): Promise<AckResult> {
    return this.hub.send(type, payload, { ...opts, acceptsResponsePayload: opts.acceptsResponsePayload ?? false })
  }

  /** Push an interactivity payload (block_actions, view_submission, shortcut, …). */
  async sendInteractive(payload: SlackJson, opts: SendOptions = {}): Promise<AckResult> {
    const accepts = opts.acceptsResponsePayload ?? INTERACTIVE_WITH_RESPONSE_PAYLOAD.has(String(payload.type))
    return this.hub.send('interactive', payload, { ...opts, acceptsResponsePayload: accepts })
  }

  /** Push a slash command; fields in Slack's names (`command`, `text`, `user_id`, `channel_id`, …), defaults filled in. */
  async sendSlashCommand(fields: builders.SlashCommandFields, opts: SendOptions = {}): Promise<AckResult> {
    const payload = builders.slashCommand(this.ws, fields)
    return this.hub.send('slash_commands', payload, { ...opts, acceptsResponsePayload: opts.acceptsResponsePayload ?? true })
  }

  /** Push an Events API event; an inner event (`{type: 'app_home_opened', …}`) is wrapped in event_callback. */
  async sendEvent(event: SlackJson, opts: SendOptions = {}): Promise<AckResult> {
    const payload = event.type === 'event_callback' ? event : builders.eventCallback(this.ws, event)
    return this.hub.send('events_api', payload, {
      retryAttempt: 0,
      retryReason: '',
      ...opts,
      acceptsResponsePayload: opts.acceptsResponsePayload ?? false,
    })
  }

  /** Deliver an envelope again as Slack's retries do: same payload, retry_attempt + 1, a retry_reason. */
  async redeliver(envelope: Envelope, opts: SendOptions & { keepEnvelopeId?: boolean } = {}): Promise<AckResult> {
    const { keepEnvelopeId, ...rest } = opts
    return this.hub.send(envelope.type, structuredClone(envelope.payload), {
      ...rest,
      acceptsResponsePayload: envelope.accepts_response_payload,
      retryAttempt: opts.retryAttempt ?? (envelope.retry_attempt ?? 0) + 1,
      retryReason: opts.retryReason ?? 'timeout',
      ...(keepEnvelopeId ? { envelopeId: envelope.envelope_id } : {}),
    })
  }

  /** Click a button (or pick an option) and wait for the ack. */
  async clickButton(opts: builders.BlockActionsOptions, send: SendOptions = {}): Promise<AckResult> {
    return this.sendInteractive(this.blockActions(opts), send)
  }

  /** Submit a stored view and wait for the ack (whose payload may carry response_action errors). */
  async submitView(opts: builders.ViewSubmissionOptions, send: SendOptions = {}): Promise<AckResult> {
    return this.sendInteractive(this.viewSubmission(opts), send)
  }

  /** Ask connected clients to reconnect, as Slack does before recycling a server (`warning`, `refresh_requested`). */
  requestReconnect(reason = 'refresh_requested'): void {
    this.hub.sendDisconnect(reason)
  }

  /**
   * Cut every Socket Mode connection at once, with no close frame (a network failure). The
   * client notices and reconnects through apps.connections.open; `failNext('apps.connections.open',
   * {status: 503}, n)` first keeps it out for a while, as during a Slack outage.
   */
  dropSockets(): void {
    this.hub.dropAll()
  }

  private onAck(ack: ReceivedAck, envelope: Envelope | undefined): void {
    if (envelope?.type === 'interactive' && envelope.payload.type === 'view_submission' && typeof envelope.payload.view?.id === 'string') {
      this.ws.applySubmissionAck(envelope.payload.view.id, ack.payload)
    }
    this.notify()
  }

  // ---------------------------------------------------------------- HTTP mode

  /**
   * Send a signed Slack request to an HTTP-mode app (`http://127.0.0.1:PORT/slack/events`).
   * Inner events are wrapped in event_callback; a view_submission ack updates the fake's view stack.
   */
  async postToHttpApp(url: string, payload: SlackJson, opts: HttpAppRequestOptions): Promise<HttpAppResponse> {
    const wrapped = opts.kind === 'event' && payload.type !== 'event_callback' && payload.type !== 'url_verification' ? builders.eventCallback(this.ws, payload) : payload
    const response = await postToHttpApp(url, wrapped, opts)
    if (response.status === 200 && payload.type === 'view_submission' && typeof payload.view?.id === 'string') {
      this.ws.applySubmissionAck(payload.view.id, typeof response.json === 'object' && response.json !== null ? (response.json as SlackJson) : {})
    }
    return response
  }
}

/** Run `fn` with a started fake and always stop it, even when `fn` throws. */
export async function withFakeSlack<T>(options: FakeSlackOptions, fn: (fake: FakeSlack) => Promise<T>): Promise<T> {
  const fake = await FakeSlack.start(options)
  try {
    return await fn(fake)
  } finally {
    await fake.stop()
  }
}

// The fake gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay.
// Dispatches are numbered per session and logged, so events dispatched while the bot is
// disconnected reach it when it resumes, as Discord promises within a resumable session.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { asNumber, asObject, asString, type Json } from './json'

/** Something that happened on the gateway, for tests to wait on. */
export interface GatewayLogEntry {
  kind: 'connect' | 'identify' | 'ready' | 'resume' | 'resumed' | 'invalid-session' | 'heartbeat' | 'close' | 'drop' | 'dispatch'
  at: number
  /** Which URL path the client connected to (`/gateway` or `/gateway-resume`). */
  path?: string
  sessionId?: string
  seq?: number
  event?: string
  code?: number
}

interface LoggedDispatch {
  s: number
  t: string
  d: unknown
}

interface Session {
  id: string
  seq: number
  log: LoggedDispatch[]
  socket: WebSocket | null
  intents: number
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHost {
  token?: string
  heartbeatIntervalMs: number
  resumeGatewayUrl: string
  readyPayload(sessionId: string): Json
  guildCreatePayloads(): Json[]
  guildMembers(guildId: string, userIds: string[] | undefined, query: string | undefined, limit: number): Json[]
  changed(): void
}

/** Close codes Discord uses; 4000 makes discord.js resume (4200 would leave it idle). */
export const RESUMABLE_CLOSE_CODE = 4000

export class FakeGateway {
  readonly log: GatewayLogEntry[] = []
  /** Set to false to stop answering heartbeats (discord.js then resumes after one missed ACK). */
  ackHeartbeats = true
  private readonly wss = new WebSocketServer({ noServer: true })
  private session: Session | null = null
  /** Dispatches sent before any session exists: delivered right after the first READY. */
  private pending: { t: string; d: unknown }[] = []
  private readonly sockets = new Set<WebSocket>()

  constructor(private readonly host: GatewayHost) {}

  /** The HTTP server's upgrade handler for the gateway paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway-resume') {
      socket.destroy()
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url))
  }

  private record(entry: Omit<GatewayLogEntry, 'at'>): void {
    this.log.push({ at: Date.now(), ...entry })
    this.host.changed()
  }

  private onConnection(ws: WebSocket, url: URL): void {
    this.sockets.add(ws)
    this.record({ kind: 'connect', path: url.pathname })
    // Only plain JSON frames are spoken: zlib-stream needs the optional zlib-sync package, which
    // is not installed, so discord.js never asks for it here.
    if (url.searchParams.get('encoding') === 'etf' || url.searchParams.has('compress')) {
      ws.close(4002, 'The fake gateway speaks uncompressed JSON only')
      return
    }
    ws.on('message', (data) => this.onMessage(ws, data.toString()))
    ws.on('close', (code) => {
      this.sockets.delete(ws)
      if (this.session?.socket === ws) this.session.socket = null
      this.record({ kind: 'close', code })
    })
    ws.on('error', () => undefined)
    this.send(ws, { op: 10, d: { heartbeat_interval: this.host.heartbeatIntervalMs }, s: null, t: null })
  }

  private send(ws: WebSocket, frame: Json): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }

  private onMessage(ws: WebSocket, text: string): void {
    let frame: Json
    try {
      frame = asObject(JSON.parse(text)) ?? {}
    } catch {
      ws.close(4002, 'Error while decoding payload.')
      return
    }
    const d = asObject(frame.d) ?? {}
    switch (frame.op) {
      case 1:
        this.record({ kind: 'heartbeat', seq: asNumber(frame.d) ?? 0 })
        if (this.ackHeartbeats) this.send(ws, { op: 11, d: null, s: null, t: null })
        return
      case 2:
        this.identify(ws, d)
        return
      case 6:
        this.resume(ws, d)
        return
      case 8:
        this.requestGuildMembers(ws, d)
        return
      case 3: // presence update
      case 4: // voice state update
        return
      default:
        ws.close(4001, 'Unknown opcode.')
    }
  }

  private identify(ws: WebSocket, d: Json): void {
    if (this.host.token !== undefined && asString(d.token) !== this.host.token) {
      ws.close(4004, 'Authentication failed.')
      return
    }
    // A new session replaces the old one; its unsent events are lost, as on Discord.
    if (this.session?.socket && this.session.socket !== ws) this.session.socket.close(4009, 'Session replaced')
    const session: Session = { id: randomUUID().replaceAll('-', ''), seq: 0, log: [], socket: ws, intents: asNumber(d.intents) ?? 0 }
    this.session = session
    this.record({ kind: 'identify', sessionId: session.id })
    session.seq += 1
    this.send(ws, { op: 0, t: 'READY', s: session.seq, d: this.host.readyPayload(session.id) })
    this.record({ kind: 'ready', sessionId: session.id, seq: session.seq })
    // Each unavailable guild in READY needs its GUILD_CREATE, or discord.js waits ~15 s for it.
    for (const guild of this.host.guildCreatePayloads()) this.dispatch('GUILD_CREATE', guild)
    const pending = this.pending
    this.pending = []
    for (const event of pending) this.dispatch(event.t, event.d)
  }

  private resume(ws: WebSocket, d: Json): void {
    const session = this.session
    const seq = asNumber(d.seq) ?? -1
    this.record({ kind: 'resume', sessionId: asString(d.session_id) ?? '', seq })
    if (!session || session.id !== d.session_id || (this.host.token !== undefined && d.token !== this.host.token) || seq > session.seq) {
      this.record({ kind: 'invalid-session' })
      this.send(ws, { op: 9, d: false, s: null, t: null })
      return
    }
    session.socket = ws
    const missed = session.log.filter((entry) => entry.s > seq)
    for (const entry of missed) this.send(ws, { op: 0, t: entry.t, s: entry.s, d: entry.d })
    session.seq += 1
    this.send(ws, { op: 0, t: 'RESUMED', s: session.seq, d: {} })
    this.record({ kind: 'resumed', sessionId: session.id, seq: session.seq })
  }

  private requestGuildMembers(ws: WebSocket, d: Json): void {
    const guildId = asString(d.guild_id) ?? ''
    const userIds = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : undefined
    const members = this.host.guildMembers(guildId, userIds, asString(d.query), asNumber(d.limit) ?? 0)
    const found = new Set(members.map((m) => String(asObject(m.user)?.id)))
    this.dispatch('GUILD_MEMBERS_CHUNK', {
      guild_id: guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: (userIds ?? []).filter((id) => !found.has(id)),
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    })
  }

  /**
   * Sends a dispatch event with the next sequence number, or logs it for replay when the bot is
   * disconnected. Returns the sequence number (0 when no session exists yet).
   */
  dispatch(t: string, d: unknown): number {
    const session = this.session
    if (!session) {
      this.pending.push({ t, d })
      return 0
    }
    session.seq += 1
    const entry: LoggedDispatch = { s: session.seq, t, d }
    session.log.push(entry)
    if (session.socket) this.send(session.socket, { op: 0, t, s: entry.s, d })
    this.record({ kind: 'dispatch', event: t, seq: entry.s })
    return entry.s
  }

  /** Whether a bot is connected right now (identified or resumed). */
  get connected(): boolean {
    return this.session?.socket != null && this.session.socket.readyState === this.session.socket.OPEN
  }

  /** Closes the bot's socket with a resumable code; it reconnects to resume_gateway_url and RESUMEs. */
  drop(code: number = RESUMABLE_CLOSE_CODE): void {
    const socket = this.session?.socket
    if (!socket || !this.session) throw new Error('FakeDiscord.dropGateway: no bot is connected')
    // Detach first so dispatches from now on are only logged, never written to the closing socket.
    this.session.socket = null
    this.record({ kind: 'drop', code, sessionId: this.session.id })
    socket.close(code, 'Dropped by the fake')
  }

  /** Ends every connection at once (for stop()). */
  close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate()
    this.sockets.clear()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}

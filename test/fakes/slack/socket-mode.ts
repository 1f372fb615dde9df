// Socket Mode server side: hands out connection URLs, greets with `hello`, pushes envelopes and
// matches the app's acks to them. Ack latency is measured here because Slack's 3-second ack
// window is what the bot's "acknowledge first" rule exists for.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { randomUUID } from 'node:crypto'
import { WebSocket, WebSocketServer } from 'ws'
import type { AckResult, Envelope, SlackJson } from './types'

/** The app did not acknowledge an envelope in time; Slack would show the user an error (and retry events). */
export class AckTimeoutError extends Error {
  constructor(readonly envelope: Envelope, readonly timeoutMs: number) {
    super(`fake-slack: no ack for ${envelope.type} envelope ${envelope.envelope_id} within ${timeoutMs} ms`)
    this.name = 'AckTimeoutError'
  }
}

/** Per-send options. */
export interface SendOptions {
  /** Fail the returned promise if no ack arrives in time (default: the fake's ackTimeoutMs, Slack's 3 s). */
  ackTimeoutMs?: number
  acceptsResponsePayload?: boolean
  retryAttempt?: number
  retryReason?: string
  /** Reuse an envelope id (for a re-delivery that should look identical). */
  envelopeId?: string
}

/** One ack message as it arrived, kept even if it matched no pending envelope. */
export interface ReceivedAck {
  envelope_id: string
  payload: SlackJson
  at: number
  late: boolean
}

interface Pending {
  envelope: Envelope
  sentAt: number
  resolve: (ack: AckResult) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true })
  private readonly connections = new Set<WebSocket>()
  private readonly tickets = new Set<string>()
  private readonly pending = new Map<string, Pending>()
  private readonly timedOut = new Set<string>()
  private connectionWaiters: (() => void)[] = []
  readonly acks: ReceivedAck[] = []
  /** Every envelope pushed, in order. */
  readonly envelopes: Envelope[] = []

  constructor(
    private readonly opts: {
      appId: string
      ackTimeoutMs: number
      onAck: (ack: ReceivedAck, envelope: Envelope | undefined) => void
      /** Called when a connection opens or closes, so waiters can re-check. */
      onConnectionChange: () => void
    },
  ) {}

  get connectionCount(): number {
    return [...this.connections].filter((c) => c.readyState === WebSocket.OPEN).length
  }

  /** A one-time connection URL, as `apps.connections.open` returns. */
  issueUrl(wsBase: string): string {
    const ticket = randomUUID()
    this.tickets.add(ticket)
    return `${wsBase}/socket?ticket=${ticket}&app_id=${this.opts.appId}`
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const ticket = url.searchParams.get('ticket') ?? ''
    if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws))
  }

  private onConnection(ws: WebSocket): void {
    this.connections.add(ws)
    const drop = (): void => {
      if (this.connections.delete(ws)) this.opts.onConnectionChange()
    }
    ws.on('close', drop)
    ws.on('error', drop)
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      this.onMessage(data.toString())
    })
    // Exactly Slack's greeting (platform-notes.md); without it `app.start()` never resolves.
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.connectionCount, debug_info: {}, connection_info: { app_id: this.opts.appId } }))
    const waiters = this.connectionWaiters
    this.connectionWaiters = []
    for (const w of waiters) w()
    this.opts.onConnectionChange()
  }

  private onMessage(text: string): void {
    let message: SlackJson
    try {
      message = JSON.parse(text) as SlackJson
    } catch {
      return
    }
    if (typeof message.envelope_id !== 'string') return
    const envelopeId = message.envelope_id
    const payload: SlackJson = typeof message.payload === 'object' && message.payload !== null ? message.payload : {}
    const pending = this.pending.get(envelopeId)
    const ack: ReceivedAck = { envelope_id: envelopeId, payload, at: Date.now(), late: pending === undefined && this.timedOut.has(envelopeId) }
    this.acks.push(ack)
    const envelope = pending?.envelope ?? this.envelopes.find((e) => e.envelope_id === envelopeId)
    this.opts.onAck(ack, envelope)
    if (!pending) return
    this.pending.delete(envelopeId)
    clearTimeout(pending.timer)
    pending.resolve({ envelope_id: envelopeId, payload, latencyMs: performance.now() - pending.sentAt, envelope: pending.envelope })
  }

  /** Resolves once at least one connection is open (e.g. after a reconnect). */
  async waitForConnection(timeoutMs: number): Promise<void> {
    if (this.connectionCount > 0) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake-slack: no socket-mode connection within ${timeoutMs} ms (did app.start() run?)`)), timeoutMs)
      this.connectionWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Push one envelope on the newest open connection and wait for its ack. */
  async send(type: Envelope['type'], payload: SlackJson, options: SendOptions & { acceptsResponsePayload: boolean }): Promise<AckResult> {
    await this.waitForConnection(2000)
    const open = [...this.connections].filter((c) => c.readyState === WebSocket.OPEN)
    const ws = open[open.length - 1]
    if (!ws) throw new Error('fake-slack: no open socket-mode connection')
    const envelope: Envelope = {
      envelope_id: options.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload,
      ...(options.retryAttempt === undefined ? {} : { retry_attempt: options.retryAttempt }),
      ...(options.retryReason === undefined ? {} : { retry_reason: options.retryReason }),
    }
    this.envelopes.push(envelope)
    const timeoutMs = options.ackTimeoutMs ?? this.opts.ackTimeoutMs
    return new Promise<AckResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id)
        this.timedOut.add(envelope.envelope_id)
        reject(new AckTimeoutError(envelope, timeoutMs))
      }, timeoutMs)
      this.pending.set(envelope.envelope_id, { envelope, sentAt: performance.now(), resolve, reject, timer })
      ws.send(JSON.stringify(envelope), (error) => {
        if (!error) return
        clearTimeout(timer)
        this.pending.delete(envelope.envelope_id)
        reject(error)
      })
    })
  }

  /** Cut every connection without a close frame, as a network failure or a Slack outage does. */
  dropAll(): void {
    for (const ws of this.connections) ws.terminate()
  }

  /** Slack's "please reconnect" message (`warning` before a pod recycles, `refresh_requested`, …). */
  sendDisconnect(reason: string): void {
    for (const ws of this.connections) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }))
    }
  }

  /**
   * Close every connection: a normal close frame first (the client answers it and emits
   * `disconnected` at once), then a hard terminate for any peer that does not answer within graceMs.
   */
  async close(graceMs: number): Promise<void> {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(new Error('fake-slack: stopped before the ack arrived'))
    }
    this.pending.clear()
    const open = [...this.connections]
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve()
            const timer = setTimeout(() => {
              ws.terminate()
              resolve()
            }, graceMs)
            ws.once('close', () => {
              clearTimeout(timer)
              resolve()
            })
            if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'fake-slack stopping')
          }),
      ),
    )
    this.connections.clear()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }
}

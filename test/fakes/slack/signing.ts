// Slack's request signing for HTTP-mode apps, and a client that posts signed requests to a Bolt
// receiver the way Slack does (exact content types, retry headers), correctly or deliberately wrong.
import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import type { SlackJson } from './types'

/** Headers Slack adds to every request: `v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`. */
export function signSlackRequest(secret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)): {
  'x-slack-request-timestamp': string
  'x-slack-signature': string
} {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` }
}

/** What kind of Slack request to imitate; each has its own body encoding. */
export type HttpAppRequestKind = 'interactive' | 'command' | 'event'

/** Options for `postToHttpApp`. */
export interface HttpAppRequestOptions {
  secret: string
  kind: HttpAppRequestKind
  /** Adds `x-slack-retry-num` (and `x-slack-retry-reason`, default `http_timeout`) like Slack's redeliveries. */
  retryNum?: number
  retryReason?: string
  /** `valid` (default); `wrong-secret` signs with another secret; `tampered` changes the body after signing; `missing` omits the headers. */
  signature?: 'valid' | 'wrong-secret' | 'tampered' | 'missing'
  /** Unix seconds for `x-slack-request-timestamp`; older than 5 minutes is refused by Bolt. */
  timestamp?: number
  timeoutMs?: number
}

/** The receiver's answer. */
export interface HttpAppResponse {
  status: number
  body: string
  /** `body` parsed as JSON when it is JSON (an ack with a payload), else undefined. */
  json: unknown
  headers: Record<string, string | string[] | undefined>
  latencyMs: number
}

/** Encode a payload as Slack would: interactivity `payload=<json>` form, slash commands as form fields, events as JSON. */
export function encodeHttpAppBody(kind: HttpAppRequestKind, payload: SlackJson): { body: string; contentType: string } {
  if (kind === 'interactive') {
    // Bolt's receiver requires exactly this content type, without a charset (platform-notes.md).
    return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' }
  }
  if (kind === 'command') {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(payload)) {
      if (value !== undefined && value !== null) form.set(key, typeof value === 'string' ? value : String(value))
    }
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' }
  }
  return { body: JSON.stringify(payload), contentType: 'application/json' }
}

/** POST one signed Slack request to an HTTP-mode app (e.g. `http://127.0.0.1:PORT/slack/events`). */
export async function postToHttpApp(url: string, payload: SlackJson, options: HttpAppRequestOptions): Promise<HttpAppResponse> {
  const { body, contentType } = encodeHttpAppBody(options.kind, payload)
  const mode = options.signature ?? 'valid'
  const headers: Record<string, string> = { 'content-type': contentType }
  if (mode !== 'missing') {
    const secret = mode === 'wrong-secret' ? `${options.secret}-wrong` : options.secret
    Object.assign(headers, signSlackRequest(secret, body, options.timestamp))
  }
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum)
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout'
  }
  const sent = mode === 'tampered' ? `${body}&x=1` : body
  return rawPost(url, sent, headers, options.timeoutMs ?? 5000)
}

function rawPost(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAppResponse> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    // agent:false gives a one-shot connection, so no keep-alive socket outlives the test.
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = text.length > 0 ? JSON.parse(text) : undefined
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, body: text, json, headers: res.headers, latencyMs: performance.now() - started })
      })
      res.on('error', reject)
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

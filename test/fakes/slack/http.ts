// Small HTTP helpers for the fake's server: read bodies, decode Slack's three body encodings, answer JSON.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SlackJson } from './types'

// Fields the web client sends as JSON strings inside a form body (it JSON-encodes every non-scalar
// argument). Only these are decoded: a `text` that happens to start with `[` must stay text.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls', 'user_auth_blocks', 'options'])

const MAX_BODY_BYTES = 20 * 1024 * 1024

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > MAX_BODY_BYTES) throw new Error('request body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks)
}

function decodeJsonFields(fields: SlackJson): SlackJson {
  for (const key of Object.keys(fields)) {
    const value = fields[key]
    if (JSON_FIELDS.has(key) && typeof value === 'string') {
      try {
        fields[key] = JSON.parse(value)
      } catch {
        // Slack rejects malformed JSON fields; keep the string so the method handler can say so.
      }
    }
  }
  return fields
}

/** A decoded request body: scalar fields plus any uploaded files (multipart). */
export interface ParsedBody {
  fields: SlackJson
  files: { field: string; name: string; data: Buffer }[]
}

/** Decode form-urlencoded, JSON or multipart bodies into one argument object, as Slack accepts all three. */
export async function parseBody(contentType: string | undefined, body: Buffer): Promise<ParsedBody> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (body.length === 0) return { fields: {}, files: [] }
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    return { fields: typeof parsed === 'object' && parsed !== null ? (parsed as SlackJson) : {}, files: [] }
  }
  if (type === 'multipart/form-data') {
    // Node's fetch Response parses multipart for us; no extra dependency.
    const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData()
    const fields: SlackJson = {}
    const files: ParsedBody['files'] = []
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') fields[key] = value
      else files.push({ field: key, name: value.name, data: Buffer.from(await value.arrayBuffer()) })
    }
    return { fields: decodeJsonFields(fields), files }
  }
  const fields: SlackJson = {}
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) fields[key] = value
  return { fields: decodeJsonFields(fields), files: [] }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  return match?.[1]
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}

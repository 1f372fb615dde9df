// Every outbound platform call goes through `outbound()`, which sorts a failure into one of two
// classes. Retryable (a 429 with its Retry-After, a 5xx, a network error): worth another try
// after a wait. Permanent (Slack's invalid_blocks, account_inactive, not_in_channel, a file too
// large; Discord's 4xx such as 50007 "cannot DM" or 40005 "too large"): the same call fails the
// same way again, so it is reported once and never retried. The SDKs retry 429s themselves
// (Slack's WebClient and discord.js honour Retry-After), so what reaches us has usually waited
// already; we add one more try for retryable failures and none for permanent ones.
import type { PipelineEvents, PlatformName } from './pipeline-events'

/** How a failure is sorted. */
export type FailureClass = { kind: 'retryable'; retryAfterMs?: number } | { kind: 'permanent'; reason: string }

// Slack platform errors that a retry can cure; every other `ok: false` answer is the request's own fault.
const SLACK_RETRYABLE = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org'])
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

type Loose = { code?: unknown; status?: unknown; statusCode?: unknown; data?: { error?: unknown }; retryAfter?: unknown; cause?: unknown; name?: unknown; message?: unknown; original?: unknown }

function isNetwork(error: unknown, depth = 0): boolean {
  const e = error as Loose | null
  if (!e || typeof e !== 'object' || depth > 3) return false
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return true
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || /other side closed|fetch failed|socket hang up/i.test(String(e.message ?? ''))) return true
  return isNetwork(e.cause, depth + 1) || isNetwork(e.original, depth + 1)
}

/** Sorts a failed platform call. Anything not recognised as the platform's refusal counts as retryable. */
export function classifyFailure(error: unknown): FailureClass {
  const e = (error ?? {}) as Loose
  // @slack/web-api
  if (e.code === 'slack_webapi_rate_limited_error') return { kind: 'retryable', retryAfterMs: Number(e.retryAfter ?? 1) * 1000 }
  if (e.code === 'slack_webapi_platform_error') {
    const reason = String(e.data?.error ?? 'unknown_error')
    return SLACK_RETRYABLE.has(reason) ? { kind: 'retryable' } : { kind: 'permanent', reason }
  }
  if (e.code === 'slack_webapi_http_error') {
    const status = Number(e.statusCode)
    return status === 429 || status >= 500 ? { kind: 'retryable' } : { kind: 'permanent', reason: `HTTP ${status}` }
  }
  // discord.js: RateLimitError carries retryAfter in ms; DiscordAPIError / HTTPError a status.
  if (e.name === 'RateLimitError' || (typeof e.retryAfter === 'number' && typeof e.status !== 'number')) return { kind: 'retryable', retryAfterMs: Number(e.retryAfter ?? 1000) }
  if (typeof e.status === 'number') {
    if (e.status === 429 || e.status >= 500) return { kind: 'retryable' }
    return { kind: 'permanent', reason: typeof e.code === 'number' ? `Discord ${e.code}` : `HTTP ${e.status}` }
  }
  if (isNetwork(error)) return { kind: 'retryable' }
  return { kind: 'retryable' }
}

/** A platform call that failed, sorted. */
export class OutboundFailure extends Error {
  constructor(
    readonly call: string,
    readonly failure: FailureClass,
    override readonly cause: unknown,
  ) {
    super(`${call} failed (${failure.kind === 'permanent' ? `permanent: ${failure.reason}` : 'retryable'}): ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'OutboundFailure'
  }

  get permanent(): boolean {
    return this.failure.kind === 'permanent'
  }
}

/** True when the error (or what it wraps) is a permanent platform refusal: retrying it is pointless. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof OutboundFailure) return error.permanent
  return classifyFailure(error).kind === 'permanent' && !isUnrecognised(error)
}

/** Errors that are not platform answers at all (a bug, a database error) are never called permanent. */
function isUnrecognised(error: unknown): boolean {
  const e = (error ?? {}) as Loose
  return !(typeof e.code === 'string' && e.code.startsWith('slack_webapi_')) && typeof e.status !== 'number'
}

/** What one outbound call needs to know. */
export interface OutboundOptions {
  platform: PlatformName
  events?: PipelineEvents | undefined
  /** Extra tries for a retryable failure, after the SDK's own (default 1). */
  retries?: number
  /** An error that means the first try in fact arrived (Discord 40060 "already acknowledged"): success. */
  alreadyDone?: (error: unknown) => boolean
  /** The wait before a retry when the platform names none (ms). */
  backoffMs?: number
}

/** Runs one platform call; a failure comes out as an OutboundFailure, its class decided once. */
export async function outbound<T>(call: string, run: () => Promise<T>, options: OutboundOptions): Promise<T | undefined> {
  const started = Date.now()
  const retries = options.retries ?? 1
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await run()
      options.events?.outbound?.({ platform: options.platform, call, outcome: 'ok', ms: Date.now() - started })
      return result
    } catch (error) {
      if (attempt > 0 && options.alreadyDone?.(error)) return undefined
      const failure = classifyFailure(error)
      if (failure.kind === 'retryable' && attempt < retries) {
        const waitMs = failure.retryAfterMs ?? (options.backoffMs ?? 250) * 2 ** attempt
        if (failure.retryAfterMs !== undefined) options.events?.rateLimited?.({ platform: options.platform, call, waitMs })
        await new Promise((resolve) => setTimeout(resolve, waitMs))
        continue
      }
      options.events?.outbound?.({ platform: options.platform, call, outcome: failure.kind, ms: Date.now() - started })
      throw new OutboundFailure(call, failure, error)
    }
  }
}

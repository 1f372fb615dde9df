// Every Web API request, counted by outcome: the web client takes a custom fetch, and this one
// reports each HTTP attempt to the metrics without changing it. Slack answers errors as HTTP 200
// with ok:false, so the body is read from a clone, after the caller already has the response.
import type { Metrics, OutboundOutcome } from '../../ops/metrics'
import { outcomeOfStatus } from '../../ops/metrics'

// Errors Slack documents as temporary: the same call may succeed later.
const RETRYABLE_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])

type Fetch = typeof globalThis.fetch

/** A fetch for the web client (`clientOptions.fetch`) that reports to `metrics`. */
export function observedFetch(metrics: Metrics, inner: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    let response: Response
    try {
      response = await inner(input, init)
    } catch (error) {
      metrics.outbound('slack', 'retryable')
      throw error
    }
    if (response.status === 429) metrics.rateLimited('slack', Number(response.headers.get('retry-after') ?? 0) || 0)
    // The file upload step answers plain text: only a JSON answer carries ok / error.
    if (response.status !== 200 || !response.headers.get('content-type')?.includes('json')) metrics.outbound('slack', outcomeOfStatus(response.status))
    else
      void response
        .clone()
        .json()
        .then(
          (body: unknown) => metrics.outbound('slack', slackOutcome(body as { ok?: boolean; error?: string })),
          () => metrics.outbound('slack', 'permanent'),
        )
    return response
  }
}

function slackOutcome(body: { ok?: boolean; error?: string }): OutboundOutcome {
  if (body.ok === true) return 'ok'
  return RETRYABLE_ERRORS.has(String(body.error)) ? 'retryable' : 'permanent'
}

// Metrics fed by the inbox pipeline's events (src/inbox/pipeline-events.ts): the adapters report
// what happens to each interaction once, there; this turns it into the figures.
//
// Outbound calls and rate-limit waits are NOT taken from the pipeline's `outbound`/`rateLimited`
// events: those see one result per call after the SDK's own retries, and only calls made for an
// interaction. The figures count every HTTP attempt (a 429 or 5xx the SDK retried by itself, and
// the jobs' calls too), so they stay at the transport: observed-fetch.ts (Slack's web client) and
// observe-rest.ts (discord.js REST events). Mapping both here would count each call twice.
import type { PipelineEvents } from '../inbox/pipeline-events'
import type { Metrics } from './metrics'

export function pipelineEventsFor(metrics: Metrics): PipelineEvents {
  return {
    accepted: (e) => {
      if (!e.duplicate) metrics.inbox(e.platform, 'accepted')
    },
    acknowledged: (e) => metrics.acked(e.platform, interactionKind(e.kind), e.latencyMs / 1000),
    handled: (e) => {
      if (e.replayed) metrics.inbox(e.platform, 'replayed')
    },
    failed: (e) => metrics.inbox(e.platform, 'failed'),
  }
}

/**
 * The pipeline names an event finely (`action:verdict`, `command:start`); the ack figures keep
 * Slack's and Discord's few interaction kinds, so a label's values stay few.
 */
function interactionKind(kind: string): string {
  const head = kind.split(':')[0]!
  return head === 'send_to_labeling' ? 'shortcut' : head
}

// The Metrics interface over prom-client: one registry per process (tests make their own), the
// default process metrics, and the inbox backlog read from the database only when scraped.
import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { Metrics } from './metrics'

// Slack and Discord both allow 3 s to acknowledge; the buckets are fine below 100 ms (the
// target) and around the deadline, so an alert on p99 near 3 s has buckets to read.
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5]

/** Prometheus metrics and what /metrics serves. */
export interface PrometheusMetrics {
  metrics: Metrics
  registry: Registry
  /** The exposition text (Content-Type: `contentType`). */
  exposition(): Promise<string>
  contentType: string
}

export function createPrometheusMetrics(options: { inboxBacklog?: () => Promise<number> } = {}): PrometheusMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const acks = new Counter({ name: 'arbiter_acks_total', help: 'Platform interactions acknowledged, by platform and kind (command, action, submit, shortcut).', labelNames: ['platform', 'kind'], registers })
  const ackSeconds = new Histogram({ name: 'arbiter_ack_duration_seconds', help: 'Time from an interaction reaching Arbiter to its acknowledgement (the platforms allow 3 s).', labelNames: ['platform', 'kind'], buckets: ACK_BUCKETS, registers })
  const inbox = new Counter({ name: 'arbiter_inbox_events_total', help: 'Inbox rows accepted (new interactions), replayed (handled after a restart or by the sweep) and failed (an attempt failed; retried up to 5 times).', labelNames: ['platform', 'result'], registers })
  const judgments = new Counter({ name: 'arbiter_judgments_recorded_total', help: 'Judgments recorded (a retried delivery or double click counts once), by task type.', labelNames: ['type'], registers })
  const outbound = new Counter({ name: 'arbiter_outbound_calls_total', help: 'HTTP calls to the Slack Web API and Discord REST API, by outcome: ok, retryable (429, 5xx, network) or permanent (refused).', labelNames: ['platform', 'outcome'], registers })
  const rateLimitWait = new Counter({ name: 'arbiter_rate_limit_wait_seconds_total', help: 'Seconds calls were told to wait by the platform (Retry-After).', labelNames: ['platform'], registers })
  const jobRuns = new Counter({ name: 'arbiter_job_runs_total', help: 'Scheduled and manual job runs, by job and outcome (ok, failed, skipped).', labelNames: ['job', 'outcome'], registers })
  const takeovers = new Counter({ name: 'arbiter_job_lease_takeovers_total', help: 'Job leases taken over after their holder stopped renewing them (an instance died mid-run).', labelNames: ['job'], registers })
  const backlog = options.inboxBacklog
  new Gauge({
    name: 'arbiter_inbox_backlog',
    help: 'Inbox rows not yet handled (read from the database at scrape time; -1 when it did not answer).',
    registers,
    async collect() {
      if (backlog) this.set(await backlog().catch(() => -1))
    },
  })
  const metrics: Metrics = {
    acked(platform, kind, seconds) {
      acks.inc({ platform, kind })
      ackSeconds.observe({ platform, kind }, seconds)
    },
    inbox: (platform, result) => inbox.inc({ platform, result }),
    outbound: (platform, outcome) => outbound.inc({ platform, outcome }),
    rateLimited: (platform, seconds) => rateLimitWait.inc({ platform }, seconds),
    jobRun: (job, outcome) => jobRuns.inc({ job, outcome }),
    leaseTakeover: (job) => takeovers.inc({ job }),
    judgmentRecorded: (type) => judgments.inc({ type }),
  }
  return { metrics, registry, exposition: () => registry.metrics(), contentType: registry.contentType }
}

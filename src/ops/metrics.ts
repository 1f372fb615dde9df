// What Arbiter counts for an operator, as a small typed interface: adapters, the inbox and the
// job runner call it; only src/ops/prometheus-metrics.ts knows prom-client. Every method is a
// counter bump or one histogram observation, so calling it on the click path costs nothing
// measurable (README, "Probes and metrics").
import type { CoreObserver } from '../core/context'

/** Which chat platform a figure is about. */
export type MetricPlatform = 'slack' | 'discord'

/** How an outbound platform call ended: retryable is 429, 5xx or a network error; permanent is anything the platform refused. */
export type OutboundOutcome = 'ok' | 'retryable' | 'permanent'

/** What happened to an inbox row. */
export type InboxResult = 'accepted' | 'replayed' | 'failed'

/** The figures Arbiter reports. */
export interface Metrics extends CoreObserver {
  /** A platform interaction (command, action, submit, shortcut) acknowledged, `seconds` after it reached us. */
  acked(platform: MetricPlatform, kind: string, seconds: number): void
  inbox(platform: MetricPlatform, result: InboxResult): void
  outbound(platform: MetricPlatform, outcome: OutboundOutcome): void
  /** Time a call spent waiting because the platform rate-limited us (Retry-After). */
  rateLimited(platform: MetricPlatform, seconds: number): void
  jobRun(job: string, outcome: 'ok' | 'failed' | 'skipped'): void
  /** A job lease taken over from a holder whose lease lapsed (that instance died mid-run). */
  leaseTakeover(job: string): void
}

/** Metrics that go nowhere: the CLI, tests and benchmarks that do not look. */
export const noMetrics: Metrics = {
  acked: () => {},
  inbox: () => {},
  outbound: () => {},
  rateLimited: () => {},
  jobRun: () => {},
  leaseTakeover: () => {},
  judgmentRecorded: () => {},
}

/** A function that acknowledges, wrapped to report when it did (same signature). */
export function timedAck<F extends (...args: never[]) => Promise<unknown>>(metrics: Metrics, platform: MetricPlatform, kind: string, startedAt: number, ack: F): F {
  return (async (...args: Parameters<F>) => {
    const result = await ack(...args)
    metrics.acked(platform, kind, (performance.now() - startedAt) / 1000)
    return result
  }) as F
}

/** Sorts an HTTP answer of a platform API into ok / retryable / permanent. */
export function outcomeOfStatus(status: number): OutboundOutcome {
  if (status >= 200 && status < 300) return 'ok'
  return status === 429 || status >= 500 ? 'retryable' : 'permanent'
}

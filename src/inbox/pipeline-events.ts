// The one place to watch the inbox pipeline and the outbound calls from (metrics, tracing).
// Every hook is optional and called synchronously; a hook must not throw or block.

/** Which platform an event belongs to. */
export type PlatformName = 'slack' | 'discord'

/** What the pipeline reports as it goes; pass one to an adapter (overrides.events). */
export interface PipelineEvents {
  /** An interaction was written to the inbox (or found to be a duplicate). */
  accepted?(e: { platform: PlatformName; kind: string; duplicate: boolean }): void
  /** The platform was acknowledged, `latencyMs` after the interaction arrived. */
  acknowledged?(e: { platform: PlatformName; kind: string; latencyMs: number }): void
  /** An interaction's work is done and marked; `replayed` when a sweep picked it up. */
  handled?(e: { platform: PlatformName; kind: string; replayed: boolean; ms: number }): void
  /** An interaction's work failed: `permanent` ones are given up (and the user told once). */
  failed?(e: { platform: PlatformName; kind: string; replayed: boolean; permanent: boolean; error: unknown }): void
  /** A sweep ran: how many orphaned or failed rows it claimed. */
  swept?(e: { platform: PlatformName; claimed: number }): void
  /** One outbound platform call, by outcome (after the SDK's own retries and ours). */
  outbound?(e: { platform: PlatformName; call: string; outcome: 'ok' | 'retryable' | 'permanent'; ms: number }): void
  /** A rate limit made a call wait this long before its retry. */
  rateLimited?(e: { platform: PlatformName; call: string; waitMs: number }): void
}

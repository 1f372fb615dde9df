// What the composition root (main.ts) gives the adapters, so that nothing imports main.ts.
import type { Config } from './config'
import type { CoreContext } from './core/context'
import type { Logger } from './logger'
import type { Metrics } from './ops/metrics'

/** Everything an adapter needs from the rest of the app. */
export interface AppDeps {
  config: Config
  ctx: CoreContext
  logger: Logger
  /** Where acks, inbox events and platform calls are counted (none in tests that do not look). */
  metrics?: Metrics
}

/** A running adapter. */
export interface RunningAdapter {
  name: string
  stop(): Promise<void>
  /** Whether the platform can reach us now (readiness). */
  connected(): boolean
  /** The port it listens on, if it does (Slack HTTP mode). */
  port?: number
}

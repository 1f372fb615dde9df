// What the composition root (main.ts) gives the adapters, so that nothing imports main.ts.
import type { Config } from './config'
import type { CoreContext } from './core/context'
import type { Logger } from './logger'

/** Everything an adapter needs from the rest of the app. */
export interface AppDeps {
  config: Config
  ctx: CoreContext
  logger: Logger
}

/** A running adapter. */
export interface RunningAdapter {
  name: string
  stop(): Promise<void>
}

// What every use case receives: the store, the clock and randomness (injected so tests
// control time and order), and the few settings the rules need.
import type { Store } from '../store/store'
import type { Random } from './random'

/** Dependencies of the core use cases. */
export interface CoreContext {
  store: Store
  now: () => Date
  random: Random
  settings: {
    /** Default minutes before an unanswered assignment returns to the pool. */
    assignmentTtlMinutes: number
    /** Platform user ids that are admins from the start. */
    admins: string[]
    /** Minutes a labeler may change a judgment after recording it (default AMEND_WINDOW_DEFAULT_MINUTES). */
    amendWindowMinutes?: number
  }
  /** Told when something worth counting happens (the process's metrics); optional so tests and the CLI need none. */
  observer?: CoreObserver
}

/** What the core reports as it works; it knows nothing of where the figures go. */
export interface CoreObserver {
  /** A new judgment was stored (not a duplicate delivery), of an item of this task type. */
  judgmentRecorded(taskType: string): void
}

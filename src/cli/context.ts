// The CLI's composition root: configuration parsed once, the database opened (and migrated),
// the core context built. Commands that need no database (agreement) never load this.
import { loadConfig, type Config } from '../config'
import { openDatabase } from '../store/database'
import { createStore } from '../store/store'
import type { CoreContext } from '../core/context'

/** Runs `work` with a core context over the configured database, closing it after. */
export async function withCore<T>(work: (ctx: CoreContext, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const database = await openDatabase(config.DATABASE_URL, { log: (message) => process.stderr.write(`${message}\n`) })
  const ctx: CoreContext = {
    store: createStore(database),
    now: () => new Date(),
    random: Math.random,
    settings: { assignmentTtlMinutes: config.ASSIGNMENT_TTL_MINUTES, admins: config.ARBITER_ADMINS, amendWindowMinutes: config.AMEND_WINDOW_MINUTES },
  }
  try {
    return await work(ctx, config)
  } finally {
    await database.close()
  }
}

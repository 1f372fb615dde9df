// The two questions operations ask the database: does it answer (readiness), and how many
// interactions wait in the inbox (the backlog gauge, read at every scrape). Both are one cheap
// statement; the backlog count walks the ("processedAt", "id") index.
import { sql } from 'kysely'
import type { Database } from './database'
import { MAX_INBOX_ATTEMPTS } from './inbound-event-repository'

export class OpsReader {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  /** Resolves when the database answers a trivial query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.database.db)
  }

  /** Inbox rows accepted but not yet handled. */
  async inboxBacklog(): Promise<number> {
    const row = await this.database.db
      .selectFrom('InboundEvent')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('processedAt', 'is', null)
      // Rows that failed this often are no longer replayed: dead letters for a person, not backlog.
      .where('attempts', '<', MAX_INBOX_ATTEMPTS)
      .executeTakeFirst()
    // A count is a string (bigint) on PostgreSQL.
    return Number(row?.n ?? 0)
  }
}

// The two questions operations ask the database: does it answer (readiness), and how many
// interactions wait in the inbox (the backlog gauge, read at every scrape). Both are one cheap
// statement; the backlog count walks the ("processedAt", "id") index.
import type { Database } from './database'

// Rows that failed this often are no longer replayed (InboundEventRepository.pending): they are
// dead letters for a person to look at, not backlog.
const MAX_ATTEMPTS = 5

export class OpsReader {
  constructor(private readonly database: Pick<Database, 'prisma'>) {}

  /** Resolves when the database answers a trivial query. */
  async ping(): Promise<void> {
    await this.database.prisma.$queryRawUnsafe('SELECT 1')
  }

  /** Inbox rows accepted but not yet handled. */
  async inboxBacklog(): Promise<number> {
    const rows = await this.database.prisma.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS "n" FROM "InboundEvent" WHERE "processedAt" IS NULL AND "attempts" < ${MAX_ATTEMPTS}`)
    return Number(rows[0]?.n ?? 0)
  }
}

// A lead's `/label import PROJECT` waiting for the file they upload next. In the database, not in
// memory: the upload is a separate event that another bot instance may receive, and a restart in
// between must not forget it.
import type { Database, Kdb } from './database'
import type { PlatformIdentity } from './labeler-repository'

export interface ImportTarget {
  project: string
  format?: string
}

/** The row's key: one waiting request per person. */
function keyOf(identity: PlatformIdentity): PlatformIdentity {
  return { platform: identity.platform, workspaceId: identity.workspaceId, platformUserId: identity.platformUserId }
}

export class PendingImportRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /** Waits for this person's next upload until `expiresAt`; a newer request replaces an older one. */
  async expect(identity: PlatformIdentity, target: ImportTarget, expiresAt: Date): Promise<void> {
    const key = keyOf(identity)
    const data = { project: target.project, format: target.format ?? null, expiresAt, fileId: null }
    await this.db
      .insertInto('PendingImport')
      .values({ ...key, ...data, createdAt: new Date() })
      .onConflict((conflict) => conflict.columns(['platform', 'workspaceId', 'platformUserId']).doUpdateSet(data))
      .execute()
  }

  /**
   * What `fileId` is to be imported into, if this person asked and the request has not expired.
   * A conditional UPDATE claims the request for the file: the same file delivered twice (a
   * Slack retry, another instance) finds it again; a different file does not.
   */
  async take(identity: PlatformIdentity, fileId: string, now: Date): Promise<ImportTarget | null> {
    const row = await this.db
      .selectFrom('PendingImport')
      .select(['id', 'project', 'format', 'expiresAt', 'fileId'])
      .where('platform', '=', identity.platform)
      .where('workspaceId', '=', identity.workspaceId)
      .where('platformUserId', '=', identity.platformUserId)
      .executeTakeFirst()
    if (!row || row.expiresAt <= now || (row.fileId !== null && row.fileId !== fileId)) return null
    // Matching the whole request read: a newer /label import in between is not claimed by this file.
    const claimed = await this.db
      .updateTable('PendingImport')
      .set({ fileId })
      .where('id', '=', row.id)
      .where('project', '=', row.project)
      .where('expiresAt', '=', row.expiresAt)
      .where('fileId', row.fileId === null ? 'is' : '=', row.fileId)
      .executeTakeFirst()
    return Number(claimed.numUpdatedRows) === 1 ? { project: row.project, ...(row.format ? { format: row.format } : {}) } : null
  }
}

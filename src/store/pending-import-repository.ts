// A lead's `/label import PROJECT` waiting for the file they upload next. In the database, not in
// memory: the upload is a separate event that another bot instance may receive, and a restart in
// between must not forget it.
import type { Database, Db } from './database'
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
  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  /** Waits for this person's next upload until `expiresAt`; a newer request replaces an older one. */
  async expect(identity: PlatformIdentity, target: ImportTarget, expiresAt: Date): Promise<void> {
    const key = keyOf(identity)
    const data = { project: target.project, format: target.format ?? null, expiresAt, fileId: null }
    await this.prisma.pendingImport.upsert({ where: { platform_workspaceId_platformUserId: key }, create: { ...key, ...data }, update: data })
  }

  /**
   * What `fileId` is to be imported into, if this person asked and the request has not expired.
   * A conditional UPDATE claims the request for the file: the same file delivered twice (a
   * Slack retry, another instance) finds it again; a different file does not.
   */
  async take(identity: PlatformIdentity, fileId: string, now: Date): Promise<ImportTarget | null> {
    const key = keyOf(identity)
    const row = await this.prisma.pendingImport.findUnique({ where: { platform_workspaceId_platformUserId: key } })
    if (!row || row.expiresAt <= now || (row.fileId !== null && row.fileId !== fileId)) return null
    // Matching the whole request read: a newer /label import in between is not claimed by this file.
    const claimed = await this.prisma.pendingImport.updateMany({
      where: { id: row.id, project: row.project, expiresAt: row.expiresAt, fileId: row.fileId },
      data: { fileId },
    })
    return claimed.count === 1 ? { project: row.project, ...(row.format ? { format: row.format } : {}) } : null
  }
}

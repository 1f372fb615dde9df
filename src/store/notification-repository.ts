// The outbox of private messages for labelers. The core writes; adapters deliver and mark.
import type { Database, Kdb } from './database'
import { fromJson, toJson } from './json'
import type { Trx } from './transaction'

/** A private message waiting for (or past) delivery. */
export interface NotificationDto {
  id: number
  labelerId: number
  kind: string
  payload: Record<string, unknown>
  createdAt: Date
  deliveredAt: Date | null
}

/** A private message to queue. */
export interface NewNotification {
  labelerId: number
  kind: string
  payload: Record<string, unknown>
}

/** The columns of a new notification (also written inside a judgment's transaction), queued now. */
export function notificationRow(notification: NewNotification) {
  return { labelerId: notification.labelerId, kind: notification.kind, payload: toJson(notification.payload), createdAt: new Date() }
}

/** A notice for a project's leads, posted in its lead channel on one platform (a flag…). */
export interface LeadNoticeDto {
  id: number
  projectId: number
  platform: string
  kind: string
  payload: Record<string, unknown>
  createdAt: Date
}

export class NotificationRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  async add(labelerId: number, kind: string, payload: Record<string, unknown>): Promise<void> {
    await this.db.insertInto('Notification').values(notificationRow({ labelerId, kind, payload })).execute()
  }

  /** Undelivered messages (for some labelers), oldest first. */
  pendingFor(labelerIds?: number[]): Promise<NotificationDto[]> {
    return undeliveredNotifications(this.db, labelerIds)
  }

  /** Queues a notice for the lead channel of a project on a platform. */
  async addLeadNotice(projectId: number, platform: string, kind: string, payload: Record<string, unknown>, now: Date): Promise<void> {
    await this.db.insertInto('Notification').values({ labelerId: null, projectId, platform, kind, payload: toJson(payload), createdAt: now }).execute()
  }

  /** Undelivered lead notices, oldest first: on one platform, and (for a sweep) only those queued before a moment. */
  async pendingLeadNotices(options: { platform?: string; createdBefore?: Date; kind?: string; payloadKey?: { name: string; value: number } } = {}): Promise<LeadNoticeDto[]> {
    const { platform, kind, createdBefore } = options
    const rows = await this.db
      .selectFrom('Notification')
      .select(['id', 'projectId', 'platform', 'kind', 'payload', 'createdAt'])
      .where('deliveredAt', 'is', null)
      .where('labelerId', 'is', null)
      .where('projectId', 'is not', null)
      .$if(Boolean(platform), (q) => q.where('platform', '=', platform!))
      .$if(Boolean(kind), (q) => q.where('kind', '=', kind!))
      .$if(createdBefore !== undefined, (q) => q.where('createdAt', '<', createdBefore!))
      .orderBy('id')
      .limit(200)
      .execute()
    const notices = rows.map((row) => ({ id: row.id, projectId: row.projectId!, platform: row.platform ?? '', kind: row.kind, payload: fromJson<Record<string, unknown>>(row.payload, {}), createdAt: row.createdAt }))
    const key = options.payloadKey
    return key ? notices.filter((n) => n.payload[key.name] === key.value) : notices
  }

  /** Marks delivered once; false when another instance delivered it first. */
  async markDelivered(id: number, now: Date): Promise<boolean> {
    const result = await this.db.updateTable('Notification').set({ deliveredAt: now }).where('id', '=', id).where('deliveredAt', 'is', null).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }
}

/**
 * Undelivered private messages (for some labelers; all labelers' when absent), oldest first, at
 * most 200 at once. Also read inside a judgment's own transaction (judgment-repository.ts), so the
 * outcome shows what the judgment itself queued.
 */
export async function undeliveredNotifications(db: Kdb | Trx, labelerIds?: number[]): Promise<NotificationDto[]> {
  if (labelerIds?.length === 0) return []
  const rows = await db
    .selectFrom('Notification')
    .select(['id', 'labelerId', 'kind', 'payload', 'createdAt', 'deliveredAt'])
    .where('deliveredAt', 'is', null)
    .$if(labelerIds !== undefined, (q) => q.where('labelerId', 'in', labelerIds!))
    .$if(labelerIds === undefined, (q) => q.where('labelerId', 'is not', null))
    .orderBy('id')
    .limit(200)
    .execute()
  return rows.map((row) => ({ ...row, labelerId: row.labelerId!, payload: fromJson<Record<string, unknown>>(row.payload, {}) }))
}

// The outbox of private messages for labelers. The core writes; adapters deliver and mark.
import type { Database, Db } from './database'
import { fromJson, toJson } from './json'
import { positional } from './sql'

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

/** The columns of a new notification (also written inside a judgment's transaction). */
export function notificationRow(notification: NewNotification) {
  return { labelerId: notification.labelerId, kind: notification.kind, payload: toJson(notification.payload) }
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
  constructor(private readonly database: Pick<Database, 'prisma' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  async add(labelerId: number, kind: string, payload: Record<string, unknown>): Promise<void> {
    await this.prisma.notification.create({ data: notificationRow({ labelerId, kind, payload }) })
  }

  /** Undelivered messages (for some labelers), oldest first. Plain SQL: it runs after every judgment. */
  async pendingFor(labelerIds?: number[]): Promise<NotificationDto[]> {
    if (labelerIds?.length === 0) return []
    const forLabelers = labelerIds ? ` AND "labelerId" IN (${labelerIds.map(() => '?').join(', ')})` : ' AND "labelerId" IS NOT NULL'
    const sql = positional(this.database.provider, `SELECT "id", "labelerId", "kind", "payload", "createdAt", "deliveredAt" FROM "Notification" WHERE "deliveredAt" IS NULL${forLabelers} ORDER BY "id" LIMIT 200`)
    const rows = await this.prisma.$queryRawUnsafe<(Omit<NotificationDto, 'payload'> & { payload: string })[]>(sql, ...(labelerIds ?? []))
    return rows.map((row) => ({ ...row, id: Number(row.id), labelerId: Number(row.labelerId), payload: fromJson<Record<string, unknown>>(row.payload, {}) }))
  }

  /** Queues a notice for the lead channel of a project on a platform. */
  async addLeadNotice(projectId: number, platform: string, kind: string, payload: Record<string, unknown>, now: Date): Promise<void> {
    await this.prisma.notification.create({ data: { labelerId: null, projectId, platform, kind, payload: toJson(payload), createdAt: now } })
  }

  /** Undelivered lead notices, oldest first: on one platform, and (for a sweep) only those queued before a moment. */
  async pendingLeadNotices(options: { platform?: string; createdBefore?: Date; kind?: string; payloadKey?: { name: string; value: number } } = {}): Promise<LeadNoticeDto[]> {
    const rows = await this.prisma.notification.findMany({
      where: {
        deliveredAt: null,
        labelerId: null,
        projectId: { not: null },
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.kind ? { kind: options.kind } : {}),
        ...(options.createdBefore ? { createdAt: { lt: options.createdBefore } } : {}),
      },
      orderBy: { id: 'asc' },
      take: 200,
    })
    const notices = rows.map((row) => ({ id: row.id, projectId: row.projectId!, platform: row.platform ?? '', kind: row.kind, payload: fromJson<Record<string, unknown>>(row.payload, {}), createdAt: row.createdAt }))
    const key = options.payloadKey
    return key ? notices.filter((n) => n.payload[key.name] === key.value) : notices
  }

  /** Marks delivered once; false when another instance delivered it first. */
  async markDelivered(id: number, now: Date): Promise<boolean> {
    const result = await this.prisma.notification.updateMany({ where: { id, deliveredAt: null }, data: { deliveredAt: now } })
    return result.count === 1
  }
}

// The outbox of private messages for labelers. The core writes; adapters deliver and mark.
import type { Db } from './database'
import { fromJson, toJson } from './json'

/** A private message waiting for (or past) delivery. */
export interface NotificationDto {
  id: number
  labelerId: number
  kind: string
  payload: Record<string, unknown>
  createdAt: Date
  deliveredAt: Date | null
}

export class NotificationRepository {
  constructor(private readonly prisma: Db) {}

  async add(labelerId: number, kind: string, payload: Record<string, unknown>): Promise<void> {
    await this.prisma.notification.create({ data: { labelerId, kind, payload: toJson(payload) } })
  }

  async pendingFor(labelerIds?: number[]): Promise<NotificationDto[]> {
    const rows = await this.prisma.notification.findMany({
      where: { deliveredAt: null, ...(labelerIds ? { labelerId: { in: labelerIds } } : {}) },
      orderBy: { id: 'asc' },
      take: 200,
    })
    return rows.map((row) => ({ ...row, payload: fromJson<Record<string, unknown>>(row.payload, {}) }))
  }

  /** Marks delivered once; false when another instance delivered it first. */
  async markDelivered(id: number, now: Date): Promise<boolean> {
    const result = await this.prisma.notification.updateMany({ where: { id, deliveredAt: null }, data: { deliveredAt: now } })
    return result.count === 1
  }
}

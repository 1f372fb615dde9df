// The inbox of chat interactions: written before the platform is acknowledged, marked when
// handled. Replaying the unhandled ones at start means an acknowledged judgment is never lost
// to a crash; the unique key means a retried delivery is handled once.
import type { Db } from './database'
import { fromJson, isUniqueViolation, toJson } from './json'

/** An interaction waiting to be (or already) handled. */
export interface InboundEventDto {
  id: number
  platform: string
  dedupeKey: string
  payload: Record<string, unknown>
  receivedAt: Date
  attempts: number
}

export class InboundEventRepository {
  constructor(private readonly prisma: Db) {}

  /** Stores an interaction; null when the same key was stored before (a retry or a double delivery). */
  async accept(platform: string, dedupeKey: string, payload: Record<string, unknown>): Promise<InboundEventDto | null> {
    try {
      const row = await this.prisma.inboundEvent.create({ data: { platform, dedupeKey, payload: toJson(payload) } })
      return { ...row, payload }
    } catch (error) {
      if (isUniqueViolation(error)) return null
      throw error
    }
  }

  async markProcessed(id: number, now: Date): Promise<void> {
    await this.prisma.inboundEvent.update({ where: { id }, data: { processedAt: now } })
  }

  async markFailed(id: number, message: string): Promise<void> {
    await this.prisma.inboundEvent.update({ where: { id }, data: { attempts: { increment: 1 }, lastError: message.slice(0, 2_000) } })
  }

  /** Unhandled interactions of a platform, oldest first (replayed at start). */
  async pending(platform: string, maxAttempts = 5): Promise<InboundEventDto[]> {
    const rows = await this.prisma.inboundEvent.findMany({ where: { platform, processedAt: null, attempts: { lt: maxAttempts } }, orderBy: { id: 'asc' }, take: 500 })
    return rows.map((row) => ({ ...row, payload: fromJson<Record<string, unknown>>(row.payload, {}) }))
  }
}

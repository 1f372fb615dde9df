// Calibration threads, their blind votes, drift state, and once-only sends.
import type { Database, Db } from './database'
import { fromJson, isUniqueViolation, toJson } from './json'

/** A calibration thread as the core sees it. */
export interface CalibrationThreadDto {
  id: number
  projectId: number
  itemId: number
  platform: string
  channelId: string
  messageId: string
  threadId: string | null
  labelerIds: number[]
  status: 'open' | 'resolved'
  postedAt: Date
  remindedAt: Date | null
  escalatedAt: Date | null
  resolvedAt: Date | null
  resolvedBy: number | null
  verdict: Record<string, unknown> | null
  note: string | null
  revealedAt: Date | null
}

/** A blind vote: the fresh verdict and the voter's original verdict when they voted. */
export interface CalibrationVoteDto {
  labelerId: number
  verdict: string
  original: string | null
}

type Row = Awaited<ReturnType<Db['calibrationThread']['findFirstOrThrow']>>

function toDto(row: Row): CalibrationThreadDto {
  return { ...row, labelerIds: fromJson<number[]>(row.labelerIds, []), status: row.status as CalibrationThreadDto['status'], verdict: fromJson<Record<string, unknown> | null>(row.verdict, null) }
}

export class CalibrationRepository {
  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  /** Reserves an item for a thread on a platform; null when it was posted (or is being posted) already. */
  async claim(args: { projectId: number; itemId: number; platform: string; channelId: string; labelerIds: number[]; now: Date }): Promise<CalibrationThreadDto | null> {
    try {
      const { now, labelerIds, ...rest } = args
      return toDto(await this.prisma.calibrationThread.create({ data: { ...rest, labelerIds: toJson(labelerIds), postedAt: now } }))
    } catch (error) {
      if (isUniqueViolation(error)) return null
      throw error
    }
  }

  async setPosted(id: number, messageId: string, threadId: string | null): Promise<void> {
    await this.prisma.calibrationThread.update({ where: { id }, data: { messageId, threadId } })
  }

  /** Forgets a thread (its post failed, or it was deleted): the item returns to the queue. */
  async remove(id: number): Promise<void> {
    await this.prisma.calibrationThread.deleteMany({ where: { id } })
  }

  async findById(id: number): Promise<CalibrationThreadDto | null> {
    const row = await this.prisma.calibrationThread.findUnique({ where: { id } })
    return row ? toDto(row) : null
  }

  /** Items already discussed (or being discussed) on a platform. */
  async discussedItemIds(projectId: number, platform: string): Promise<Set<number>> {
    const rows = await this.prisma.calibrationThread.findMany({ where: { projectId, platform }, select: { itemId: true } })
    return new Set(rows.map((r) => r.itemId))
  }

  async open(): Promise<CalibrationThreadDto[]> {
    return (await this.prisma.calibrationThread.findMany({ where: { status: 'open', messageId: { not: '' } }, orderBy: { id: 'asc' } })).map(toDto)
  }

  async forProject(projectId: number): Promise<CalibrationThreadDto[]> {
    return (await this.prisma.calibrationThread.findMany({ where: { projectId }, orderBy: { id: 'asc' } })).map(toDto)
  }

  /** Records a blind vote; false when the labeler had voted already (the first vote stands). */
  async vote(threadId: number, labelerId: number, verdict: string, original: string | null): Promise<boolean> {
    try {
      await this.prisma.calibrationVote.create({ data: { threadId, labelerId, verdict, original } })
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  async votes(threadId: number): Promise<CalibrationVoteDto[]> {
    return this.prisma.calibrationVote.findMany({ where: { threadId }, select: { labelerId: true, verdict: true, original: true }, orderBy: { id: 'asc' } })
  }

  /** Claims the reveal of a thread's verdicts; false when it was revealed already (two last votes at once post one reveal). */
  async markRevealed(id: number, now: Date): Promise<boolean> {
    return (await this.prisma.calibrationThread.updateMany({ where: { id, revealedAt: null }, data: { revealedAt: now } })).count === 1
  }

  /** The blind votes of a project's settled threads with the settled verdict: what the calibration effect is measured on. */
  async settledVotes(projectId: number): Promise<{ threadId: number; itemId: number; settled: Record<string, unknown>; votes: CalibrationVoteDto[] }[]> {
    const rows = await this.prisma.calibrationThread.findMany({
      where: { projectId, status: 'resolved' },
      select: { id: true, itemId: true, verdict: true, votes: { select: { labelerId: true, verdict: true, original: true }, orderBy: { id: 'asc' } } },
      orderBy: { id: 'asc' },
    })
    return rows.flatMap((r) => {
      const settled = fromJson<Record<string, unknown> | null>(r.verdict, null)
      return settled ? [{ threadId: r.id, itemId: r.itemId, settled, votes: r.votes }] : []
    })
  }

  /** Resolves an open thread once; false when it was resolved already. */
  async resolve(id: number, args: { verdict: Record<string, unknown>; note: string | null; by: number; now: Date }): Promise<boolean> {
    const result = await this.prisma.calibrationThread.updateMany({ where: { id, status: 'open' }, data: { status: 'resolved', verdict: toJson(args.verdict), note: args.note, resolvedBy: args.by, resolvedAt: args.now } })
    return result.count === 1
  }

  async markReminded(id: number, now: Date): Promise<boolean> {
    return (await this.prisma.calibrationThread.updateMany({ where: { id, remindedAt: null }, data: { remindedAt: now } })).count === 1
  }

  async markEscalated(id: number, now: Date): Promise<boolean> {
    return (await this.prisma.calibrationThread.updateMany({ where: { id, escalatedAt: null }, data: { escalatedAt: now } })).count === 1
  }

  /** Claims a once-only send; false when any instance claimed the key before. */
  async once(key: string): Promise<boolean> {
    try {
      await this.prisma.sentOnce.create({ data: { key } })
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  /** True when a once-only key was claimed already. */
  async wasSent(key: string): Promise<boolean> {
    return (await this.prisma.sentOnce.findUnique({ where: { key }, select: { key: true } })) !== null
  }

  async driftState(projectId: number, labelerId: number): Promise<{ status: string; lastPingAt: Date | null; acknowledgedAt: Date | null } | null> {
    return this.prisma.driftState.findUnique({ where: { projectId_labelerId: { projectId, labelerId } }, select: { status: true, lastPingAt: true, acknowledgedAt: true } })
  }

  async setDriftState(projectId: number, labelerId: number, data: { status: 'drifting' | 'ok'; lastPingAt?: Date; evidence?: unknown; now: Date }): Promise<void> {
    const fields = { status: data.status, updatedAt: data.now, ...(data.lastPingAt ? { lastPingAt: data.lastPingAt, acknowledgedAt: null } : {}), ...(data.evidence !== undefined ? { evidence: toJson(data.evidence) } : {}) }
    await this.prisma.driftState.upsert({ where: { projectId_labelerId: { projectId, labelerId } }, create: { projectId, labelerId, ...fields }, update: fields })
  }

  async acknowledgeDrift(projectId: number, labelerId: number, now: Date): Promise<void> {
    await this.prisma.driftState.updateMany({ where: { projectId, labelerId }, data: { acknowledgedAt: now } })
  }
}

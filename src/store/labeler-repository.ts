// Labelers, keyed by platform identity.
import type { Database, Db } from './database'
import { TtlCache } from './ttl-cache'
import { fromJson, toJson, isUniqueViolation } from './json'
import type { LabelerRole } from '../core/task-types'

/** A labeler as the core sees it. */
export interface LabelerDto {
  id: number
  platform: string
  workspaceId: string
  platformUserId: string
  displayName: string
  role: LabelerRole
  skills: string[]
  /** Groups items can be routed to (e.g. "experts"). */
  groups: string[]
  createdAt: Date
}

/** Who someone is on a platform. */
export interface PlatformIdentity {
  platform: string
  workspaceId: string
  platformUserId: string
}

type Row = Awaited<ReturnType<Db['labeler']['findFirstOrThrow']>>

function toDto(row: Row): LabelerDto {
  return { ...row, role: row.role as LabelerRole, skills: fromJson<string[]>(row.skills, []), groups: fromJson<string[]>(row.groups, []) }
}

export class LabelerRepository {
  // Every interaction starts by finding its labeler; roles changed by another instance apply within seconds.
  private readonly byIdentity = new TtlCache<string, LabelerDto>(5_000)

  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  /** The labeler with this identity, created on first contact (the display name is refreshed). */
  async ensure(identity: PlatformIdentity, displayName: string, roleIfNew: LabelerRole): Promise<LabelerDto> {
    const cacheKey = `${identity.platform}\u0000${identity.workspaceId}\u0000${identity.platformUserId}`
    const cached = this.byIdentity.get(cacheKey)
    if (cached && cached.displayName === displayName) return cached
    const labeler = await this.ensureUncached(identity, displayName, roleIfNew)
    return this.byIdentity.set(cacheKey, labeler)
  }

  private async ensureUncached(identity: PlatformIdentity, displayName: string, roleIfNew: LabelerRole): Promise<LabelerDto> {
    const key = { platform_workspaceId_platformUserId: identity }
    const existing = await this.prisma.labeler.findUnique({ where: key })
    if (existing) {
      if (existing.displayName === displayName) return toDto(existing)
      return toDto(await this.prisma.labeler.update({ where: { id: existing.id }, data: { displayName } }))
    }
    try {
      return toDto(await this.prisma.labeler.create({ data: { ...identity, displayName, role: roleIfNew } }))
    } catch (error) {
      // Two first messages at once: the other one created the row.
      if (!isUniqueViolation(error)) throw error
      return toDto(await this.prisma.labeler.findUniqueOrThrow({ where: key }))
    }
  }

  async findById(id: number): Promise<LabelerDto | null> {
    const row = await this.prisma.labeler.findUnique({ where: { id } })
    return row ? toDto(row) : null
  }

  /** Labelers matching a platform user id (any workspace) or a display name. */
  async findByHandle(handle: string): Promise<LabelerDto[]> {
    const rows = await this.prisma.labeler.findMany({ where: { OR: [{ platformUserId: handle }, { displayName: handle }] }, orderBy: { id: 'asc' } })
    return rows.map(toDto)
  }

  async list(): Promise<LabelerDto[]> {
    return (await this.prisma.labeler.findMany({ orderBy: { id: 'asc' } })).map(toDto)
  }

  async setRole(id: number, role: LabelerRole): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return toDto(await this.prisma.labeler.update({ where: { id }, data: { role } }))
  }

  async setGroups(id: number, groups: string[]): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return toDto(await this.prisma.labeler.update({ where: { id }, data: { groups: toJson(groups) } }))
  }

  /** Labelers by id, for routing by name. */
  async findByIds(ids: number[]): Promise<LabelerDto[]> {
    return (await this.prisma.labeler.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } })).map(toDto)
  }

  async setSkills(id: number, skills: string[]): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return toDto(await this.prisma.labeler.update({ where: { id }, data: { skills: toJson(skills) } }))
  }
}

// Labelers, keyed by platform identity.
import type { Selectable } from 'kysely'
import type { Database, Kdb } from './database'
import type { Labeler } from './generated/database'
import { TtlCache } from './ttl-cache'
import { fromJson, toJson } from './json'
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

type Row = Selectable<Labeler>

function toDto(row: Row): LabelerDto {
  return { ...row, role: row.role as LabelerRole, skills: fromJson<string[]>(row.skills, []), groups: fromJson<string[]>(row.groups, []) }
}

export class LabelerRepository {
  // Every interaction starts by finding its labeler; roles changed by another instance apply within seconds.
  private readonly byIdentity = new TtlCache<string, LabelerDto>(5_000)

  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /** The labeler with this identity, created on first contact (the display name is refreshed). */
  async ensure(identity: PlatformIdentity, displayName: string, roleIfNew: LabelerRole): Promise<LabelerDto> {
    const cacheKey = `${identity.platform}\u0000${identity.workspaceId}\u0000${identity.platformUserId}`
    const cached = this.byIdentity.get(cacheKey)
    if (cached && cached.displayName === displayName) return cached
    const labeler = await this.ensureUncached(identity, displayName, roleIfNew)
    return this.byIdentity.set(cacheKey, labeler)
  }

  private findByIdentity(identity: PlatformIdentity): Promise<Row | undefined> {
    return this.db
      .selectFrom('Labeler')
      .selectAll()
      .where('platform', '=', identity.platform)
      .where('workspaceId', '=', identity.workspaceId)
      .where('platformUserId', '=', identity.platformUserId)
      .executeTakeFirst()
  }

  private async ensureUncached(identity: PlatformIdentity, displayName: string, roleIfNew: LabelerRole): Promise<LabelerDto> {
    const existing = await this.findByIdentity(identity)
    if (existing) {
      if (existing.displayName === displayName) return toDto(existing)
      return this.update(existing.id, { displayName })
    }
    const { platform, workspaceId, platformUserId } = identity
    const created = await this.db
      .insertInto('Labeler')
      .values({ platform, workspaceId, platformUserId, displayName, role: roleIfNew, createdAt: new Date() })
      .onConflict((conflict) => conflict.columns(['platform', 'workspaceId', 'platformUserId']).doNothing())
      .returningAll()
      .executeTakeFirst()
    if (created) return toDto(created)
    // Two first messages at once: the other one created the row.
    const other = await this.findByIdentity(identity)
    if (!other) throw new Error(`Labeler ${platform}/${platformUserId} vanished while being created`)
    return toDto(other)
  }

  /** Changes a labeler's columns; throws when there is no such labeler. */
  private async update(id: number, changes: { displayName?: string; role?: string; groups?: string; skills?: string }): Promise<LabelerDto> {
    const row = await this.db.updateTable('Labeler').set(changes).where('id', '=', id).returningAll().executeTakeFirst()
    if (!row) throw new Error(`No labeler with id ${id}`)
    return toDto(row)
  }

  async findById(id: number): Promise<LabelerDto | null> {
    const row = await this.db.selectFrom('Labeler').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toDto(row) : null
  }

  /** Labelers matching a platform user id (any workspace) or a display name. */
  async findByHandle(handle: string): Promise<LabelerDto[]> {
    const rows = await this.db
      .selectFrom('Labeler')
      .selectAll()
      .where((eb) => eb.or([eb('platformUserId', '=', handle), eb('displayName', '=', handle)]))
      .orderBy('id')
      .execute()
    return rows.map(toDto)
  }

  async list(): Promise<LabelerDto[]> {
    return (await this.db.selectFrom('Labeler').selectAll().orderBy('id').execute()).map(toDto)
  }

  async setRole(id: number, role: LabelerRole): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return this.update(id, { role })
  }

  async setGroups(id: number, groups: string[]): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return this.update(id, { groups: toJson(groups) })
  }

  /** Labelers by id, for routing by name. */
  async findByIds(ids: number[]): Promise<LabelerDto[]> {
    if (ids.length === 0) return []
    return (await this.db.selectFrom('Labeler').selectAll().where('id', 'in', ids).orderBy('id').execute()).map(toDto)
  }

  async setSkills(id: number, skills: string[]): Promise<LabelerDto> {
    this.byIdentity.deleteWhere((l) => l.id === id)
    return this.update(id, { skills: toJson(skills) })
  }
}

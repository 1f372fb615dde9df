// Projects: the labeling campaigns and their settings.
import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Database, Kdb } from './database'
import type { Project } from './generated/database'
import { TtlCache } from './ttl-cache'
import { fromJson, toJson } from './json'
import type { RationalePolicy, TaskType } from '../core/task-types'

/** A project as the core sees it. */
export interface ProjectDto {
  id: number
  name: string
  description: string
  taskTypes: TaskType[]
  redundancy: number
  maxExtraOverlap: number
  goldRate: number
  rationalePolicy: RationalePolicy
  dimensions: string[]
  skillDomains: string[]
  sftReview: boolean
  assignmentTtlMinutes: number | null
  active: boolean
  anonymizeCalibration: boolean
  slackChannel: string | null
  slackCalibrationChannel: string | null
  slackLeadChannel: string | null
  discordChannel: string | null
  discordCalibrationChannel: string | null
  discordLeadChannel: string | null
  calibrationCron: string | null
  calibrationTimezone: string | null
  /** The project's own guidelines (Markdown); null: the team's guide (core/guidelines.ts). */
  guide: string | null
  createdAt: Date
}

/** Settings a project is created or changed with. */
export type ProjectSettings = Partial<Omit<ProjectDto, 'id' | 'createdAt'>>

type Row = Selectable<Project>

function toDto(row: Row): ProjectDto {
  return {
    ...row,
    taskTypes: fromJson<TaskType[]>(row.taskTypes, []),
    dimensions: fromJson<string[]>(row.dimensions, []),
    skillDomains: fromJson<string[]>(row.skillDomains, []),
    rationalePolicy: row.rationalePolicy as RationalePolicy,
  }
}

// Settings left undefined are not written (Kysely leaves undefined values out, as Prisma did).
function toRow(settings: ProjectSettings): Updateable<Project> {
  const row: Record<string, unknown> = { ...settings }
  if (settings.taskTypes) row.taskTypes = toJson(settings.taskTypes)
  if (settings.dimensions) row.dimensions = toJson(settings.dimensions)
  if (settings.skillDomains) row.skillDomains = toJson(settings.skillDomains)
  return row as Updateable<Project>
}

export class ProjectRepository {
  // Settings are read on every click; a change by another instance shows within seconds.
  private readonly byId = new TtlCache<number, ProjectDto>(5_000, 1_000)

  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  async create(settings: ProjectSettings & { name: string; taskTypes: TaskType[]; dimensions: string[] }): Promise<ProjectDto> {
    const values = { ...toRow(settings), createdAt: new Date() } as Insertable<Project>
    return toDto(await this.db.insertInto('Project').values(values).returningAll().executeTakeFirstOrThrow())
  }

  async findByName(name: string): Promise<ProjectDto | null> {
    const row = await this.db.selectFrom('Project').selectAll().where('name', '=', name).executeTakeFirst()
    return row ? toDto(row) : null
  }

  async findById(id: number): Promise<ProjectDto | null> {
    const cached = this.byId.get(id)
    if (cached) return cached
    const row = await this.db.selectFrom('Project').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? this.byId.set(id, toDto(row)) : null
  }

  async list(): Promise<ProjectDto[]> {
    return (await this.db.selectFrom('Project').selectAll().orderBy('id').execute()).map(toDto)
  }

  /** Changes the given settings; throws when there is no such project. */
  async update(id: number, settings: ProjectSettings): Promise<ProjectDto> {
    const changes = Object.fromEntries(Object.entries(toRow(settings)).filter(([, value]) => value !== undefined))
    const row =
      Object.keys(changes).length === 0
        ? await this.db.selectFrom('Project').selectAll().where('id', '=', id).executeTakeFirst()
        : await this.db.updateTable('Project').set(changes).where('id', '=', id).returningAll().executeTakeFirst()
    if (!row) throw new Error(`No project with id ${id}`)
    return this.byId.set(id, toDto(row))
  }
}

/** Converts a stored row (the joined read of a click, assignment-repository.ts). */
export { toDto as projectFromRow }

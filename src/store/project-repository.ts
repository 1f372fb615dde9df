// Projects: the labeling campaigns and their settings.
import type { Database, Db } from './database'
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

type Row = Awaited<ReturnType<Db['project']['findFirstOrThrow']>>

function toDto(row: Row): ProjectDto {
  return {
    ...row,
    taskTypes: fromJson<TaskType[]>(row.taskTypes, []),
    dimensions: fromJson<string[]>(row.dimensions, []),
    skillDomains: fromJson<string[]>(row.skillDomains, []),
    rationalePolicy: row.rationalePolicy as RationalePolicy,
  }
}

function toRow(settings: ProjectSettings): Record<string, unknown> {
  const row: Record<string, unknown> = { ...settings }
  if (settings.taskTypes) row.taskTypes = toJson(settings.taskTypes)
  if (settings.dimensions) row.dimensions = toJson(settings.dimensions)
  if (settings.skillDomains) row.skillDomains = toJson(settings.skillDomains)
  return row
}

export class ProjectRepository {
  // Settings are read on every click; a change by another instance shows within seconds.
  private readonly byId = new TtlCache<number, ProjectDto>(5_000, 1_000)

  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  async create(settings: ProjectSettings & { name: string; taskTypes: TaskType[]; dimensions: string[] }): Promise<ProjectDto> {
    const row = await this.prisma.project.create({ data: toRow(settings) as never })
    return toDto(row)
  }

  async findByName(name: string): Promise<ProjectDto | null> {
    const row = await this.prisma.project.findUnique({ where: { name } })
    return row ? toDto(row) : null
  }

  async findById(id: number): Promise<ProjectDto | null> {
    const cached = this.byId.get(id)
    if (cached) return cached
    const row = await this.prisma.project.findUnique({ where: { id } })
    return row ? this.byId.set(id, toDto(row)) : null
  }

  async list(): Promise<ProjectDto[]> {
    return (await this.prisma.project.findMany({ orderBy: { id: 'asc' } })).map(toDto)
  }

  async update(id: number, settings: ProjectSettings): Promise<ProjectDto> {
    return this.byId.set(id, toDto(await this.prisma.project.update({ where: { id }, data: toRow(settings) as never })))
  }
}

/** Converts a stored row (the joined read of a click, assignment-repository.ts). */
export { toDto as projectFromRow }

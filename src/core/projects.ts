// Creating and changing projects, validated once here for the CLI and the chat lead commands.
import { z } from 'zod'
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { DEFAULT_DIMENSIONS, rationalePolicySchema, TASK_TYPES } from './task-types'
import type { ProjectDto } from '../store/project-repository'

const channel = z.string().trim().min(1).max(100).nullable()

/** Every setting of a project, each optional (create fills defaults). */
export const projectSettingsSchema = z
  .object({
    description: z.string().max(2_000),
    taskTypes: z.array(z.enum(TASK_TYPES)).min(1),
    redundancy: z.number().int().min(1).max(50),
    maxExtraOverlap: z.number().int().min(0).max(50),
    goldRate: z.number().min(0).max(1),
    rationalePolicy: rationalePolicySchema,
    dimensions: z.array(z.string().trim().min(1).max(40)).min(1).max(10),
    skillDomains: z.array(z.string().trim().min(1).max(100)),
    sftReview: z.boolean(),
    assignmentTtlMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable(),
    active: z.boolean(),
    anonymizeCalibration: z.boolean(),
    slackChannel: channel,
    slackCalibrationChannel: channel,
    slackLeadChannel: channel,
    discordChannel: channel,
    discordCalibrationChannel: channel,
    discordLeadChannel: channel,
    calibrationCron: z.string().trim().min(9).max(100).nullable(),
    calibrationTimezone: z.string().trim().min(1).max(64).nullable(),
    guide: z.string().trim().min(1).max(200_000).nullable(),
  })
  .partial()
export type ProjectSettingsInput = z.infer<typeof projectSettingsSchema>

export const projectNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a project name is 1–64 letters, digits, dots, dashes or underscores')

function parseSettings(settings: unknown): ProjectSettingsInput {
  const parsed = projectSettingsSchema.safeParse(settings)
  if (!parsed.success) throw new ArbiterError('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  return parsed.data
}

export async function createProject(ctx: CoreContext, options: { name: string; settings?: unknown }): Promise<ProjectDto> {
  const name = projectNameSchema.safeParse(options.name)
  if (!name.success) throw new ArbiterError('INVALID_INPUT', name.error.issues[0]!.message)
  if (await ctx.store.projects.findByName(name.data)) throw new ArbiterError('PROJECT_EXISTS')
  const settings = parseSettings(options.settings ?? {})
  return ctx.store.projects.create({
    ...settings,
    name: name.data,
    taskTypes: settings.taskTypes ?? ['pairwise'],
    dimensions: settings.dimensions ?? DEFAULT_DIMENSIONS,
  })
}

export async function updateProject(ctx: CoreContext, options: { name: string; settings: unknown }): Promise<ProjectDto> {
  const project = await findProject(ctx, options.name)
  return ctx.store.projects.update(project.id, parseSettings(options.settings))
}

export async function findProject(ctx: CoreContext, name: string): Promise<ProjectDto> {
  const project = await ctx.store.projects.findByName(name)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${name}".`)
  return project
}

/** The projects open for labeling. */
export async function activeProjects(ctx: CoreContext): Promise<ProjectDto[]> {
  return (await ctx.store.projects.list()).filter((p) => p.active)
}

/** The project a labeler means: the named one, or the only active one. */
export async function resolveProject(ctx: CoreContext, name: string | undefined): Promise<ProjectDto> {
  if (name) return findProject(ctx, name)
  const active = await activeProjects(ctx)
  if (active.length === 0) throw new ArbiterError('NO_ACTIVE_PROJECT')
  if (active.length > 1) throw new ArbiterError('AMBIGUOUS_PROJECT', `Several projects are active: ${active.map((p) => p.name).join(', ')}. Say which one.`)
  return active[0]!
}

/** A project's calibration schedule in words, for `project show` on the command line and in chat. */
export function calibrationScheduleText(project: Pick<ProjectDto, 'calibrationCron' | 'calibrationTimezone'>): string {
  return project.calibrationCron ? `${project.calibrationCron} (${project.calibrationTimezone ?? "the bot's JOB_TIMEZONE"})` : 'not scheduled'
}

/** What a project's channel on a platform is for. */
export const CHANNEL_PURPOSES = ['labeling', 'calibration', 'leads'] as const
export type ChannelPurpose = (typeof CHANNEL_PURPOSES)[number]

/** The project setting that holds each channel, per platform. */
export const CHANNEL_FIELDS = {
  slack: { labeling: 'slackChannel', calibration: 'slackCalibrationChannel', leads: 'slackLeadChannel' },
  discord: { labeling: 'discordChannel', calibration: 'discordCalibrationChannel', leads: 'discordLeadChannel' },
} as const

/** A project's channels on one platform in words ("labeling C1, calibration -, leads C2"), for `project show`. */
export function channelsText(project: ProjectDto, platform: keyof typeof CHANNEL_FIELDS): string {
  return CHANNEL_PURPOSES.map((purpose) => `${purpose} ${project[CHANNEL_FIELDS[platform][purpose]] ?? '-'}`).join(', ')
}

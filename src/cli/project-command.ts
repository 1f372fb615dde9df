// `arbiter project create|list|show|set`
import { withCore } from './context'
import { calibrationScheduleText, channelsText, createProject, findProject, updateProject } from '../core/projects'
import type { ProjectDto } from '../store/project-repository'
import { parseList } from './io'
import { readFileSync } from 'node:fs'
import { checkGuideText } from '../core/guidelines'
import { ArbiterError } from '../core/errors'

/** Project options as commander parses them (strings), before validation by the core. */
export interface ProjectFlags {
  description?: string
  types?: string
  redundancy?: string
  maxExtraOverlap?: string
  goldRate?: string
  rationale?: string
  dimensions?: string
  skillDomains?: string
  sftReview?: boolean
  ttlMinutes?: string
  active?: boolean
  anonymize?: boolean
  slackChannel?: string
  slackCalibrationChannel?: string
  slackLeadChannel?: string
  discordChannel?: string
  discordCalibrationChannel?: string
  discordLeadChannel?: string
  calibrationCron?: string
  calibrationTimezone?: string
  /** A Markdown file with the project's own guidelines. */
  guide?: string
  /** Back to the team's guide. */
  defaultGuide?: boolean
}

/** Settings from flags; only flags given are set. Numbers stay numbers-or-NaN so the core's validation names them. */
export function settingsFromFlags(flags: ProjectFlags): Record<string, unknown> {
  const settings: Record<string, unknown> = {}
  const number = (v: string) => (v.trim() === '' ? Number.NaN : Number(v))
  if (flags.description !== undefined) settings.description = flags.description
  if (flags.types !== undefined) settings.taskTypes = parseList(flags.types)
  if (flags.redundancy !== undefined) settings.redundancy = number(flags.redundancy)
  if (flags.maxExtraOverlap !== undefined) settings.maxExtraOverlap = number(flags.maxExtraOverlap)
  if (flags.goldRate !== undefined) settings.goldRate = number(flags.goldRate)
  if (flags.rationale !== undefined) settings.rationalePolicy = flags.rationale
  if (flags.dimensions !== undefined) settings.dimensions = parseList(flags.dimensions)
  if (flags.skillDomains !== undefined) settings.skillDomains = parseList(flags.skillDomains)
  if (flags.sftReview !== undefined) settings.sftReview = flags.sftReview
  if (flags.ttlMinutes !== undefined) settings.assignmentTtlMinutes = number(flags.ttlMinutes)
  if (flags.active !== undefined) settings.active = flags.active
  if (flags.anonymize !== undefined) settings.anonymizeCalibration = flags.anonymize
  const channels = ['slackChannel', 'slackCalibrationChannel', 'slackLeadChannel', 'discordChannel', 'discordCalibrationChannel', 'discordLeadChannel', 'calibrationCron', 'calibrationTimezone'] as const
  for (const key of channels) if (flags[key] !== undefined) settings[key] = flags[key] === '' ? null : flags[key]
  if (flags.guide !== undefined) settings.guide = checkGuideText(readGuideFile(flags.guide))
  if (flags.defaultGuide) settings.guide = null
  return settings
}

function readGuideFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new ArbiterError('INVALID_INPUT', `Cannot read the guidelines file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/** A project's settings as a person reads them. */
export function describeProject(project: ProjectDto): string {
  const lines = [
    `${project.name}${project.active ? '' : ' (paused)'}${project.description ? ` — ${project.description}` : ''}`,
    `  task types:        ${project.taskTypes.join(', ')}`,
    `  redundancy:        ${project.redundancy} labelers per item (+ up to ${project.maxExtraOverlap} more when they split)`,
    `  gold rate:         ${(project.goldRate * 100).toFixed(0)}%`,
    `  rationale:         ${project.rationalePolicy}`,
    `  dimensions:        ${project.dimensions.join(', ')}`,
    `  skill domains:     ${project.skillDomains.length > 0 ? project.skillDomains.join(', ') : '(none)'}`,
    `  SFT review:        ${project.sftReview ? 'yes' : 'no'}`,
    `  assignment expiry: ${project.assignmentTtlMinutes === null ? 'configuration default' : `${project.assignmentTtlMinutes} min`}`,
    `  Slack channels:    ${channelsText(project, 'slack')}`,
    `  Discord channels:  ${channelsText(project, 'discord')}`,
    `  calibration:       ${calibrationScheduleText(project)}`,
    `  guidelines:        ${project.guide ? `the project's own (${project.guide.length} characters)` : "the team's guide (default)"}`,
  ]
  return lines.join('\n') + '\n'
}

export async function projectCreate(name: string, flags: ProjectFlags): Promise<number> {
  return withCore(async (ctx) => {
    const project = await createProject(ctx, { name, settings: settingsFromFlags(flags) })
    process.stdout.write(`Created project ${project.name}.\n${describeProject(project)}`)
    return 0
  })
}

export async function projectSet(name: string, flags: ProjectFlags): Promise<number> {
  return withCore(async (ctx) => {
    const project = await updateProject(ctx, { name, settings: settingsFromFlags(flags) })
    process.stdout.write(describeProject(project))
    return 0
  })
}

export async function projectShow(name: string): Promise<number> {
  return withCore(async (ctx) => {
    const project = await findProject(ctx, name)
    const progress = await ctx.store.items.progress(project.id)
    process.stdout.write(describeProject(project))
    process.stdout.write(`  progress:          ${progress.complete} of ${progress.items} items complete, ${progress.gold} gold items\n`)
    return 0
  })
}

export async function projectList(): Promise<number> {
  return withCore(async (ctx) => {
    const projects = await ctx.store.projects.list()
    if (projects.length === 0) process.stdout.write('No projects yet: arbiter project create NAME\n')
    for (const p of projects) process.stdout.write(`${p.name}\t${p.active ? 'active' : 'paused'}\t${p.taskTypes.join(',')}\tredundancy ${p.redundancy}\n`)
    return 0
  })
}

// What leads do from chat: projects, roles, import, export, progress, and turning a chat
// message into a labeling item. Every entry refuses non-leads with a clear, polite note.
import type { CoreContext } from '../core/context'
import { ArbiterError, isArbiterError } from '../core/errors'
import { CHANNEL_FIELDS, CHANNEL_PURPOSES, activeProjects, calibrationScheduleText, channelsText, createProject, findProject, resolveProject, type ChannelPurpose } from '../core/projects'
import { requireLead, setRole } from '../core/labelers'
import { setGuidelines } from '../core/guidelines'
import { importItems } from '../core/import/import-items'
import { IMPORT_FORMATS, type ImportFormat } from '../core/import/item-formats'
import { exportData } from '../core/export/export-data'
import { EXPORT_FORMATS, type ExportFormat } from '../core/export/export-formats'
import { roleNames, type LabelerRole } from '../core/task-types'
import type { PlatformIdentity } from '../store/labeler-repository'
import type { Card } from '../views/card'
import { messageCard, projectButtons } from '../views/task-card'
import type { ProjectDto } from '../store/project-repository'
import type { CapturedMessage } from '../store/captured-message-repository'
import { labelerFor, type Actor } from './actor'
import type { Outcome } from './outcome'

function note(text: string): Outcome {
  return { notice: text }
}

async function asLead<T extends Outcome>(ctx: CoreContext, actor: Actor, work: () => Promise<T>): Promise<Outcome> {
  try {
    requireLead(await labelerFor(ctx, actor))
    return await work()
  } catch (error) {
    if (isArbiterError(error)) return note(error.message)
    throw error
  }
}

/** Project progress at a glance: items done and remaining, judgments today, per-labeler counts. */
export async function progressCard(ctx: CoreContext, projectName?: string): Promise<Card> {
  const project = await resolveProject(ctx, projectName)
  const progress = await ctx.store.items.progress(project.id)
  const now = ctx.now()
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const [today, perLabeler, labelers] = await Promise.all([ctx.store.judgments.countsByLabeler(project.id, dayStart), ctx.store.judgments.countsByLabeler(project.id), ctx.store.labelers.list()])
  const names = new Map(labelers.map((l) => [l.id, l.displayName]))
  const todayTotal = [...today.values()].reduce((a, b) => a + b, 0)
  const rows = [...perLabeler.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)
  return {
    summary: `Progress of ${project.name}`,
    blocks: [
      { type: 'header', text: `Progress · ${project.name}` },
      {
        type: 'fields',
        fields: [
          { label: 'Items complete', value: `${progress.complete} of ${progress.items} (${progress.items - progress.complete} remaining)` },
          { label: 'Judgments today', value: String(todayTotal) },
          { label: 'Gold items', value: String(progress.gold) },
        ],
      },
      ...(rows.length > 0 ? [{ type: 'section' as const, title: 'Judgments per labeler (all time / today)', segments: [{ kind: 'text' as const, text: rows.map(([id, n]) => `${names.get(id) ?? id}: ${n} / ${today.get(id) ?? 0}`).join('\n') }] }] : []),
    ],
  }
}

export async function leadProgress(ctx: CoreContext, actor: Actor, projectName?: string): Promise<Outcome> {
  return asLead(ctx, actor, async () => ({ post: [{ card: await progressCard(ctx, projectName) }] }))
}

export async function leadCreateProject(ctx: CoreContext, actor: Actor, name: string, types?: string): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const project = await createProject(ctx, { name, settings: types ? { taskTypes: types.split(',').map((t) => t.trim()) } : {} })
    return note(`Created project ${project.name} (${project.taskTypes.join(', ')}, ${project.redundancy} labelers per item). Fine-tune it with "arbiter project set".`)
  })
}

export async function leadShowProject(ctx: CoreContext, actor: Actor, name?: string): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const project = name ? await findProject(ctx, name) : await resolveProject(ctx, undefined)
    const text = [
      `Task types: ${project.taskTypes.join(', ')}`,
      `Redundancy: ${project.redundancy} (+${project.maxExtraOverlap} on split votes)`,
      `Gold rate: ${Math.round(project.goldRate * 100)}%`,
      `Rationale: ${project.rationalePolicy}`,
      `Dimensions: ${project.dimensions.join(', ')}`,
      `Calibration: ${calibrationScheduleText(project)}`,
      `Guidelines: ${project.guide ? `the project's own (${project.guide.length} characters)` : "the team's labeling guide"}`,
      `Channels, Slack: ${channelsText(project, 'slack')}`,
      `Channels, Discord: ${channelsText(project, 'discord')}`,
    ].join('\n')
    return { post: [{ card: { summary: project.name, blocks: [{ type: 'header', text: project.name }, { type: 'section', segments: [{ kind: 'text', text }] }] } }, { card: await progressCard(ctx, project.name) }] }
  })
}

const PURPOSE_WORDS: Record<ChannelPurpose, string> = {
  labeling: 'labeling channel',
  calibration: 'calibration channel (disputed items are discussed there)',
  leads: 'lead channel (drift notices, escalations and the daily digest go there)',
}

/**
 * Points a project's labeling, calibration or lead channel at the channel the lead typed the
 * command in (`channelId` null: unsets it), the chat twin of `arbiter project set --slack-calibration-channel …`.
 */
export async function leadSetChannel(
  ctx: CoreContext,
  actor: Actor,
  options: { projectName: string; platform: 'slack' | 'discord'; purpose: ChannelPurpose; channelId: string | null },
): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    if (!CHANNEL_PURPOSES.includes(options.purpose)) throw new ArbiterError('INVALID_INPUT', `A channel is for one of: ${CHANNEL_PURPOSES.join(', ')}.`)
    const project = await findProject(ctx, options.projectName)
    const field = CHANNEL_FIELDS[options.platform][options.purpose]
    await ctx.store.projects.update(project.id, { [field]: options.channelId })
    if (options.channelId === null) return note(`${project.name} no longer has a ${options.purpose === 'leads' ? 'lead' : options.purpose} channel here.`)
    const invite = options.platform === 'slack' ? ' Arbiter posts only in channels it is a member of: if it is not, type /invite @Arbiter here.' : ''
    return note(`This channel is now the ${PURPOSE_WORDS[options.purpose]} of ${project.name}.${invite}`)
  })
}

/** Sets a role; `target` is the platform identity of the person named in the command. */
export async function leadSetRole(ctx: CoreContext, actor: Actor, target: { identity: PlatformIdentity; displayName: string }, role: string): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    if (!roleNames.includes(role as LabelerRole)) throw new ArbiterError('INVALID_INPUT', `Role must be one of ${roleNames.join(', ')}.`)
    const lead = await labelerFor(ctx, actor)
    const person = await labelerFor(ctx, { identity: target.identity, displayName: target.displayName })
    const updated = await setRole(ctx, { actor: lead, labelerId: person.id, role: role as LabelerRole })
    return note(`${updated.displayName} is now ${updated.role}.`)
  })
}

/** Imports a JSONL file a lead uploaded; `lines` streams its content. */
export async function leadImport(ctx: CoreContext, actor: Actor, options: { projectName: string; format?: string; open: () => AsyncIterable<string>; skipInvalid?: boolean }): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const format = (options.format ?? 'arbiter') as ImportFormat
    if (!IMPORT_FORMATS.includes(format)) throw new ArbiterError('INVALID_INPUT', `Format must be one of ${IMPORT_FORMATS.join(', ')}.`)
    const report = await importItems(ctx, { projectName: options.projectName, open: options.open, format, skipInvalid: options.skipInvalid ?? false })
    const bad = report.invalid.slice(0, 20).map((b) => `line ${b.line}: ${b.message}`)
    const more = report.invalid.length > 20 ? [`… and ${report.invalid.length - 20} more`] : []
    const summary = report.committed
      ? `Imported ${report.imported} items into ${options.projectName}${report.unchanged ? `, ${report.unchanged} already there (unchanged)` : ''}${report.invalid.length ? `, ${report.invalid.length} bad lines skipped` : ''}.`
      : `Nothing was imported: ${report.invalid.length} bad line${report.invalid.length === 1 ? '' : 's'}. Fix them and upload again.`
    return { post: [{ card: { summary, blocks: [{ type: 'header', text: 'Import' }, { type: 'section', segments: [{ kind: 'text', text: [summary, ...bad, ...more].join('\n') }] }] } }] }
  })
}

/**
 * Sets a project's guidelines from a Markdown file a lead uploaded (`read` downloads it, only
 * once the lead check passed). Labelers see them from the Guidelines button on every task.
 */
export async function leadSetGuide(ctx: CoreContext, actor: Actor, options: { projectName: string; fileName: string; read: () => Promise<string> }): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    if (!/\.(md|markdown|txt)$/i.test(options.fileName)) throw new ArbiterError('INVALID_INPUT', `Upload the guidelines as a Markdown file (.md); ${options.fileName} is not one.`)
    await findProject(ctx, options.projectName)
    const project = await setGuidelines(ctx, { projectName: options.projectName, text: await options.read() })
    return note(`The guidelines of ${project.name} are now ${options.fileName} (${project.guide?.length ?? 0} characters). Labelers see them from the Guidelines button on every task.`)
  })
}

/** Exports a project and hands the file back to the lead. */
export async function leadExport(ctx: CoreContext, actor: Actor, options: { projectName: string; format?: string }): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const format = (options.format ?? 'preferences') as ExportFormat
    if (!EXPORT_FORMATS.includes(format)) throw new ArbiterError('INVALID_INPUT', `Format must be one of ${EXPORT_FORMATS.join(', ')}.`)
    const chunks: string[] = []
    const rows = await exportData(ctx, { projectName: options.projectName, format }, (chunk) => void chunks.push(chunk))
    return { file: { name: `${options.projectName}-${format}.jsonl`, content: chunks.join(''), comment: `${rows} rows of ${options.projectName} in ${format} format.` } }
  })
}

/**
 * Turns a chat message (e.g. a bot answer someone doubted) into an item, linked to where it came
 * from. With several active projects the message is kept and the lead chooses the project.
 */
export async function sendToLabeling(
  ctx: CoreContext,
  actor: Actor,
  options: { projectName?: string; text: string; author: string; link: string | null; context?: string | null },
): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const message = { text: options.text, author: options.author, link: options.link, context: options.context?.trim() || null }
    let project: ProjectDto
    try {
      project = await resolveProject(ctx, options.projectName)
    } catch (error) {
      if (!isArbiterError(error, 'AMBIGUOUS_PROJECT')) throw error
      const lead = await labelerFor(ctx, actor)
      const captured = await ctx.store.capturedMessages.keep(lead.id, message)
      return { notice: 'Several projects are active: choose where this message goes.', post: [{ card: projectChoiceCard(captured, options.text, await activeProjects(ctx)) }] }
    }
    return note(await createItemFrom(ctx, project, message))
  })
}

/** The lead's choice of project for a captured message. */
export async function sendCapturedToLabeling(ctx: CoreContext, actor: Actor, capturedId: number, projectId: number): Promise<Outcome> {
  return asLead(ctx, actor, async () => {
    const project = await ctx.store.projects.findById(projectId)
    if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', 'That project no longer exists.')
    const lead = await labelerFor(ctx, actor)
    const message = await ctx.store.capturedMessages.claim(capturedId, lead.id)
    // A second press (double click, or the buttons of a choice already made): the first result stays.
    if (!message) return note('This message was already sent to labeling.')
    return { update: messageCard('Sent to labeling', await createItemFrom(ctx, project, message)) }
  })
}

function projectChoiceCard(capturedId: number, text: string, projects: ProjectDto[]): Card {
  const preview = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return {
    summary: 'Send to labeling: choose a project',
    blocks: [
      { type: 'header', text: 'Send to labeling: which project?' },
      { type: 'section', segments: [{ kind: 'text', text: preview }] },
      projectButtons(projects, (p) => ({ a: 'send_to', c: capturedId, p })),
    ],
  }
}

async function createItemFrom(ctx: CoreContext, project: ProjectDto, message: CapturedMessage): Promise<string> {
  // A single answer is rated (Likert) where the project allows it, against the question it
  // answered when known; otherwise it becomes an SFT prompt to answer well (the question, if
  // known, else the message itself).
  const type = project.taskTypes.includes('likert') ? 'likert' : project.taskTypes.includes('dimensions') ? 'dimensions' : 'sft'
  const question = message.context ?? (type === 'sft' ? message.text : '(The question that led to this answer was not captured; judge the answer on its own.)')
  const item = await ctx.store.items.create(project.id, {
    externalId: message.link ? `chat:${message.link}` : null,
    type,
    messages: [{ role: 'user', content: question }],
    responses: type === 'sft' ? [] : [{ id: 'a', model: message.author, text: message.text }],
    source: 'chat',
    sourceLink: message.link,
    target: project.redundancy,
  })
  return `Sent to labeling in ${project.name} as a ${type} task (item ${item.id})${message.context ? ', with the question it answered' : ''}.`
}

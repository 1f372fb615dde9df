// The guide: "Periodically re-read your rubrics and calibration examples." Each active labeler
// gets a short refresher — a button to each of their projects' guidelines and one settled
// calibration example — at most once per period.
import { sendQuietly, type JobEnv } from './job-env'
import { verdictLabel } from '../views/calibration-cards'
import { guidelinesButton } from '../views/guidelines'
import { settledPoint } from '../core/gold'
import { sharedKey } from '../views/response-frame'
import type { Card } from '../views/card'

export async function rubricRefresher(env: JobEnv, scheduledFor: Date | null): Promise<string> {
  const { ctx } = env
  const now = ctx.now()
  const period = (scheduledFor ?? now).toISOString().slice(0, 10)
  const activeSince = new Date(now.getTime() - env.settings.activeLabelerDays * 86_400_000)
  const recent = await ctx.store.judgments.activeLabelers(activeSince)
  const projectsOf = new Map<number, number[]>()
  for (const row of recent) projectsOf.set(row.labelerId, [...(projectsOf.get(row.labelerId) ?? []), row.projectId])
  let sent = 0
  for (const [labelerId, projectIds] of projectsOf) {
    const labeler = await ctx.store.labelers.findById(labelerId)
    const port = labeler ? env.ports.get(labeler.platform) : undefined
    if (!labeler || !port) continue
    if (!(await ctx.store.calibration.once(`rubric:${labelerId}:${period}`))) continue
    const card = await refresherCard(env, projectIds)
    const example = await settledExample(env, projectIds)
    if (example) card.blocks.push({ type: 'divider' }, { type: 'header', text: 'A settled calibration example' }, ...example)
    await sendQuietly(env, port, labeler.platformUserId, card)
    sent++
  }
  return `sent ${sent} refresher${sent === 1 ? '' : 's'} for ${period}`
}

/** Time to re-read: one Guidelines button per project the labeler worked in (a row holds five). */
async function refresherCard(env: JobEnv, projectIds: number[]): Promise<Card> {
  const projects = []
  for (const id of [...new Set(projectIds)].slice(0, 5)) {
    const project = await env.ctx.store.projects.findById(id)
    if (project) projects.push(project)
  }
  const names = projects.map((p) => p.name).join(', ')
  return {
    summary: 'Time to re-read the guidelines',
    blocks: [
      { type: 'header', text: 'Time to re-read the guidelines' },
      { type: 'section', segments: [{ kind: 'text', text: `Judgment shifts over time; a periodic re-read of the guidelines${names ? ` of ${names}` : ''} keeps everyone consistent. It takes a few minutes.` }] },
      { type: 'actions', controls: projects.map((p) => guidelinesButton(p.id, projects.length === 1 ? 'Read the guidelines' : `Guidelines · ${p.name.slice(0, 60)}`)) },
    ],
  }
}

async function settledExample(env: JobEnv, projectIds: number[]): Promise<Card['blocks'] | null> {
  for (const projectId of projectIds) {
    const resolved = (await env.ctx.store.calibration.forProject(projectId)).filter((t) => t.status === 'resolved').at(-1)
    if (!resolved) continue
    const item = await env.ctx.store.items.findById(resolved.itemId)
    if (!item) continue
    const value = settledPoint(resolved.verdict)
    const prompt = item.messages.filter((m) => m.role === 'user').at(-1)?.content ?? ''
    return [
      { type: 'section', title: 'Prompt', segments: [{ kind: 'text', text: prompt.slice(0, 1_500) }] },
      // The reader may not have judged it: responses by neutral numbers, defined here by excerpt.
      ...(item.responses.length > 1 ? [{ type: 'section' as const, title: 'Responses', segments: [{ kind: 'text' as const, text: sharedKey(item) }] }] : []),
      { type: 'fields', fields: [{ label: 'Settled verdict', value: value ? verdictLabel(item, value) : '–' }, ...(resolved.note ? [{ label: 'Why', value: resolved.note }] : [])] },
    ]
  }
  return null
}

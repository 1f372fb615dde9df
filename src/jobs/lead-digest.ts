// The daily digest for leads: throughput, agreement trend, open disputes, unresolved
// calibration threads, flags, drift, items left — the same figures as `arbiter report --json` —
// and a chart of agreement per labeler, drawn without a browser.
import { projectReport } from '../core/report/project-report'
import { agreementChart } from '../charts/agreement-chart'
import type { ProjectDto } from '../store/project-repository'
import type { Card } from '../views/card'
import type { JobEnv } from './job-env'
import { activeProjects } from '../core/projects'
import { calibrationEffectWords, type CalibrationEffect } from '../core/report/calibration-effect'

/** The digest's figures for one project (tests compare them with the report). */
export interface DigestFigures {
  project: string
  judgmentsLast24h: number
  perLabelerLast24h: Record<string, number>
  perHourLast24h: number
  agreement: number | null
  agreementWeekBefore: number | null
  krippendorffAlpha: number | null
  openDisputes: number
  unresolvedThreads: number
  flagsLast24h: number
  drifting: string[]
  itemsLeft: number
  calibrationEffect: CalibrationEffect
}

const DAY = 86_400_000
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`)

export async function digestFigures(env: JobEnv, project: ProjectDto): Promise<{ figures: DigestFigures; chart: Buffer }> {
  const { ctx } = env
  const now = ctx.now()
  const report = await projectReport(ctx, { projectName: project.name, leaderboard: false })
  const weekBefore = await projectReport(ctx, { projectName: project.name, leaderboard: false, until: new Date(now.getTime() - 7 * DAY) })
  const since = new Date(now.getTime() - DAY)
  const counts = await ctx.store.judgments.countsByLabeler(project.id, since)
  const names = new Map((await ctx.store.labelers.list()).map((l) => [l.id, l.displayName]))
  const perLabeler = Object.fromEntries([...counts.entries()].map(([id, n]) => [names.get(id) ?? String(id), n]))
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  const progress = await ctx.store.items.progress(project.id)
  const flags = await ctx.store.judgments.flaggedSince(project.id, since)
  const threads = (await ctx.store.calibration.forProject(project.id)).filter((t) => t.status === 'open')
  const figures: DigestFigures = {
    project: project.name,
    judgmentsLast24h: total,
    perLabelerLast24h: perLabeler,
    perHourLast24h: total / 24,
    agreement: report.agreement.team.rate,
    agreementWeekBefore: weekBefore.agreement.team.rate,
    krippendorffAlpha: report.agreement.krippendorffAlpha,
    openDisputes: report.disputes.length,
    unresolvedThreads: threads.length,
    flagsLast24h: flags,
    drifting: report.labelers.filter((l) => l.drift.flagged).map((l) => l.labeler),
    itemsLeft: progress.items - progress.complete,
    calibrationEffect: report.calibration,
  }
  const before = new Map(weekBefore.labelers.map((l) => [l.labeler, l.agreement]))
  const chart = agreementChart(
    `AGREEMENT PER LABELER: ${project.name}`,
    report.labelers.filter((l) => l.judgments > 0).map((l) => ({ name: l.labeler, now: l.agreement, before: before.get(l.labeler) ?? null, flagged: l.flags.length > 0 })),
  )
  return { figures, chart }
}

/** The digest as a card. */
export function digestCard(f: DigestFigures): Card {
  const top = Object.entries(f.perLabelerLast24h).sort((a, b) => b[1] - a[1]).slice(0, 10)
  return {
    summary: `Daily digest · ${f.project}`,
    blocks: [
      { type: 'header', text: `Daily digest · ${f.project}` },
      {
        type: 'fields',
        fields: [
          { label: 'Judgments (24 h)', value: `${f.judgmentsLast24h} (${f.perHourLast24h.toFixed(1)} per hour)` },
          { label: 'Agreement', value: `${pct(f.agreement)} (a week ago ${pct(f.agreementWeekBefore)}), alpha ${f.krippendorffAlpha === null ? '–' : f.krippendorffAlpha.toFixed(3)}` },
          { label: 'Open disputes', value: String(f.openDisputes) },
          { label: 'Unresolved calibration threads', value: String(f.unresolvedThreads) },
          { label: 'Calibration effect', value: calibrationEffectWords(f.calibrationEffect) },
          { label: 'Flags raised (24 h)', value: String(f.flagsLast24h) },
          { label: 'Drifting', value: f.drifting.length > 0 ? f.drifting.join(', ') : 'nobody' },
          { label: 'Items left', value: String(f.itemsLeft) },
        ],
      },
      ...(top.length > 0 ? [{ type: 'section' as const, title: 'Judgments per labeler (24 h)', segments: [{ kind: 'text' as const, text: top.map(([name, n]) => `${name}: ${n}`).join('\n') }] }] : []),
      { type: 'note', text: 'Same figures as `arbiter report`. The chart shows agreement per labeler; the tick marks a week ago.' },
    ],
  }
}

export async function leadDigest(env: JobEnv, scheduledFor: Date | null): Promise<string> {
  const sent: string[] = []
  for (const project of await activeProjects(env.ctx)) {
    const channels = [
      ...(project.slackLeadChannel ? [{ platform: 'slack', channelId: project.slackLeadChannel }] : []),
      ...(project.discordLeadChannel ? [{ platform: 'discord', channelId: project.discordLeadChannel }] : []),
    ].filter((c) => env.ports.get(c.platform))
    if (channels.length === 0) continue
    const { figures, chart } = await digestFigures(env, project)
    for (const channel of channels) {
      // Once per project, platform and scheduled moment, however many instances run the job.
      const key = `digest:${project.id}:${channel.platform}:${(scheduledFor ?? env.ctx.now()).toISOString()}`
      if (!(await env.ctx.store.calibration.once(key))) continue
      const port = env.ports.get(channel.platform)!
      const message = await port.postToChannel(channel.channelId, digestCard(figures))
      await port.uploadFile(channel.channelId, { name: `agreement-${project.name}.png`, content: chart, comment: 'Agreement per labeler (tick: a week ago)', threadId: message.messageId })
      sent.push(`${project.name}@${channel.platform}`)
    }
  }
  return sent.length > 0 ? `sent ${sent.join(', ')}` : 'no project has a lead channel on a running platform'
}

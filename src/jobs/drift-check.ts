// Runs the quality engine's drift test and tells each drifting labeler — privately, kindly, with
// the evidence — and the leads, once per drift event: again only after a recovery or a cool-down.
import type { Card } from '../views/card'
import { projectReport } from '../core/report/project-report'
import { sendQuietly, type JobEnv } from './job-env'
import type { DriftResult } from '../quality/analytics'
import { verdictPoint } from '../core/vote-split'
import { excerpt, framedResponses, ownFrame, verdictLabel } from '../views/response-frame'
import { pValueWords } from '../views/p-value'
import { activeProjects } from '../core/projects'
import { guidelinesButton } from '../views/guidelines'

type Drift = { flagged: boolean; drop: number | null; window: unknown; before: unknown; after: unknown; evidence: unknown }

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '–')

function share(value: unknown): number | null {
  if (value && typeof value === 'object' && 'rate' in value) return (value as { rate: number | null }).rate
  return typeof value === 'number' ? value : null
}

/** One item of a drift ping's evidence, in the labeler's own letters. */
export interface DriftExample {
  item: string
  prompt: string
  responses: { name: string; text: string }[]
  consensus: string
  yours: string
  rationale: string | null
}

/** The private note to a drifting labeler. */
export function driftPingCard(args: { projectId: number; projectName: string; drift: Drift; disagreements: DriftExample[]; movedBiases: string[] }): Card {
  const before = share((args.drift.before as { agreement?: unknown } | null)?.agreement)
  const after = share((args.drift.after as { agreement?: unknown } | null)?.agreement)
  const window = args.drift.window as { size?: number } | null
  const lines = [
    `Over your last ${window?.size ?? 'few dozen'} judgments in ${args.projectName}, your agreement with the rest of the team went from ${pct(before)} to ${pct(after)}.`,
    ...(args.movedBiases.length > 0 ? [`What moved: ${args.movedBiases.join('; ')}.`] : []),
    `Everyone drifts now and then. A quick re-read of the guidelines of ${args.projectName} usually brings it back.`,
  ]
  // The items themselves, so the labeler can see what happened (an id alone tells them nothing).
  const examples: Card['blocks'] = args.disagreements.map((d) => ({
    type: 'section' as const,
    title: `Item ${d.item}: the team said ${d.consensus}; you said ${d.yours}`,
    segments: [
      {
        kind: 'text' as const,
        text: [`Prompt: “${excerpt(d.prompt, 200)}”`, ...d.responses.map((r) => `${r.name}: “${excerpt(r.text, 160)}”`), ...(d.rationale ? [`A teammate’s rationale (in their own letters): “${d.rationale}”`] : [])].join('\n'),
      },
    ],
  }))
  return {
    summary: 'A friendly calibration check',
    blocks: [
      { type: 'header', text: 'A friendly calibration check' },
      { type: 'section', segments: [{ kind: 'text', text: lines.join('\n') }] },
      ...(examples.length > 0 ? [{ type: 'note' as const, text: 'Items where you differed from the others (letters as you were shown them):' }, ...examples] : []),
      { type: 'note', text: 'Only you and the leads see this.' },
      {
        type: 'actions',
        controls: [
          guidelinesButton(args.projectId, 'Re-read the guidelines', 'primary'),
          { type: 'button', action: { a: 'drift_ack', p: args.projectId }, label: 'Got it' },
        ],
      },
    ],
  }
}

export async function driftCheck(env: JobEnv): Promise<string> {
  const { ctx } = env
  const now = ctx.now()
  let pinged = 0
  let recovered = 0
  for (const project of await activeProjects(ctx)) {
    const report = await projectReport(ctx, { projectName: project.name, leaderboard: false })
    for (const row of report.labelers) {
      const state = await ctx.store.calibration.driftState(project.id, row.labelerId)
      if (!row.drift.flagged) {
        if (state?.status === 'drifting') {
          await ctx.store.calibration.setDriftState(project.id, row.labelerId, { status: 'ok', now })
          recovered++
        }
        continue
      }
      const coolDownOver = state?.lastPingAt ? now.getTime() - state.lastPingAt.getTime() >= env.settings.driftCooldownHours * 3_600_000 : true
      if (state?.status === 'drifting' && !coolDownOver) continue
      const labeler = await ctx.store.labelers.findById(row.labelerId)
      const port = labeler ? env.ports.get(labeler.platform) : undefined
      await ctx.store.calibration.setDriftState(project.id, row.labelerId, { status: 'drifting', lastPingAt: now, evidence: row.drift, now })
      const evidence = row.drift.evidence as DriftResult
      const disagreements: DriftExample[] = []
      for (const d of (evidence.disagreements ?? []).slice(0, 3)) {
        const judgments = await ctx.store.judgments.forItem(d.itemId)
        const item = await ctx.store.items.findById(d.itemId)
        const theirs = judgments.find((j) => j.id === d.judgmentId)
        const own = theirs ? verdictPoint(theirs) : null
        if (!item || !theirs || own === null || d.othersPoint === null) continue
        const frame = ownFrame(item, theirs.displayOrder)
        const withRationale = judgments.find((j) => j.labelerId !== row.labelerId && j.rationale && verdictPoint(j) === d.othersPoint)
        disagreements.push({
          item: d.externalId ?? String(d.itemId),
          prompt: item.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '',
          responses: framedResponses(item, frame).map((r) => ({ name: item.responses.length === 1 ? 'Response' : `Response ${r.name}`, text: r.text })),
          consensus: verdictLabel(item, d.othersPoint, frame),
          yours: verdictLabel(item, own, frame),
          rationale: withRationale?.rationale ?? null,
        })
      }
      const movedBiases = (evidence.biasShifts ?? []).filter((b) => b.moved).map((b) => `${b.measure} ${b.bias === 'speed' ? `${b.before ?? '–'} → ${b.after ?? '–'}` : `${pct(b.before)} → ${pct(b.after)}`}`)
      let delivered = false
      if (labeler && port) {
        // One labeler with closed DMs must not stop the others' pings (nor the leads' notice).
        delivered = await sendQuietly(env, port, labeler.platformUserId, driftPingCard({ projectId: project.id, projectName: project.name, drift: row.drift, disagreements, movedBiases }))
      }
      const leadPlatform = labeler?.platform === 'discord' ? 'discord' : 'slack'
      const leadChannel = leadPlatform === 'slack' ? project.slackLeadChannel : project.discordLeadChannel
      const leadPort = env.ports.get(leadPlatform)
      if (leadChannel && leadPort) {
        await leadPort.postToChannel(leadChannel, {
          summary: `Drift: ${row.labeler}`,
          blocks: [
            { type: 'header', text: `Drift · ${project.name} · ${row.labeler}` },
            { type: 'section', segments: [{ kind: 'text', text: `Agreement dropped by ${pct(row.drift.drop)} over their recent window (${pValueWords(row.drift.p)}, after false-discovery control). ${movedBiases.length ? `Moved: ${movedBiases.join('; ')}.` : ''} ${delivered ? 'They were pinged privately.' : 'Their private message could not be delivered (closed DMs?): please reach out.'}` }] },
          ],
        })
      }
      pinged++
    }
  }
  return `pinged ${pinged} drifting labeler${pinged === 1 ? '' : 's'}, ${recovered} recovered`
}

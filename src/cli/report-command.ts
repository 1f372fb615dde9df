// `arbiter report --project NAME [--json] [--since DATE]`
import { withCore } from './context'
import { projectReport, type ProjectReport } from '../core/report/project-report'

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`)
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits))

/** A plain-text table with aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}

/** The report as a person reads it on a terminal. */
export function renderReport(report: ProjectReport): string {
  const out: string[] = []
  out.push(`Quality report · ${report.project}${report.since ? ` · since ${report.since.slice(0, 10)}` : ''}\n`)
  out.push(
    `${report.summary.judgments} judgments by ${report.summary.labelers} labelers on ${report.summary.items} items. ` +
      `Krippendorff's alpha (nominal) ${num(report.agreement.krippendorffAlpha)}; agreement with others ${pct(report.agreement.team.rate)}; gold accuracy ${pct(report.agreement.gold.rate)}.\n`,
  )
  out.push(`Flags are controlled for false discoveries across all ${report.summary.tests} tests (Benjamini–Hochberg, q = ${report.summary.q}).\n\n`)
  const mark = (b: { flagged: boolean; value: number | null; status: string }, f: (v: number | null) => string) => (b.status !== 'tested' ? '·' : `${f(b.value)}${b.flagged ? ' ⚑' : ''}`)
  out.push('Labelers\n')
  out.push(
    table(
      ['labeler', 'judgments', 'agreement', 'gold', 'first-shown wins', 'longer wins', 'ties', 'Likert 4–6', 'speed', 'drift', 'edge cases', 'flags'],
      report.labelers.map((l) => [
        l.labeler,
        String(l.judgments),
        pct(l.agreement),
        pct(l.goldAccuracy),
        mark(l.biases.position, pct),
        mark(l.biases.length, (v) => num(v, 2)),
        mark(l.biases.tie, pct),
        mark(l.biases.scale, pct),
        mark(l.biases.speed, (v) => num(v, 2)),
        l.drift.flagged ? `⚑ −${pct(l.drift.drop)}` : l.drift.status === 'tested' ? 'steady' : '·',
        String(Object.values(l.edgeCases).reduce((a, b) => a + b, 0)),
        l.flags.join(', '),
      ]),
    ),
  )
  out.push('⚑ flagged after false-discovery control · “·” not enough data yet\n\n')
  const c = report.calibration
  out.push(`Calibration effect (${c.settledThreads} settled thread${c.settledThreads === 1 ? '' : 's'})\n`)
  out.push(table(['fresh verdicts', 'changed mind', 'started away', 'moved toward', 'moved away'], [[String(c.freshVerdicts), String(c.changedMind), String(c.startedAway), c.startedAway > 0 ? `${c.movedToward} (${pct(c.movedTowardRate)})` : '–', String(c.movedAway)]]))
  out.push('\n')
  out.push(`Disputed items (${report.disputes.length})\n`)
  out.push(table(['item', 'split', 'reasons', 'score'], report.disputes.slice(0, 20).map((d) => [d.item, Object.entries(d.split).map(([k, v]) => `${k}:${v}`).join(' '), d.reasons.join(', '), num(d.score, 2)])))
  out.push('\nModel leaderboard (Bradley–Terry, Elo scale, mean 1000, 95% bootstrap interval)\n')
  out.push(table(['model', 'rating', '95% CI', 'battles'], report.leaderboard.map((r) => [r.model, r.rating.toFixed(0), `${r.ciLow.toFixed(0)}–${r.ciHigh.toFixed(0)}`, String(r.battles)])))
  return out.join('')
}

export async function reportCommand(options: { project: string; json: boolean; since?: Date }): Promise<number> {
  return withCore(async (ctx) => {
    const report = await projectReport(ctx, { projectName: options.project, since: options.since })
    process.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report))
    return 0
  })
}

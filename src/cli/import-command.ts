// `arbiter import FILE --project NAME [--format F] [--skip-invalid]`
import cliProgress from 'cli-progress'
import { withCore } from './context'
import { parseList, readLines } from './io'
import { resolveRouting, routeItems, routingText } from '../core/route-items'
import { findProject } from '../core/projects'
import { importItems, type ImportReport } from '../core/import/import-items'
import type { ImportFormat } from '../core/import/item-formats'

export interface ImportCommandOptions {
  project: string
  format: ImportFormat
  skipInvalid: boolean
  /** Route the imported items to these labelers (comma-separated handles) … */
  assign?: string
  /** … and/or to this group. */
  group?: string
}

/** Prints the report the way a person reads it; returns the exit code. */
export function printImportReport(report: ImportReport, err: NodeJS.WritableStream, out: NodeJS.WritableStream, noun = 'item'): number {
  for (const bad of report.invalid.slice(0, 200)) err.write(`line ${bad.line}: ${bad.message}\n`)
  if (report.invalid.length > 200) err.write(`… and ${report.invalid.length - 200} more bad lines\n`)
  if (!report.committed) {
    err.write(`${report.invalid.length} bad line${report.invalid.length === 1 ? '' : 's'}: nothing was imported. Fix them, or pass --skip-invalid to import the good lines.\n`)
    return 1
  }
  const skipped = report.invalid.length > 0 ? `, ${report.invalid.length} bad line${report.invalid.length === 1 ? '' : 's'} skipped` : ''
  const unchanged = report.unchanged > 0 ? `, ${report.unchanged} already imported (unchanged)` : ''
  out.write(`Imported ${report.imported} ${noun}${report.imported === 1 ? '' : 's'}${unchanged}${skipped}.\n`)
  return 0
}

export async function importCommand(file: string, options: ImportCommandOptions): Promise<number> {
  return withCore(async (ctx) => {
    // Names are checked before importing, so a typo never leaves a batch imported unrouted.
    const routing = options.assign !== undefined || options.group !== undefined ? await resolveRouting(ctx, { labelers: parseList(options.assign ?? ''), group: options.group ?? null }) : null
    const routeAfter = routing ? await ctx.store.items.lastId((await findProject(ctx, options.project)).id) : 0
    // A progress bar only on a terminal: in pipes and CI logs it would be noise.
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{pass} {bar} {value} lines', hideCursor: true }, cliProgress.Presets.shades_classic) : null
    let total = 0
    bar?.start(0, 0, { pass: 'checking ' })
    const report = await importItems(ctx, {
      projectName: options.project,
      open: () => readLines(file),
      format: options.format,
      skipInvalid: options.skipInvalid,
      onProgress: (done, pass) => {
        if (!bar) return
        if (pass === 'validate') ((total = Math.max(total, done)), bar.setTotal(total), bar.update(done, { pass: 'checking ' }))
        else bar.update(done, { pass: 'importing' })
      },
    })
    bar?.stop()
    const code = printImportReport(report, process.stderr, process.stdout)
    if (routing && report.committed) {
      const projectId = (await findProject(ctx, options.project)).id
      const routed = await routeItems(ctx, { selection: { projectId, afterId: routeAfter }, routing })
      process.stdout.write(`Routed ${routed} item${routed === 1 ? '' : 's'} to ${routingText(routing)}.\n`)
    }
    return code
  })
}

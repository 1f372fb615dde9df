// `arbiter export --project NAME --format F [--out FILE | --out-dir DIR [--test-split 0.1]]
//   [--per-judgment] [--with-metadata] [--include-both-bad] [--since DATE] [--until DATE]`
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { withCore } from './context'
import { lineWriter } from './io'
import { progressBar } from './progress'
import { exportData, type ExportOptions, type ExportSummary, type Split } from '../core/export/export-data'
import { DATA_FILES, datasetCard } from '../core/export/dataset-card'
import { LEFT_OUT_REASONS } from '../core/export/settled-answer'

export interface ExportCommandOptions extends Omit<ExportOptions, 'testShare' | 'onProgress'> {
  out?: string
  outDir?: string
  testSplit?: number
  /** Folded into the default: accepted, with a note. */
  agreeing?: boolean
  consensus?: boolean
}

/** The summary every export prints on stderr: rows written, then items left out by reason. */
export function describeSummary(summary: ExportSummary, where: string): string {
  const rows = summary.rows.test > 0 ? `${summary.rowsWritten} rows (train ${summary.rows.train}, test ${summary.rows.test})` : `${summary.rowsWritten} row${summary.rowsWritten === 1 ? '' : 's'}`
  const lines = [`Exported ${rows} (${summary.format}${summary.perJudgment ? ', per judgment' : ''}) from ${summary.itemsExported} item${summary.itemsExported === 1 ? '' : 's'}${where}.`]
  const leftOut = Object.entries(summary.leftOut).sort((a, b) => b[1] - a[1])
  if (leftOut.length > 0) {
    lines.push(`Left out ${leftOut.reduce((sum, [, n]) => sum + n, 0)} items:`)
    for (const [reason, count] of leftOut) lines.push(`  ${String(count).padStart(7)}  ${reason}: ${reason === 'duplicate' ? 'the same row as an earlier item' : LEFT_OUT_REASONS[reason as keyof typeof LEFT_OUT_REASONS]}`)
  }
  return lines.join('\n') + '\n'
}

export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  if (options.out && options.outDir) {
    process.stderr.write('arbiter: give --out or --out-dir, not both.\n')
    return 1
  }
  if (options.testSplit !== undefined && !options.outDir) {
    process.stderr.write('arbiter: --test-split needs --out-dir (the split files are DIR/data/train.jsonl and DIR/data/test.jsonl).\n')
    return 1
  }
  if (options.consensus) process.stderr.write('Note: --consensus is the default now (one settled answer per item); the flag changes nothing.\n')
  if (options.agreeing) process.stderr.write('Note: --agreeing is folded into the default (one settled answer per item); for one row per judgment use --per-judgment.\n')
  return withCore(async (ctx) => {
    const testShare = options.testSplit ?? 0
    const writers: Record<Split, ReturnType<typeof lineWriter> | null> = { train: null, test: null }
    if (options.outDir) {
      mkdirSync(join(options.outDir, 'data'), { recursive: true })
      writers.train = lineWriter(join(options.outDir, DATA_FILES.train))
      if (testShare > 0) writers.test = lineWriter(join(options.outDir, DATA_FILES.test))
    } else writers.train = lineWriter(options.out)
    const bar = progressBar('items')
    bar.start(0, 'exporting')
    const summary = await exportData(
      ctx,
      { ...options, testShare, onProgress: (done, total) => (bar.total(total), bar.update(done)) },
      (chunk, split) => (writers[split] ?? writers.train)!.write(chunk),
    )
    bar.stop()
    await writers.train?.close()
    await writers.test?.close()
    if (options.outDir) {
      const splits: Split[] = testShare > 0 ? ['train', 'test'] : ['train']
      writeFileSync(join(options.outDir, 'README.md'), datasetCard(summary, { splits, generatedAt: ctx.now().toISOString() }))
    }
    process.stderr.write(describeSummary(summary, options.outDir ? ` to ${options.outDir}` : options.out ? ` to ${options.out}` : ''))
    return 0
  })
}

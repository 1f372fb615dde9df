// `arbiter export --project NAME --format F [--out FILE] [--agreeing] [--consensus] [--include-both-bad] [--since] [--until]`
import { withCore } from './context'
import { lineWriter } from './io'
import { exportData, type ExportOptions } from '../core/export/export-data'

export async function exportCommand(options: ExportOptions & { out?: string }): Promise<number> {
  return withCore(async (ctx) => {
    const writer = lineWriter(options.out)
    const rows = await exportData(ctx, options, writer.write)
    await writer.close()
    process.stderr.write(`Exported ${rows} row${rows === 1 ? '' : 's'} (${options.format})${options.out ? ` to ${options.out}` : ''}.\n`)
    return 0
  })
}

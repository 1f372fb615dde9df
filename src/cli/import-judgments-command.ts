// `arbiter import-judgments FILE --project NAME [--skip-invalid]`
import { withCore } from './context'
import { readLines } from './io'
import { importJudgments } from '../core/import/import-judgments'
import { printImportReport } from './import-command'

export async function importJudgmentsCommand(file: string, options: { project: string; skipInvalid: boolean }): Promise<number> {
  return withCore(async (ctx) => {
    const report = await importJudgments(ctx, { projectName: options.project, open: () => readLines(file), skipInvalid: options.skipInvalid })
    const code = printImportReport(report, process.stderr, process.stdout, 'judgment')
    return code
  })
}

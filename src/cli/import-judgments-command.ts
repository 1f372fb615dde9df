// `arbiter import-judgments FILE --project NAME [--skip-invalid]`
import { withCore } from './context'
import { readLines } from './io'
import { progressBar } from './progress'
import { importJudgments } from '../core/import/import-judgments'
import { printImportReport } from './import-command'

export async function importJudgmentsCommand(file: string, options: { project: string; skipInvalid: boolean }): Promise<number> {
  return withCore(async (ctx) => {
    const bar = progressBar('lines')
    let total = 0
    bar.start(0, 'checking ')
    const report = await importJudgments(ctx, {
      projectName: options.project,
      open: () => readLines(file),
      skipInvalid: options.skipInvalid,
      onProgress: (done, pass) => {
        if (pass === 'validate') ((total = Math.max(total, done)), bar.total(total), bar.update(done, 'checking '))
        else bar.update(done, 'importing')
      },
    })
    bar.stop()
    return printImportReport(report, process.stderr, process.stdout, 'judgment')
  })
}

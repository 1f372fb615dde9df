// `arbiter items list --project NAME [--disputed] [--json]`
import { withCore } from './context'
import { table } from './report-command'
import { listItems } from '../core/list-items'

export async function itemsList(options: { project: string; disputed: boolean; json: boolean }): Promise<number> {
  return withCore(async (ctx) => {
    const items = await listItems(ctx, { projectName: options.project, disputedOnly: options.disputed })
    if (options.json) process.stdout.write(JSON.stringify(items, null, 2) + '\n')
    else if (items.length === 0) process.stdout.write(options.disputed ? `No disputed items in ${options.project}.\n` : `No items in ${options.project}.\n`)
    else process.stdout.write(table(['item', 'type', 'judged', 'status', 'reasons', 'prompt'], items.map((i) => [i.item, i.type, `${i.judged}/${i.target}`, i.status, i.reasons.join(', '), i.prompt])))
    return 0
  })
}

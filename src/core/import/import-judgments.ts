// Imports judgments made elsewhere (another tool, a spreadsheet, an earlier campaign) so the
// quality engine can analyse them and export can train on them. Same rules as item import:
// every bad line is reported with its number, and nothing is imported when any line is bad.
import { z } from 'zod'
import { ArbiterError } from '../errors'
import type { CoreContext } from '../context'
import { BOTH_BAD, FLAW_KINDS, TASK_TYPES, TIE } from '../task-types'
import type { ItemDto } from '../../store/item-repository'
import type { NewJudgment } from '../../store/judgment-repository'
import { describeIssues } from './item-formats'
import type { ImportReport } from './import-items'

const rating = z.number().int().min(1).max(7)
const lineSchema = z
  .object({
    item: z.union([z.string().min(1), z.number().int()]),
    labeler: z.string().trim().min(1).max(200),
    type: z.enum(TASK_TYPES),
    winner: z.string().min(1).optional(),
    ranking: z.array(z.string().min(1)).min(3).max(4).optional(),
    rating: rating.optional(),
    ratings: z.record(z.string(), rating).optional(),
    order: z.array(z.string().min(1)).max(4).optional(),
    rationale: z.string().max(4_000).optional(),
    flaws: z.record(z.string(), z.array(z.enum(FLAW_KINDS))).optional(),
    flagged: z.boolean().optional(),
    createdAt: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    durationMs: z.number().int().nonnegative().optional(),
  })
  .strict()
type Line = z.infer<typeof lineSchema>

function problems(line: Line, item: ItemDto): string[] {
  const ids = item.responses.map((r) => r.id)
  const errors: string[] = []
  if (line.type !== item.type) errors.push(`item ${line.item} is a ${item.type} item, not ${line.type}`)
  if (line.type === 'pairwise' && line.winner === undefined) errors.push('a pairwise judgment needs winner')
  if (line.winner !== undefined && ![...ids, TIE, BOTH_BAD].includes(line.winner)) errors.push(`winner "${line.winner}" is not a response id, "${TIE}" or "${BOTH_BAD}"`)
  if (line.type === 'ranking' && (!line.ranking || [...line.ranking].sort().join() !== [...ids].sort().join())) errors.push(`ranking must list every response id once (${ids.join(', ')})`)
  if (line.type === 'likert' && line.rating === undefined) errors.push('a likert judgment needs rating')
  if (line.type === 'dimensions' && line.ratings === undefined) errors.push('a dimensions judgment needs ratings')
  if (line.order && [...line.order].sort().join() !== [...ids].sort().join()) errors.push(`order must list every response id once (${ids.join(', ')})`)
  for (const id of Object.keys(line.flaws ?? {})) if (!ids.includes(id)) errors.push(`flaws name no response "${id}"`)
  return errors
}

function toJudgment(line: Line, item: ItemDto, labelerId: number): NewJudgment {
  const order = line.order ?? item.responses.map((r) => r.id)
  const choice = line.type === 'pairwise' ? line.winner ?? null : null
  return {
    assignmentId: null,
    projectId: item.projectId,
    itemId: item.id,
    labelerId,
    kind: line.type,
    choice,
    choicePosition: choice !== null && choice !== TIE && choice !== BOTH_BAD ? order.indexOf(choice) : null,
    ranking: line.ranking ?? null,
    rating: line.rating ?? null,
    ratings: line.ratings ?? null,
    sft: null,
    flaws: line.flaws ?? null,
    flagged: line.flagged ?? false,
    flagReason: null,
    rationale: line.rationale ?? null,
    durationMs: line.durationMs ?? null,
    displayOrder: order,
    reviewStatus: null,
    ...(line.createdAt ? { createdAt: new Date(line.createdAt) } : {}),
  }
}

export async function importJudgments(ctx: CoreContext, options: { projectName: string; open: () => AsyncIterable<string>; skipInvalid: boolean }): Promise<ImportReport> {
  const project = await ctx.store.projects.findByName(options.projectName)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${options.projectName}".`)
  const report: ImportReport = { lines: 0, imported: 0, unchanged: 0, invalid: [], committed: false }
  const itemCache = new Map<string, ItemDto | null>()
  const itemFor = async (id: string) => {
    if (!itemCache.has(id)) itemCache.set(id, await ctx.store.items.findByExternalId(project.id, id))
    return itemCache.get(id)!
  }
  const good: { line: number; parsed: Line; item: ItemDto }[] = []
  const seen = new Map<string, number>()
  for await (const raw of options.open()) {
    report.lines++
    const text = raw.trim()
    if (text === '') continue
    const bad = (message: string) => report.invalid.push({ line: report.lines, message })
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      bad(`not valid JSON (${(error as Error).message})`)
      continue
    }
    const parsed = lineSchema.safeParse(value)
    if (!parsed.success) {
      bad(describeIssues(parsed.error).join('; '))
      continue
    }
    const item = await itemFor(String(parsed.data.item))
    if (!item) {
      bad(`no item with id "${parsed.data.item}" in ${project.name} (import the items first)`)
      continue
    }
    const issues = problems(parsed.data, item)
    if (issues.length > 0) {
      bad(issues.join('; '))
      continue
    }
    const key = `${item.id}\u0000${parsed.data.labeler}`
    const first = seen.get(key)
    if (first !== undefined) {
      bad(`labeler "${parsed.data.labeler}" already judged item ${parsed.data.item} on line ${first}`)
      continue
    }
    seen.set(key, report.lines)
    good.push({ line: report.lines, parsed: parsed.data, item })
  }
  if (report.invalid.length > 0 && !options.skipInvalid) return report
  const labelerIds = new Map<string, number>()
  for (const name of new Set(good.map((g) => g.parsed.labeler))) {
    const labeler = await ctx.store.labelers.ensure({ platform: 'import', workspaceId: '', platformUserId: name }, name, 'labeler')
    labelerIds.set(name, labeler.id)
  }
  for (let start = 0; start < good.length; start += 500) {
    const batch = good.slice(start, start + 500).map((g) => toJudgment(g.parsed, g.item, labelerIds.get(g.parsed.labeler)!))
    report.imported += await ctx.store.judgments.insertImported(batch)
  }
  report.committed = true
  return report
}

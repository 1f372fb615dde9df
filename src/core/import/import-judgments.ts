// Imports judgments made elsewhere (another tool, a spreadsheet, an earlier campaign) so the
// quality engine can analyse them and export can train on them. Same rules as item import:
// every bad line is reported with its number, and nothing is imported when any line is bad.
//
// Importing is idempotent: a line whose (item, labeler) already has the same judgment changes
// nothing; one whose (item, labeler) already has a different judgment is reported as a conflict
// and left as recorded (a labeler judges an item once, in chat as here). The safety floor holds
// as in chat: a verdict for a response the same labeler marked with a critical flaw is a bad line.
import { z } from 'zod'
import { ArbiterError } from '../errors'
import type { CoreContext } from '../context'
import { BOTH_BAD, EDGE_CASES, FLAW_KINDS, MAX_TEXT_LENGTH, TASK_TYPES, TIE, type JudgmentInput } from '../task-types'
import { safetyFloorViolation } from '../safety-floor'
import type { ItemDto } from '../../store/item-repository'
import type { JudgmentDto, NewJudgment } from '../../store/judgment-repository'
import { describeIssues } from './item-formats'
import type { ImportReport } from './import-items'
import type { SourceLine } from './source-line'

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
    /** An SFT submission: the written response (and the prompt when the item had none). */
    sft: z
      .object({
        prompt: z.string().trim().max(MAX_TEXT_LENGTH).optional(),
        response: z.string().trim().min(1).max(MAX_TEXT_LENGTH),
        metadata: z.object({ domain: z.string().trim().max(100).optional(), difficulty: z.string().trim().max(50).optional(), tags: z.array(z.string().trim().max(50)).max(20).optional() }).strict().optional(),
      })
      .strict()
      .optional(),
    edgeCase: z.enum(EDGE_CASES).optional(),
    order: z.array(z.string().min(1)).max(4).optional(),
    rationale: z.string().max(4_000).optional(),
    flaws: z.record(z.string(), z.array(z.enum(FLAW_KINDS))).optional(),
    flagged: z.boolean().optional(),
    flagReason: z.string().trim().min(1).max(2_000).optional(),
    createdAt: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    durationMs: z.number().int().nonnegative().optional(),
  })
  .strict()
type Line = z.infer<typeof lineSchema>

const isFlagged = (line: Line) => line.flagged === true || line.flagReason !== undefined

function problems(line: Line, item: ItemDto): string[] {
  const ids = item.responses.map((r) => r.id)
  const errors: string[] = []
  // "If unsure: flag the task for review rather than guessing": a flag may come without a verdict.
  const needsVerdict = !isFlagged(line)
  if (line.type !== item.type) errors.push(`item ${line.item} is a ${item.type} item, not ${line.type}`)
  if (line.flagged === false && line.flagReason !== undefined) errors.push('flagReason needs flagged true (or leave flagged out)')
  if (line.type === 'pairwise' && line.winner === undefined && needsVerdict) errors.push('a pairwise judgment needs winner (or flagged with a flagReason)')
  if (line.winner !== undefined && ![...ids, TIE, BOTH_BAD].includes(line.winner)) errors.push(`winner "${line.winner}" is not a response id, "${TIE}" or "${BOTH_BAD}"`)
  if (line.type === 'ranking' && (line.ranking !== undefined || needsVerdict) && (!line.ranking || [...line.ranking].sort().join() !== [...ids].sort().join())) errors.push(`ranking must list every response id once (${ids.join(', ')})`)
  if (line.type === 'likert' && line.rating === undefined && needsVerdict) errors.push('a likert judgment needs rating')
  if (line.type === 'dimensions' && line.ratings === undefined && needsVerdict) errors.push('a dimensions judgment needs ratings')
  if (line.type === 'sft' && line.sft === undefined && needsVerdict) errors.push('an sft judgment needs sft.response')
  if (line.type === 'sft' && line.sft && item.messages.length === 0 && !line.sft.prompt) errors.push('this item has no prompt: sft.prompt is needed with the response')
  if (line.sft !== undefined && line.type !== 'sft') errors.push('sft fits sft judgments only')
  if (line.order && [...line.order].sort().join() !== [...ids].sort().join()) errors.push(`order must list every response id once (${ids.join(', ')})`)
  for (const id of Object.keys(line.flaws ?? {})) if (!ids.includes(id)) errors.push(`flaws name no response "${id}"`)
  if (errors.length > 0) return errors
  const input = { kind: line.type, choice: line.winner, ranking: line.ranking, flaws: line.flaws } as JudgmentInput
  const floor = safetyFloorViolation(input, ids)
  if (floor) errors.push(`breaks the safety floor: ${floor}`)
  return errors
}

function toJudgment(line: Line, item: ItemDto, labelerId: number): NewJudgment {
  const order = line.order ?? item.responses.map((r) => r.id)
  const choice = line.type === 'pairwise' ? line.winner ?? null : null
  const sft = line.type === 'sft' && line.sft ? { prompt: line.sft.prompt, response: line.sft.response, metadata: line.sft.metadata ?? {}, edgeCase: line.edgeCase ?? 'none' } : null
  const flaws = line.flaws && Object.values(line.flaws).some((kinds) => kinds.length > 0) ? line.flaws : null
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
    sft,
    flaws,
    flagged: isFlagged(line),
    flagReason: line.flagReason ?? null,
    rationale: line.rationale ?? null,
    durationMs: line.durationMs ?? null,
    displayOrder: order,
    reviewStatus: null,
    // Every task type has an edge-case column (as in chat); an SFT submission keeps it in its sft record too.
    edgeCase: line.edgeCase && line.edgeCase !== 'none' ? line.edgeCase : null,
    ...(line.createdAt ? { createdAt: new Date(line.createdAt) } : {}),
  }
}

/** What makes two judgments the same label (when and how fast it was given does not). */
function labelKey(j: Pick<JudgmentDto, 'kind' | 'choice' | 'ranking' | 'rating' | 'ratings' | 'sft' | 'flaws' | 'flagged' | 'flagReason' | 'rationale'> & Partial<Pick<JudgmentDto, 'edgeCase'>>): string {
  const sorted = (record: Record<string, unknown> | null) => (record ? Object.keys(record).sort().map((k) => [k, Array.isArray(record[k]) ? [...(record[k] as string[])].sort() : record[k]]) : null)
  const sft = j.sft as { response?: string; edgeCase?: string } | null
  return JSON.stringify([j.kind, j.choice, j.ranking, j.rating, sorted(j.ratings), sft?.response ?? null, sft?.edgeCase ?? null, sorted(j.flaws), j.flagged, j.flagReason, j.rationale, j.edgeCase ?? null])
}

/** What an existing judgment says, for a conflict message. */
function describe(j: Pick<JudgmentDto, 'kind' | 'choice' | 'ranking' | 'rating' | 'flagged'>): string {
  if (j.kind === 'pairwise' && j.choice) return `winner ${j.choice}`
  if (j.kind === 'ranking' && j.ranking) return `ranking ${j.ranking.join(' > ')}`
  if (j.kind === 'likert' && j.rating !== null) return `rating ${j.rating}`
  return j.flagged ? 'a flag' : `a ${j.kind} judgment`
}

// Under SQLite's 999 bound parameters for the look-up of existing judgments.
const BATCH = 500

export interface ImportJudgmentsOptions {
  projectName: string
  open: () => AsyncIterable<SourceLine>
  skipInvalid: boolean
  onProgress?: (linesDone: number, pass: 'validate' | 'import') => void
}

export async function importJudgments(ctx: CoreContext, options: ImportJudgmentsOptions): Promise<ImportReport> {
  const project = await ctx.store.projects.findByName(options.projectName)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${options.projectName}".`)
  const report: ImportReport = { lines: 0, imported: 0, unchanged: 0, invalid: [], committed: false, conflicts: [] }
  const itemCache = new Map<string, ItemDto | null>()
  const itemFor = async (id: string) => {
    if (!itemCache.has(id)) itemCache.set(id, await ctx.store.items.findByExternalId(project.id, id))
    return itemCache.get(id)!
  }
  const good: { line: number; parsed: Line; item: ItemDto }[] = []
  const seen = new Map<string, number>()
  for await (const raw of options.open()) {
    report.lines++
    if (report.lines % 5_000 === 0) options.onProgress?.(report.lines, 'validate')
    const bad = (message: string) => report.invalid.push({ line: report.lines, message })
    if (typeof raw !== 'string') {
      bad(raw.unreadable)
      continue
    }
    const text = raw.trim()
    if (text === '') continue
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
  options.onProgress?.(report.lines, 'validate')
  if (report.invalid.length > 0 && !options.skipInvalid) return report
  const labelerIds = new Map<string, number>()
  for (const name of new Set(good.map((g) => g.parsed.labeler))) {
    const labeler = await ctx.store.labelers.ensure({ platform: 'import', workspaceId: '', platformUserId: name }, name, 'labeler')
    labelerIds.set(name, labeler.id)
  }
  for (let start = 0; start < good.length; start += BATCH) {
    const batch = good.slice(start, start + BATCH).map((g) => ({ line: g.line, judgment: toJudgment(g.parsed, g.item, labelerIds.get(g.parsed.labeler)!), external: String(g.parsed.item), labeler: g.parsed.labeler }))
    const existing = await ctx.store.judgments.forItemsAndLabelers(
      [...new Set(batch.map((b) => b.judgment.itemId))],
      [...new Set(batch.map((b) => b.judgment.labelerId))],
    )
    const fresh: NewJudgment[] = []
    for (const b of batch) {
      const before = existing.get(`${b.judgment.itemId}:${b.judgment.labelerId}`)
      if (!before) fresh.push(b.judgment)
      else if (labelKey(before) === labelKey(b.judgment)) report.unchanged++
      else report.conflicts!.push({ line: b.line, message: `labeler "${b.labeler}" already gave item ${b.external} ${describe(before)}; this line says ${describe(b.judgment)} (left as recorded)` })
    }
    report.imported += await ctx.store.judgments.insertImported(fresh)
    options.onProgress?.(Math.min(good.length, start + BATCH), 'import')
  }
  report.committed = true
  return report
}

// Imports a JSONL batch of items into a project.
//
// Two passes over the file: the first validates every line (so by default nothing is imported
// when any line is bad, and every bad line is reported with its number); the second inserts in
// batches. Memory stays flat whatever the file size. Items whose external id the project already
// has are left unchanged and counted, so importing the same file twice is harmless.
import { ArbiterError } from '../errors'
import type { CoreContext } from '../context'
import { formatHint, parserFor, type ImportFormat, type ItemDraft } from './item-formats'
import type { SourceLine } from './source-line'
import type { NewItem } from '../../store/item-repository'

/** What an import did or would do. */
export interface ImportReport {
  lines: number
  imported: number
  unchanged: number
  invalid: { line: number; message: string }[]
  /** False when bad lines stopped the import (without --skip-invalid). */
  committed: boolean
  /** Lines that name something already recorded differently (import-judgments): left as they were. */
  conflicts?: { line: number; message: string }[]
  /** One sentence that explains every bad line at once (e.g. the --format to use), when there is one. */
  hint?: string
}

export interface ImportOptions {
  projectName: string
  /** Opens the file again for each pass. */
  open: () => AsyncIterable<SourceLine>
  format: ImportFormat
  skipInvalid: boolean
  onProgress?: (linesDone: number, pass: 'validate' | 'import') => void
}

// Under SQLite's 999 bound parameters for the id look-up of each batch.
const BATCH = 500

type LineOutcome = { line: number; draft: ItemDraft } | { line: number; error: string; value?: unknown } | null

async function* readDrafts(options: ImportOptions, allowedTypes: string[]): AsyncGenerator<LineOutcome> {
  const parse = parserFor(options.format)
  let line = 0
  for await (const raw of options.open()) {
    line++
    if (typeof raw !== 'string') {
      yield { line, error: raw.unreadable }
      continue
    }
    const text = raw.trim()
    if (text === '') {
      yield null
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      yield { line, error: `not valid JSON (${(error as Error).message})` }
      continue
    }
    const result = parse(value)
    if (!result.ok) yield { line, error: result.errors.join('; '), value }
    else if (!allowedTypes.includes(result.draft.type)) yield { line, error: `type ${result.draft.type} is not allowed in this project (allowed: ${allowedTypes.join(', ')})` }
    else yield { line, draft: result.draft }
  }
}

export async function importItems(ctx: CoreContext, options: ImportOptions): Promise<ImportReport> {
  const project = await ctx.store.projects.findByName(options.projectName)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${options.projectName}".`)

  // Pass 1: validate every line; remember where each external id first appears.
  const report: ImportReport = { lines: 0, imported: 0, unchanged: 0, invalid: [], committed: false }
  const firstLineOfId = new Map<string, number>()
  const duplicateLines = new Set<number>()
  let firstBadValue: unknown
  let nonBlank = 0
  for await (const outcome of readDrafts(options, project.taskTypes)) {
    report.lines++
    if (report.lines % 5_000 === 0) options.onProgress?.(report.lines, 'validate')
    if (outcome === null) continue
    nonBlank++
    if ('error' in outcome) {
      if (report.invalid.length === 0) firstBadValue = outcome.value
      report.invalid.push({ line: outcome.line, message: outcome.error })
      continue
    }
    const id = outcome.draft.externalId
    if (id === null) continue
    const first = firstLineOfId.get(id)
    if (first !== undefined) {
      report.invalid.push({ line: outcome.line, message: `id "${id}" already appears on line ${first}` })
      duplicateLines.add(outcome.line)
    } else firstLineOfId.set(id, outcome.line)
  }
  options.onProgress?.(report.lines, 'validate')
  // Public preference data read as Arbiter's own format fails on every line: say which format it is.
  const hint = report.invalid.length > 0 && report.invalid.length === nonBlank ? formatHint(options.format, firstBadValue) : null
  if (hint) report.hint = hint
  if (report.invalid.length > 0 && !options.skipInvalid) return report

  // Pass 2: insert the valid lines in batches.
  let batch: ItemDraft[] = []
  let done = 0
  const flush = async () => {
    const ids = batch.map((d) => d.externalId).filter((id): id is string => id !== null)
    const existing = await ctx.store.items.existingExternalIds(project.id, ids)
    const fresh = batch.filter((d) => d.externalId === null || !existing.has(d.externalId))
    report.unchanged += batch.length - fresh.length
    report.imported += await ctx.store.items.insertMany(project.id, fresh.map((draft): NewItem => ({ ...draft, target: project.redundancy })))
    batch = []
  }
  for await (const outcome of readDrafts(options, project.taskTypes)) {
    done++
    if (done % 5_000 === 0) options.onProgress?.(done, 'import')
    if (outcome === null || 'error' in outcome || duplicateLines.has(outcome.line)) continue
    batch.push(outcome.draft)
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  if (report.imported > 0) await ctx.store.items.refreshStatistics()
  options.onProgress?.(done, 'import')
  report.committed = true
  return report
}

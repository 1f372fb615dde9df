// Streams a project's labels as JSONL in a training format: by default one settled answer per
// item (settled-answer.ts), with --per-judgment one row per decisive judgment; the floors hold
// either way. `judgments` is the raw record of every judgment.
//
// Two passes: the first reads only the verdict columns and settles every item (Dawid–Skene needs
// all of a project's pairwise judgments at once); the second reads items with their texts a page
// at a time and writes rows, so memory stays flat in the size of the texts. `write` may return a
// promise to apply the output stream's backpressure.
//
// What follows a "both bad" verdict (both-bad-rows.ts) rides along on both paths: accepted
// rewrites are exported by default (reviewed SFT work, not verdicts, so they do not wait for the
// item's answer to settle), and less-bad preferences with --include-both-bad.
import { createHash } from 'node:crypto'
import { ArbiterError } from '../errors'
import type { CoreContext } from '../context'
import { BOTH_BAD, TIE } from '../task-types'
import type { ExportItem } from '../../store/bulk-reader'
import type { JudgmentDto } from '../../store/judgment-repository'
import { KINDS_FOR_FORMAT, fitsOpenAiDpo, judgmentRow, ktoRow, preferenceRow, rewriteRows, sftRow, type ExportFormat, type RowMetadata } from './export-formats'
import { isSettledBothBad, itemFloors, settleItems, type ItemFloors, type Settlement, type LeftOutReason, type SettledBy, type SettledItem } from './settled-answer'
import { agreedLessBad, lessBadOf } from './both-bad-rows'

export interface ExportOptions {
  projectName: string
  format: ExportFormat
  /** One row per decisive judgment instead of one settled answer per item (the floors still hold). */
  perJudgment?: boolean
  /** Add item id, agreement, margin, labeler count (and SFT metadata) to each row. */
  withMetadata?: boolean
  /** Also export "the less bad of two bad responses" as preferences (weaker evidence; off by default). */
  includeBothBad?: boolean
  since?: Date
  until?: Date
  /** Share of prompts written to the test split (0–1); absent or 0 writes everything to train. */
  testShare?: number
  onProgress?: (itemsDone: number, itemsTotal: number) => void
}

export type Split = 'train' | 'test'

/** What an export wrote and what it left out: printed on stderr and written into the dataset card. */
export interface ExportSummary {
  project: string
  format: ExportFormat
  perJudgment: boolean
  rows: Record<Split, number>
  /** Rows of both splits. */
  rowsWritten: number
  itemsExported: number
  /** Items that gave no row, by reason (settled-answer.ts: LEFT_OUT_REASONS). */
  leftOut: Partial<Record<LeftOutReason | 'duplicate', number>>
  /** How each exported item's rows came about; `rewrite`: only from rewrites after "both bad". */
  settledBy: Partial<Record<SettledBy | 'judgment' | 'submission' | 'rewrite', number>>
  judgments: number
  labelers: number
  firstJudgment: string | null
  lastJudgment: string | null
  /** Mean share of an exported item's judgments that give its exported answer. */
  agreement: { mean: number | null; items: number }
  /** How often the exported preference matches the imported reference (e.g. HH-RLHF's chosen). */
  reference: { rate: number | null; n: number }
  /** Where the exported items came from (import sources such as hh-rlhf). */
  sources: string[]
}

const PAGE = 1_000

/** Which split an item's rows go to: a hash of its prompt, so the same item (and the same prompt) always lands on the same side. */
export function splitOf(item: Pick<ExportItem, 'id' | 'messages'>, testShare: number): Split {
  if (!(testShare > 0)) return 'train'
  const key = item.messages.length > 0 ? JSON.stringify(item.messages) : `item:${item.id}`
  const value = createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32
  return value < testShare ? 'test' : 'train'
}

function countLines(text: string): number {
  let count = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++
  return count
}

/** Writes the export; returns its summary. */
export async function exportData(ctx: CoreContext, options: ExportOptions, write: (chunk: string, split: Split) => void | Promise<void>): Promise<ExportSummary> {
  const project = await ctx.store.projects.findByName(options.projectName)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${options.projectName}".`)
  const format = options.format
  const kinds = KINDS_FOR_FORMAT[format]
  const summary: ExportSummary = {
    project: project.name,
    format,
    perJudgment: options.perJudgment === true,
    rows: { train: 0, test: 0 },
    rowsWritten: 0,
    itemsExported: 0,
    leftOut: {},
    settledBy: {},
    judgments: 0,
    labelers: 0,
    firstJudgment: null,
    lastJudgment: null,
    agreement: { mean: null, items: 0 },
    reference: { rate: null, n: 0 },
    sources: [],
  }
  const testShare = options.testShare ?? 0
  const flush = async (lines: Record<Split, string[]>) => {
    for (const split of ['train', 'test'] as const) {
      const chunk = lines[split].join('')
      lines[split] = []
      if (!chunk) continue
      const count = countLines(chunk)
      summary.rows[split] += count
      summary.rowsWritten += count
      await write(chunk, split)
    }
  }

  if (format === 'judgments') {
    // The raw record: every judgment as recorded, nothing settled or left out.
    const labelers = new Map((await ctx.store.labelers.list()).map((l) => [l.id, { name: l.displayName, platform: l.platform }]))
    const seen = new Set<number>()
    const judgedItems = new Set<number>()
    for await (const page of ctx.store.bulk.exportPages(project.id, { since: options.since, until: options.until }, PAGE)) {
      const items = new Map(page.items.map((i) => [i.id, i]))
      const lines: Record<Split, string[]> = { train: [], test: [] }
      for (const j of page.judgments) {
        const item = items.get(j.itemId)!
        seen.add(j.labelerId)
        judgedItems.add(j.itemId)
        noteDate(summary, j.createdAt.getTime())
        lines[splitOf(item, testShare)].push(JSON.stringify(judgmentRow(item, j, labelers.get(j.labelerId), project.name)) + '\n')
      }
      summary.judgments += page.judgments.length
      await flush(lines)
    }
    summary.labelers = seen.size
    summary.itemsExported = judgedItems.size
    return summary
  }

  // Pass 1: settle every item from its verdict columns.
  const data = await ctx.store.labels.read(project.id, { since: options.since, until: options.until, kinds })
  const isSft = format === 'sft' || format === 'openai-sft'
  const settlement: Settlement = isSft ? { answer: () => undefined, floors: itemFloors(data) } : settleItems(data)
  const inputs = data.settlement
  const itemsTotal = data.verdicts.items.filter((i) => kinds.includes(i.kind)).length
  summary.judgments = data.verdicts.count
  summary.labelers = data.verdicts.labelerIds.length
  if (data.firstAt !== null && data.lastAt !== null) (noteDate(summary, data.firstAt), noteDate(summary, data.lastAt))
  const followUps = data.followUps

  // Pass 2: items with their texts, a page at a time.
  const isPreference = format === 'preferences' || format === 'openai-dpo'
  const needJudgments = options.perJudgment === true || isSft
  // The preference formats read again only the pairwise judgments with a rewrite or a less-bad
  // answer, and only when pass 1 saw one: everything else about the verdicts is settled already.
  const pageKinds = needJudgments ? kinds : isPreference && followUps.size > 0 ? (['pairwise'] as const satisfies typeof kinds) : []
  const followUpsOnly = !needJudgments
  const seenRows = new Set<string>()
  const sources = new Set<string>()
  let agreementSum = 0
  let referenceAgree = 0
  let done = 0
  for await (const page of ctx.store.bulk.exportPages(project.id, { since: options.since, until: options.until, kinds: [...pageKinds], followUpsOnly }, PAGE)) {
    const byItem = new Map<number, JudgmentDto[]>()
    for (const j of page.judgments) {
      const list = byItem.get(j.itemId)
      if (list) list.push(j)
      else byItem.set(j.itemId, [j])
    }
    const lines: Record<Split, string[]> = { train: [], test: [] }
    for (const item of page.items) {
      if (!kinds.includes(item.type)) continue
      done++
      const floor = settlement.floors.get(item.id) ?? { flawed: new Set<string>(), flagged: false, leadSettled: item.verdict !== null }
      const answer = settlement.answer(item.id)
      const settled = typeof answer === 'object' ? answer : undefined
      const judgments = byItem.get(item.id) ?? []
      const rows: object[] = []
      let reason: LeftOutReason | null = null
      if (format === 'openai-dpo' && !fitsOpenAiDpo(item.messages)) reason = 'multi_turn'
      else if (options.perJudgment) reason = perJudgmentRows(format, item, judgments, floor, settled, options.withMetadata === true, rows)
      else if (isSft) reason = settledSftRows(item, judgments, floor, options.withMetadata === true, rows)
      else if (!settled) reason = typeof answer === 'string' ? answer : 'unlabeled'
      else reason = settledRows(format, item, settled, options.withMetadata === true, rows)
      const answerRows = rows.length
      // Read back with only their follow-ups, an item's judgments count from pass 1.
      const judged = followUpsOnly ? (followUps.get(item.id) ?? 0) : judgments.length
      const bothBad = reason === 'multi_turn' ? { rewrites: 0, lessBad: 0 } : bothBadRows(format, item, judgments, judged, floor, settled, options, rows)
      // A pairwise item is in an SFT export only for its rewrites: without one it was never a candidate.
      if (isSft && item.type !== 'sft' && rows.length === 0 && !judgments.some((j) => j.rewrite)) continue
      if (rows.length === 0) {
        summary.leftOut[reason ?? 'no_consensus'] = (summary.leftOut[reason ?? 'no_consensus'] ?? 0) + 1
        continue
      }
      const split = splitOf(item, testShare)
      let written = 0
      for (const row of rows) {
        const text = JSON.stringify(row) + '\n'
        if (!options.perJudgment) {
          // Two items with the same prompt and responses would give the same row: keep the first.
          const key = createHash('sha1').update(text).digest('base64')
          if (seenRows.has(key)) continue
          seenRows.add(key)
        }
        lines[split].push(text)
        written++
      }
      if (written === 0) {
        summary.leftOut.duplicate = (summary.leftOut.duplicate ?? 0) + 1
        continue
      }
      summary.itemsExported++
      if (item.source) sources.add(item.source)
      const fromAnswer = answerRows > 0 || bothBad.lessBad > 0
      const by = options.perJudgment ? 'judgment' : !fromAnswer ? 'rewrite' : isSft ? 'submission' : settled!.by
      summary.settledBy[by] = (summary.settledBy[by] ?? 0) + 1
      if (settled && settled.agreement !== null) (agreementSum += settled.agreement, summary.agreement.items++)
      const reference = inputs.get(item.id)?.reference
      if (settled && reference && 'winner' in reference && settled.pairs.length > 0) {
        summary.reference.n++
        if (settled.pairs[0]![0] === reference.winner) referenceAgree++
      }
    }
    await flush(lines)
    options.onProgress?.(done, itemsTotal)
  }
  summary.agreement.mean = summary.agreement.items > 0 ? agreementSum / summary.agreement.items : null
  summary.reference.rate = summary.reference.n > 0 ? referenceAgree / summary.reference.n : null
  summary.sources = [...sources].sort()
  return summary
}

function noteDate(summary: ExportSummary, ms: number): void {
  const iso = new Date(ms).toISOString()
  if (summary.firstJudgment === null || iso < summary.firstJudgment) summary.firstJudgment = iso
  if (summary.lastJudgment === null || iso > summary.lastJudgment) summary.lastJudgment = iso
}

function metadataOf(item: ExportItem, settled: Pick<SettledItem, 'agreement' | 'margin' | 'judgments' | 'by'> | undefined, judgments: number, by?: string): RowMetadata {
  return {
    item_id: item.externalId ?? String(item.id),
    agreement: settled?.agreement ?? null,
    margin: settled?.margin ?? null,
    labelers: settled?.judgments ?? judgments,
    settled_by: by ?? settled?.by ?? 'judgment',
  }
}

/** The rows of one item's settled answer; the reason when it gives none. */
function settledRows(format: ExportFormat, item: ExportItem, settled: SettledItem, withMetadata: boolean, rows: object[]): LeftOutReason | null {
  const metadata = withMetadata ? metadataOf(item, settled, settled.judgments) : null
  if (format === 'kto') {
    for (const [id, label] of settled.desirable) {
      const row = ktoRow(item, id, label, metadata)
      if (row) rows.push(row)
    }
    return rows.length === 0 ? 'no_consensus' : null
  }
  for (const [chosen, rejected] of settled.pairs) {
    const row = preferenceRow(format as 'preferences' | 'openai-dpo', item, chosen, rejected, metadata)
    if (row) rows.push(row)
  }
  // A settled both-bad gives unpaired `false` labels only.
  return rows.length === 0 ? (isSettledBothBad(settled) ? 'both_bad' : 'no_consensus') : null
}

/**
 * The rows of what followed "both bad" (both-bad-rows.ts), appended to `rows`: every accepted
 * rewrite of the item's judgments, and with --include-both-bad the less-bad preferences (settled:
 * only the one a strict majority of the both-bad judgments names, when the item settled as both
 * bad; per judgment: each one's own). Returns how many of each were added.
 */
function bothBadRows(format: ExportFormat, item: ExportItem, judgments: JudgmentDto[], judged: number, floor: ItemFloors, settled: SettledItem | undefined, options: ExportOptions, rows: object[]): { rewrites: number; lessBad: number } {
  const none = { rewrites: 0, lessBad: 0 }
  if (format === 'judgments' || format === 'kto' || judgments.length === 0) return none
  // The flag floor holds for rewrites too: a flagged item waits for a lead, rewrites and all
  // (the flag may be about the prompt itself, which a rewrite answers as well).
  if (floor.flagged && !floor.leadSettled) return none
  const withMetadata = options.withMetadata === true
  const before = rows.length
  const rewriteMeta = withMetadata ? metadataOf(item, undefined, judged, 'rewrite') : null
  for (const judgment of judgments) rows.push(...rewriteRows(format, item, judgment, rewriteMeta))
  const rewrites = rows.length - before
  if (!options.includeBothBad || (format !== 'preferences' && format !== 'openai-dpo')) return { rewrites, lessBad: 0 }
  // The less bad is never a response any labeler marked with a critical flaw (a verdict of "both
  // bad" does not say which is less bad, so a lead's settling lifts nothing here).
  const lessBad = options.perJudgment ? judgments.map(lessBadOf) : settled && isSettledBothBad(settled) ? [agreedLessBad(judgments)] : []
  const metadata = withMetadata ? metadataOf(item, settled, judged, options.perJudgment ? 'judgment' : undefined) : null
  for (const chosen of lessBad) {
    if (chosen === null || floor.flawed.has(chosen)) continue
    const rejected = item.responses.find((r) => r.id !== chosen)
    const row = rejected ? preferenceRow(format, item, chosen, rejected.id, metadata) : null
    if (row) rows.push(row)
  }
  return { rewrites, lessBad: rows.length - before - rewrites }
}

/** The first accepted SFT submission stands for the item (one row per item, like every training format). */
function settledSftRows(item: ExportItem, judgments: JudgmentDto[], floor: ItemFloors, withMetadata: boolean, rows: object[]): LeftOutReason | null {
  if (judgments.length === 0) return 'unlabeled'
  if (floor.flagged && !floor.leadSettled) return 'flagged'
  for (const judgment of judgments) {
    const row = sftRow(item, judgment, withMetadata ? metadataOf(item, undefined, judgments.length, 'submission') : null)
    if (row) {
      rows.push(row)
      return null
    }
  }
  return 'not_accepted'
}

/** One row set per decisive judgment; the floors still hold (no flaw-marked response chosen, flagged items out). */
function perJudgmentRows(format: ExportFormat, item: ExportItem, judgments: JudgmentDto[], floor: ItemFloors, settled: SettledItem | undefined, withMetadata: boolean, rows: object[]): LeftOutReason | null {
  if (judgments.length === 0) return 'unlabeled'
  if (floor.flagged && !floor.leadSettled) return 'flagged'
  const blocked = floor.leadSettled ? new Set<string>() : floor.flawed
  const metadata = withMetadata ? metadataOf(item, settled, judgments.length, 'judgment') : null
  let flawSkipped = false
  let tie = false
  const ids = item.responses.map((r) => r.id)
  for (const j of judgments) {
    if (format === 'sft' || format === 'openai-sft') {
      const row = sftRow(item, j, metadata)
      if (row) rows.push(row)
      continue
    }
    let order: string[] | null = null
    if (j.kind === 'pairwise' && j.choice === BOTH_BAD && format === 'kto') {
      for (const id of ids) rows.push(ktoRow(item, id, false, metadata)!)
      continue
    }
    if (j.kind === 'pairwise' && j.choice !== null && j.choice !== TIE && j.choice !== BOTH_BAD) order = [j.choice, ...ids.filter((id) => id !== j.choice)]
    else if (j.kind === 'ranking' && j.ranking) order = j.ranking
    else if (j.kind === 'pairwise') tie = true
    if (order) {
      if (blocked.has(order[0]!)) flawSkipped = true
      if (format === 'kto') {
        if (!blocked.has(order[0]!)) rows.push(ktoRow(item, order[0]!, true, metadata)!)
        rows.push(ktoRow(item, order.at(-1)!, false, metadata)!)
        continue
      }
      const pairs = j.kind === 'pairwise' ? order.slice(1).map((loser): [string, string] => [order![0]!, loser]) : allOrdered(order)
      for (const [chosen, rejected] of pairs) {
        if (blocked.has(chosen)) continue
        const row = preferenceRow(format as 'preferences' | 'openai-dpo', item, chosen, rejected, metadata)
        if (row) rows.push(row)
      }
    } else if (j.kind === 'likert' && j.rating !== null && j.rating !== 4 && format === 'kto') {
      const good = j.rating >= 5
      if (good && blocked.has(ids[0]!)) flawSkipped = true
      else rows.push(ktoRow(item, ids[0]!, good, metadata)!)
    }
  }
  return rows.length > 0 ? null : flawSkipped ? 'critical_flaw' : tie ? 'tie' : format === 'sft' || format === 'openai-sft' ? 'not_accepted' : 'no_consensus'
}

function allOrdered(order: readonly string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let i = 0; i < order.length; i++) for (let k = i + 1; k < order.length; k++) pairs.push([order[i]!, order[k]!])
  return pairs
}

// Streams a project's labels as JSONL in a training format.
//
// Items are read a page at a time with their judgments, so memory stays flat whatever the size
// of the project; `write` may return a promise to apply the output stream's backpressure.
import { ArbiterError } from '../errors'
import type { CoreContext } from '../context'
import { goldAgrees } from '../gold'
import { strictMajority, verdictOf } from '../vote-split'
import type { Gold } from '../task-types'
import type { ItemDto } from '../../store/item-repository'
import type { JudgmentDto } from '../../store/judgment-repository'
import { KINDS_FOR_FORMAT, judgmentRow, rewriteRows, trainingRows, type ExportFormat, type Label } from './export-formats'

export interface ExportOptions {
  projectName: string
  format: ExportFormat
  /** Keep only judgments that agree with the item's settled answer (lead verdict, gold, else strict majority). */
  agreeing?: boolean
  /** One row set per item from its settled answer instead of one per judgment. */
  consensus?: boolean
  since?: Date
  until?: Date
  /** Also export "the less bad of two bad responses" as preferences (weaker evidence; off by default). */
  includeBothBad?: boolean
}

const PAGE = 1_000

/** The item's settled answer: a lead's verdict, its gold, or the strict majority of its judgments. */
export function settledAnswer(item: ItemDto, judgments: JudgmentDto[]): { gold: Gold } | { majority: string } | null {
  const settled = item.verdict ?? item.gold
  if (settled) return { gold: settled }
  const majority = strictMajority(judgments.map(verdictOf).filter((v): v is string => v !== null))
  return majority === null ? null : { majority }
}

function agrees(answer: NonNullable<ReturnType<typeof settledAnswer>>, judgment: JudgmentDto): boolean {
  return 'gold' in answer ? goldAgrees(answer.gold, judgment) === true : verdictOf(judgment) === answer.majority
}

function consensusLabel(item: ItemDto, judgments: JudgmentDto[]): Label | null {
  const answer = settledAnswer(item, judgments)
  if (!answer) return null
  const empty = { choice: null, ranking: null, rating: null, sft: null, reviewStatus: null }
  if ('gold' in answer) {
    const g = answer.gold
    if ('winner' in g) return { ...empty, kind: 'pairwise', choice: g.winner }
    if ('ranking' in g) return { ...empty, kind: 'ranking', ranking: g.ranking }
    return { ...empty, kind: 'likert', rating: g.rating }
  }
  // A majority verdict: the first judgment that gives it stands for the item.
  return judgments.find((j) => verdictOf(j) === answer.majority) ?? null
}

function countLines(text: string): number {
  let count = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++
  return count
}

/** Writes the export; returns how many rows were written. */
export async function exportData(ctx: CoreContext, options: ExportOptions, write: (line: string) => void | Promise<void>): Promise<number> {
  const project = await ctx.store.projects.findByName(options.projectName)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND', `No project is named "${options.projectName}".`)
  const labelers = new Map((await ctx.store.labelers.list()).map((l) => [l.id, { name: l.displayName, platform: l.platform }]))
  const kinds = KINDS_FOR_FORMAT[options.format]
  let rows = 0
  for await (const page of ctx.store.bulk.pages(project.id, { since: options.since, until: options.until, kinds }, PAGE)) {
    const { items, judgments } = page
    const byItem = new Map<number, JudgmentDto[]>()
    for (const j of judgments) {
      const list = byItem.get(j.itemId)
      if (list) list.push(j)
      else byItem.set(j.itemId, [j])
    }
    const lines: string[] = []
    for (const item of items) {
      const own = byItem.get(item.id) ?? []
      // Labelers who agree produce identical training rows: serialize each distinct label once per item.
      const memo = new Map<string, string>()
      const emit = (label: Label) => {
        if (options.format === 'judgments') return
        const key = label.kind === 'sft' ? null : `${label.kind}|${label.choice}|${label.ranking?.join()}|${label.rating}|${label.lessBad ?? ''}`
        let text = key === null ? undefined : memo.get(key)
        if (text === undefined) {
          text = trainingRows(options.format, item, label, options).map((row) => JSON.stringify(row) + '\n').join('')
          if (key !== null) memo.set(key, text)
        }
        if (text !== '') lines.push(text)
      }
      // Rewrites after "both bad" are reviewed SFT work, not verdicts: every one counts, however the verdict was settled.
      if (options.format !== 'judgments') for (const judgment of own) for (const row of rewriteRows(options.format, item, judgment)) lines.push(JSON.stringify(row) + '\n')
      if (options.consensus && options.format !== 'judgments') {
        const label = item.type === 'sft' ? null : consensusLabel(item, own)
        for (const l of label ? [label] : item.type === 'sft' ? own : []) emit(l)
        continue
      }
      const answer = options.agreeing ? settledAnswer(item, own) : null
      for (const judgment of own) {
        if (options.agreeing && (!answer || !agrees(answer, judgment))) continue
        if (options.format === 'judgments') lines.push(JSON.stringify(judgmentRow(item, judgment, labelers.get(judgment.labelerId), project.name)) + '\n')
        else emit(judgment)
      }
    }
    const chunk = lines.join('')
    rows += countLines(chunk)
    if (chunk) await write(chunk)
  }
  return rows
}

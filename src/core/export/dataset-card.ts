// The dataset card (README.md) of an exported dataset folder, as the Hugging Face Hub and
// `datasets.load_dataset(DIR)` read it: YAML front matter naming the data files per split
// (`configs`), the task and size categories and the licence where the source has one, then a body
// that tells a reader what the rows are, how each label was settled and what was left out.
import type { ExportSummary, Split } from './export-data'
import { LEFT_OUT_REASONS } from './settled-answer'

/** Licences of the public sources the importers know (HH-RLHF is MIT, see its LICENSE). */
const SOURCE_LICENSES: Record<string, string> = { 'hh-rlhf': 'mit' }

/** The data files of a folder, relative to it. */
export const DATA_FILES: Record<Split, string> = { train: 'data/train.jsonl', test: 'data/test.jsonl' }

/** Hugging Face size category of a row count. */
export function sizeCategory(rows: number): string {
  if (rows < 1_000) return 'n<1K'
  if (rows < 10_000) return '1K<n<10K'
  if (rows < 100_000) return '10K<n<100K'
  if (rows < 1_000_000) return '100K<n<1M'
  if (rows < 10_000_000) return '1M<n<10M'
  return '10M<n<100M'
}

/** The licence of the exported items, when every one of them comes from a source with a known licence (the same one). */
export function licenseOf(summary: Pick<ExportSummary, 'sources' | 'itemsExported'>): string | null {
  if (summary.sources.length !== 1 || summary.itemsExported === 0) return null
  return SOURCE_LICENSES[summary.sources[0]!] ?? null
}

const FORMAT_TEXT: Record<ExportSummary['format'], { what: string; tags: string[] }> = {
  preferences: { what: 'TRL conversational preference rows `{"prompt", "chosen", "rejected"}` (DPOTrainer, RewardTrainer)', tags: ['dpo', 'preference'] },
  'openai-dpo': { what: 'OpenAI preference fine-tuning rows `{"input": {"messages"}, "preferred_output", "non_preferred_output"}`', tags: ['dpo', 'preference'] },
  kto: { what: 'TRL conversational unpaired preference rows `{"prompt", "completion", "label"}` (KTOTrainer)', tags: ['kto', 'preference'] },
  sft: { what: 'TRL conversational rows `{"messages"}` (SFTTrainer)', tags: ['sft'] },
  'openai-sft': { what: 'OpenAI chat fine-tuning rows `{"messages"}`', tags: ['sft'] },
  judgments: { what: 'every raw judgment, one row each (for audits and re-analysis, not for training as is)', tags: ['annotations'] },
}

const QUALITY_CRITERIA =
  'Labelers follow the project\'s labeling guide. Its quality criteria: factual accuracy (every claim correct and verifiable; hallucinations degrade a model more than almost anything else), task completion (every part of the prompt answered), format fit (structure that matches the context, markdown only where it renders), appropriate length (thorough but without filler), safety and policy (no harmful content, sensitive topics handled with care, refusals polite and non-preachy) and a natural tone. Accuracy and safety are floors: a response with a factual error or a safety issue ranks below a mediocre but correct, safe one, however well written.'

const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`)
const yamlString = (value: string) => JSON.stringify(value)

/** The card's text. `generatedAt` is the export time (ISO). */
export function datasetCard(summary: ExportSummary, options: { splits: Split[]; generatedAt: string }): string {
  const license = licenseOf(summary)
  const format = FORMAT_TEXT[summary.format]
  const front = [
    '---',
    ...(license ? [`license: ${license}`] : []),
    'task_categories:',
    '- text-generation',
    'tags:',
    '- arbiter',
    '- rlhf',
    ...format.tags.map((tag) => `- ${tag}`),
    'size_categories:',
    `- ${sizeCategory(summary.rowsWritten)}`,
    `pretty_name: ${yamlString(`${summary.project} (${summary.format})`)}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...options.splits.flatMap((split) => [`  - split: ${split}`, `    path: ${DATA_FILES[split]}`]),
    '---',
  ]
  const leftOut = Object.entries(summary.leftOut).sort((a, b) => b[1] - a[1])
  const settledBy = Object.entries(summary.settledBy).sort((a, b) => b[1] - a[1])
  const reasonText = (reason: string) => (reason === 'duplicate' ? 'the same row as an earlier item' : LEFT_OUT_REASONS[reason as keyof typeof LEFT_OUT_REASONS] ?? reason)
  const body = [
    `# ${summary.project} (${summary.format})`,
    '',
    `Exported by Arbiter on ${options.generatedAt.slice(0, 10)}: ${format.what}.`,
    '',
    '## Counts',
    '',
    ...options.splits.map((split) => `- ${split}: ${summary.rows[split].toLocaleString('en-US')} rows (\`${DATA_FILES[split]}\`)`),
    `- items exported: ${summary.itemsExported.toLocaleString('en-US')}`,
    `- judgments read: ${summary.judgments.toLocaleString('en-US')} by ${summary.labelers} labeler${summary.labelers === 1 ? '' : 's'}` +
      (summary.firstJudgment ? `, recorded ${summary.firstJudgment.slice(0, 10)} to ${summary.lastJudgment!.slice(0, 10)}` : ''),
    options.splits.includes('test')
      ? '- the test split holds whole items chosen by a hash of their prompt: the same item always lands on the same side, and no prompt is in both files.'
      : '- one split (train).',
    '',
    '## How each label was settled',
    '',
    summary.perJudgment
      ? 'One row set per decisive judgment (`--per-judgment`): labelers who disagree give contradicting rows, on purpose, for reward models trained on individual votes. The floors below still hold.'
      : summary.format === 'sft' || summary.format === 'openai-sft'
        ? 'One row per item: its first accepted SFT submission (only accepted ones when the project reviews submissions).'
        : "One settled answer per item: a lead's verdict, else gold, else the consensus of the labelers: Dawid–Skene for pairwise verdicts (kept only when a strict majority of the item's judgments gives the same verdict), Borda for rankings (each ordered pair kept only when a strict majority of the rankings agrees), the median for Likert ratings (kept when a strict majority is on its side of the scale: 5–7 desirable, 1–3 undesirable). No row appears twice and no pair appears in both orders.",
    '',
    ...settledBy.map(([by, count]) => `- settled by ${by.replace('_', '–')}: ${count.toLocaleString('en-US')} items`),
    '',
    'Floors: a response any labeler of the item marked with a critical flaw (factual error or safety issue) is never chosen, preferred or labelled desirable until a lead settles the item, and an item someone flagged for review is left out until a lead settles it.',
    '',
    '## Left out',
    '',
    ...(leftOut.length === 0 ? ['Nothing.'] : leftOut.map(([reason, count]) => `- ${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'}: ${reasonText(reason)}`)),
    '',
    '## Agreement',
    '',
    `- mean share of an item's judgments that give its exported answer: ${pct(summary.agreement.mean)} over ${summary.agreement.items.toLocaleString('en-US')} items`,
    ...(summary.reference.n > 0 ? [`- exported preference matches the source's original preference on ${pct(summary.reference.rate)} of ${summary.reference.n.toLocaleString('en-US')} items`] : []),
    '',
    '## Labeling guide',
    '',
    QUALITY_CRITERIA,
    '',
    ...(license ? ['## Licence', '', `The source data (${summary.sources.join(', ')}) is released under the ${license.toUpperCase()} licence; this dataset keeps it.`, ''] : []),
  ]
  return [...front, ...body].join('\n')
}

// The import formats, each a pure function from one parsed JSON line to an item draft or the
// reasons it is not one. The README documents each with an example line.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import {
  BOTH_BAD,
  MAX_TEXT_LENGTH,
  RESPONSE_COUNT,
  TASK_TYPES,
  TIE,
  goldSchema,
  messageSchema,
  type Gold,
  type Message,
  type StoredResponse,
  type TaskType,
} from '../task-types'

/** An item ready to store, before the project's redundancy is applied. */
export interface ItemDraft {
  externalId: string | null
  type: TaskType
  messages: Message[]
  responses: StoredResponse[]
  domain: string | null
  difficulty: string | null
  tags: string[]
  source: string | null
  gold: Gold | null
  /** A preference carried by public data; kept hidden from labelers for later comparison. */
  reference: unknown
}

export type DraftResult = { ok: true; draft: ItemDraft } | { ok: false; errors: string[] }

export const IMPORT_FORMATS = ['arbiter', 'hh-rlhf', 'trl-preference'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

const text = z.string().max(MAX_TEXT_LENGTH, `text longer than ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters`)
const DEFAULT_IDS = ['a', 'b', 'c', 'd']

const nativeLine = z
  .object({
    id: z.union([z.string().min(1).max(200), z.number().int()]).optional(),
    type: z.enum(TASK_TYPES, { message: `type must be one of ${TASK_TYPES.join(', ')}` }),
    prompt: text.optional(),
    messages: z.array(messageSchema).min(1).max(200).optional(),
    responses: z
      .array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a response id is 1–32 letters, digits, - or _').optional(), model: z.string().max(200).nullish(), text }))
      .optional(),
    metadata: z
      .object({ domain: z.string().max(100).nullish(), difficulty: z.string().max(50).nullish(), tags: z.array(z.string().max(50)).max(50).optional(), source: z.string().max(500).nullish() })
      .optional(),
    gold: goldSchema.optional(),
  })
  .strict()

/** Formats zod issues as "field: problem". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
}

/** Arbiter's own JSONL format. */
export function fromNativeLine(value: unknown): DraftResult {
  const parsed = nativeLine.safeParse(value)
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) }
  const line = parsed.data
  const errors: string[] = []
  if (line.prompt !== undefined && line.messages !== undefined) errors.push('give either prompt or messages, not both')
  const messages: Message[] = line.messages ?? (line.prompt !== undefined ? [{ role: 'user', content: line.prompt }] : [])
  if (messages.length === 0 && line.type !== 'sft') errors.push('prompt or messages is required')
  const given = line.responses ?? []
  const { min, max } = RESPONSE_COUNT[line.type]
  if (given.length < min || given.length > max) {
    errors.push(`a ${line.type} item needs ${min === max ? min : `${min}–${max}`} response${max === 1 ? '' : 's'}, got ${given.length}`)
  }
  const responses = given.map((r, i) => ({ id: r.id ?? DEFAULT_IDS[i] ?? `r${i + 1}`, model: r.model ?? null, text: r.text }))
  const ids = responses.map((r) => r.id)
  if (new Set(ids).size !== ids.length) errors.push('response ids must be distinct')
  if ([TIE, BOTH_BAD].some((reserved) => ids.includes(reserved))) errors.push(`"${TIE}" and "${BOTH_BAD}" cannot be response ids`)
  if (line.gold) errors.push(...goldProblems(line.type, line.gold, ids))
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    draft: {
      externalId: line.id === undefined ? null : String(line.id),
      type: line.type,
      messages,
      responses,
      domain: line.metadata?.domain ?? null,
      difficulty: line.metadata?.difficulty ?? null,
      tags: line.metadata?.tags ?? [],
      source: line.metadata?.source ?? null,
      gold: line.gold ?? null,
      reference: null,
    },
  }
}

function goldProblems(type: TaskType, gold: Gold, ids: string[]): string[] {
  if ('winner' in gold) {
    if (type !== 'pairwise') return [`gold.winner fits pairwise items, not ${type}`]
    return [...ids, TIE, BOTH_BAD].includes(gold.winner) ? [] : [`gold.winner "${gold.winner}" is not a response id, "${TIE}" or "${BOTH_BAD}"`]
  }
  if ('ranking' in gold) {
    if (type !== 'ranking') return [`gold.ranking fits ranking items, not ${type}`]
    return [...gold.ranking].sort().join() === [...ids].sort().join() ? [] : ['gold.ranking must list every response id exactly once']
  }
  return type === 'likert' ? [] : [`gold.rating fits likert items, not ${type}`]
}

/** Splits an HH-RLHF transcript ("\n\nHuman: …\n\nAssistant: …") into turns. */
export function parseTranscript(transcript: string): Message[] | null {
  const parts = transcript.split(/\n\n(Human|Assistant): ?/)
  if (parts[0]!.trim() !== '' || parts.length < 3) return null
  const turns: Message[] = []
  for (let i = 1; i < parts.length; i += 2) turns.push({ role: parts[i] === 'Human' ? 'user' : 'assistant', content: parts[i + 1]!.trim() })
  return turns
}

function sameTurns(a: Message[], b: Message[]): boolean {
  return a.length === b.length && a.every((turn, i) => turn.role === b[i]!.role && turn.content === b[i]!.content)
}

/** A shared conversation and the two final assistant turns, or why the pair does not fit. */
function splitPreferencePair(chosen: Message[], rejected: Message[]): { messages: Message[]; chosen: string; rejected: string } | string {
  const lastChosen = chosen.at(-1)
  const lastRejected = rejected.at(-1)
  if (lastChosen?.role !== 'assistant' || lastRejected?.role !== 'assistant') return 'chosen and rejected must each end with an assistant turn'
  const prefix = chosen.slice(0, -1)
  if (!sameTurns(prefix, rejected.slice(0, -1))) return 'chosen and rejected must share every turn but the last'
  if (prefix.length === 0) return 'the conversation before the responses is empty'
  return { messages: prefix, chosen: lastChosen.content, rejected: lastRejected.content }
}

function preferenceDraft(id: string | null, pair: { messages: Message[]; chosen: string; rejected: string }, source: string): DraftResult {
  const long = [pair.chosen, pair.rejected, ...pair.messages.map((m) => m.content)].some((t) => t.length > MAX_TEXT_LENGTH)
  if (long) return { ok: false, errors: [`text longer than ${MAX_TEXT_LENGTH.toLocaleString('en-US')} characters`] }
  return {
    ok: true,
    draft: {
      // Public data has no ids: a content hash makes re-importing the same file change nothing.
      externalId: id ?? `${source}-${createHash('sha256').update(pair.chosen).update('\0').update(pair.rejected).update('\0').update(JSON.stringify(pair.messages)).digest('hex').slice(0, 20)}`,
      type: 'pairwise',
      messages: pair.messages,
      // Stored order is chosen-first, but labelers see a per-assignment random order and never the reference.
      responses: [
        { id: 'a', model: null, text: pair.chosen },
        { id: 'b', model: null, text: pair.rejected },
      ],
      domain: null,
      difficulty: null,
      tags: [],
      source,
      gold: null,
      reference: { winner: 'a', source },
    },
  }
}

const hhLine = z.object({ chosen: z.string(), rejected: z.string() })

/**
 * Anthropic HH-RLHF rows: {"chosen", "rejected"} transcripts sharing a prefix. The split is made
 * on the text, not on parsed turns: model responses in this data sometimes contain "Human:" or
 * "\n\nAssistant:" themselves, so the conversation is everything up to the last
 * "\n\nAssistant:" the two transcripts share, and each response is the rest of its transcript.
 */
export function fromHhRlhfLine(value: unknown): DraftResult {
  const parsed = hhLine.safeParse(value)
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) }
  const { chosen, rejected } = parsed.data
  const marker = '\n\nAssistant:'
  let common = 0
  const shorter = Math.min(chosen.length, rejected.length)
  while (common < shorter && chosen.charCodeAt(common) === rejected.charCodeAt(common)) common++
  const cut = common >= marker.length ? chosen.lastIndexOf(marker, common - marker.length) : -1
  if (cut < 0) return { ok: false, errors: ['chosen and rejected must share a conversation that ends where the assistant answers'] }
  const messages = parseTranscript(chosen.slice(0, cut))
  if (!messages || messages.at(-1)?.role !== 'user') return { ok: false, errors: ['the shared conversation must be "\n\nHuman: …" turns ending with a human turn'] }
  return preferenceDraft(null, { messages, chosen: chosen.slice(cut + marker.length).trim(), rejected: rejected.slice(cut + marker.length).trim() }, 'hh-rlhf')
}

const conversation = z.array(messageSchema).min(1)
const trlLine = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  prompt: z.union([z.string(), conversation]).optional(),
  chosen: z.union([z.string(), conversation]),
  rejected: z.union([z.string(), conversation]),
})

/** TRL preference rows: prompt/chosen/rejected, plain strings or conversational messages (explicit or implicit prompt). */
export function fromTrlLine(value: unknown): DraftResult {
  const parsed = trlLine.safeParse(value)
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) }
  const row = parsed.data
  const id = row.id === undefined ? null : String(row.id)
  const asTurns = (v: string | Message[], role: 'user' | 'assistant'): Message[] => (typeof v === 'string' ? [{ role, content: v }] : v)
  if (row.prompt === undefined) {
    // Implicit prompt: chosen and rejected are whole conversations sharing a prefix.
    if (typeof row.chosen === 'string' || typeof row.rejected === 'string') return { ok: false, errors: ['prompt is required when chosen and rejected are plain strings'] }
    const pair = splitPreferencePair(row.chosen, row.rejected)
    return typeof pair === 'string' ? { ok: false, errors: [pair] } : preferenceDraft(id, pair, 'trl')
  }
  const messages = asTurns(row.prompt, 'user')
  const chosen = asTurns(row.chosen, 'assistant')
  const rejected = asTurns(row.rejected, 'assistant')
  if (chosen.length !== 1 || rejected.length !== 1 || chosen[0]!.role !== 'assistant' || rejected[0]!.role !== 'assistant') {
    return { ok: false, errors: ['chosen and rejected must each be one assistant message'] }
  }
  return preferenceDraft(id, { messages, chosen: chosen[0]!.content, rejected: rejected[0]!.content }, 'trl')
}

/**
 * The --format a line looks like when it was read with another: HH-RLHF rows are {chosen,
 * rejected} transcripts starting with "\n\nHuman:", TRL rows carry chosen and rejected besides a
 * prompt or as message lists. Null when the line fits its format or looks like neither.
 */
export function formatHint(used: ImportFormat, value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('chosen' in value) || !('rejected' in value)) return null
  const chosen = (value as { chosen: unknown }).chosen
  const looksHh = typeof chosen === 'string' && chosen.trimStart().startsWith('Human:') && !('prompt' in value)
  const format: ImportFormat = looksHh ? 'hh-rlhf' : 'trl-preference'
  if (format === used) return null
  return `These lines look like ${looksHh ? 'HH-RLHF' : 'TRL preference'} rows ({"chosen", "rejected"}): import them with --format ${format}.`
}

/** The parser for a format. */
export function parserFor(format: ImportFormat): (value: unknown) => DraftResult {
  return format === 'hh-rlhf' ? fromHhRlhfLine : format === 'trl-preference' ? fromTrlLine : fromNativeLine
}

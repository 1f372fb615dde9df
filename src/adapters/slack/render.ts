// Neutral cards and modals → Block Kit. Every piece of text is escaped here (model output and
// labelers' writing can never mention anyone, page a channel or form a disguised link), code
// stays in code blocks it cannot break out of, and every Slack limit is kept — including the
// ~12,000-character message cap, where a task is shortened and offered in full as a file.
import { encodeRef, type Action } from '../../views/action-codec'
import type { Block, Card, Control, Field, FormValues, Modal, Option, Segment } from '../../views/card'
import { splitText } from '../../views/segments'
import { MESSAGE_TEXT_BUDGET, SLACK } from './limits'

/** Block Kit JSON as sent to the Web API. */
export type SlackJson = Record<string, unknown>

/** Slack's three control characters, escaped as its docs require in every text object. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * A received message's text as a person reads it in Slack, for storing as an item: mentions and
 * links written out (`<@U1|ana>` → `@ana`, `<https://x|docs>` → `docs (https://x)`), entities
 * decoded. Shown again later it is escaped like any text, so nothing in it can ping.
 */
export function plainTextOf(slackText: string): string {
  return slackText
    .replace(/<([@#!])([^>|]*)(?:\|([^>]*))?>/g, (_, sigil: string, target: string, label: string | undefined) => {
      if (sigil === '@') return `@${label ?? target}`
      if (sigil === '#') return `#${label ?? target}`
      return label ?? `@${target.split('^')[0]}` // <!here>, <!subteam^S1|@team>, <!date^…|fallback>
    })
    .replace(/<([^>|]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

// A zero-width space between backticks: a run of three can then neither open nor close a code
// block, so code content (or prose) cannot end our fence early and turn the rest into markup.
function defuseFences(text: string): string {
  return text.replace(/`(?=``)/g, '`\u200b')
}

/** Escaped text of at most `max` characters; cut with an ellipsis (never inside an entity or a surrogate pair). */
export function fitText(raw: string, max: number): string {
  const escaped = escapeText(raw)
  if (escaped.length <= max) return escaped.length > 0 ? escaped : '—'
  // The longest prefix whose escaped form leaves room for the ellipsis (binary search: escaping
  // expands unevenly, "&" to five characters).
  let low = 0
  let high = Math.min(raw.length, max - 1)
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (escapeText(raw.slice(0, mid)).length + 1 <= max) low = mid
    else high = mid - 1
  }
  if (low > 0 && /[\uD800-\uDBFF]/.test(raw.charAt(low - 1))) low -= 1
  return `${escapeText(raw.slice(0, low))}…`
}

const plain = (raw: string, max: number): SlackJson => ({ type: 'plain_text', text: fitText(raw, max), emoji: true })

/** Characters of text across blocks as Slack counts them for its message cap: every `text` string, at any depth. */
export function blocksTextLength(blocks: unknown): number {
  let total = 0
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk)
    if (typeof value !== 'object' || value === null) return
    for (const [key, v] of Object.entries(value)) {
      if (key === 'text' && typeof v === 'string') total += v.length
      else walk(v)
    }
  }
  walk(blocks)
  return total
}

// ------------------------------------------------------------------ sections

/** Escaped pieces of a raw text, each at most `max` characters once escaped. */
function escapedPieces(raw: string, max: number): string[] {
  return splitText(raw, max).flatMap((piece) => {
    const escaped = escapeText(defuseFences(piece))
    return escaped.length <= max ? [escaped] : escapedPieces(piece, Math.floor(max / 2))
  })
}

const CODE_OPEN = '```\n'
const CODE_CLOSE = '\n```'

/** A titled body of text as mrkdwn sections of at most 3,000 characters; code stays fenced. */
function sectionBlocks(title: string | undefined, segments: Segment[]): SlackJson[] {
  const parts: string[] = []
  if (title) parts.push(`*${fitText(title, 200)}*`)
  for (const segment of segments) {
    if (segment.kind === 'code') {
      const max = SLACK.sectionText - CODE_OPEN.length - CODE_CLOSE.length
      for (const piece of escapedPieces(segment.text, max)) parts.push(`${CODE_OPEN}${piece}${CODE_CLOSE}`)
    } else if (segment.text.length > 0) {
      parts.push(...escapedPieces(segment.text, SLACK.sectionText))
    }
  }
  // Pack consecutive pieces into as few sections as fit: blocks are limited to 50 per message.
  const texts: string[] = []
  for (const part of parts) {
    const last = texts[texts.length - 1]
    if (last !== undefined && last.length + 1 + part.length <= SLACK.sectionText) texts[texts.length - 1] = `${last}\n${part}`
    else texts.push(part)
  }
  if (texts.length === 0) texts.push('_(empty)_')
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }))
}

// ------------------------------------------------------------------ controls

function option(o: Option): SlackJson {
  return { text: plain(o.label, SLACK.optionText), value: o.value }
}

function control(c: Control): SlackJson {
  const action_id = encodeRef(c.action, SLACK.id)
  if (c.type === 'button') return { type: 'button', action_id, text: plain(c.label, SLACK.buttonText), ...(c.style ? { style: c.style } : {}) }
  const options = c.options.slice(0, SLACK.selectOptions)
  const initial = options.filter((o) => c.initial?.includes(o.value)).map(option)
  return {
    type: c.multi ? 'multi_static_select' : 'static_select',
    action_id,
    placeholder: plain(c.placeholder, SLACK.placeholder),
    options: options.map(option),
    // Slack refuses an empty initial_options, and an initial option must be one of the options.
    ...(c.multi ? (initial.length > 0 ? { initial_options: initial } : {}) : initial[0] ? { initial_option: initial[0] } : {}),
  }
}

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/** One neutral block as Block Kit blocks (a long section becomes several). */
function renderBlock(block: Block): SlackJson[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, SLACK.headerText) }]
    case 'section':
      return sectionBlocks(block.title, block.segments)
    case 'note':
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(block.text, SLACK.contextText) }] }]
    case 'fields':
      return chunk(block.fields, SLACK.sectionFields).map((fields) => ({
        type: 'section',
        fields: fields.map((f) => {
          const label = `*${fitText(f.label, 200)}*\n`
          return { type: 'mrkdwn', text: label + fitText(f.value || '—', SLACK.fieldText - label.length) }
        }),
      }))
    case 'divider':
      return [{ type: 'divider' }]
    case 'actions':
      return chunk(block.controls, SLACK.actionsElements).map((controls) => ({ type: 'actions', elements: controls.map(control) }))
    case 'mentions': {
      // The one deliberate ping: only well-formed user ids become mentions; the text stays escaped.
      const pings = block.userIds.filter((id) => /^[UW][A-Z0-9]+$/.test(id)).map((id) => `<@${id}>`)
      const head = pings.join(' ')
      return [{ type: 'section', text: { type: 'mrkdwn', text: `${head}${head ? ' ' : ''}${fitText(block.text, SLACK.sectionText - head.length - 1)}` } }]
    }
  }
}

/** Blocks of a card, rendered without any shortening (App Home, modals' context). */
export function renderBlocks(blocks: Block[]): SlackJson[] {
  return blocks.flatMap(renderBlock)
}

// ------------------------------------------------------------------ messages and overflow

/** A message ready for chat.postMessage / chat.update. */
export interface RenderedMessage {
  text: string
  blocks: SlackJson[]
  /** True when the card was too long for one message and was shortened. */
  shortened: boolean
}

function fits(blocks: SlackJson[]): boolean {
  return blocks.length <= SLACK.messageBlocks && blocksTextLength(blocks) <= MESSAGE_TEXT_BUDGET
}

/** The assignment a task card is about (from any of its controls), for "Read in full". */
function assignmentOf(card: Card): number | undefined {
  for (const block of card.blocks) {
    if (block.type !== 'actions') continue
    for (const c of block.controls) if ('as' in c.action) return c.action.as
  }
  return undefined
}

const sectionLength = (segments: Segment[]) => segments.reduce((n, s) => n + s.text.length, 0)

/** Shares `available` characters among sections: short ones keep everything, long ones share the rest equally. */
function waterFill(lengths: number[], available: number): number[] {
  const order = lengths.map((length, index) => ({ length, index })).sort((a, b) => a.length - b.length)
  const allowance = new Array<number>(lengths.length).fill(0)
  let remaining = Math.max(0, available)
  order.forEach(({ length, index }, i) => {
    const share = Math.floor(remaining / (order.length - i))
    allowance[index] = Math.min(length, share)
    remaining -= allowance[index]!
  })
  return allowance
}

/** The first `allowance` characters of a section's segments, cut at a natural boundary, with a marker. */
function truncateSegments(segments: Segment[], allowance: number, marker: string): Segment[] {
  const kept: Segment[] = []
  let left = allowance
  for (const segment of segments) {
    if (left <= 0) break
    if (segment.text.length <= left) {
      kept.push(segment)
      left -= segment.text.length
      continue
    }
    const head = splitText(segment.text, Math.max(1, left))[0] ?? ''
    kept.push({ ...segment, text: head })
    left = 0
  }
  return [...kept, { kind: 'text', text: marker }]
}

const MAX_SECTIONS = 30

/**
 * A card as a Slack message. When it does not fit (about 12,000 characters or 50 blocks), long
 * sections are shortened fairly — short ones stay whole — each with a visible marker, and a
 * "Read in full" button sends the whole task as a file (the labeler must be able to read every
 * word before judging; a file is Slack's clean way to carry that much text).
 */
export function renderMessage(card: Card): RenderedMessage {
  const text = fitText(card.summary, SLACK.fallbackText)
  const full = renderBlocks(card.blocks)
  if (fits(full)) return { text, blocks: full, shortened: false }

  const as = assignmentOf(card)
  const marker = as === undefined ? '… (shortened)' : '… (continued — use Read in full)'
  let blocks = card.blocks
  // Very long conversations: keep the first turn and the latest ones, say how many were left out.
  const sections = blocks.filter((b) => b.type === 'section').length
  if (sections > MAX_SECTIONS) {
    let seen = 0
    const drop = sections - MAX_SECTIONS
    blocks = blocks.flatMap((b): Block[] => {
      if (b.type !== 'section') return [b]
      seen += 1
      if (seen === 2) return [{ type: 'note', text: `${drop + 1} earlier turns are not shown here${as === undefined ? '' : ' — use Read in full'}.` }]
      return seen > 2 && seen <= drop + 2 ? [] : [b]
    })
  }
  const readFull: Block[] = as === undefined ? [] : [{ type: 'actions', controls: [{ type: 'button', action: { a: 'read_full', as } satisfies Action, label: 'Read in full', style: 'primary' }] }]
  const lastSection = blocks.map((b) => b.type).lastIndexOf('section')
  const withButton = (list: Block[]) => [...list.slice(0, lastSection + 1), ...readFull, ...list.slice(lastSection + 1)]

  const lengths = blocks.map((b) => (b.type === 'section' ? sectionLength(b.segments) : 0))
  const emptied = blocks.map((b): Block => (b.type === 'section' ? { ...b, segments: [{ kind: 'text', text: marker }] } : b))
  const fixed = blocksTextLength(renderBlocks(withButton(emptied)))
  let budget = MESSAGE_TEXT_BUDGET
  for (let attempt = 0; attempt < 12; attempt++) {
    const allowance = waterFill(
      lengths.filter((_, i) => blocks[i]!.type === 'section'),
      budget - fixed,
    )
    let s = 0
    const shortened = blocks.map((b): Block => {
      if (b.type !== 'section') return b
      const allowed = allowance[s++]!
      return sectionLength(b.segments) <= allowed ? b : { ...b, segments: truncateSegments(b.segments, allowed, marker) }
    })
    const rendered = renderBlocks(withButton(shortened))
    if (fits(rendered)) return { text, blocks: rendered, shortened: true }
    // Escaping and section packing cost more than the raw count: tighten and try again.
    budget = Math.floor(budget * 0.85)
  }
  // Unreachable in practice; a plain note is always valid.
  return { text, blocks: renderBlocks([{ type: 'header', text: card.summary }, { type: 'note', text: 'This message is too long to show here.' }, ...readFull]), shortened: true }
}

/** A short private note as blocks. */
export function noticeBlocks(text: string): SlackJson[] {
  return sectionBlocks(undefined, [{ kind: 'text', text }]).slice(0, 4)
}

// ------------------------------------------------------------------ modals

/** Where a modal's task message is, carried in private_metadata so a submit can update it. */
export interface ModalOrigin {
  /** Channel of the task message. */
  c?: string
  /** ts of the task message. */
  t?: string
}

// Modal inputs use the neutral field id as both block_id and action_id: field errors map to
// block ids directly, and each input is unambiguous on its own.

function modalTitle(title: string): string {
  // "&" escapes to five characters, and a modal title has 24 in all.
  return fitText(title.replace(/ & /g, ' and '), SLACK.modalTitle)
}

function inputElement(field: Field): SlackJson {
  const action_id = field.id
  switch (field.kind) {
    case 'text': {
      const max = Math.min(field.maxLength ?? SLACK.textInput, SLACK.textInput)
      return {
        type: 'plain_text_input',
        action_id,
        multiline: field.multiline ?? false,
        max_length: max,
        // A value, not a text object: it is shown verbatim and must come back unchanged.
        ...(field.initial ? { initial_value: field.initial.slice(0, max) } : {}),
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK.placeholder) } : {}),
      }
    }
    case 'select': {
      const options = field.options.slice(0, SLACK.selectOptions)
      const initial = options.find((o) => o.value === field.initial)
      return { type: 'static_select', action_id, placeholder: plain('Choose…', SLACK.placeholder), options: options.map(option), ...(initial ? { initial_option: option(initial) } : {}) }
    }
    case 'checkboxes': {
      const options = field.options.slice(0, SLACK.checkboxOptions)
      const initial = options.filter((o) => field.initial?.includes(o.value)).map(option)
      return { type: 'checkboxes', action_id, options: options.map(option), ...(initial.length > 0 ? { initial_options: initial } : {}) }
    }
  }
}

/** A neutral modal as a Slack view. */
export function renderModal(modal: Modal, origin: ModalOrigin): SlackJson {
  const blocks: SlackJson[] = []
  if (modal.intro) blocks.push(...sectionBlocks(undefined, [{ kind: 'text', text: modal.intro }]))
  for (const field of modal.fields) {
    blocks.push({ type: 'input', block_id: field.id, optional: !field.required, label: plain(field.label, SLACK.inputLabel), element: inputElement(field) })
  }
  return {
    type: 'modal',
    callback_id: encodeRef(modal.ref, SLACK.id),
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: modalTitle(modal.title) },
    submit: plain(modal.submitLabel, SLACK.modalButton),
    close: plain('Cancel', SLACK.modalButton),
    // Slack reports a closed writing modal (SFT, a rewrite after "both bad"), so a draft survives a misclick on Cancel.
    notify_on_close: (modal.ref.m === 'form' && modal.ref.f === 'sft_write') || modal.ref.m === 'both_bad',
    blocks: blocks.slice(0, SLACK.viewBlocks),
  }
}

/** Reads private_metadata back; anything else (another app's, or tampered) is no origin. */
export function parseOrigin(raw: string | undefined): ModalOrigin {
  try {
    const value = JSON.parse(raw ?? '{}') as unknown
    if (typeof value !== 'object' || value === null) return {}
    const { c, t } = value as Record<string, unknown>
    return { ...(typeof c === 'string' ? { c } : {}), ...(typeof t === 'string' ? { t } : {}) }
  } catch {
    return {}
  }
}

/** Submitted view state → neutral values: text as strings, selects and checkboxes as lists. */
export function formValues(state: Record<string, Record<string, SlackJson>> | undefined): FormValues {
  const values: FormValues = {}
  for (const [blockId, actions] of Object.entries(state ?? {})) {
    const element = actions[blockId] ?? Object.values(actions)[0]
    if (!element) continue
    if (Array.isArray(element.selected_options)) values[blockId] = (element.selected_options as SlackJson[]).map((o) => String(o.value))
    else if ('selected_option' in element) values[blockId] = element.selected_option ? [String((element.selected_option as SlackJson).value)] : []
    else values[blockId] = typeof element.value === 'string' ? element.value : ''
  }
  return values
}

/** Field errors by neutral field id → Slack's errors by block id (the same ids, only those shown). */
export function viewErrors(errors: Record<string, string>, view: SlackJson | undefined): Record<string, string> {
  const blockIds = new Set(((view?.blocks as SlackJson[] | undefined) ?? []).map((b) => b.block_id))
  const out: Record<string, string> = {}
  for (const [id, message] of Object.entries(errors)) {
    const target = blockIds.has(id) ? id : [...blockIds].find((b) => typeof b === 'string' && b.startsWith(id.split(':')[0]!))
    if (typeof target === 'string') out[target] = message.slice(0, 2_000)
  }
  return out
}

// ------------------------------------------------------------------ App Home

/** App Home: cards one after the other, within a Home view's 100 blocks. */
export function renderHome(cards: Card[]): SlackJson {
  const blocks = cards.flatMap((card, i) => [...(i > 0 ? [{ type: 'divider' }] : []), ...renderBlocks(card.blocks)])
  return { type: 'home', blocks: blocks.slice(0, SLACK.viewBlocks) }
}

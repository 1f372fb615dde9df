// Neutral Card → Discord messages (embeds + action rows), within Discord's limits.
//
// A card becomes one message when it fits, else several ("pages"): text goes into embeds (4,096
// per description, 6,000 per message, 10 per message), long sections continue in the next embed
// or message, and code segments stay code blocks in every piece. Controls go on the last page;
// past five rows the earlier rows move to the page before (a ranking of four needs six rows).
// A task too long for BUDGET.maxPages messages is shown as excerpts with the whole text attached
// as a .md file, so nothing is ever cut silently.
//
// Pings: the `mentions` block is the only thing that may mention anyone. It becomes the first
// page's content (`<@id> … text`) and the page lists exactly those ids in `allowedUsers`, which
// senders turn into `allowed_mentions: {parse: [], users}`; every other text is escaped and
// neutralized, so even a forgotten allowed_mentions could not make it ping.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIEmbedField, type APIStringSelectComponent } from 'discord.js'
import { encodeRef, type Action } from '../../views/action-codec'
import type { Block, Card, Control, Segment } from '../../views/card'
import { splitText } from '../../views/segments'
import { BUDGET, DISCORD, discordLength, truncate } from './discord-limits'
import { codeBlock, codeBlockOverhead, escapeText } from './escape'

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>

/** One Discord message of a rendered card. */
export interface DiscordPage {
  content?: string
  embeds: APIEmbed[]
  components: ActionRow[]
  files?: { name: string; data: Buffer }[]
  /** The only users this page may ping (from a `mentions` block); none when absent. */
  allowedUsers?: string[]
}

const COLOR = 0x5865f2
const CONTINUED = ' (continued)'

/** Splits raw text so that each rendered piece is at most `renderedMax` characters. */
function fit(raw: string, rawMax: number, renderedMax: number, render: (text: string) => string): string[] {
  const out: string[] = []
  for (const piece of splitText(raw, rawMax)) {
    const rendered = render(piece)
    if (discordLength(rendered) <= renderedMax) out.push(rendered)
    else if (rawMax <= 16) out.push(truncate(rendered, renderedMax))
    else out.push(...fit(piece, Math.floor(rawMax / 2), renderedMax, render))
  }
  return out
}

function segmentPieces(segment: Segment, max: number): string[] {
  if (segment.kind === 'text') return fit(segment.text, max, max, escapeText)
  const inner = max - codeBlockOverhead(segment.language)
  return fit(segment.text, inner, max, (text) => codeBlock(text, segment.language))
}

/** Packs rendered pieces into descriptions of at most `max` characters. */
function packDescriptions(pieces: string[], max: number): string[] {
  const out: string[] = []
  let current = ''
  for (const piece of pieces) {
    const joined = current === '' ? piece : `${current}\n${piece}`
    if (discordLength(joined) <= max) current = joined
    else {
      if (current !== '') out.push(current)
      current = piece
    }
  }
  if (current !== '') out.push(current)
  return out
}

function embedSize(embed: APIEmbed): number {
  let n = discordLength(embed.title ?? '') + discordLength(embed.description ?? '') + discordLength(embed.footer?.text ?? '')
  for (const field of embed.fields ?? []) n += discordLength(field.name) + discordLength(field.value)
  return n
}

function isEmpty(embed: APIEmbed): boolean {
  return !embed.title && !embed.description && (embed.fields ?? []).length === 0
}

function sectionEmbeds(block: Extract<Block, { type: 'section' }>): APIEmbed[] {
  const title = block.title ? truncate(escapeText(block.title), DISCORD.embedTitle - CONTINUED.length) : undefined
  const pieces = block.segments.flatMap((segment) => segmentPieces(segment, BUDGET.description))
  const descriptions = packDescriptions(pieces, BUDGET.description)
  if (descriptions.length === 0) descriptions.push('\u200b')
  return descriptions.map((description, i) => ({
    color: COLOR,
    ...(title ? { title: i === 0 ? title : title + CONTINUED } : {}),
    description,
  }))
}

function fieldEmbeds(fields: { label: string; value: string }[]): APIEmbed[] {
  const apiFields: APIEmbedField[] = []
  for (const field of fields) {
    const name = truncate(escapeText(field.label), DISCORD.embedFieldName - CONTINUED.length) || '\u200b'
    const values = field.value.trim() === '' ? ['—'] : fit(field.value, DISCORD.embedFieldValue, DISCORD.embedFieldValue, escapeText)
    values.forEach((value, i) => apiFields.push({ name: i === 0 ? name : name + CONTINUED, value }))
  }
  // 25 fields per embed, and a budget per embed so one embed always fits a message.
  const embeds: APIEmbed[] = []
  let current: APIEmbedField[] = []
  let size = 0
  for (const field of apiFields) {
    const n = discordLength(field.name) + discordLength(field.value)
    if (current.length === DISCORD.embedFields || size + n > BUDGET.description) {
      embeds.push({ color: COLOR, fields: current })
      current = []
      size = 0
    }
    current.push(field)
    size += n
  }
  if (current.length > 0) embeds.push({ color: COLOR, fields: current })
  return embeds
}

/** The embeds of a card's text blocks, each within the per-embed limits. */
export function cardEmbeds(blocks: Block[]): APIEmbed[] {
  const embeds: APIEmbed[] = []
  // The embed that a following note may join (a header, or the last section).
  let open: APIEmbed | null = null
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
        open = { color: COLOR, title: truncate(escapeText(block.text), DISCORD.embedTitle) }
        embeds.push(open)
        break
      case 'section': {
        const list = sectionEmbeds(block)
        embeds.push(...list)
        open = list[list.length - 1] ?? null
        break
      }
      case 'note': {
        const note = `*${truncate(escapeText(block.text), BUDGET.description - 2)}*`
        const joined: string = open?.description ? `${open.description}\n${note}` : note
        if (open && discordLength(joined) + discordLength(open.title ?? '') <= BUDGET.description) open.description = joined
        else {
          open = { color: COLOR, description: note }
          embeds.push(open)
        }
        break
      }
      case 'fields':
        embeds.push(...fieldEmbeds(block.fields))
        open = null
        break
      case 'divider':
        open = null
        break
      case 'actions':
      case 'mentions':
        // Controls become rows, mentions become content (renderCard), never embed text.
        break
    }
  }
  return embeds.filter((e) => !isEmpty(e))
}

/** Groups embeds into messages: 10 embeds and BUDGET.messageEmbeds characters each. */
export function packEmbeds(embeds: APIEmbed[]): APIEmbed[][] {
  const pages: APIEmbed[][] = []
  let current: APIEmbed[] = []
  let size = 0
  for (const embed of embeds) {
    const n = embedSize(embed)
    if (current.length > 0 && (current.length === DISCORD.embedsPerMessage || size + n > BUDGET.messageEmbeds)) {
      pages.push(current)
      current = []
      size = 0
    }
    current.push(embed)
    size += n
  }
  if (current.length > 0) pages.push(current)
  return pages
}

function buttonStyle(style: 'primary' | 'danger' | undefined): ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary {
  return style === 'primary' ? ButtonStyle.Primary : style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary
}

/** A Discord button for a neutral action. */
export function button(action: Action, label: string, style?: 'primary' | 'danger'): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: encodeRef(action, DISCORD.customId), label: truncate(label, DISCORD.buttonLabel), style: buttonStyle(style) }
}

function select(control: Extract<Control, { type: 'select' }>): APIStringSelectComponent {
  const options = control.options.slice(0, DISCORD.selectOptions)
  const initial = new Set(control.initial ?? [])
  return {
    type: ComponentType.StringSelect,
    custom_id: encodeRef(control.action, DISCORD.customId),
    placeholder: truncate(control.placeholder, DISCORD.selectPlaceholder),
    min_values: control.multi ? 0 : 1,
    max_values: control.multi ? options.length : 1,
    options: options.map((o) => ({ label: truncate(o.label, DISCORD.selectOptionText), value: o.value.slice(0, DISCORD.selectOptionText), default: initial.has(o.value) })),
  }
}

/** Action rows of a card: five buttons per row (Likert's seven take two), a select per row. */
export function cardRows(blocks: Block[]): ActionRow[] {
  const rows: ActionRow[] = []
  const seen = new Set<string>()
  for (const block of blocks) {
    if (block.type !== 'actions') continue
    let buttons: APIButtonComponent[] = []
    const flush = () => {
      if (buttons.length > 0) rows.push({ type: ComponentType.ActionRow, components: buttons })
      buttons = []
    }
    for (const control of block.controls) {
      const id = encodeRef(control.action, DISCORD.customId)
      // Discord refuses a message whose components repeat a custom_id.
      if (seen.has(id)) continue
      seen.add(id)
      if (control.type === 'select') {
        flush()
        if (control.options.length > 0) rows.push({ type: ComponentType.ActionRow, components: [select(control)] })
        continue
      }
      if (buttons.length === DISCORD.buttonsPerRow) flush()
      buttons.push(button(control.action, control.label, control.style))
    }
    flush()
  }
  return rows
}

/** The assignment a card is about, if it shows a task. */
function assignmentOf(card: Card): number | null {
  for (const block of card.blocks) {
    if (block.type !== 'actions') continue
    for (const control of block.controls) if ('as' in control.action) return control.action.as
  }
  return null
}

/** The card as Markdown, for the attached file of an over-long task. */
export function cardMarkdown(card: Card): string {
  const parts: string[] = []
  for (const block of card.blocks) {
    if (block.type === 'header') parts.push(`# ${block.text}`)
    else if (block.type === 'note') parts.push(`_${block.text}_`)
    else if (block.type === 'fields') parts.push(block.fields.map((f) => `- ${f.label}: ${f.value}`).join('\n'))
    else if (block.type === 'section') {
      const body = block.segments.map((s) => (s.kind === 'code' ? '````' + (s.language ?? '') + '\n' + s.text + '\n````' : s.text)).join('\n\n')
      parts.push(block.title ? `## ${block.title}\n\n${body}` : body)
    }
  }
  return parts.join('\n\n') + '\n'
}

const EXCERPT = 700

/** The card with every section cut to an excerpt, pointing at the attached file. */
function excerptCard(card: Card, fileName: string): Card {
  return {
    summary: card.summary,
    blocks: card.blocks.map((block): Block => {
      if (block.type !== 'section') return block
      const total = block.segments.reduce((n, s) => n + s.text.length, 0)
      if (total <= EXCERPT) return block
      const first = block.segments[0]!
      return {
        ...block,
        segments: [
          { ...first, text: first.text.slice(0, EXCERPT) + '…' },
          { kind: 'text', text: `(${total.toLocaleString('en-US')} characters in all: read the whole text in the attached ${fileName}.)` },
        ],
      }
    }),
  }
}

const SNOWFLAKE = /^\d{15,21}$/

/** The content of a `mentions` block and the ids it may ping (only well-formed user ids). */
export function mentionContent(card: Card): { content: string; users: string[] } | null {
  const blocks = card.blocks.filter((b): b is Extract<Block, { type: 'mentions' }> => b.type === 'mentions')
  if (blocks.length === 0) return null
  const users: string[] = []
  let tags = ''
  // Ids first, whole ones only: a cut for length shortens the text, never half a mention.
  for (const id of new Set(blocks.flatMap((b) => b.userIds).filter((id) => SNOWFLAKE.test(id)))) {
    const next = tags === '' ? `<@${id}>` : `${tags} <@${id}>`
    if (next.length > DISCORD.content - 50) break
    tags = next
    users.push(id)
  }
  const text = blocks.map((b) => escapeText(b.text)).filter(Boolean).join('\n')
  return { content: truncate(`${tags} ${text}`.trim(), DISCORD.content), users }
}

/** Renders a card as one or more Discord messages. */
export function renderCard(card: Card): DiscordPage[] {
  let texts = packEmbeds(cardEmbeds(card.blocks))
  let files: DiscordPage['files']
  const as = assignmentOf(card)
  if (texts.length > BUDGET.maxPages) {
    const name = as === null ? 'message.md' : `task-${as}.md`
    files = [{ name, data: Buffer.from(cardMarkdown(card), 'utf8') }]
    texts = packEmbeds(cardEmbeds(excerptCard(card, name).blocks))
  }
  const rows = cardRows(card.blocks)
  // Several messages: offer the whole task as one file too, where a row is free.
  if (texts.length > 1 && !files && as !== null && rows.length < DISCORD.rowsPerMessage) {
    rows.push({ type: ComponentType.ActionRow, components: [button({ a: 'read_full', as }, 'Read in full (.md)')] })
  }
  const mention = mentionContent(card)
  const pages: DiscordPage[] = texts.map((embeds) => ({ embeds, components: [] }))
  if (pages.length === 0) pages.push({ embeds: [], components: [], ...(rows.length === 0 && !mention ? { content: escapeText(truncate(card.summary || '…', DISCORD.content)) } : {}) })
  if (mention) Object.assign(pages[0]!, { content: mention.content, allowedUsers: mention.users })
  // Rows in chunks of five counted from the end, so the last message carries full rows of the
  // main controls; the first chunk joins the last text page, later chunks get their own page.
  const chunks: ActionRow[][] = []
  for (let end = rows.length; end > 0; end -= DISCORD.rowsPerMessage) chunks.unshift(rows.slice(Math.max(0, end - DISCORD.rowsPerMessage), end))
  chunks.forEach((chunk, i) => {
    if (i === 0) pages[pages.length - 1]!.components = chunk
    else pages.push({ embeds: [], components: chunk })
  })
  if (files) pages[0]!.files = files
  return pages
}

/** A one-message note (escaped), optionally with buttons. */
export function notePage(text: string, buttons: APIButtonComponent[] = []): DiscordPage {
  return {
    content: truncate(escapeText(text), DISCORD.content),
    embeds: [],
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons.slice(0, DISCORD.buttonsPerRow) }] : [],
  }
}

// Finds Slack control sequences in outgoing text. Labelers write free text (rationales, prompts);
// if the bot echoes it unescaped, `<!channel>` pages a whole workspace and `<https://evil|docs>`
// disguises a link. Tests assert that only the bot's deliberate mentions appear.
import type { SlackJson, SlackMention } from './types'

const ANGLE = /<([^<>\n]+)>/g
const BARE_BROADCAST = /(^|[^\w])@(channel|here|everyone)\b/g

function classify(inner: string): Pick<SlackMention, 'kind' | 'target' | 'label'> {
  const [head = '', label] = inner.split('|', 2)
  const withLabel = <T extends object>(value: T): T & { label?: string } =>
    label === undefined ? value : { ...value, label }
  if (head.startsWith('!')) {
    const word = head.slice(1)
    if (word === 'here' || word === 'channel' || word === 'everyone') return withLabel({ kind: 'broadcast', target: word })
    if (word.startsWith('subteam^')) return withLabel({ kind: 'usergroup', target: word.slice('subteam^'.length) })
    if (word.startsWith('date^')) return withLabel({ kind: 'date', target: word })
    return withLabel({ kind: 'other', target: head })
  }
  if (head.startsWith('@')) return withLabel({ kind: 'user', target: head.slice(1) })
  if (head.startsWith('#')) return withLabel({ kind: 'channel', target: head.slice(1) })
  if (/^(https?|mailto|tel|slack|ftp):/i.test(head)) return withLabel({ kind: 'link', target: head })
  return withLabel({ kind: 'other', target: head })
}

/** Mentions in one piece of text; `linkNames` also counts bare `@here` (chat.postMessage `link_names`). */
export function mentionsInText(text: string, path: string, textType: SlackMention['textType'], linkNames = false): SlackMention[] {
  const found: SlackMention[] = []
  for (const match of text.matchAll(ANGLE)) {
    found.push({ raw: match[0], path, textType, ...classify(match[1] ?? '') })
  }
  if (linkNames && textType !== 'plain_text') {
    for (const match of text.matchAll(BARE_BROADCAST)) {
      const word = match[2] ?? ''
      found.push({ kind: 'broadcast', raw: `@${word}`, target: word, path, textType })
    }
  }
  return found
}

function isObject(value: unknown): value is SlackJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function walkBlocks(value: unknown, path: string, linkNames: boolean, out: SlackMention[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkBlocks(v, `${path}/${i}`, linkNames, out))
    return
  }
  if (!isObject(value)) return
  const type = value.type
  if ((type === 'mrkdwn' || type === 'plain_text') && typeof value.text === 'string') {
    out.push(...mentionsInText(value.text, `${path}/text`, type, linkNames))
    return
  }
  if (type === 'markdown' && typeof value.text === 'string') {
    out.push(...mentionsInText(value.text, `${path}/text`, 'markdown', linkNames))
    return
  }
  // rich_text carries mentions as typed elements; its `text` elements are literal, so they are not scanned.
  if (type === 'user' && typeof value.user_id === 'string') {
    out.push({ kind: 'user', raw: `<@${value.user_id}>`, target: value.user_id, path, textType: 'rich_text' })
    return
  }
  if (type === 'broadcast' && typeof value.range === 'string') {
    out.push({ kind: 'broadcast', raw: `<!${value.range}>`, target: value.range, path, textType: 'rich_text' })
    return
  }
  if (type === 'usergroup' && typeof value.usergroup_id === 'string') {
    out.push({ kind: 'usergroup', raw: `<!subteam^${value.usergroup_id}>`, target: value.usergroup_id, path, textType: 'rich_text' })
    return
  }
  if (type === 'channel' && typeof value.channel_id === 'string') {
    out.push({ kind: 'channel', raw: `<#${value.channel_id}>`, target: value.channel_id, path, textType: 'rich_text' })
    return
  }
  if (type === 'link' && typeof value.url === 'string') {
    const label = typeof value.text === 'string' ? value.text : undefined
    out.push({
      kind: 'link',
      raw: label === undefined ? `<${value.url}>` : `<${value.url}|${label}>`,
      target: value.url,
      ...(label === undefined ? {} : { label }),
      path,
      textType: 'rich_text',
    })
    return
  }
  for (const [key, v] of Object.entries(value)) walkBlocks(v, `${path}/${key}`, linkNames, out)
}

const ATTACHMENT_TEXT_FIELDS = ['text', 'pretext', 'fallback', 'title', 'footer', 'author_name'] as const

/** Every mention in the content-bearing arguments of one outgoing call (message, ephemeral, view, upload). */
export function findMentions(args: SlackJson): SlackMention[] {
  const linkNames = args.link_names === true || args.link_names === 'true' || args.link_names === '1' || args.link_names === 1
  const out: SlackMention[] = []
  if (typeof args.text === 'string') out.push(...mentionsInText(args.text, '/text', 'text', linkNames))
  if (typeof args.initial_comment === 'string') {
    out.push(...mentionsInText(args.initial_comment, '/initial_comment', 'text', linkNames))
  }
  if (args.blocks !== undefined) walkBlocks(args.blocks, '/blocks', linkNames, out)
  if (isObject(args.view)) walkBlocks(args.view, '/view', false, out)
  if (Array.isArray(args.attachments)) {
    args.attachments.forEach((att: unknown, i: number) => {
      if (!isObject(att)) return
      for (const field of ATTACHMENT_TEXT_FIELDS) {
        const v = att[field]
        if (typeof v === 'string') out.push(...mentionsInText(v, `/attachments/${i}/${field}`, 'attachment', linkNames))
      }
      if (Array.isArray(att.fields)) {
        att.fields.forEach((f: unknown, j: number) => {
          if (isObject(f) && typeof f.value === 'string') {
            out.push(...mentionsInText(f.value, `/attachments/${i}/fields/${j}/value`, 'attachment', linkNames))
          }
        })
      }
      if (att.blocks !== undefined) walkBlocks(att.blocks, `/attachments/${i}/blocks`, linkNames, out)
    })
  }
  return out
}

/** Escape user text the way Slack documents (`&`, `<`, `>`); tests use it to build expected output. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

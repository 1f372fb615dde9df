// `/label …` text → a typed command, decided in one place. Words are read with quotes honoured
// ("/label export \"Code review\" sft"), and a user named in the text arrives as Slack's escaped
// `<@U123|name>` (the manifest turns escaping on for the command).

import { CHANNEL_PURPOSES, type ChannelPurpose } from '../../core/projects'
import type { ImportTarget } from '../../store/pending-import-repository'
import type { LabelCommand } from '../../inbox/inbox-event'

export type { LabelCommand }

export const HELP_TEXT = [
  '*Labeling*',
  '`/label` — your next task, in a DM with me (`/label PROJECT` to pick a project)',
  '`/label stats` — your own figures, privately',
  '*Leads*',
  '`/label project create NAME [TYPES]` — e.g. `/label project create chat-v2 pairwise,likert`',
  '`/label project show [NAME]` · `/label progress [PROJECT]`',
  '`/label role @someone ROLE` — labeler, lead, reviewer or admin',
  '`/label import PROJECT [FORMAT]` — then upload the JSONL file in our DM (or upload it with the comment `import PROJECT [FORMAT]`)',
  '`/label export PROJECT [FORMAT]` — the file arrives in our DM',
  'Upload a Markdown file in our DM with the comment `guide PROJECT` — it becomes the project’s guidelines (the Guidelines button on every task)',
  '`/label channel calibration|leads|labeling PROJECT` — typed in a channel, makes it that channel of the project (`off` at the end unsets it)',
  'The message menu (⋯) of any message has *Send to labeling*, for leads.',
].join('\n')

/** Words of a command line; "double quotes" keep spaces inside one word. */
export function words(text: string): string[] {
  const out: string[] = []
  for (const match of text.matchAll(/"([^"]*)"|“([^”]*)”|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3] ?? '')
  return out
}

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/

/** Parses the text after `/label`; `channelId` is where it was typed (null in a DM, which cannot be a project's channel). */
export function parseLabelCommand(text: string, channelId: string | null = null): LabelCommand {
  const [first, ...rest] = words(text.trim())
  const head = first?.toLowerCase()
  switch (head) {
    case undefined:
      return { kind: 'start' }
    case 'start':
      return rest[0] ? { kind: 'start', project: rest[0] } : { kind: 'start' }
    case 'stats':
      return { kind: 'stats' }
    case 'help':
      return { kind: 'help' }
    case 'project': {
      const [sub, name, types] = rest
      if (sub?.toLowerCase() === 'create') return name ? { kind: 'project_create', name, ...(types ? { types } : {}) } : { kind: 'invalid', message: 'Usage: `/label project create NAME [TYPES]`' }
      if (sub?.toLowerCase() === 'show') return name ? { kind: 'project_show', name } : { kind: 'project_show' }
      return { kind: 'invalid', message: 'Usage: `/label project create NAME [TYPES]` or `/label project show [NAME]`' }
    }
    case 'progress':
      return rest[0] ? { kind: 'progress', project: rest[0] } : { kind: 'progress' }
    case 'role': {
      const mention = MENTION.exec(rest[0] ?? '')
      if (!mention || !rest[1]) return { kind: 'invalid', message: 'Usage: `/label role @someone ROLE`' }
      return { kind: 'role', user: { id: mention[1]!, ...(mention[2] ? { name: mention[2] } : {}) }, role: rest[1].toLowerCase() }
    }
    case 'export':
    case 'import': {
      const [project, format] = rest
      if (!project) return { kind: 'invalid', message: `Usage: \`/label ${head} PROJECT [FORMAT]\`` }
      return { kind: head, project, ...(format ? { format } : {}) }
    }
    case 'channel': {
      const [purpose, project, off] = rest
      const kind = purpose?.toLowerCase() === 'lead' ? 'leads' : purpose?.toLowerCase()
      if (!CHANNEL_PURPOSES.includes(kind as ChannelPurpose) || !project || (off !== undefined && off.toLowerCase() !== 'off')) {
        return { kind: 'invalid', message: 'Usage, in the channel itself: `/label channel calibration|leads|labeling PROJECT` (add `off` to unset it)' }
      }
      return { kind: 'channel', purpose: kind as ChannelPurpose, project, clear: off !== undefined, channelId }
    }
    default:
      // Anything else is a project name: `/label chat-v2`.
      return rest.length === 0 ? { kind: 'start', project: first! } : { kind: 'invalid', message: `I don't know "${text.trim()}". Try \`/label help\`.` }
  }
}

/** What an uploaded file is for: items to import, or a project's guidelines (`guide: true`). */
export type UploadTarget = ImportTarget & { guide?: true }

/**
 * The comment of an uploaded file: `import PROJECT [FORMAT]` (also `/label import …`), or
 * `guide PROJECT` for a Markdown file of the project's guidelines.
 */
export function parseImportComment(text: string): UploadTarget | null {
  const line = text.replace(/^\s*\/label\s+/, '')
  const [head, project, ...rest] = words(line.trim())
  if (head?.toLowerCase() === 'guide' && project && rest.length === 0) return { project, guide: true }
  const parsed = parseLabelCommand(line)
  return parsed.kind === 'import' && parsed.project ? { project: parsed.project, ...(parsed.format ? { format: parsed.format } : {}) } : null
}

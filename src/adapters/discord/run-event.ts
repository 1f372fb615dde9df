// Runs one neutral event through the platform-neutral layer. No Discord objects here: the same
// code handles a live interaction and a replayed one from the inbox.
import { gzipSync } from 'node:zlib'
import type { CoreContext } from '../../core/context'
import type { LabelingInteractions } from '../../interactions/labeling'
import { leadCreateProject, leadExport, leadImport, leadProgress, leadSetChannel, leadSetGuide, leadSetRole, sendToLabeling } from '../../interactions/lead'
import type { ChannelPurpose } from '../../core/projects'
import type { Outcome } from '../../interactions/outcome'
import { statsCard } from '../../interactions/stats'
import { DISCORD } from './discord-limits'
import type { InboxPayload } from './discord-events'
import { linesOfBytes, type SourceLine } from '../../core/import/source-line'

/** Downloads an uploaded file; the import reads it twice (validate, then insert). */
/** Downloads an attachment: its bytes (decoded strictly, line by line, by the importer) or text. */
export type Download = (url: string) => Promise<string | Uint8Array>

// Discord's own upload ceiling for boosted guilds; anything larger is not a labeling batch.
const MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024

export const fetchText: Download = async (url) => {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`Downloading the attachment failed: HTTP ${response.status}`)
  const length = Number(response.headers.get('content-length') ?? '0')
  if (length > MAX_DOWNLOAD_BYTES) throw new Error('The attachment is too large to import from Discord; use "arbiter import" on the server.')
  // Bytes, not text: invalid UTF-8 must reach the importer as a bad line, not as U+FFFD.
  return new Uint8Array(await response.arrayBuffer())
}

async function* lines(content: string | Uint8Array): AsyncGenerator<SourceLine> {
  if (typeof content !== 'string') {
    yield* linesOfBytes(content)
    return
  }
  const text = content
  let start = 0
  while (start <= text.length) {
    const end = text.indexOf('\n', start)
    if (end === -1) {
      if (start < text.length) yield text.slice(start)
      return
    }
    yield text.slice(start, end)
    start = end + 1
  }
}

/** Handles an event and returns what to show. */
export async function runEvent(ctx: CoreContext, session: LabelingInteractions, payload: InboxPayload, download: Download = fetchText): Promise<Outcome> {
  const { actor, event } = payload
  switch (event.kind) {
    case 'action':
      return await session.action(actor, event.action, event.values)
    case 'submit': {
      const outcome = await session.submit(actor, event.ref, event.values)
      // Discord closes a modal on submit; keep what was typed so reopening the form shows it.
      if (outcome.fieldErrors) await session.close(actor, event.ref, event.values)
      return outcome
    }
    case 'send_to_labeling':
      return await sendToLabeling(ctx, actor, { text: event.text, author: event.author, link: event.link, context: event.context ?? null })
    case 'command': {
      const o = event.options
      switch (event.command) {
        case 'start':
          return await session.start(actor, o.project)
        case 'stats':
          return { post: [{ card: await statsCard(ctx, actor) }] }
        case 'progress':
          return await leadProgress(ctx, actor, o.project)
        case 'project-create':
          return await leadCreateProject(ctx, actor, o.name ?? '', o.types)
        case 'role': {
          if (!event.target) return { notice: 'Name the person whose role changes.' }
          const identity = { ...actor.identity, platformUserId: event.target.userId }
          return await leadSetRole(ctx, actor, { identity, displayName: event.target.displayName }, o.role ?? '')
        }
        case 'import': {
          const file = event.attachment
          if (!file) return { notice: 'Attach the JSONL file to import.' }
          // Downloaded only once the lead check passed (open() runs inside leadImport), and once.
          let content: Promise<string | Uint8Array> | null = null
          const open = () => {
            content ??= download(file.url)
            const pending = content
            return (async function* () {
              yield* lines(await pending)
            })()
          }
          return await leadImport(ctx, actor, { projectName: o.project ?? '', format: o.format, open })
        }
        case 'guide': {
          const file = event.attachment
          if (!file) return { notice: 'Attach the Markdown file with the guidelines.' }
          return await leadSetGuide(ctx, actor, { projectName: o.project ?? '', fileName: file.name, read: async () => { const body = await download(file.url); return typeof body === 'string' ? body : new TextDecoder().decode(body) } })
        }
        case 'channel':
          return await leadSetChannel(ctx, actor, { projectName: o.project ?? '', platform: 'discord', purpose: o.purpose as ChannelPurpose, channelId: o.off === 'true' ? null : (o.channel ?? null) })
        case 'export': {
          return fitForUpload(await leadExport(ctx, actor, { projectName: o.project ?? '', format: o.format }), o.project ?? '')
        }
      }
    }
  }
}

// Room for the multipart envelope and the message itself.
const UPLOAD_BUDGET = DISCORD.uploadBytes - 64 * 1024

/**
 * Discord refuses uploads over 10 MiB. JSONL compresses several-fold, so a larger export goes
 * out gzip-compressed (pandas, datasets and `gunzip` read it as is); only one too large even
 * then is left to the command line.
 */
function fitForUpload(outcome: Outcome, project: string): Outcome {
  const file = outcome.file
  if (!file || Buffer.byteLength(file.content) <= UPLOAD_BUDGET) return outcome
  const compressed = gzipSync(file.content, { level: 6 })
  if (compressed.length <= UPLOAD_BUDGET) {
    return { ...outcome, file: { name: `${file.name}.gz`, content: compressed, comment: `${file.comment} Compressed with gzip to fit Discord's upload limit.` } }
  }
  const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
  return { notice: `That export is ${mib(Buffer.byteLength(file.content))} MiB (${mib(compressed.length)} MiB compressed), more than Discord accepts as an upload. Run "arbiter export --project ${project}" on the server instead.` }
}

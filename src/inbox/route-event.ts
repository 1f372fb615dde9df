// The one router from a neutral event to the neutral layer, for Slack and Discord alike. Commands
// are a table: a new `/label` subcommand is one entry here (and its parse in each adapter).
// Actions and modal submits go to LabelingInteractions, which routes them by the action codec.
// A core refusal (ArbiterError) becomes a short private note; anything else is a failure the
// pipeline handles.
import { linesOfBytes } from '../core/import/source-line'
import type { CoreContext } from '../core/context'
import { ArbiterError, isArbiterError } from '../core/errors'
import { requireLead } from '../core/labelers'
import { labelerFor, type Actor } from '../interactions/actor'
import type { LabelingInteractions } from '../interactions/labeling'
import { leadCreateProject, leadExport, leadImport, leadProgress, leadSetChannel, leadSetGuide, leadSetRole, leadShowProject, sendToLabeling } from '../interactions/lead'
import type { Outcome } from '../interactions/outcome'
import { statsCard } from '../interactions/stats'
import type { CapturedMessageRef, FileRef, LabelCommand, NeutralEvent } from './inbox-event'

/** What the router asks of the platform an event came from (lookups it cannot do itself). */
export interface PlatformLookups {
  /** A display name for one of the platform's user ids (`handle`: what the event carried, the fallback). */
  nameOf(userId: string, handle?: string): Promise<string>
  /** The actor as the event runs: a platform may name people better than its events do (Slack: users.info). */
  resolveActor?(actor: Actor): Promise<Actor>
  /** The message's text, author name, link and question, looked up where the platform did not say. */
  completeMessage(message: CapturedMessageRef): Promise<{ text: string; author: string; link: string | null; context: string | null }>
  /** A file's bytes (imports decode them strictly, line by line); refuses with FILE_UNAVAILABLE or FILE_TOO_LARGE. */
  download(file: FileRef): Promise<Uint8Array>
  /** `/label help` in the platform's own syntax. */
  helpText: string
  /** Discord closes a modal on submit even when it has errors: what was typed is kept for reopening it. */
  closesModalOnSubmit: boolean
  /** The platform's name, for channel settings. */
  name: 'slack' | 'discord'
}

/** Everything one routed event may use. */
export interface RouteContext {
  ctx: CoreContext
  interactions: LabelingInteractions
  platform: PlatformLookups
  actor: Actor
}

type CommandOf<K extends LabelCommand['kind']> = Extract<LabelCommand, { kind: K }>

const IMPORT_WINDOW_MS = 15 * 60_000

/** One line per `/label` subcommand. */
const COMMANDS: { [K in LabelCommand['kind']]: (command: CommandOf<K>, r: RouteContext) => Promise<Outcome> } = {
  start: (c, r) => r.interactions.start(r.actor, c.project),
  stats: async (_, r) => ({ ephemeral: await statsCard(r.ctx, r.actor) }),
  help: async (_, r) => ({ notice: r.platform.helpText }),
  invalid: async (c) => ({ notice: c.message }),
  project_create: (c, r) => leadCreateProject(r.ctx, r.actor, c.name, c.types),
  project_show: (c, r) => leadShowProject(r.ctx, r.actor, c.name),
  progress: (c, r) => leadProgress(r.ctx, r.actor, c.project),
  role: async (c, r) => leadSetRole(r.ctx, r.actor, { identity: { ...r.actor.identity, platformUserId: c.user.id }, displayName: await r.platform.nameOf(c.user.id, c.user.name) }, c.role),
  export: (c, r) => leadExport(r.ctx, r.actor, { projectName: c.project, format: c.format }),
  import: (c, r) => importFile(c, r),
  guide: (c, r) => leadSetGuide(r.ctx, r.actor, { projectName: c.project, fileName: c.file.name, read: async () => new TextDecoder().decode(await r.platform.download(c.file)) }),
  channel: async (c, r) => {
    if (c.channelId === null && !c.clear) throw new ArbiterError('WRONG_PLACE')
    return leadSetChannel(r.ctx, r.actor, { projectName: c.project, platform: r.platform.name, purpose: c.purpose, channelId: c.clear ? null : c.channelId })
  },
}

/** Runs one event through the neutral layer and returns what to show. */
export async function routeEvent(r: RouteContext, event: NeutralEvent): Promise<Outcome> {
  try {
    switch (event.kind) {
      case 'action':
        return await r.interactions.action(r.actor, event.action, event.values)
      case 'submit': {
        const outcome = await r.interactions.submit(r.actor, event.ref, event.values)
        if (outcome.fieldErrors && r.platform.closesModalOnSubmit) await r.interactions.close(r.actor, event.ref, event.values)
        return outcome
      }
      case 'command':
        return await (COMMANDS[event.command.kind] as (command: LabelCommand, r: RouteContext) => Promise<Outcome>)(event.command, r)
      case 'send_to_labeling':
        return await sendToLabeling(r.ctx, r.actor, await r.platform.completeMessage(event.message))
    }
  } catch (error) {
    if (isArbiterError(error)) return { notice: error.message }
    throw error
  }
}

/**
 * `/label import`: with a file, its lines (downloaded once, and only after the lead check inside
 * leadImport); without one, the file is expected as an upload to the bot within 15 minutes.
 */
async function importFile(c: CommandOf<'import'>, r: RouteContext): Promise<Outcome> {
  const file = c.file
  let project = c.project
  let format = c.format
  if (file && project === undefined) {
    // An upload: what its sender's `/label import` asked for (kept in the database, so any instance knows; the same file finds it again on replay).
    const target = file.id ? await r.ctx.store.pendingImports.take(r.actor.identity, file.id, r.ctx.now()) : null
    if (!target) return { notice: 'To import this file, send `/label import PROJECT [FORMAT]` and upload it again, or upload it with the comment `import PROJECT [FORMAT]`. To make a Markdown file a project’s guidelines, upload it with the comment `guide PROJECT`.' }
    project = target.project
    format = target.format
  }
  if (project === undefined) return { notice: 'Name the project to import into.' }
  if (!file) {
    requireLead(await labelerFor(r.ctx, r.actor))
    await r.ctx.store.pendingImports.expect(r.actor.identity, { project, ...(format ? { format } : {}) }, new Date(r.ctx.now().getTime() + IMPORT_WINDOW_MS))
    return {
      notice: `Ready to import into ${project}. Upload the JSONL file in our direct message (drag it into the conversation with me) within 15 minutes. Any time later, upload it with the comment "import ${project}${format ? ` ${format}` : ''}".`,
    }
  }
  // Downloaded once, after the lead check (open() runs inside leadImport), and read as bytes:
  // invalid UTF-8 must reach the importer as a numbered bad line, not as U+FFFD.
  let bytes: Promise<Uint8Array> | null = null
  const open = () => {
    bytes ??= r.platform.download(file)
    const pending = bytes
    return (async function* () {
      yield* linesOfBytes(await pending)
    })()
  }
  return leadImport(r.ctx, r.actor, { projectName: project, format, open })
}


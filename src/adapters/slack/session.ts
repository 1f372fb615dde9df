// What a Slack interaction means and how its result reaches the user. Listeners (slack-app.ts)
// only parse a payload into an InboundEvent, write it to the inbox and acknowledge; this file
// runs the neutral layer and applies its Outcome with the Web API. Because an InboundEvent
// holds everything needed (who, which message, which action), the same code replays an
// acknowledged interaction after a crash.
import { TtlCache } from '../../store/ttl-cache'
import type { webApi } from '@slack/bolt'
import type { AppDeps } from '../../app-deps'
import { isArbiterError } from '../../core/errors'
import { requireLead } from '../../core/labelers'
import { labelerFor, type Actor } from '../../interactions/actor'
import { LabelingInteractions } from '../../interactions/labeling'
import { leadCreateProject, leadExport, leadImport, leadSetGuide, leadProgress, leadSetChannel, leadSetRole, leadShowProject, progressCard, sendToLabeling } from '../../interactions/lead'
import type { Outcome } from '../../interactions/outcome'
import { labelerStats, statsCard } from '../../interactions/stats'
import type { InboundEventDto } from '../../store/inbound-event-repository'
import type { Action, ModalRef } from '../../views/action-codec'
import type { Card, FormValues } from '../../views/card'
import { HELP_TEXT, parseImportComment, parseLabelCommand, type UploadTarget } from './commands'
import { SLACK_MODAL_LIMITS } from './limits'
import { fitText, noticeBlocks, plainTextOf, renderHome, renderMessage, renderModal, type SlackJson } from './render'
import { threadParent } from './slack-port'
import { activeProjects } from '../../core/projects'
import { linesOfBytes } from '../../core/import/source-line'

type WebClient = webApi.WebClient

/** Where an interaction came from: who, in which conversation, on which message. */
export interface Origin {
  user: string
  userName: string
  team: string
  /** Conversation of the message the interaction is about (the task message), if any. */
  channel?: string
  /** ts of that message. */
  ts?: string
  /** Slack's reply URL (valid 30 minutes, five uses): ephemeral notes work in any channel through it. */
  responseUrl?: string
  /** Opens a modal within 3 seconds of the interaction; useless on replay. */
  triggerId?: string
}

/** A Slack interaction in neutral terms, as stored in the inbox. */
export type InboundEvent =
  | { kind: 'action'; origin: Origin; action: Action; selected: string[] }
  | { kind: 'submit'; origin: Origin; ref: ModalRef; values: FormValues }
  | { kind: 'command'; origin: Origin; text: string }
  | { kind: 'shortcut'; origin: Origin; message: { channel: string; ts: string; text: string; author: string; threadTs?: string } }
  | { kind: 'file'; origin: Origin; file: { id: string; name: string; url?: string }; project: string; format?: string; guide?: true }

/** An Outcome plus the Slack-only ways to answer a command. */
type SlackOutcome = Outcome & { ephemeral?: Card }

/** How to apply an outcome: on replay there is no trigger, and a submit's ack may have shown part of it. */
export interface ApplyOptions {
  replay?: boolean
  /** The view_submission ack already showed these (response_action errors / update). */
  shownInAck?: { fieldErrors?: boolean; modal?: boolean }
}

const IMPORT_WINDOW_MS = 15 * 60_000
const MAX_IMPORT_BYTES = 200 * 1024 * 1024

export class SlackSession {
  readonly interactions: LabelingInteractions
  private readonly dms = new Map<string, string>()
  /** Display names from users.info, so people are named as people, not by handle (an hour, then asked again). */
  private readonly names = new TtlCache<string, string>(60 * 60_000)
  private readonly chains = new Map<string, Promise<unknown>>()
  /** Inbox rows being handled by this process (a sweep must not replay them). */
  readonly inFlight = new Set<number>()
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly deps: AppDeps,
    private readonly client: WebClient,
    private readonly botToken: string,
    /** How many interactions may run their database work at once (see gate()). */
    private readonly maxConcurrent = 4,
  ) {
    this.interactions = new LabelingInteractions(deps.ctx, SLACK_MODAL_LIMITS)
  }

  /**
   * Bounds how many interactions do database work at once. Without it, fifty labelers' work
   * queues up inside the store (SQLite runs one statement at a time, PostgreSQL has a small
   * pool) and the inbox writes that precede each ack wait behind all of it; with SQLite the
   * queue even drains synchronously and stalls the event loop for seconds. Waiting here costs
   * nothing: the interaction is already acknowledged.
   */
  private async gate<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active += 1
    try {
      return await work()
    } finally {
      const next = this.waiting.shift()
      // Hand the slot over through a macrotask, so acks and socket pings get a turn in between.
      if (next) setImmediate(next)
      else this.active -= 1
    }
  }

  private get ctx() {
    return this.deps.ctx
  }

  /** The neutral actor, named by the display name looked up before (see nameOf), else the handle the event carried. */
  actor(origin: Origin): Actor {
    const displayName = this.names.get(origin.user) || origin.userName || origin.user
    return { identity: { platform: 'slack', workspaceId: origin.team, platformUserId: origin.user }, displayName }
  }

  /**
   * The question a message answered, when Slack tells: a reply in a thread answers the thread's
   * first message (a bot answering in a thread is the usual shape). Reading it takes
   * channels:history (groups:history in a private channel); without it, or outside a thread, none.
   */
  private async questionOf(message: { channel: string; ts: string; threadTs?: string }): Promise<string | null> {
    if (!message.threadTs || message.threadTs === message.ts) return null
    const parent = await threadParent(this.client, message.channel, message.threadTs).catch(() => undefined)
    return parent?.text?.trim() || null
  }

  /**
   * A person's name as Slack shows it: the profile's display name, else their real name (users.info,
   * which the manifest's users:read allows), cached. Events carry only the handle ("lea.leadbars").
   * When the lookup fails (an app installed without users:read), the handle is cached instead, so
   * a failing lookup costs one call per person and hour, not one per click.
   */
  async nameOf(user: string, handle?: string): Promise<string> {
    const known = this.names.get(user)
    if (known) return known
    const info = await this.client.users.info({ user }).catch(() => null)
    const name = info?.user?.profile?.display_name || info?.user?.profile?.real_name || info?.user?.real_name
    if (name) return this.names.set(user, name)
    const fallback = handle || info?.user?.name
    return fallback ? this.names.set(user, fallback) : user
  }

  /**
   * Runs `work` after the user's earlier interactions: a double click or a fast Next cannot race
   * itself (the store is idempotent anyway; this keeps the replies in order).
   */
  serial<T>(user: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(user) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => undefined)
    this.chains.set(user, settled)
    void settled.then(() => {
      if (this.chains.get(user) === settled) this.chains.delete(user)
    })
    return next
  }

  /** Writes an interaction to the inbox; null when it was seen before. */
  async accept(key: string, event: InboundEvent): Promise<InboundEventDto | null> {
    const row = await this.ctx.store.inbox.accept('slack', key, event as unknown as Record<string, unknown>)
    if (row) this.deps.metrics?.inbox('slack', 'accepted')
    return row
  }

  // ---------------------------------------------------------------- running

  /** The neutral work of one interaction (serialized per user). */
  run(event: InboundEvent): Promise<SlackOutcome> {
    return this.serial(event.origin.user, () => this.gate(() => this.runNow(event)))
  }

  private async runNow(event: InboundEvent): Promise<SlackOutcome> {
    const actor = { ...this.actor(event.origin), displayName: await this.nameOf(event.origin.user, event.origin.userName) }
    switch (event.kind) {
      case 'action':
        return this.interactions.action(actor, event.action, event.selected)
      case 'submit':
        return this.interactions.submit(actor, event.ref, event.values)
      case 'command':
        return this.command(actor, event.text, event.origin.channel)
      case 'shortcut': {
        const link = await this.client.chat
          .getPermalink({ channel: event.message.channel, message_ts: event.message.ts })
          .then((r) => r.permalink ?? null)
          .catch(() => null)
        const author = event.message.author.startsWith('U') || event.message.author.startsWith('W') ? await this.nameOf(event.message.author) : event.message.author
        const question = await this.questionOf(event.message)
        return sendToLabeling(this.ctx, actor, { text: plainTextOf(event.message.text), author, link, context: question === null ? null : plainTextOf(question) })
      }
      case 'file':
        return this.importFile(actor, event)
    }
  }

  private async command(actor: Actor, text: string, channel: string | undefined): Promise<SlackOutcome> {
    const command = parseLabelCommand(text)
    try {
      switch (command.kind) {
        case 'start':
          return await this.interactions.start(actor, command.project)
        case 'stats':
          return { ephemeral: await statsCard(this.ctx, actor) }
        case 'help':
          return { notice: HELP_TEXT }
        case 'invalid':
          return { notice: command.message }
        case 'project_create':
          return await leadCreateProject(this.ctx, actor, command.name, command.types)
        case 'project_show':
          return await leadShowProject(this.ctx, actor, command.name)
        case 'progress':
          return await leadProgress(this.ctx, actor, command.project)
        case 'role': {
          const name = await this.nameOf(command.user.id, command.user.name)
          return await leadSetRole(this.ctx, actor, { identity: { ...actor.identity, platformUserId: command.user.id }, displayName: name }, command.role)
        }
        case 'export':
          return await leadExport(this.ctx, actor, { projectName: command.project, format: command.format })
        case 'channel':
          // A DM (D…) cannot be a project's channel: the command names the channel it is typed in.
          if (!channel || channel.startsWith('D')) return { notice: 'Type this in the channel itself (the calibration or lead channel), not in a direct message.' }
          return await leadSetChannel(this.ctx, actor, { projectName: command.project, platform: 'slack', purpose: command.purpose, channelId: command.clear ? null : channel })
        case 'import': {
          requireLead(await labelerFor(this.ctx, actor))
          await this.ctx.store.pendingImports.expect(actor.identity, { project: command.project, ...(command.format ? { format: command.format } : {}) }, new Date(this.ctx.now().getTime() + IMPORT_WINDOW_MS))
          return {
            notice: `Ready to import into ${command.project}. Upload the JSONL file in our direct message (drag it into the conversation with me) within 15 minutes. Any time later, upload it with the comment "import ${command.project}${command.format ? ` ${command.format}` : ''}".`,
          }
        }
      }
    } catch (error) {
      if (isArbiterError(error)) return { notice: error.message }
      throw error
    }
  }

  /** What an uploaded file in the bot's DM is for: its comment, or a recent `/label import`. */
  async importTarget(origin: Origin, fileId: string, comment: string): Promise<UploadTarget | null> {
    return parseImportComment(comment) ?? this.ctx.store.pendingImports.take(this.actor(origin).identity, fileId, this.ctx.now())
  }

  private async importFile(actor: Actor, event: Extract<InboundEvent, { kind: 'file' }>): Promise<SlackOutcome> {
    let url = event.file.url
    if (!url) {
      const info = await this.client.files.info({ file: event.file.id })
      url = info.file?.url_private_download ?? info.file?.url_private
    }
    if (!url) return { notice: `I could not find ${event.file.name} to download.` }
    // Private file URLs need the bot token; without it Slack answers 200 with its sign-in page.
    const response = await fetch(url, { headers: { Authorization: `Bearer ${this.botToken}` } })
    const type = response.headers.get('content-type') ?? ''
    if (!response.ok || type.includes('text/html')) return { notice: `I could not download ${event.file.name} (HTTP ${response.status}). Check that the app has the files:read scope.` }
    const size = Number(response.headers.get('content-length') ?? 0)
    if (size > MAX_IMPORT_BYTES) return { notice: `${event.file.name} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; import it with the command line instead (arbiter import).` }
    // Bytes, not text: invalid UTF-8 must reach the importer as a bad line, not as U+FFFD.
    const content = new Uint8Array(await response.arrayBuffer())
    if (event.guide) return leadSetGuide(this.ctx, actor, { projectName: event.project, fileName: event.file.name, read: async () => new TextDecoder().decode(content) })
    return leadImport(this.ctx, actor, { projectName: event.project, format: event.format, open: () => linesOfBytes(content) })
  }

  // ---------------------------------------------------------------- applying

  /** Shows an outcome: modal first (its trigger lasts 3 seconds), then the task message, posts, notes, files. */
  async apply(event: InboundEvent, outcome: SlackOutcome, options: ApplyOptions = {}): Promise<void> {
    const origin = event.origin
    if (outcome.modal && !options.shownInAck?.modal) {
      const opened =
        origin.triggerId && !options.replay
          ? await this.client.views
              .open({ trigger_id: origin.triggerId, view: renderModal(outcome.modal, { c: origin.channel, t: origin.ts }) as never })
              .then(() => true)
              .catch((error: unknown) => (this.deps.logger.warn({ err: error }, 'slack: views.open failed'), false))
          : false
      if (!opened) await this.notice(origin, 'That form could not open in time. Please click the button again.')
    }
    const posts = [...(outcome.post ?? [])]
    if (outcome.update) {
      const updated = origin.channel && origin.ts ? await this.update(origin.channel, origin.ts, outcome.update) : false
      // From App Home (or a lost message) there is nothing to update: the card arrives as a DM.
      if (!updated) posts.unshift({ card: outcome.update })
    }
    for (const post of posts) {
      await this.postToDm(origin.user, post.card)
      if (post.notificationId !== undefined) await this.ctx.store.notifications.markDelivered(post.notificationId, this.ctx.now())
    }
    // A reply in the thread of the message the interaction came from (calibration discussions).
    if (outcome.threadReply && origin.channel && origin.ts) {
      const reply = renderMessage(outcome.threadReply)
      await this.client.chat.postMessage({ channel: origin.channel, thread_ts: origin.ts, text: reply.text, blocks: reply.blocks as never })
    }
    for (const direct of outcome.direct ?? []) await this.postToDm(direct.userId, direct.card)
    for (const post of outcome.channelPosts ?? []) {
      const message = renderMessage(post.card)
      // A lead channel the bot cannot post in must not fail the flagger's interaction: the
      // notice stays in the outbox and the lead-notices job posts it once it can.
      const posted = await this.client.chat
        .postMessage({ channel: post.channelId, text: message.text, blocks: message.blocks as never })
        .then(() => true)
        .catch((error: unknown) => (this.deps.logger.warn({ err: error, channel: post.channelId }, 'slack: lead notice not posted; the lead-notices job retries'), false))
      if (posted && post.notificationId !== undefined) await this.ctx.store.notifications.markDelivered(post.notificationId, this.ctx.now())
    }
    if (outcome.ephemeral) await this.notice(origin, outcome.ephemeral.summary, renderMessage(outcome.ephemeral).blocks)
    if (outcome.fieldErrors && !options.shownInAck?.fieldErrors) await this.notice(origin, Object.values(outcome.fieldErrors).join(' '))
    if (outcome.notice) await this.notice(origin, outcome.notice)
    if (outcome.file) await this.uploadToDm(origin.user, outcome.file)
  }

  private async update(channel: string, ts: string, card: Card): Promise<boolean> {
    const message = renderMessage(card)
    try {
      await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never })
      return true
    } catch (error) {
      this.deps.logger.warn({ err: error, channel, ts }, 'slack: chat.update failed; posting instead')
      return false
    }
  }

  /** The user's DM with the bot (conversations.open once, then remembered). */
  async dmOf(user: string): Promise<string> {
    const known = this.dms.get(user)
    if (known) return known
    const opened = await this.client.conversations.open({ users: user })
    const id = opened.channel?.id
    if (!id) throw new Error(`conversations.open gave no channel for ${user}`)
    this.dms.set(user, id)
    return id
  }

  /** Posts a card in the user's DM; the web client retries 429s (Retry-After) so nothing is dropped. */
  async postToDm(user: string, card: Card): Promise<string | undefined> {
    const message = renderMessage(card)
    const posted = await this.client.chat.postMessage({ channel: await this.dmOf(user), text: message.text, blocks: message.blocks as never })
    return posted.ts
  }

  private async uploadToDm(user: string, file: { name: string; content: string | Buffer; comment: string }): Promise<void> {
    const body = typeof file.content === 'string' ? { content: file.content } : { file: file.content }
    await this.client.filesUploadV2({ channel_id: await this.dmOf(user), filename: file.name, ...body, initial_comment: fitText(file.comment, 3_000) })
  }

  /**
   * A short private note. The response URL works in any channel (also where the bot is not a
   * member); without one (a modal submit, a replay) an ephemeral message in the conversation,
   * and the DM as the last resort.
   */
  async notice(origin: Origin, text: string, blocks?: SlackJson[]): Promise<void> {
    const body = { text: fitText(text, 3_000), blocks: blocks ?? noticeBlocks(text) }
    if (origin.responseUrl) {
      const sent = await fetch(origin.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...body }),
      })
        .then((r) => r.ok)
        .catch(() => false)
      if (sent) return
    }
    if (origin.channel) {
      const sent = await this.client.chat
        .postEphemeral({ channel: origin.channel, user: origin.user, ...body, blocks: body.blocks as never })
        .then(() => true)
        .catch(() => false)
      if (sent) return
    }
    await this.client.chat.postMessage({ channel: await this.dmOf(origin.user), ...body, blocks: body.blocks as never })
  }

  // ---------------------------------------------------------------- the inbox

  /**
   * Runs and applies an accepted interaction, then marks it handled (or failed, to be replayed).
   * `outcome` is the neutral result when the listener already started the work (a modal submit).
   */
  async handle(row: InboundEventDto, event: InboundEvent, options: ApplyOptions = {}, outcome?: Promise<SlackOutcome>): Promise<void> {
    this.inFlight.add(row.id)
    try {
      const result = await (outcome ?? this.run(event))
      await this.apply(event, result, options)
      await this.ctx.store.inbox.markProcessed(row.id, this.ctx.now())
    } catch (error) {
      await this.fail(row, event, error, options)
    } finally {
      this.inFlight.delete(row.id)
    }
  }

  /** Logs an unexpected error, counts the attempt (replayed later, at most five times) and says so generically. */
  async fail(row: InboundEventDto, event: InboundEvent, error: unknown, options: ApplyOptions = {}): Promise<void> {
    this.deps.logger.error({ err: error, inbox: row.id, kind: event.kind }, 'slack: interaction failed')
    this.deps.metrics?.inbox('slack', 'failed')
    await this.ctx.store.inbox.markFailed(row.id, error instanceof Error ? error.message : String(error)).catch(() => undefined)
    if (!options.replay) await this.notice(event.origin, 'Something went wrong on our side. What you did is saved and will be retried; if nothing happens, try again in a minute.').catch(() => undefined)
  }

  /**
   * Handles inbox rows accepted but never marked (the process died after acknowledging):
   * an acknowledged click is recorded at restart. Rows younger than `graceMs` may still be in
   * another instance's hands (PostgreSQL, several instances) and wait for a later sweep.
   */
  async replay(graceMs: number): Promise<number> {
    const pending = await this.ctx.store.inbox.pending('slack')
    const cutoff = Date.now() - graceMs
    let replayed = 0
    for (const row of pending) {
      if (this.inFlight.has(row.id) || row.receivedAt.getTime() > cutoff) continue
      await this.handle(row, row.payload as unknown as InboundEvent, { replay: true })
      this.deps.metrics?.inbox('slack', 'replayed')
      replayed += 1
    }
    if (replayed > 0) this.deps.logger.info({ replayed }, 'slack: replayed unhandled interactions')
    return replayed
  }

  // ---------------------------------------------------------------- App Home

  /** App Home: a labeler's day, total and agreement with a Start button; leads also see progress. */
  async publishHome(origin: Origin): Promise<void> {
    const actor = { ...this.actor(origin), displayName: await this.nameOf(origin.user, origin.userName) }
    const labeler = await labelerFor(this.ctx, actor)
    const stats = await labelerStats(this.ctx, labeler.id)
    const agreement = stats.agreement ? `${Math.round((stats.agreement.agreed / stats.agreement.compared) * 100)}% of ${stats.agreement.compared} items` : 'not enough overlap yet'
    const cards: Card[] = [
      {
        summary: 'Arbiter',
        blocks: [
          { type: 'header', text: `Hello, ${labeler.displayName}` },
          {
            type: 'fields',
            fields: [
              { label: 'Done today', value: String(stats.today) },
              { label: 'Total', value: String(stats.judgments) },
              { label: 'Agreement so far', value: agreement },
            ],
          },
          { type: 'actions', controls: [{ type: 'button', action: { a: 'start' }, label: 'Start labeling', style: 'primary' }] },
          { type: 'note', text: 'Tasks arrive in the Messages tab. Type /label help for everything I can do.' },
        ],
      },
    ]
    if (labeler.role === 'lead' || labeler.role === 'admin') {
      const projects = (await activeProjects(this.ctx)).slice(0, 5)
      for (const project of projects) cards.push(await progressCard(this.ctx, project.name))
    }
    await this.client.views.publish({ user_id: origin.user, view: renderHome(cards) as never })
  }
}

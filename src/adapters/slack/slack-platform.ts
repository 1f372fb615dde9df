// Slack's side of the inbox pipeline: translation only. Who a Slack user is (names seen or
// looked up), what Slack must be asked when an event runs (a message's permalink and thread, an
// uploaded file), and how a neutral Outcome is shown with the Web API. Every Web API call goes
// through `outbound()` (src/inbox/outbound.ts), which sorts its failures.
import type { webApi } from '@slack/bolt'
import { z } from 'zod'
import { ArbiterError } from '../../core/errors'
import type { Actor } from '../../interactions/actor'
import type { Outcome } from '../../interactions/outcome'
import type { CapturedMessageRef, FileRef, InboxEnvelope } from '../../inbox/inbox-event'
import type { AckShown, InboxPlatform } from '../../inbox/inbox-pipeline'
import { outbound } from '../../inbox/outbound'
import type { PipelineEvents } from '../../inbox/pipeline-events'
import type { CoreContext } from '../../core/context'
import type { Logger } from '../../logger'
import type { Card } from '../../views/card'
import { HELP_TEXT } from './commands'
import { fitText, noticeBlocks, plainTextOf, renderMessage, renderModal, type SlackJson } from './render'
import { threadParent } from './slack-port'
import { TtlCache } from '../../store/ttl-cache'

type WebClient = webApi.WebClient

/** Where a Slack interaction came from, and so where its answers go. */
export const slackWhereSchema = z.object({
  user: z.string(),
  team: z.string(),
  /** Conversation of the message the interaction is about (the task message), if any. */
  channel: z.string().optional(),
  /** ts of that message. */
  ts: z.string().optional(),
  /** Slack's reply URL (valid 30 minutes, five uses): ephemeral notes work in any channel through it. */
  responseUrl: z.string().optional(),
  /** Opens a modal within 3 seconds of the interaction; useless on replay. */
  triggerId: z.string().optional(),
})
export type SlackWhere = z.infer<typeof slackWhereSchema>
export type SlackEnvelope = InboxEnvelope<SlackWhere>

const MAX_IMPORT_BYTES = 200 * 1024 * 1024

export class SlackPlatform implements InboxPlatform<SlackWhere> {
  readonly name = 'slack'
  readonly whereSchema = slackWhereSchema
  readonly helpText = HELP_TEXT
  readonly closesModalOnSubmit = false
  private readonly dms = new Map<string, string>()
  /** Display names from users.info, so people are named as people, not by handle (an hour, then asked again). */
  private readonly names = new TtlCache<string, string>(60 * 60_000)

  constructor(
    private readonly ctx: CoreContext,
    private readonly client: WebClient,
    private readonly botToken: string,
    private readonly logger: Logger,
    private readonly events?: PipelineEvents,
  ) {}

  /** Runs one Web API call through the outbound wrapper. */
  private call<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
    return outbound(name, run, { platform: 'slack', events: this.events })
  }

  /** The neutral actor as an event carries it: named by a display name looked up before (see nameOf), else the handle. */
  actor(who: { user: string; userName: string; team: string }): Actor {
    const displayName = this.names.get(who.user) || who.userName || who.user
    return { identity: { platform: 'slack', workspaceId: who.team, platformUserId: who.user }, displayName }
  }

  /** The actor as the event runs, named as Slack shows them (see nameOf). */
  async resolveActor(actor: Actor): Promise<Actor> {
    return { ...actor, displayName: await this.nameOf(actor.identity.platformUserId, actor.displayName) }
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
    const fallback = handle && handle !== user ? handle : info?.user?.name
    return fallback ? this.names.set(user, fallback) : user
  }

  /**
   * A message sent to labeling: its link, its author's name and the question it answered, when
   * Slack tells (a reply in a thread answers the thread's first message; reading it takes
   * channels:history, groups:history in a private channel — without it, no question).
   */
  async completeMessage(message: CapturedMessageRef): Promise<{ text: string; author: string; link: string | null; context: string | null }> {
    const { channel, ts, threadTs } = message
    const link = channel && ts ? await this.client.chat.getPermalink({ channel, message_ts: ts }).then((r) => r.permalink ?? null).catch(() => null) : null
    const author = message.author.startsWith('U') || message.author.startsWith('W') ? await this.nameOf(message.author) : message.author
    const parent = channel && threadTs && threadTs !== ts ? await threadParent(this.client, channel, threadTs).catch(() => undefined) : undefined
    const question = parent?.text?.trim() || null
    return { text: plainTextOf(message.text), author, link, context: question === null ? null : plainTextOf(question) }
  }

  /** An uploaded file's bytes. Private file URLs need the bot token; without it Slack answers 200 with its sign-in page. */
  async download(file: FileRef): Promise<Uint8Array> {
    let url = file.url
    if (!url && file.id) {
      const info = await this.call('files.info', () => this.client.files.info({ file: file.id! }))
      url = info?.file?.url_private_download ?? info?.file?.url_private
    }
    if (!url) throw new ArbiterError('FILE_UNAVAILABLE', `I could not find ${file.name} to download.`)
    const response = await fetch(url, { headers: { Authorization: `Bearer ${this.botToken}` } })
    const type = response.headers.get('content-type') ?? ''
    if (!response.ok || type.includes('text/html')) throw new ArbiterError('FILE_UNAVAILABLE', `I could not download ${file.name} (HTTP ${response.status}). Check that the app has the files:read scope.`)
    if (Number(response.headers.get('content-length') ?? 0) > MAX_IMPORT_BYTES) throw new ArbiterError('FILE_TOO_LARGE', `${file.name} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; import it with the command line instead (arbiter import).`)
    return new Uint8Array(await response.arrayBuffer())
  }

  // ---------------------------------------------------------------- showing outcomes

  applyReplayed(envelope: SlackEnvelope, outcome: Outcome): Promise<void> {
    return this.apply(envelope.where, outcome, { replay: true })
  }

  async reportReplayedFailure(envelope: SlackEnvelope, message: string): Promise<void> {
    await this.notice(envelope.where, message)
  }

  /** Shows an outcome: modal first (its trigger lasts 3 seconds), then the task message, posts, notes, files. */
  async apply(where: SlackWhere, outcome: Outcome, options: { replay?: boolean; shown?: AckShown } = {}): Promise<void> {
    if (outcome.modal && !options.shown?.modal) {
      const opened =
        where.triggerId && !options.replay
          ? await this.call('views.open', () => this.client.views.open({ trigger_id: where.triggerId!, view: renderModal(outcome.modal!, { c: where.channel, t: where.ts }) as never }))
              .then(() => true)
              .catch((error: unknown) => (this.logger.warn({ err: error }, 'slack: views.open failed'), false))
          : false
      if (!opened) await this.notice(where, new ArbiterError('FORM_EXPIRED').message)
    }
    const posts = [...(outcome.post ?? [])]
    if (outcome.update) {
      const updated = where.channel && where.ts ? await this.update(where.channel, where.ts, outcome.update) : false
      // From App Home (or a lost message) there is nothing to update: the card arrives as a DM.
      if (!updated) posts.unshift({ card: outcome.update })
    }
    for (const post of posts) {
      await this.postToDm(where.user, post.card)
      if (post.notificationId !== undefined) await this.ctx.store.notifications.markDelivered(post.notificationId, this.ctx.now())
    }
    // A reply in the thread of the message the interaction came from (calibration discussions).
    if (outcome.threadReply && where.channel && where.ts) {
      const reply = renderMessage(outcome.threadReply)
      await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: where.channel!, thread_ts: where.ts!, text: reply.text, blocks: reply.blocks as never }))
    }
    for (const direct of outcome.direct ?? []) await this.postToDm(direct.userId, direct.card)
    for (const post of outcome.channelPosts ?? []) {
      const message = renderMessage(post.card)
      // A lead channel the bot cannot post in must not fail the flagger's interaction: the
      // notice stays in the outbox and the lead-notices job posts it once it can.
      const posted = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: post.channelId, text: message.text, blocks: message.blocks as never }))
        .then(() => true)
        .catch((error: unknown) => (this.logger.warn({ err: error, channel: post.channelId }, 'slack: lead notice not posted; the lead-notices job retries'), false))
      if (posted && post.notificationId !== undefined) await this.ctx.store.notifications.markDelivered(post.notificationId, this.ctx.now())
    }
    if (outcome.ephemeral) await this.notice(where, outcome.ephemeral.summary, renderMessage(outcome.ephemeral).blocks)
    if (outcome.fieldErrors && !options.shown?.fieldErrors) await this.notice(where, Object.values(outcome.fieldErrors).join(' '))
    if (outcome.notice) await this.notice(where, outcome.notice)
    if (outcome.file) await this.uploadToDm(where.user, outcome.file)
  }

  private async update(channel: string, ts: string, card: Card): Promise<boolean> {
    const message = renderMessage(card)
    try {
      await this.call('chat.update', () => this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never }))
      return true
    } catch (error) {
      this.logger.warn({ err: error, channel, ts }, 'slack: chat.update failed; posting instead')
      return false
    }
  }

  /** The user's DM with the bot (conversations.open once, then remembered). */
  async dmOf(user: string): Promise<string> {
    const known = this.dms.get(user)
    if (known) return known
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: user }))
    const id = opened?.channel?.id
    if (!id) throw new Error(`conversations.open gave no channel for ${user}`)
    this.dms.set(user, id)
    return id
  }

  /** Posts a card in the user's DM; the web client retries 429s (Retry-After) so nothing is dropped. */
  async postToDm(user: string, card: Card): Promise<string | undefined> {
    const message = renderMessage(card)
    const channel = await this.dmOf(user)
    const posted = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never }))
    return posted?.ts
  }

  private async uploadToDm(user: string, file: { name: string; content: string | Buffer; comment: string }): Promise<void> {
    const body = typeof file.content === 'string' ? { content: file.content } : { file: file.content }
    const channel = await this.dmOf(user)
    await this.call('files.uploadV2', () => this.client.filesUploadV2({ channel_id: channel, filename: file.name, ...body, initial_comment: fitText(file.comment, 3_000) }))
  }

  /**
   * A short private note. The response URL works in any channel (also where the bot is not a
   * member); without one (a modal submit, a replay) an ephemeral message in the conversation,
   * and the DM as the last resort.
   */
  async notice(where: { user: string; channel?: string | undefined; responseUrl?: string | undefined }, text: string, blocks?: SlackJson[]): Promise<void> {
    const body = { text: fitText(text, 3_000), blocks: blocks ?? noticeBlocks(text) }
    if (where.responseUrl) {
      const sent = await fetch(where.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...body }),
      })
        .then((r) => r.ok)
        .catch(() => false)
      if (sent) return
    }
    if (where.channel) {
      const channel = where.channel
      const sent = await this.call('chat.postEphemeral', () => this.client.chat.postEphemeral({ channel, user: where.user, ...body, blocks: body.blocks as never }))
        .then(() => true)
        .catch(() => false)
      if (sent) return
    }
    const dm = await this.dmOf(where.user)
    await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: dm, ...body, blocks: body.blocks as never }))
  }
}

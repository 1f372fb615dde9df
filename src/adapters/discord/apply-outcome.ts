// Applies a neutral Outcome in Discord's terms. Two sinks: a live interaction (update the task
// message, ephemeral follow-ups, a modal when it is still the first response) and a DM (for
// events replayed from the inbox, whose interaction token died with the old process). What goes
// to other places — DMs to other people, a reply in the thread of the source message — is not
// the interaction's to send: it goes through REST (`Elsewhere`, the bot's DiscordChatPort).
import {
  MessageFlags,
  type BaseMessageOptions,
  type ButtonInteraction,
  type Client,
  type InteractionEditReplyOptions,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js'
import type { CoreContext } from '../../core/context'
import { BOTH_BAD } from '../../core/task-types'
import type { Outcome } from '../../interactions/outcome'
import type { Action, ModalRef } from '../../views/action-codec'
import type { Card, Modal } from '../../views/card'
import { button, notePage, renderCard, type DiscordPage } from './render-card'
import { renderModal } from './render-modal'
import { outbound } from '../../inbox/outbound'
import type { PipelineEvents } from '../../inbox/pipeline-events'

/** Where an outcome goes. */
export interface OutcomeSink {
  /** Replace the message the interaction came from. */
  update(page: DiscordPage): Promise<void>
  /** A new private message. */
  send(page: DiscordPage): Promise<void>
  /** Opens the modal; false when that is no longer possible (already acknowledged, or a DM). */
  modal(modal: Modal): Promise<boolean>
  /** Acknowledges whatever was not answered yet. */
  finish(): Promise<void>
  /** True when the source message is seen by everyone in its channel (a calibration parent), not only by this user. */
  readonly shared: boolean
}

/** Where an outcome's messages for other people go (REST, not the interaction). */
export interface Elsewhere {
  direct(userId: string, card: Card): Promise<void>
  /** A reply in the thread under the source message; false when there is no such message (a replay without one). */
  threadReply(card: Card): Promise<boolean>
  /** A post in a channel (a flag in the lead channel). */
  toChannel(channelId: string, card: Card): Promise<void>
}

const NO_MENTIONS = { parse: [] as [] }

/**
 * One Discord call through the shared outbound wrapper (src/inbox/outbound.ts): network errors
 * and 5xx get two more tries (discord.js already waits out 429s), a 4xx is permanent. A retried
 * acknowledgement that Discord had in fact received comes back as 40060 "already
 * acknowledged": that is success.
 */
function call<T>(name: string, run: () => Promise<T>, events: PipelineEvents | undefined): Promise<T | undefined> {
  return outbound(name, run, { platform: 'discord', events, retries: 2, alreadyDone: (error) => (error as { code?: number }).code === 40060 })
}

function createOptions(page: DiscordPage): BaseMessageOptions {
  return {
    ...(page.content !== undefined ? { content: page.content } : {}),
    embeds: page.embeds,
    components: page.components,
    ...(page.files ? { files: page.files.map((f) => ({ attachment: f.data, name: f.name })) } : {}),
    allowedMentions: page.allowedUsers?.length ? { parse: [], users: page.allowedUsers } : NO_MENTIONS,
  }
}

/** An edit replaces everything, so content, embeds and rows are always sent (empty clears). */
function editOptions(page: DiscordPage): InteractionEditReplyOptions {
  return { ...createOptions(page), content: page.content ?? '' }
}

type Updatable = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction

/** A live interaction. Component clicks may still open a modal until they are acknowledged. */
export class InteractionSink implements OutcomeSink {
  // A deferred reply shows "thinking…" until its first message replaces it.
  private placeholder = false

  constructor(
    private readonly interaction: RepliableInteraction,
    /** True for clicks and for modals submitted from a message: "update" edits that message. */
    private readonly updatable: boolean,
    private readonly events?: PipelineEvents,
  ) {}

  get acknowledged(): boolean {
    return this.interaction.deferred || this.interaction.replied
  }

  get shared(): boolean {
    const message = 'message' in this.interaction ? this.interaction.message : null
    return this.updatable && !!message && !message.flags.has(MessageFlags.Ephemeral)
  }

  async defer(): Promise<void> {
    if (this.acknowledged) return
    if (this.updatable) await call('interaction.deferUpdate', () => (this.interaction as Updatable).deferUpdate(), this.events)
    else {
      await call('interaction.deferReply', () => this.interaction.deferReply({ flags: MessageFlags.Ephemeral }), this.events)
      this.placeholder = true
    }
  }

  async update(page: DiscordPage): Promise<void> {
    if (!this.updatable) return this.send(page)
    if (!this.acknowledged) await call('interaction.update', () => (this.interaction as ButtonInteraction).update({ ...editOptions(page), withResponse: false }), this.events)
    else await call('interaction.editReply', () => this.interaction.editReply(editOptions(page)), this.events)
  }

  async send(page: DiscordPage): Promise<void> {
    if (!this.acknowledged) await call('interaction.reply', () => this.interaction.reply({ ...createOptions(page), flags: MessageFlags.Ephemeral }), this.events)
    else if (this.placeholder) {
      this.placeholder = false
      await call('interaction.editReply', () => this.interaction.editReply(editOptions(page)), this.events)
    } else await call('interaction.followUp', () => this.interaction.followUp({ ...createOptions(page), flags: MessageFlags.Ephemeral }), this.events)
  }

  async modal(modal: Modal): Promise<boolean> {
    const target = this.interaction
    if (this.acknowledged || target.isModalSubmit()) return false
    await call('interaction.showModal', () => target.showModal(renderModal(modal) as never), this.events)
    return true
  }

  async finish(): Promise<void> {
    if (!this.acknowledged) await this.defer()
    if (this.placeholder) await this.send(notePage('Done.'))
  }
}

/** A direct message to the user (replayed events). Modals cannot be opened there. */
export class DirectMessageSink implements OutcomeSink {
  constructor(
    private readonly client: Client,
    private readonly userId: string,
    private readonly events?: PipelineEvents,
  ) {}

  async update(page: DiscordPage): Promise<void> {
    await this.send(page)
  }

  async send(page: DiscordPage): Promise<void> {
    await call('users.send', () => this.client.users.send(this.userId, createOptions(page)), this.events)
  }

  async modal(): Promise<boolean> {
    return false
  }

  async finish(): Promise<void> {}

  readonly shared = false
}

/** The click that opens the same form again (Discord closes a modal on submit, even on errors). */
export function reopenAction(ref: ModalRef): Action | null {
  switch (ref.m) {
    case 'rationale':
      return ref.v !== undefined ? { a: 'verdict', as: ref.as, v: ref.v } : { a: 'rationale', as: ref.as }
    case 'flag':
      return { a: 'flag', as: ref.as }
    case 'both_bad':
      return { a: 'verdict', as: ref.as, v: BOTH_BAD }
    case 'form':
      return { a: 'form', as: ref.as, f: ref.f, s: ref.s }
    case 'cal_resolve':
      return { a: 'cal_resolve', t: ref.t, v: ref.v }
    case 'flag_settle':
      return { a: 'flag_settle', j: ref.j, v: ref.v }
    default:
      return null
  }
}

function reopenButtons(ref: ModalRef, label: string) {
  const action = reopenAction(ref)
  return action ? [button(action, label, 'primary')] : []
}

/**
 * Applies an outcome: modal first (it must be the first response), then the update of the task
 * message, then private notes, cards and files. Notifications are marked delivered once posted.
 */
export async function applyOutcome(sink: OutcomeSink, outcome: Outcome, ctx: CoreContext, options: { submitted?: ModalRef; replaceWithPost?: boolean; elsewhere?: Elsewhere } = {}): Promise<void> {
  const { submitted } = options
  // "Next task": the finished card turns into the next task in place (one edit instead of a
  // pointer plus a new ephemeral message), when that task fits one message.
  const only = outcome.post?.length === 1 ? outcome.post[0] : undefined
  if (options.replaceWithPost && outcome.update && only && only.notificationId === undefined) {
    const pages = renderCard(only.card)
    if (pages.length === 1) outcome = { ...outcome, update: only.card, post: [] }
  }
  if (outcome.modal) {
    if (await sink.modal(outcome.modal)) return
    await sink.send(notePage(`${outcome.modal.title}: this step needs a form. Press the button to open it.`, reopenButtons(outcome.modal.ref, 'Open the form')))
  }
  if (outcome.update) {
    const pages = renderCard(outcome.update)
    if (pages.length === 1) await sink.update(pages[0]!)
    else if (sink.shared) {
      // A message everyone sees (a calibration parent spread over messages): its last page, the
      // one with the controls, becomes the first page of the new card — the header and verdict.
      // The pages before it still show the item; nothing private goes to the channel.
      await sink.update({ ...pages[0]!, components: [] })
    } else {
      // One message cannot hold it: the old message points below and every page follows in order.
      await sink.update(notePage(`${outcome.update.summary} (continued below)`))
      for (const page of pages) await sink.send(page)
    }
  }
  if (outcome.fieldErrors) {
    const errors = Object.values(outcome.fieldErrors).map((e) => `• ${e}`).join('\n')
    await sink.send(notePage(`Please fix the form:\n${errors}\nWhat you typed is kept.`, submitted ? reopenButtons(submitted, 'Open the form again') : []))
  }
  if (outcome.notice) await sink.send(notePage(outcome.notice))
  // Every reply is private on Discord: an ephemeral card is one more message for this user.
  for (const page of outcome.ephemeral ? renderCard(outcome.ephemeral) : []) await sink.send(page)
  for (const post of outcome.post ?? []) {
    for (const page of renderCard(post.card)) await sink.send(page)
    if (post.notificationId !== undefined) await ctx.store.notifications.markDelivered(post.notificationId, ctx.now())
  }
  if (outcome.file) {
    await sink.send({ ...notePage(outcome.file.comment), files: [{ name: outcome.file.name, data: typeof outcome.file.content === 'string' ? Buffer.from(outcome.file.content, 'utf8') : outcome.file.content }] })
  }
  if (outcome.direct?.length || outcome.threadReply) await sendElsewhere(sink, outcome, options.elsewhere)
  // A lead channel the bot cannot post in must not fail the flagger's interaction: the notice
  // stays in the outbox and the lead-notices job posts it once it can.
  for (const post of outcome.channelPosts ?? []) {
    const posted = await (options.elsewhere?.toChannel(post.channelId, post.card).then(() => true) ?? Promise.resolve(false)).catch(() => false)
    if (posted && post.notificationId !== undefined) await ctx.store.notifications.markDelivered(post.notificationId, ctx.now())
  }
  await sink.finish()
}

/**
 * DMs to other people and the thread reply. One closed DM (Discord 50007) must not keep the
 * others from hearing, so each is tried on its own; whoever acted learns privately who was missed.
 */
async function sendElsewhere(sink: OutcomeSink, outcome: Outcome, elsewhere: Elsewhere | undefined): Promise<void> {
  let missed = 0
  for (const { userId, card } of outcome.direct ?? []) {
    try {
      if (!elsewhere) throw new Error('no REST port')
      await elsewhere.direct(userId, card)
    } catch {
      missed++
    }
  }
  let threadFailed = false
  if (outcome.threadReply) threadFailed = !(await (elsewhere?.threadReply(outcome.threadReply).catch(() => false) ?? false))
  const notes = [
    ...(missed > 0 ? [`Could not message ${missed} of them privately (their DMs may be closed); please tell them yourself.`] : []),
    ...(threadFailed ? ['The summary could not be posted in the discussion thread.'] : []),
  ]
  if (notes.length > 0) await sink.send(notePage(notes.join(' ')))
}

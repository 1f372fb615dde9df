// The Discord adapter: a discord.js Client wired to the neutral labeling layer.
//
// Transport only. For each interaction: parse it into a neutral event, write it to the inbox
// (before Discord is acknowledged: a crash after that point replays it at the next start; a
// duplicate delivery is dropped by the inbox's unique key), acknowledge within Discord's 3 s,
// run the neutral layer, render the Outcome, mark the event processed.
//
// Acknowledging: slash commands are deferred at once (an ephemeral "thinking…" reply). Clicks
// and modal submits are decided first, because only an unacknowledged click can still open a
// modal (a verdict may need a rationale form): if the neutral layer answers within
// BUDGET.componentDecisionMs the answer is the acknowledgement (update, modal or reply);
// otherwise the click is deferred and a form it asks for is offered behind a button.
//
// Tasks arrive as ephemeral messages in the channel where /label was used (README, "Setting up Discord";
// "How tasks arrive"): only the labeler sees them, and no DM permission or DM intent is needed.
//
// Calibration parents are channel messages everyone sees: a blind vote's reveal is an ephemeral
// follow-up, a lead's resolution edits the parent for everyone, and what goes to other people
// (DMs to dissenters, the thread summary) is sent through REST by the DiscordChatPort.
import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction, type RepliableInteraction } from 'discord.js'
import type { AppDeps, RunningAdapter } from '../../app-deps'
import { noMetrics } from '../../ops/metrics'
import { observeRest } from './observe-rest'
import { LabelingInteractions } from '../../interactions/labeling'
import { LATE, within } from '../../time-limit'
import type { Outcome } from '../../interactions/outcome'
import { applyOutcome, DirectMessageSink, InteractionSink, type Elsewhere } from './apply-outcome'
import { DiscordChatPort } from './discord-port'
import { inboxPayloadSchema, parseInteraction, type InboxPayload } from './discord-events'
import { BUDGET } from './discord-limits'
import { DISCORD_MODAL_LIMITS } from './render-modal'
import { notePage } from './render-card'
import { fetchText, runEvent, type Download } from './run-event'

export const PLATFORM = 'discord'

/** Test and tuning hooks; production uses the defaults. */
export interface DiscordBotOverrides {
  clientOptions?: Partial<ClientOptions>
  /** How long a click may be decided before it is deferred (ms); 0 defers at once. */
  decisionMs?: number
  /** Replay only inbox events at least this old (ms), so another instance's in-flight work is left alone. */
  replayMinAgeMs?: number
  download?: Download
}

/** A Discord bot that is built but not yet logged in. */
export interface DiscordBot {
  client: Client
  /** Logs in, waits for READY, then replays unhandled inbox events. */
  start(token?: string): Promise<void>
  stop(): Promise<void>
  /** Resolves when every interaction received so far is fully handled (tests, shutdown). */
  idle(): Promise<void>
  /** Handles unprocessed inbox events; returns how many were handled. */
  replay(): Promise<number>
  /** Whether the gateway session is ready now (readiness probe). */
  connected(): boolean
}

const GENERIC_FAILURE = 'Something went wrong on our side; nothing you did was lost. Please try again in a moment.'

export function createDiscordBot(deps: AppDeps, overrides: DiscordBotOverrides = {}): DiscordBot {
  const { config, ctx, logger } = deps
  const metrics = deps.metrics ?? noMetrics
  const log = logger.child({ adapter: PLATFORM })
  const session = new LabelingInteractions(ctx, DISCORD_MODAL_LIMITS)
  const download = overrides.download ?? fetchText
  const client = new Client({
    // Interactions arrive whatever the intents; Guilds gives the role cache for the lead check.
    // No DirectMessages intent: the bot sends DMs (replays) but never reads them.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...(config.DISCORD_API_URL ? { rest: { api: config.DISCORD_API_URL } } : {}),
    ...overrides.clientOptions,
  })
  // REST only, sharing the client's token and rate-limit buckets (set at login).
  const port = new DiscordChatPort(client.rest)
  observeRest(client.rest, metrics)
  // Readiness: READY or a resumed session is up; a dropped or reconnecting shard is down.
  let gatewayReady = false
  client.on(Events.ClientReady, () => (gatewayReady = true))
  client.on(Events.ShardReady, () => (gatewayReady = true))
  client.on(Events.ShardResume, () => (gatewayReady = true))
  client.on(Events.ShardDisconnect, () => (gatewayReady = false))
  client.on(Events.ShardReconnecting, () => (gatewayReady = false))
  const inflight = new Set<Promise<void>>()
  const track = (work: Promise<void>) => {
    inflight.add(work)
    void work.finally(() => inflight.delete(work))
  }

  async function handle(interaction: Interaction): Promise<void> {
    const received = Date.now()
    const receivedAt = performance.now()
    if (!interaction.isRepliable()) return
    const parsed = parseInteraction(interaction, config.DISCORD_LEAD_ROLE)
    if (!parsed) return
    if ('refuse' in parsed) {
      await new InteractionSink(interaction, false).send(notePage(parsed.refuse))
      return
    }
    if (!interaction.guildId) await asGuildLabeler(parsed.payload)
    const event = parsed.payload.event
    const updatable = event.kind === 'action' || (event.kind === 'submit' && event.fromMessage)
    const sink = new InteractionSink(interaction as RepliableInteraction, updatable, () => metrics.acked('discord', event.kind, (performance.now() - receivedAt) / 1000))
    // The inbox write comes before the acknowledgement, always: an acknowledged interaction must
    // survive a crash (it is replayed at start). Were the database so slow that Discord's 3 s
    // passed, the user would see Discord's error and try again, which records once.
    const accepting = ctx.store.inbox.accept(PLATFORM, interaction.id, parsed.payload)
    const row = await accepting
    if (!row) {
      log.info({ interaction: interaction.id }, 'duplicate interaction ignored')
      return
    }
    metrics.inbox('discord', 'accepted')
    let outcome: Outcome
    try {
      const decide = mayOpenModal(parsed.payload) && event.kind === 'action' && (await session.mayOpenModal(parsed.payload.actor, event.action))
      if (!decide) await sink.defer()
      const work = runEvent(ctx, session, parsed.payload, download)
      if (decide) {
        // Only an unacknowledged click can open a modal: wait for the answer up to the budget.
        const budget = (overrides.decisionMs ?? BUDGET.componentDecisionMs) - (Date.now() - received)
        if ((await within(work, budget)) === LATE) await sink.defer()
      }
      outcome = await work
      await ctx.store.inbox.markProcessed(row.id, ctx.now())
    } catch (error) {
      log.error({ err: error, interaction: interaction.id, event: event.kind }, 'interaction failed')
      metrics.inbox('discord', 'failed')
      await ctx.store.inbox.markFailed(row.id, error instanceof Error ? error.message : String(error)).catch(() => undefined)
      await sink.send(notePage(GENERIC_FAILURE)).catch(() => undefined)
      return
    }
    // The work is recorded; showing it is best effort (discord.js already retries 429s and 5xx).
    const rendering = { ...(event.kind === 'submit' ? { submitted: event.ref } : {}), replaceWithPost: event.kind === 'action' && event.action.a === 'next', elsewhere: elsewhere(parsed.payload) }
    await applyOutcome(sink, outcome, ctx, rendering).catch((error: unknown) =>
      log.warn({ err: error, interaction: interaction.id }, 'rendering the outcome failed'),
    )
  }

  /**
   * A click in a DM (a drift ping's "Got it", a reminder's "Next task") carries no guild, but the
   * labeler it is about joined from a guild: Discord user ids are global, so the DM is theirs.
   * Without this the click would create a second labeler in workspace "dm".
   */
  async function asGuildLabeler(payload: InboxPayload): Promise<void> {
    const identity = payload.actor.identity
    const known = (await ctx.store.labelers.findByHandle(identity.platformUserId)).find((l) => l.platform === PLATFORM && l.platformUserId === identity.platformUserId)
    if (known) payload.actor.identity = { ...identity, workspaceId: known.workspaceId }
  }

  /** DMs to other people and the thread reply of one event's outcome. */
  function elsewhere(payload: InboxPayload): Elsewhere {
    return {
      direct: async (userId, card) => void (await port.sendDirect(userId, card)),
      toChannel: async (channelId, card) => void (await port.postToChannel(channelId, card)),
      threadReply: async (card) => {
        // A calibration parent may span several messages: its thread hangs under the first one,
        // the controls sit on the last, so the thread comes from the calibration record.
        const t = calibrationThreadId(payload)
        const thread = t !== null ? await ctx.store.calibration.findById(t) : null
        const parent = thread?.messageId ? { channelId: thread.channelId, messageId: thread.messageId, ...(thread.threadId ? { threadId: thread.threadId } : {}) } : payload.source
        if (!parent) return false
        await port.postInThread(parent, card, 'Discussion')
        return true
      },
    }
  }

  async function replay(): Promise<number> {
    const minAge = overrides.replayMinAgeMs ?? 10_000
    const pending = (await ctx.store.inbox.pending(PLATFORM)).filter((e) => Date.now() - e.receivedAt.getTime() >= minAge)
    let handled = 0
    for (const entry of pending) {
      const parsed = inboxPayloadSchema.safeParse(entry.payload)
      if (!parsed.success) {
        await ctx.store.inbox.markFailed(entry.id, `unreadable payload: ${parsed.error.message}`)
        continue
      }
      const payload: InboxPayload = parsed.data
      try {
        const outcome = await runEvent(ctx, session, payload, download)
        await ctx.store.inbox.markProcessed(entry.id, ctx.now())
        metrics.inbox('discord', 'replayed')
        handled++
        // The interaction token is dead: the user hears about it by DM (modals are skipped).
        await applyOutcome(new DirectMessageSink(client, payload.userId), outcome, ctx, { elsewhere: elsewhere(payload) }).catch((error: unknown) =>
          log.warn({ err: error, event: entry.id }, 'could not DM the outcome of a replayed interaction'),
        )
      } catch (error) {
        log.error({ err: error, event: entry.id }, 'replaying an interaction failed')
        metrics.inbox('discord', 'failed')
        await ctx.store.inbox.markFailed(entry.id, error instanceof Error ? error.message : String(error))
      }
    }
    if (pending.length > 0) log.info({ replayed: handled, pending: pending.length }, 'replayed unhandled Discord interactions')
    return handled
  }

  client.on(Events.InteractionCreate, (interaction) => {
    track(
      handle(interaction).catch((error: unknown) => {
        log.error({ err: error, interaction: interaction.id }, 'unexpected error handling an interaction')
      }),
    )
  })
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'))
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway resumed'))

  return {
    client,
    async start(token = config.DISCORD_TOKEN) {
      if (!token) throw new Error('DISCORD_TOKEN is not set')
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()))
      await client.login(token)
      await ready
      log.info({ user: client.user?.tag }, 'discord bot ready')
      await replay()
    },
    connected: () => gatewayReady && client.isReady(),
    async stop() {
      gatewayReady = false
      // Bounded: an acknowledged interaction is in the inbox and is replayed at the next start.
      if ((await within(this.idle(), 5_000)) === LATE) log.warn({ pending: inflight.size }, 'discord: stopping with work still running')
      await client.destroy()
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight])
    },
    replay,
  }
}

/** Clicks whose answer may be a modal (the neutral layer then says whether this one will); everything else is deferred at once. */
function mayOpenModal(payload: InboxPayload): boolean {
  if (payload.event.kind !== 'action') return false
  return ['verdict', 'submit_rank', 'sft_submit', 'rationale', 'flag', 'form', 'review', 'cal_resolve', 'flag_settle'].includes(payload.event.action.a)
}

/** The calibration thread an event is about, if any. */
function calibrationThreadId(payload: InboxPayload): number | null {
  const { event } = payload
  if (event.kind === 'action' && (event.action.a === 'cal_vote' || event.action.a === 'cal_resolve')) return event.action.t
  if (event.kind === 'submit' && event.ref.m === 'cal_resolve') return event.ref.t
  return null
}

/** Starts the Discord adapter (main.ts). */
export async function startDiscord(deps: AppDeps): Promise<RunningAdapter> {
  const bot = createDiscordBot(deps)
  await bot.start()
  return { name: PLATFORM, stop: () => bot.stop(), connected: () => bot.connected() }
}

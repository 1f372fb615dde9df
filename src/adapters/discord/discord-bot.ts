// The Discord adapter: a discord.js Client wired to the neutral labeling layer.
//
// Translation only. For each interaction: parse it into a neutral event and hand it to the inbox
// pipeline (src/inbox/inbox-pipeline.ts: accept → ack → run → mark and apply together), saying how Discord
// is acknowledged and how an Outcome is shown; the pipeline's sweep handles what a dead
// instance left, showing the outcome by DM.
//
// Acknowledging: slash commands are deferred at once (an ephemeral "thinking…" reply). Clicks
// and modal submits wait for their outcome first: if the neutral layer answers within
// BUDGET.componentDecisionMs, the answer is the acknowledgement itself (update, modal or reply);
// otherwise the click is deferred, the message is edited after, and a form it asks for is offered
// behind a button. Answering in the interaction callback matters twice: only an unacknowledged
// click can still open a modal (a verdict may need a rationale form), and callbacks are exempt
// from the bot's global rate limit (50 requests a second, which discord.js enforces), while a
// deferral's later edit is not. Deferring every click made two limited calls per judgment, which
// capped a busy project at about 25 judgments a second whatever the bot's own speed.
//
// Tasks arrive as ephemeral messages in the channel where /label was used (README, "Setting up Discord";
// "How tasks arrive"): only the labeler sees them, and no DM permission or DM intent is needed.
//
// Calibration parents are channel messages everyone sees: a blind vote's reveal is an ephemeral
// follow-up, a lead's resolution edits the parent for everyone, and what goes to other people
// (DMs to dissenters, the thread summary) is sent through REST by the DiscordChatPort.
import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction, type RepliableInteraction } from 'discord.js'
import type { AppDeps, RunningAdapter } from '../../app-deps'
import type { CapturedMessageRef, FileRef } from '../../inbox/inbox-event'
import { InboxPipeline, type InboxPlatform, type LiveInteraction, type PipelineTiming } from '../../inbox/inbox-pipeline'
import type { PipelineEvents } from '../../inbox/pipeline-events'
import { noMetrics } from '../../ops/metrics'
import { pipelineEventsFor } from '../../ops/pipeline-metrics'
import { observeRest } from './observe-rest'
import { LabelingInteractions } from '../../interactions/labeling'
import type { Outcome } from '../../interactions/outcome'
import { LATE, within } from '../../time-limit'
import { applyOutcome, DirectMessageSink, InteractionSink, type Elsewhere } from './apply-outcome'
import { DiscordChatPort } from './discord-port'
import { discordWhereSchema, parseInteraction, type DiscordEnvelope, type DiscordWhere } from './discord-events'
import { fetchBytes, fitForUpload, type Download } from './discord-files'
import { BUDGET } from './discord-limits'
import { DISCORD_MODAL_LIMITS } from './render-modal'
import { notePage } from './render-card'

export const PLATFORM = 'discord'

/** Test and tuning hooks; production uses the defaults. */
export interface DiscordBotOverrides extends PipelineTiming {
  clientOptions?: Partial<ClientOptions>
  /** How long a click may be decided before it is deferred (ms); 0 defers at once. */
  decisionMs?: number
  download?: Download
  /** Hooks for metrics (src/inbox/pipeline-events.ts). */
  events?: PipelineEvents
}

/** A Discord bot that is built but not yet logged in. */
export interface DiscordBot {
  client: Client
  pipeline: InboxPipeline<DiscordWhere>
  /** Logs in, waits for READY, then starts the inbox pipeline (which sweeps up what a dead instance left). */
  start(token?: string): Promise<void>
  stop(): Promise<void>
  /** Resolves when every interaction received so far is fully handled (tests, shutdown). */
  idle(): Promise<void>
  /** Sweeps the inbox now: handles rows left unhandled; returns how many. */
  replay(): Promise<number>
  /** Whether the gateway session is ready now (readiness probe). */
  connected(): boolean
}

export function createDiscordBot(deps: AppDeps, overrides: DiscordBotOverrides = {}): DiscordBot {
  const { config, ctx, logger } = deps
  const log = logger.child({ adapter: PLATFORM })
  const metrics = deps.metrics ?? noMetrics
  // Metrics hear what the pipeline reports (src/ops/pipeline-metrics.ts).
  const events = overrides.events ?? (deps.metrics ? pipelineEventsFor(deps.metrics) : undefined)
  const interactions = new LabelingInteractions(ctx, DISCORD_MODAL_LIMITS)
  const download = overrides.download ?? fetchBytes
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

  /** Discord's side of the pipeline: lookups (all told at parse time) and answers without a live interaction (DMs). */
  const platform: InboxPlatform<DiscordWhere> = {
    name: PLATFORM,
    whereSchema: discordWhereSchema,
    helpText: 'Type /label and pick a subcommand: start, stats, progress, project-create, role, import, export, channel, guide.',
    // Discord closes a modal on submit, even with errors: what was typed is kept for reopening it.
    closesModalOnSubmit: true,
    nameOf: async (userId, handle) => handle ?? (await client.users.fetch(userId).catch(() => null))?.displayName ?? userId,
    completeMessage: async (message: CapturedMessageRef) => ({ text: message.text, author: message.author, link: message.link ?? null, context: message.context ?? null }),
    download: (file: FileRef) => download(file.url ?? ''),
    // The interaction token is dead: the user hears about it by DM (modals are offered behind a button).
    applyReplayed: (envelope, outcome) => applyOutcome(new DirectMessageSink(client, envelope.where.userId, events), fitForUpload(outcome), ctx, { elsewhere: elsewhere(envelope) }),
    reportReplayedFailure: (envelope, message) => new DirectMessageSink(client, envelope.where.userId, events).send(notePage(message)),
  }
  const pipeline = new InboxPipeline({ ...overrides, ctx, interactions, platform, logger: log, events })

  // Transport figures: every REST attempt and rate-limit wait (src/ops/pipeline-metrics.ts says why here).
  observeRest(client.rest, metrics)
  // Readiness: READY or a resumed session is up; a dropped or reconnecting shard is down.
  let gatewayReady = false
  client.on(Events.ClientReady, () => (gatewayReady = true))
  client.on(Events.ShardReady, () => (gatewayReady = true))
  client.on(Events.ShardResume, () => (gatewayReady = true))
  client.on(Events.ShardDisconnect, () => (gatewayReady = false))
  client.on(Events.ShardReconnecting, () => (gatewayReady = false))

  const parsing = new Set<Promise<void>>()
  const track = (work: Promise<void>) => {
    parsing.add(work)
    void work.finally(() => parsing.delete(work))
  }

  async function handle(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable()) return
    const parsed = parseInteraction(interaction, config.DISCORD_LEAD_ROLE)
    if (!parsed) return
    if ('refuse' in parsed) {
      await new InteractionSink(interaction, false, events).send(notePage(parsed.refuse))
      return
    }
    const { envelope } = parsed
    if (!interaction.guildId) await asGuildLabeler(envelope)
    const event = envelope.event
    const sink = new InteractionSink(interaction as RepliableInteraction, parsed.updatable, events)
    const rendering = { ...(event.kind === 'submit' ? { submitted: event.ref } : {}), replaceWithPost: event.kind === 'action' && event.action.a === 'next', elsewhere: elsewhere(envelope) }
    // Clicks and submits wait for their outcome (the header says why); commands are deferred at once.
    const decides = event.kind === 'action' || event.kind === 'submit'
    const live: LiveInteraction = {
      decisionMs: async () => (decides ? (overrides.decisionMs ?? BUDGET.componentDecisionMs) : 0),
      // An outcome that came in time is the acknowledgement itself (update, modal or reply).
      ack: async (early: Outcome | null) => (early ? {} : (await sink.defer(), {})),
      duplicate: async () => log.info({ interaction: interaction.id }, 'duplicate interaction ignored'),
      apply: (outcome) => applyOutcome(sink, fitForUpload(outcome), ctx, rendering),
      failed: (message) => sink.send(notePage(message)),
    }
    await pipeline.receive(interaction.id, envelope, live)
  }

  /**
   * A click in a DM (a drift ping's "Got it", a reminder's "Next task") carries no guild, but the
   * labeler it is about joined from a guild: Discord user ids are global, so the DM is theirs.
   * Without this the click would create a second labeler in workspace "dm".
   */
  async function asGuildLabeler(envelope: DiscordEnvelope): Promise<void> {
    const identity = envelope.actor.identity
    const known = (await ctx.store.labelers.findByHandle(identity.platformUserId)).find((l) => l.platform === PLATFORM && l.platformUserId === identity.platformUserId)
    if (known) envelope.actor.identity = { ...identity, workspaceId: known.workspaceId }
  }

  /** DMs to other people and the thread reply of one event's outcome. */
  function elsewhere(envelope: DiscordEnvelope): Elsewhere {
    return {
      direct: async (userId, card) => void (await port.sendDirect(userId, card)),
      toChannel: async (channelId, card) => void (await port.postToChannel(channelId, card)),
      threadReply: async (card) => {
        // A calibration parent may span several messages: its thread hangs under the first one,
        // the controls sit on the last, so the thread comes from the calibration record.
        const t = calibrationThreadId(envelope)
        const thread = t !== null ? await ctx.store.calibration.findById(t) : null
        const parent = thread?.messageId ? { channelId: thread.channelId, messageId: thread.messageId, ...(thread.threadId ? { threadId: thread.threadId } : {}) } : envelope.where.source
        if (!parent) return false
        await port.postInThread(parent, card, 'Discussion')
        return true
      },
    }
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
    pipeline,
    async start(token = config.DISCORD_TOKEN) {
      if (!token) throw new Error('DISCORD_TOKEN is not set')
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()))
      await client.login(token)
      await ready
      log.info({ user: client.user?.tag }, 'discord bot ready')
      pipeline.start()
    },
    connected: () => gatewayReady && client.isReady(),
    async stop() {
      gatewayReady = false
      pipeline.stop()
      // Bounded: an acknowledged interaction is in the inbox and is swept up by another instance or the next start.
      if ((await within(this.idle(), 5_000)) === LATE) log.warn({ pending: parsing.size + pipeline.pending }, 'discord: stopping with work still running')
      await client.destroy()
    },
    async idle() {
      while (parsing.size > 0 || pipeline.pending > 0) await Promise.allSettled([...parsing, pipeline.idle()])
    },
    replay: () => pipeline.sweep(),
  }
}

/** The calibration thread an event is about, if any. */
function calibrationThreadId(envelope: DiscordEnvelope): number | null {
  const { event } = envelope
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

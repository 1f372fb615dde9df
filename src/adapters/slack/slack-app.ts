// Bolt wiring, and nothing else: each handler parses its payload into a neutral event and hands
// it to the inbox pipeline (src/inbox/inbox-pipeline.ts), saying how Slack is acknowledged: a
// click or command at once, a modal submit with its answer when that comes within Slack's
// three seconds. Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode with request
// signing (SLACK_SIGNING_SECRET) on SLACK_PORT.
import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { App, LogLevel, SocketModeReceiver, type webApi } from '@slack/bolt'
import type { AppDeps, RunningAdapter } from '../../app-deps'
import type { HealthRoute } from '../../ops/health-server'
import { noMetrics } from '../../ops/metrics'
import { pipelineEventsFor } from '../../ops/pipeline-metrics'
import { observedFetch } from './observed-fetch'
import { ArbiterError } from '../../core/errors'
import { InboxPipeline, type AckShown, type LiveInteraction, type PipelineTiming } from '../../inbox/inbox-pipeline'
import type { NeutralEvent } from '../../inbox/inbox-event'
import { outbound } from '../../inbox/outbound'
import type { PipelineEvents } from '../../inbox/pipeline-events'
import { LabelingInteractions } from '../../interactions/labeling'
import type { Outcome } from '../../interactions/outcome'
import { LATE, within } from '../../time-limit'
import { decodeAction, decodeModalRef } from '../../views/action-codec'
import { homeCards } from '../../interactions/home'
import { parseImportComment, parseLabelCommand } from './commands'
import { SLACK_MODAL_LIMITS } from './limits'
import { formValues, parseOrigin, renderHome, renderModal, viewErrors, type SlackJson } from './render'
import { SlackPlatform, type SlackWhere } from './slack-platform'

/** Knobs the tests and the benchmark turn; production uses the defaults. */
export interface SlackOverrides extends PipelineTiming {
  /** Default: socket when SLACK_APP_TOKEN is set, else http. */
  mode?: 'socket' | 'http'
  /** HTTP mode port (default SLACK_PORT; 0 picks a free one). */
  port?: number
  /** Merged into the Web API client options (e.g. a small retryConfig in tests). */
  clientOptions?: webApi.WebClientOptions
  logLevel?: LogLevel
  /** Total time a view submission may take before a plain ack (default 2,500 ms of Slack's 3 s). */
  submitBudgetMs?: number
  /** Socket Mode ping timeout (ms). */
  clientPingTimeout?: number
  /** Hooks for metrics (src/inbox/pipeline-events.ts); default: deps.metrics fed from them. */
  events?: PipelineEvents
  /** HTTP mode: extra routes on Bolt's port (the health and metrics endpoints). */
  customRoutes?: HealthRoute[]
}

/** A Slack app that is built but maybe not started (the tests' handle). */
export interface SlackAdapter {
  name: 'slack'
  app: App
  platform: SlackPlatform
  pipeline: InboxPipeline<SlackWhere>
  /** HTTP mode: the port listened on, once started. */
  port?: number
  start(): Promise<void>
  stop(): Promise<void>
  /** Whether Slack can reach us now: the socket is open (Socket Mode), or Bolt is listening (HTTP mode). */
  connected(): boolean
}

const OURS = /^arb1:/
export const SEND_TO_LABELING = 'send_to_labeling'

/** A digest of submitted values: a corrected resubmission after field errors is a new interaction, a retry is not. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex').slice(0, 16)
}

type Loose = SlackJson & Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const loose = (value: unknown): Loose => (value ?? {}) as Loose

function userOf(body: Loose): { user: string; userName: string; team: string } {
  const user = body.user ?? {}
  return { user: String(user.id ?? body.user_id ?? ''), userName: String(user.name ?? user.username ?? body.user_name ?? ''), team: String(body.team?.id ?? user.team_id ?? body.team_id ?? '') }
}

/** Builds the Bolt app and its listeners; `start()` connects. */
export function createSlackApp(deps: AppDeps, overrides: SlackOverrides = {}): SlackAdapter {
  const { config, logger, ctx } = deps
  // Metrics hear everything the pipeline and outbound() report (src/ops/pipeline-metrics.ts).
  const events = overrides.events ?? (deps.metrics ? pipelineEventsFor(deps.metrics) : undefined)
  const metrics = deps.metrics ?? noMetrics
  const token = config.SLACK_BOT_TOKEN
  if (!token) throw new Error('SLACK_BOT_TOKEN is not set')
  const mode = overrides.mode ?? (config.SLACK_APP_TOKEN ? 'socket' : 'http')
  const clientOptions: webApi.WebClientOptions = { ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}), fetch: observedFetch(metrics), ...overrides.clientOptions }
  const logLevel = overrides.logLevel ?? LogLevel.WARN
  const submitBudgetMs = overrides.submitBudgetMs ?? 2_500

  let receiver: SocketModeReceiver | undefined
  let app: App
  if (mode === 'socket') {
    if (!config.SLACK_APP_TOKEN) throw new Error('Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)')
    // A hand-built receiver reads the API URL from installerOptions.clientOptions; we build it
    // ourselves to wait for its 'disconnected' event on stop.
    receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN,
      installerOptions: { clientOptions },
      logLevel,
      ...(overrides.clientPingTimeout ? { clientPingTimeout: overrides.clientPingTimeout } : {}),
    })
    // convoStore: false — Arbiter keeps no conversation state in Bolt (the inbox and the store hold
    // it), and Bolt's default store looks every event up and rejects with an Error when none is kept.
    app = new App({ token, receiver, clientOptions, logLevel, extendedErrorHandler: true, convoStore: false })
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET')
    // Bolt's HTTPReceiver verifies x-slack-signature (HMAC of the raw body) and refuses requests
    // older than five minutes with 401.
    app = new App({ token, signingSecret: config.SLACK_SIGNING_SECRET, clientOptions, logLevel, extendedErrorHandler: true, convoStore: false, ...(overrides.customRoutes ? { customRoutes: overrides.customRoutes } : {}) })
  }
  // Readiness: the socket client says when its connection opens and drops (it reconnects itself).
  let socketOpen = false
  if (receiver) {
    receiver.client.on('connected', () => (socketOpen = true))
    for (const down of ['close', 'reconnecting', 'disconnected']) receiver.client.on(down, () => (socketOpen = false))
  }
  let listening = false

  const platform = new SlackPlatform(ctx, app.client, token, logger, events)
  const interactions = new LabelingInteractions(ctx, SLACK_MODAL_LIMITS)
  const pipeline = new InboxPipeline({ ...overrides, ctx, interactions, platform, logger, events })

  /** A Slack interaction answered through the pipeline; `ackWith` shapes the ack, `decisionMs` lets it wait for the outcome. */
  function live(where: SlackWhere, ack: () => Promise<void>, options: { decisionMs?: number; ackWith?: (early: Outcome | null) => Promise<AckShown> } = {}): LiveInteraction {
    return {
      decisionMs: async () => options.decisionMs ?? 0,
      ack: options.ackWith ?? (async () => (await ack(), {})),
      duplicate: ack,
      apply: (outcome, shown) => platform.apply(where, outcome, { shown }),
      failed: (message) => platform.notice(where, message),
    }
  }

  /** Hands one interaction to the pipeline; the listener lasts until it is handled (Bolt's own bookkeeping, the tests' idle()). */
  function receive(key: string, who: { user: string; userName: string; team: string }, where: SlackWhere, event: NeutralEvent, answer: LiveInteraction): Promise<void> {
    return pipeline.receive(key, { actor: platform.actor(who), event, where }, answer)
  }

  // ---------------------------------------------------------------- /label

  async function onLabelCommand({ command, ack }: Loose): Promise<void> {
    const who = userOf(loose(command))
    const where: SlackWhere = { user: who.user, team: who.team, channel: command.channel_id, responseUrl: command.response_url, triggerId: command.trigger_id }
    const inDm = command.channel_id.startsWith('D')
    // A DM (D…) cannot be a project's channel: the command names the channel it is typed in.
    const parsed = parseLabelCommand(command.text, inDm ? null : command.channel_id)
    // The ack text is the only reply Slack shows instantly; outside the DM, say where the task went.
    const acknowledge = () => (parsed.kind === 'start' && !inDm ? ack({ response_type: 'ephemeral', text: 'Your task is on its way to our direct message.' }) : ack())
    await receive(`cmd:${command.trigger_id}`, who, where, { kind: 'command', command: parsed }, live(where, acknowledge))
  }

  // ---------------------------------------------------------------- buttons and selects

  async function onAction({ ack, body, action }: Loose): Promise<void> {
    const a = loose(action)
    const b = loose(body)
    const decoded = decodeAction(String(a.action_id))
    if (!decoded) return void (await ack())
    const selected: string[] = Array.isArray(a.selected_options) ? a.selected_options.map((o: Loose) => String(o.value)) : a.selected_option ? [String(a.selected_option.value)] : []
    const who = userOf(b)
    const where: SlackWhere = {
      user: who.user,
      team: who.team,
      ...((b.channel?.id ?? b.container?.channel_id) ? { channel: String(b.channel?.id ?? b.container?.channel_id) } : {}),
      ...((b.message?.ts ?? b.container?.message_ts) ? { ts: String(b.message?.ts ?? b.container?.message_ts) } : {}),
      ...(b.response_url ? { responseUrl: String(b.response_url) } : {}),
      ...(b.trigger_id ? { triggerId: String(b.trigger_id) } : {}),
    }
    // The click's own action_ts, not the envelope: a redelivered envelope maps to the same key.
    await receive(`act:${who.user}:${String(a.action_ts)}:${digest(a.action_id)}`, who, where, { kind: 'action', action: decoded, values: selected }, live(where, ack))
  }

  // ---------------------------------------------------------------- modals

  async function onViewSubmission({ ack, body, view }: Loose): Promise<void> {
    const ref = decodeModalRef(view.callback_id)
    if (!ref) return void (await ack())
    const meta = parseOrigin(view.private_metadata)
    const who = userOf(loose(body))
    const where: SlackWhere = { user: who.user, team: who.team, ...(meta.c ? { channel: meta.c } : {}), ...(meta.t ? { ts: meta.t } : {}), triggerId: loose(body).trigger_id }
    const values = formValues(view.state.values as never)
    // A submit's answer may belong in the ack itself (field errors, the next modal), so the
    // neutral work may take Slack's window; if it runs long the ack is plain and the answer follows.
    const ackWith = async (early: Outcome | null): Promise<AckShown> => {
      if (early?.fieldErrors) await ack({ response_action: 'errors', errors: viewErrors(early.fieldErrors, view as never) })
      else if (early?.modal) await ack({ response_action: 'update', view: renderModal(early.modal, meta) as never })
      else await ack()
      return { fieldErrors: Boolean(early?.fieldErrors), modal: Boolean(early?.modal) }
    }
    await receive(`view:${view.id}:${view.hash}:${digest(view.state.values)}`, who, where, { kind: 'submit', ref, values }, live(where, ack, { decisionMs: submitBudgetMs, ackWith }))
  }

  async function onViewClosed({ ack, body, view }: Loose): Promise<void> {
    await ack()
    const ref = decodeModalRef(view.callback_id)
    if (!ref) return
    const who = userOf(loose(body))
    await pipeline.serial(who.user, () => interactions.close(platform.actor(who), ref, formValues(view.state.values as never)))
  }

  // ---------------------------------------------------------------- message shortcut

  async function onShortcut({ ack, shortcut }: Loose): Promise<void> {
    const s = loose(shortcut)
    const who = userOf(s)
    const where: SlackWhere = { user: who.user, team: who.team, channel: String(s.channel?.id ?? ''), responseUrl: s.response_url, triggerId: s.trigger_id }
    // The link, the author's name and a thread's question are looked up when the event runs, after the ack.
    const message = {
      channel: String(s.channel?.id ?? ''),
      ts: String(s.message_ts ?? s.message?.ts ?? ''),
      text: String(s.message?.text ?? ''),
      author: String(s.message?.user ?? s.message?.username ?? s.message?.bot_id ?? 'unknown'),
      ...(s.message?.thread_ts ? { threadTs: String(s.message.thread_ts) } : {}),
    }
    await receive(`sc:${who.user}:${String(s.action_ts)}`, who, where, { kind: 'send_to_labeling', message }, live(where, ack))
  }

  // ---------------------------------------------------------------- events (Bolt acks these itself)

  async function onHomeOpened({ event, body }: Loose): Promise<void> {
    if (event.tab !== 'home') return
    const who = { user: event.user, userName: '', team: String(loose(body).team_id ?? '') }
    const view = renderHome(await homeCards(ctx, await platform.resolveActor(platform.actor(who))))
    await outbound('views.publish', () => app.client.views.publish({ user_id: event.user, view: view as never }), { platform: 'slack', events: overrides.events })
  }

  async function onMessage({ event, body }: Loose): Promise<void> {
    const e = loose(event)
    if (e.subtype !== 'file_share' || e.channel_type !== 'im' || !Array.isArray(e.files) || e.files.length === 0) return
    const user = String(e.user)
    const who = { user, userName: await platform.nameOf(user), team: String(loose(body).team_id ?? e.team ?? '') }
    const where: SlackWhere = { user, team: who.team, channel: String(e.channel) }
    const file = e.files[0] as Loose
    const url = file.url_private_download ?? file.url_private
    // The comment may say what the file is for; otherwise the router looks up a waiting `/label import`.
    // `guide PROJECT` makes a Markdown file the project's guidelines.
    const target = parseImportComment(String(e.text ?? ''))
    const ref = { id: String(file.id), name: String(file.name ?? 'file'), ...(url ? { url: String(url) } : {}) }
    const command = target?.guide
      ? { kind: 'guide' as const, project: target.project, file: ref }
      : { kind: 'import' as const, ...(target ? { project: target.project, ...(target.format ? { format: target.format } : {}) } : {}), file: ref }
    // Bolt acknowledged the event already.
    await receive(`file:${String(file.id)}`, who, where, { kind: 'command', command }, live(where, async () => undefined))
  }

  // ---------------------------------------------------------------- the one entry

  // One global middleware hands every envelope Bolt has parsed to its handler above. Bolt runs
  // each registered listener's matching chain on every envelope: with seven listeners that was
  // about 90 µs an envelope, against 33 µs for one middleware (measured with app.processEvent),
  // so an opening burst of 200 commands is acknowledged 11 ms sooner. Anything not ours is
  // acknowledged and dropped (a listener that matched nothing left it unanswered).
  app.use(async (args) => {
    const a = loose(args)
    const body = loose(a.body)
    const ours = (id: unknown) => OURS.test(String(id ?? ''))
    if (typeof body.command === 'string') return body.command === '/label' ? onLabelCommand(a) : a.ack()
    switch (body.type) {
      case 'block_actions':
        return ours(a.action?.action_id) ? onAction(a) : a.ack()
      case 'view_submission':
        return ours(a.view?.callback_id) ? onViewSubmission(a) : a.ack()
      case 'view_closed':
        return ours(a.view?.callback_id) ? onViewClosed(a) : a.ack()
      case 'shortcut':
      case 'message_action':
        return a.shortcut?.callback_id === SEND_TO_LABELING ? onShortcut(a) : a.ack()
      case 'event_callback':
        // Bolt acknowledged the event already.
        if (a.event?.type === 'app_home_opened') return onHomeOpened(a)
        if (a.event?.type === 'message') return onMessage(a)
        return
      default:
        return a.ack?.()
    }
  })

  // ---------------------------------------------------------------- the one error handler

  // With extendedErrorHandler Bolt passes {error, body, context, logger}; its declared type is the plain handler's.
  app.error((async (args: unknown) => {
    const { error, body } = loose(args)
    const b = loose(body)
    logger.error({ err: error, type: b.type ?? b.command ?? b.event?.type }, 'slack: unhandled error')
    const who = userOf(b)
    if (!who.user) return
    const channel = b.channel?.id ?? b.channel_id ?? b.container?.channel_id
    await platform.notice({ user: who.user, ...(channel ? { channel: String(channel) } : {}), ...(b.response_url ? { responseUrl: String(b.response_url) } : {}) }, new ArbiterError('DELIVERY_FAILED').message).catch(() => undefined)
  }) as never)

  const adapter: SlackAdapter = {
    name: 'slack',
    app,
    platform,
    pipeline,
    async start() {
      const started = mode === 'http' ? await app.start(overrides.port ?? config.SLACK_PORT) : await app.start()
      if (mode === 'http') adapter.port = ((started as Server).address() as AddressInfo).port
      listening = true
      pipeline.start()
      logger.info({ mode, port: adapter.port }, 'slack: connected')
    },
    connected: () => (receiver ? socketOpen : listening),
    async stop() {
      listening = false
      pipeline.stop()
      // Every wait is bounded: work already in the inbox is swept up by another instance or the
      // next start, and a socket whose close handshake never ends must not keep the process alive.
      if ((await within(pipeline.idle(), 5_000)) === LATE) logger.warn({ pending: pipeline.pending }, 'slack: stopping with work still running')
      // app.stop() resolves before the socket's close handshake ends; wait for it.
      const disconnected = receiver ? new Promise<void>((resolve) => receiver!.client.once('disconnected', () => resolve())) : Promise.resolve()
      if ((await within(app.stop(), 5_000)) === LATE) logger.warn('slack: app.stop() did not finish within 5 s')
      await within(disconnected, 2_000)
    },
  }
  return adapter
}

/** Starts Slack from configuration (main.ts). */
export async function startSlack(deps: AppDeps, overrides: SlackOverrides = {}): Promise<RunningAdapter> {
  const adapter = createSlackApp(deps, overrides)
  await adapter.start()
  return { name: 'slack', stop: () => adapter.stop(), connected: () => adapter.connected(), ...(adapter.port !== undefined ? { port: adapter.port } : {}) }
}

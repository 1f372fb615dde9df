// Bolt wiring, and nothing else: each listener parses its payload into a neutral InboundEvent,
// writes it to the inbox, acknowledges, and hands it to the session (session.ts). Slack gives
// three seconds to acknowledge; the inbox write races a timer so a slow database never makes
// us miss that window. Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP mode with
// request signing (SLACK_SIGNING_SECRET) on SLACK_PORT.
import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { App, LogLevel, SocketModeReceiver, type webApi } from '@slack/bolt'
import type { AppDeps, RunningAdapter } from '../../app-deps'
import { noMetrics, timedAck } from '../../ops/metrics'
import type { HealthRoute } from '../../ops/health-server'
import type { InboundEventDto } from '../../store/inbound-event-repository'
import { LATE, within } from '../../time-limit'
import { decodeAction, decodeModalRef } from '../../views/action-codec'
import { parseLabelCommand } from './commands'
import { formValues, parseOrigin, renderModal, viewErrors, type SlackJson } from './render'
import { observedFetch } from './observed-fetch'
import { SlackSession, type InboundEvent, type Origin } from './session'

/** Knobs the tests and the benchmark turn; production uses the defaults. */
export interface SlackOverrides {
  /** Default: socket when SLACK_APP_TOKEN is set, else http. */
  mode?: 'socket' | 'http'
  /** HTTP mode port (default SLACK_PORT; 0 picks a free one). */
  port?: number
  /** Merged into the Web API client options (e.g. a small retryConfig in tests). */
  clientOptions?: webApi.WebClientOptions
  logLevel?: LogLevel
  /** Total time a view submission may take before a plain ack (default 2,500 ms of Slack's 3 s). */
  submitBudgetMs?: number
  /** Unhandled inbox rows younger than this are left to their instance (default 30 s). */
  replayGraceMs?: number
  /** How often unhandled rows are swept up (default 60 s; 0 turns the sweep off). */
  sweepIntervalMs?: number
  /** How many interactions may do database work at once (default 2 on SQLite, which runs one statement at a time, 4 on PostgreSQL). */
  maxConcurrent?: number
  /** Socket Mode ping timeout (ms). */
  clientPingTimeout?: number
  /** HTTP mode: extra routes on Bolt's port (the health and metrics endpoints). */
  customRoutes?: HealthRoute[]
}

/** A Slack app that is built but maybe not started (the tests' handle). */
export interface SlackAdapter {
  name: 'slack'
  app: App
  session: SlackSession
  /** HTTP mode: the port listened on, once started. */
  port?: number
  start(): Promise<void>
  stop(): Promise<void>
  /** Whether Slack can reach us now: the socket is open (Socket Mode), or Bolt is listening (HTTP mode). */
  connected(): boolean
  /** Replays unhandled inbox rows now (also done at start and by the sweep). */
  replayPending(graceMs?: number): Promise<number>
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
  const { config, logger } = deps
  const metrics = deps.metrics ?? noMetrics
  const token = config.SLACK_BOT_TOKEN
  if (!token) throw new Error('SLACK_BOT_TOKEN is not set')
  const mode = overrides.mode ?? (config.SLACK_APP_TOKEN ? 'socket' : 'http')
  const clientOptions: webApi.WebClientOptions = { ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}), fetch: observedFetch(metrics), ...overrides.clientOptions }
  const logLevel = overrides.logLevel ?? LogLevel.WARN
  const submitBudgetMs = overrides.submitBudgetMs ?? 2_500
  const replayGraceMs = overrides.replayGraceMs ?? 30_000
  const sweepIntervalMs = overrides.sweepIntervalMs ?? 60_000

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
    app = new App({ token, receiver, clientOptions, logLevel, extendedErrorHandler: true })
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET')
    // Bolt's HTTPReceiver verifies x-slack-signature (HMAC of the raw body) and refuses requests
    // older than five minutes with 401.
    app = new App({ token, signingSecret: config.SLACK_SIGNING_SECRET, clientOptions, logLevel, extendedErrorHandler: true, ...(overrides.customRoutes ? { customRoutes: overrides.customRoutes } : {}) })
  }
  // Readiness: the socket client says when its connection opens and drops (it reconnects itself).
  let socketOpen = false
  if (receiver) {
    receiver.client.on('connected', () => (socketOpen = true))
    for (const down of ['close', 'reconnecting', 'disconnected']) receiver.client.on(down, () => (socketOpen = false))
  }
  let listening = false

  const session = new SlackSession(deps, app.client, token, overrides.maxConcurrent ?? (deps.ctx.store.database.provider === 'sqlite' ? 2 : 4))
  const running = new Set<Promise<unknown>>()
  const track = (work: Promise<unknown>): void => {
    running.add(work)
    void work.finally(() => running.delete(work))
  }

  /**
   * Inbox first, then ack; resolves with the row, or null for a duplicate. The ack waits for the
   * write, always: an acknowledged click must survive a crash (it is replayed at start). The
   * write takes a few milliseconds; if the database were so slow that Slack's 3 s passed, the
   * user would see Slack's error and click again, which records once (the assignment is the key).
   */
  async function intake(key: string, event: InboundEvent, ack: () => Promise<void>): Promise<InboundEventDto | null> {
    let row: InboundEventDto | null
    try {
      row = await session.accept(key, event)
    } catch (error) {
      // Nothing was stored: say so through the ack's absence of work, and let the error handler reply.
      await ack()
      throw error
    }
    await ack()
    return row
  }

  /** Intake and handling of an interaction whose ack carries nothing. */
  async function interaction(key: string, event: InboundEvent, ack: () => Promise<void>): Promise<void> {
    const row = await intake(key, event, ack)
    if (!row) return
    const work = session.handle(row, event)
    track(work)
    await work
  }

  // ---------------------------------------------------------------- /label

  app.command('/label', async ({ command, ack: slackAck }) => {
    const ack = timedAck(metrics, 'slack', 'command', performance.now(), slackAck)
    const who = userOf(loose(command))
    const origin: Origin = { ...who, channel: command.channel_id, responseUrl: command.response_url, triggerId: command.trigger_id }
    const inDm = command.channel_id.startsWith('D')
    const starts = parseLabelCommand(command.text).kind === 'start'
    // The ack text is the only reply Slack shows instantly; outside the DM, say where the task went.
    const acknowledge = () => (starts && !inDm ? ack({ response_type: 'ephemeral', text: 'Your task is on its way to our direct message.' }) : ack())
    await interaction(`cmd:${command.trigger_id}`, { kind: 'command', origin, text: command.text }, acknowledge)
  })

  // ---------------------------------------------------------------- buttons and selects

  app.action(OURS, async ({ ack: slackAck, body, action }) => {
    const ack = timedAck(metrics, 'slack', 'action', performance.now(), slackAck)
    const a = loose(action)
    const b = loose(body)
    const decoded = decodeAction(String(a.action_id))
    if (!decoded) return void (await ack())
    const selected: string[] = Array.isArray(a.selected_options) ? a.selected_options.map((o: Loose) => String(o.value)) : a.selected_option ? [String(a.selected_option.value)] : []
    const origin: Origin = {
      ...userOf(b),
      ...((b.channel?.id ?? b.container?.channel_id) ? { channel: String(b.channel?.id ?? b.container?.channel_id) } : {}),
      ...((b.message?.ts ?? b.container?.message_ts) ? { ts: String(b.message?.ts ?? b.container?.message_ts) } : {}),
      ...(b.response_url ? { responseUrl: String(b.response_url) } : {}),
      ...(b.trigger_id ? { triggerId: String(b.trigger_id) } : {}),
    }
    // The click's own action_ts, not the envelope: a redelivered envelope maps to the same key.
    await interaction(`act:${origin.user}:${String(a.action_ts)}:${digest(a.action_id)}`, { kind: 'action', origin, action: decoded, selected }, ack)
  })

  // ---------------------------------------------------------------- modals

  app.view({ callback_id: OURS, type: 'view_submission' }, async ({ ack: slackAck, body, view }) => {
    const ack = timedAck(metrics, 'slack', 'submit', performance.now(), slackAck)
    const ref = decodeModalRef(view.callback_id)
    if (!ref) return void (await ack())
    const meta = parseOrigin(view.private_metadata)
    const origin: Origin = { ...userOf(loose(body)), ...(meta.c ? { channel: meta.c } : {}), ...(meta.t ? { ts: meta.t } : {}), triggerId: loose(body).trigger_id }
    const values = formValues(view.state.values as never)
    const event: InboundEvent = { kind: 'submit', origin, ref, values }
    const started = Date.now()
    const accepting = session.accept(`view:${view.id}:${view.hash}:${digest(view.state.values)}`, event)
    // Stored before anything is acknowledged, like every interaction (see intake).
    const row = await accepting.catch(async (error: unknown) => {
      await ack()
      throw error
    })
    if (row === null) return void (await ack())
    // A submit's answer may belong in the ack itself (field errors, the next modal), so the
    // neutral work runs inside the window; if it runs long we ack plainly and reply afterwards.
    session.inFlight.add(row.id)
    const work = session.run(event)
    track(work)
    const outcome = await within(work, submitBudgetMs - (Date.now() - started)).catch(() => null)
    if (outcome === LATE || outcome === null) {
      await ack()
      return void (await session.handle(row, event, {}, work))
    }
    if (outcome.fieldErrors) await ack({ response_action: 'errors', errors: viewErrors(outcome.fieldErrors, view as never) })
    else if (outcome.modal) await ack({ response_action: 'update', view: renderModal(outcome.modal, meta) as never })
    else await ack()
    await session.handle(row, event, { shownInAck: { fieldErrors: Boolean(outcome.fieldErrors), modal: Boolean(outcome.modal) } }, work)
  })

  app.view({ callback_id: OURS, type: 'view_closed' }, async ({ ack, body, view }) => {
    await ack()
    const ref = decodeModalRef(view.callback_id)
    if (!ref) return
    const origin: Origin = userOf(loose(body))
    await session.serial(origin.user, () => session.interactions.close(session.actor(origin), ref, formValues(view.state.values as never)))
  })

  // ---------------------------------------------------------------- message shortcut

  app.shortcut(SEND_TO_LABELING, async ({ ack: slackAck, shortcut }) => {
    const ack = timedAck(metrics, 'slack', 'shortcut', performance.now(), slackAck)
    const s = loose(shortcut)
    const origin: Origin = { ...userOf(s), channel: String(s.channel?.id ?? ''), responseUrl: s.response_url, triggerId: s.trigger_id }
    const message = {
      channel: String(s.channel?.id ?? ''),
      ts: String(s.message_ts ?? s.message?.ts ?? ''),
      text: String(s.message?.text ?? ''),
      author: String(s.message?.user ?? s.message?.username ?? s.message?.bot_id ?? 'unknown'),
      ...(s.message?.thread_ts ? { threadTs: String(s.message.thread_ts) } : {}),
    }
    await interaction(`sc:${origin.user}:${String(s.action_ts)}`, { kind: 'shortcut', origin, message }, ack)
  })

  // ---------------------------------------------------------------- events (Bolt acks these itself)

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return
    await session.publishHome({ user: event.user, userName: '', team: String(loose(body).team_id ?? '') })
  })

  app.event('message', async ({ event, body }) => {
    const e = loose(event)
    if (e.subtype !== 'file_share' || e.channel_type !== 'im' || !Array.isArray(e.files) || e.files.length === 0) return
    const user = String(e.user)
    const origin: Origin = { user, userName: await session.nameOf(user), team: String(loose(body).team_id ?? e.team ?? ''), channel: String(e.channel) }
    const file = e.files[0] as Loose
    const target = await session.importTarget(origin, String(file.id), String(e.text ?? ''))
    if (!target) {
      await session.notice(origin, 'To import this file, send `/label import PROJECT [FORMAT]` and upload it again, or upload it with the comment `import PROJECT [FORMAT]`. To make a Markdown file a project’s guidelines, upload it with the comment `guide PROJECT`.')
      return
    }
    const url = file.url_private_download ?? file.url_private
    const inbound: InboundEvent = { kind: 'file', origin, file: { id: String(file.id), name: String(file.name ?? 'file'), ...(url ? { url: String(url) } : {}) }, ...target }
    const row = await session.accept(`file:${String(file.id)}`, inbound)
    if (row) await session.handle(row, inbound)
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
    await session.notice({ ...who, ...(channel ? { channel: String(channel) } : {}), ...(b.response_url ? { responseUrl: String(b.response_url) } : {}) }, 'Sorry, something went wrong on our side. Please try again.').catch(() => undefined)
  }) as never)

  let sweep: NodeJS.Timeout | undefined
  const adapter: SlackAdapter = {
    name: 'slack',
    app,
    session,
    async start() {
      const started = mode === 'http' ? await app.start(overrides.port ?? config.SLACK_PORT) : await app.start()
      if (mode === 'http') adapter.port = ((started as Server).address() as AddressInfo).port
      listening = true
      track(adapter.replayPending().catch((error: unknown) => logger.error({ err: error }, 'slack: replay failed')))
      if (sweepIntervalMs > 0) {
        sweep = setInterval(() => track(adapter.replayPending().catch((error: unknown) => logger.error({ err: error }, 'slack: sweep failed'))), sweepIntervalMs)
        sweep.unref()
      }
      logger.info({ mode, port: adapter.port }, 'slack: connected')
    },
    connected: () => (receiver ? socketOpen : listening),
    async stop() {
      listening = false
      if (sweep) clearInterval(sweep)
      // Every wait is bounded: work already in the inbox is replayed at the next start, and a
      // socket whose close handshake never ends must not keep the process alive.
      if ((await within(Promise.allSettled([...running]), 5_000)) === LATE) logger.warn({ pending: running.size }, 'slack: stopping with work still running')
      // app.stop() resolves before the socket's close handshake ends; wait for it.
      const disconnected = receiver ? new Promise<void>((resolve) => receiver!.client.once('disconnected', () => resolve())) : Promise.resolve()
      if ((await within(app.stop(), 5_000)) === LATE) logger.warn('slack: app.stop() did not finish within 5 s')
      await within(disconnected, 2_000)
    },
    replayPending: (graceMs = replayGraceMs) => session.replay(graceMs),
  }
  return adapter
}

/** Starts Slack from configuration (main.ts). */
export async function startSlack(deps: AppDeps, overrides: SlackOverrides = {}): Promise<RunningAdapter> {
  const adapter = createSlackApp(deps, overrides)
  await adapter.start()
  return { name: 'slack', stop: () => adapter.stop(), connected: () => adapter.connected(), ...(adapter.port !== undefined ? { port: adapter.port } : {}) }
}

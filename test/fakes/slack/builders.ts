// Payload builders: what Slack sends an app when a person clicks, submits, types a command or opens
// the App Home. Each builder reads the fake's state (the message that holds the button, the view
// that was opened) so payloads carry what real Slack would: block ids, private_metadata, a fresh
// trigger_id and a response_url pointing back at the fake.
import { randomHex } from './ids'
import type { SlackJson, StoredMessage, StoredView } from './types'
import type { Workspace } from './workspace'

const VERIFICATION_TOKEN = 'fake-verification-token'

/** A value a test gives for one input: a plain value, a list for multi-selects, or a Slack-shaped state object. */
export type StateInput = string | number | string[] | null | SlackJson

/** Options for a button click or menu choice. */
export interface BlockActionsOptions {
  user: string
  /** The element's action_id, or a pattern for encoded ids. */
  actionId: string | RegExp
  /** Where the message is; if omitted every channel is searched, newest message first. */
  channel?: string
  /** Which message; if omitted, the newest message holding a matching element. */
  messageTs?: string
  /** The action happened inside a view (id or callback_id), not a message. */
  view?: string
  /** Button: pick the button with this value. Select / radio / overflow / users_select: the value chosen. */
  value?: string
  /** Checkboxes and multi-selects: the values chosen. */
  values?: string[]
  blockId?: string
  /** Override the issued trigger_id (e.g. to test an invalid one). */
  triggerId?: string
  /** Look in ephemeral messages (chat.postEphemeral / response_url) instead of the channel. */
  ephemeral?: boolean
}

/** Options for a modal submission. */
export interface ViewSubmissionOptions {
  /** The view: its id (`V…`) or callback_id (the latest such view). */
  view: string
  /** Defaults to the user the view was opened for. */
  user?: string
  /** Slack-shaped keys: block_id → action_id → value. */
  values?: Record<string, Record<string, StateInput>>
  /** Keyed by action_id only; the block is found in the view. */
  inputs?: Record<string, StateInput>
  triggerId?: string
}

interface FoundElement {
  blockId: string
  element: SlackJson
}

function matches(pattern: string | RegExp, actionId: unknown): boolean {
  if (typeof actionId !== 'string') return false
  return typeof pattern === 'string' ? pattern === actionId : pattern.test(actionId)
}

function elementsOf(block: SlackJson): SlackJson[] {
  if (block.type === 'actions' && Array.isArray(block.elements)) return block.elements
  if (block.type === 'section' && block.accessory) return [block.accessory]
  if (block.type === 'input' && block.element) return [block.element]
  return []
}

/** All interactive elements in blocks, with their block ids (for messages of "did you mean"). */
function allActionIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return []
  return blocks.flatMap((b: SlackJson) => elementsOf(b).map((e) => String(e.action_id)))
}

function findElement(blocks: unknown, opts: Pick<BlockActionsOptions, 'actionId' | 'value' | 'blockId'>): FoundElement | undefined {
  if (!Array.isArray(blocks)) return undefined
  for (const block of blocks as SlackJson[]) {
    if (opts.blockId !== undefined && block.block_id !== opts.blockId) continue
    for (const element of elementsOf(block)) {
      if (!matches(opts.actionId, element.action_id)) continue
      // Several buttons may share an action_id across blocks; the value tells them apart.
      if (element.type === 'button' && opts.value !== undefined && element.value !== opts.value) continue
      return { blockId: String(block.block_id), element }
    }
  }
  return undefined
}

function allOptions(element: SlackJson): SlackJson[] {
  if (Array.isArray(element.option_groups)) return element.option_groups.flatMap((g: SlackJson) => (Array.isArray(g.options) ? g.options : []))
  return Array.isArray(element.options) ? element.options : []
}

function optionFor(element: SlackJson, value: string): SlackJson {
  if (element.type === 'external_select' || element.type === 'multi_external_select') {
    return { text: { type: 'plain_text', text: value, emoji: true }, value }
  }
  const option = allOptions(element).find((o) => o.value === value)
  if (!option) {
    const known = allOptions(element).map((o) => o.value).join(', ')
    throw new Error(`fake-slack: ${String(element.action_id)} has no option with value ${value} (options: ${known})`)
  }
  return structuredClone(option)
}

function userRef(ws: Workspace, id: string): SlackJson {
  const user = ws.ensureUser(id)
  return { id, username: user.name, name: user.name, team_id: user.team_id }
}

function teamRef(ws: Workspace): SlackJson {
  return { id: ws.config.teamId, domain: ws.config.teamDomain }
}

function channelRef(ws: Workspace, id: string): SlackJson {
  const channel = ws.ensureChannel(id)
  return { id, name: typeof channel.name === 'string' ? channel.name : 'directmessage' }
}

// Every action gets its own action_ts, as on Slack, even two built within one millisecond.
let lastActionMicros = 0
function actionTs(): string {
  const micros = Math.max(Date.now() * 1000, lastActionMicros + 1)
  lastActionMicros = micros
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`
}

const MULTI = new Set(['multi_static_select', 'multi_external_select', 'checkboxes'])

/** The `actions[0]` entry Slack sends for one element. */
function actionFor(found: FoundElement, opts: BlockActionsOptions): SlackJson {
  const { element, blockId } = found
  const base: SlackJson = { action_id: element.action_id, block_id: blockId, type: element.type, action_ts: actionTs() }
  const value = opts.value
  const need = (what: string): string => {
    if (value === undefined) throw new Error(`fake-slack: ${String(element.action_id)} (${String(element.type)}) needs a ${what}`)
    return value
  }
  switch (element.type) {
    case 'button':
      return { ...base, text: structuredClone(element.text), ...(element.value === undefined ? {} : { value: element.value }), ...(element.style ? { style: element.style } : {}) }
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
    case 'overflow':
      return { ...base, selected_option: optionFor(element, need('value')) }
    case 'users_select':
      return { ...base, selected_user: need('user id') }
    case 'conversations_select':
      return { ...base, selected_conversation: need('conversation id') }
    case 'channels_select':
      return { ...base, selected_channel: need('channel id') }
    case 'multi_users_select':
      return { ...base, selected_users: opts.values ?? [] }
    case 'multi_conversations_select':
      return { ...base, selected_conversations: opts.values ?? [] }
    case 'multi_channels_select':
      return { ...base, selected_channels: opts.values ?? [] }
    case 'datepicker':
      return { ...base, selected_date: need('date') }
    case 'timepicker':
      return { ...base, selected_time: need('time') }
    default:
      if (MULTI.has(String(element.type))) return { ...base, selected_options: (opts.values ?? []).map((v) => optionFor(element, v)) }
      return { ...base, value: value ?? null }
  }
}

interface ActionSource {
  container: SlackJson
  blocks: unknown
  message?: StoredMessage
  ephemeralTs?: string
  channel?: string
  view?: StoredView
}

function locateSource(ws: Workspace, opts: BlockActionsOptions): ActionSource {
  const describe = typeof opts.actionId === 'string' ? opts.actionId : String(opts.actionId)
  if (opts.view !== undefined) {
    const view = ws.findView(opts.view)
    if (!view) throw new Error(`fake-slack: no view ${opts.view}`)
    return { container: { type: 'view', view_id: view.id }, blocks: view.blocks, view }
  }
  if (opts.ephemeral) {
    const candidates = ws.ephemerals
      .filter((e) => e.user === opts.user && (opts.channel === undefined || e.channel === opts.channel))
      .filter((e) => opts.messageTs === undefined || e.ts === opts.messageTs)
      .reverse()
    const eph = candidates.find((e) => findElement(e.blocks, opts) !== undefined)
    if (!eph) throw new Error(`fake-slack: no ephemeral message for ${opts.user} with an element ${describe}`)
    return { container: { type: 'message', message_ts: eph.ts, channel_id: eph.channel, is_ephemeral: true }, blocks: eph.blocks, ephemeralTs: eph.ts, channel: eph.channel }
  }
  const channels = opts.channel !== undefined ? [opts.channel] : [...ws.messages.keys()]
  const candidates = channels
    .flatMap((c) => ws.messages.get(c) ?? [])
    .filter((m) => opts.messageTs === undefined || m.ts === opts.messageTs)
    .sort((a, b) => (a.ts < b.ts ? 1 : -1))
  const message = candidates.find((m) => findElement(m.blocks, opts) !== undefined)
  if (!message) {
    const seen = candidates.slice(0, 5).map((m) => `${m.channel}/${m.ts}: [${allActionIds(m.blocks).join(', ')}]`)
    throw new Error(`fake-slack: no message with an element ${describe}${opts.value === undefined ? '' : ` (value ${opts.value})`}; newest messages: ${seen.join('; ') || 'none'}`)
  }
  return {
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    blocks: message.blocks,
    message,
    channel: message.channel,
  }
}

/** A `block_actions` payload for a click or choice on an element the bot rendered. */
export function blockActions(ws: Workspace, opts: BlockActionsOptions): SlackJson {
  const source = locateSource(ws, opts)
  const found = findElement(source.blocks, opts)
  if (!found) throw new Error('fake-slack: element vanished')
  const payload: SlackJson = {
    type: 'block_actions',
    user: userRef(ws, opts.user),
    api_app_id: ws.config.appId,
    token: VERIFICATION_TOKEN,
    container: source.container,
    trigger_id: opts.triggerId ?? ws.issueTrigger(opts.user),
    team: teamRef(ws),
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [actionFor(found, opts)],
  }
  if (source.view) {
    payload.view = structuredClone(source.view)
    return payload
  }
  if (source.channel !== undefined) payload.channel = channelRef(ws, source.channel)
  if (source.message) payload.message = ws.publicMessage(source.message)
  payload.response_url = ws.issueResponseUrl({
    user: opts.user,
    ephemeral: source.ephemeralTs !== undefined,
    ...(source.channel === undefined ? {} : { channel: source.channel }),
    ...(source.message ? { messageTs: source.message.ts } : source.ephemeralTs !== undefined ? { messageTs: source.ephemeralTs } : {}),
  })
  return payload
}

const STATELESS = new Set(['button', 'overflow', 'workflow_button', 'image', 'icon_button', 'feedback_buttons'])

/** The state Slack reports for an element the user left alone: its initial value, or empty. */
function initialState(element: SlackJson): SlackJson {
  const type = String(element.type)
  const base = { type }
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { ...base, selected_option: element.initial_option ?? null }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { ...base, selected_options: element.initial_options ?? [] }
    case 'users_select':
      return { ...base, selected_user: element.initial_user ?? null }
    case 'multi_users_select':
      return { ...base, selected_users: element.initial_users ?? [] }
    case 'conversations_select':
      return { ...base, selected_conversation: element.initial_conversation ?? null }
    case 'multi_conversations_select':
      return { ...base, selected_conversations: element.initial_conversations ?? [] }
    case 'channels_select':
      return { ...base, selected_channel: element.initial_channel ?? null }
    case 'multi_channels_select':
      return { ...base, selected_channels: element.initial_channels ?? [] }
    case 'datepicker':
      return { ...base, selected_date: element.initial_date ?? null }
    case 'timepicker':
      return { ...base, selected_time: element.initial_time ?? null }
    case 'datetimepicker':
      return { ...base, selected_date_time: element.initial_date_time ?? null }
    case 'rich_text_input':
      return { ...base, rich_text_value: element.initial_value ?? null }
    case 'file_input':
      return { ...base, files: [] }
    default:
      return { ...base, value: element.initial_value ?? null }
  }
}

/** Turn a test's simple input into the state object Slack would report for this element. */
function stateFor(element: SlackJson, input: StateInput): SlackJson {
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && typeof input.type === 'string') return structuredClone(input)
  const type = String(element.type)
  const empty = initialState(element)
  if (input === null) return { type, ...nullOf(empty) }
  const list = Array.isArray(input) ? input.map(String) : [String(input)]
  const one = list[0] ?? ''
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: optionFor(element, one) }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: list.map((v) => optionFor(element, v)) }
    case 'users_select':
      return { type, selected_user: one }
    case 'multi_users_select':
      return { type, selected_users: list }
    case 'conversations_select':
      return { type, selected_conversation: one }
    case 'multi_conversations_select':
      return { type, selected_conversations: list }
    case 'channels_select':
      return { type, selected_channel: one }
    case 'multi_channels_select':
      return { type, selected_channels: list }
    case 'datepicker':
      return { type, selected_date: one }
    case 'timepicker':
      return { type, selected_time: one }
    case 'datetimepicker':
      return { type, selected_date_time: Number(one) }
    case 'rich_text_input':
      return { type, rich_text_value: { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: one }] }] } }
    default:
      return { type, value: one }
  }
}

function nullOf(state: SlackJson): SlackJson {
  const out: SlackJson = {}
  for (const [key, value] of Object.entries(state)) if (key !== 'type') out[key] = Array.isArray(value) ? [] : null
  return out
}

/** A `view_submission` payload for a stored view; private_metadata and callback_id round-trip from views.open. */
export function viewSubmission(ws: Workspace, opts: ViewSubmissionOptions): SlackJson {
  const view = ws.findView(opts.view)
  if (!view) throw new Error(`fake-slack: no view with id or callback_id ${opts.view}`)
  const user = opts.user ?? ws.viewOwners.get(view.id) ?? ''
  const values: SlackJson = {}
  const byAction = new Map<string, { blockId: string; element: SlackJson }>()
  for (const block of view.blocks) {
    for (const element of elementsOf(block)) {
      if (STATELESS.has(String(element.type)) || typeof element.action_id !== 'string') continue
      const blockId = String(block.block_id)
      values[blockId] = { ...(values[blockId] ?? {}), [element.action_id]: initialState(element) }
      byAction.set(element.action_id, { blockId, element })
    }
  }
  for (const [blockId, actions] of Object.entries(opts.values ?? {})) {
    for (const [actionId, input] of Object.entries(actions)) {
      const found = byAction.get(actionId)
      if (!found || found.blockId !== blockId) throw new Error(`fake-slack: view ${view.id} has no input ${blockId}/${actionId}`)
      values[blockId][actionId] = stateFor(found.element, input)
    }
  }
  for (const [actionId, input] of Object.entries(opts.inputs ?? {})) {
    const found = byAction.get(actionId)
    if (!found) throw new Error(`fake-slack: view ${view.id} has no input with action_id ${actionId} (has: ${[...byAction.keys()].join(', ')})`)
    values[found.blockId][actionId] = stateFor(found.element, input)
  }
  const submitted: SlackJson = { ...structuredClone(view), state: { values } }
  return {
    type: 'view_submission',
    team: teamRef(ws),
    user: userRef(ws, user),
    api_app_id: ws.config.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: opts.triggerId ?? ws.issueTrigger(user),
    view: submitted,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  }
}

/** A `view_closed` payload (sent only when the view set notify_on_close, but the fake does not enforce that). */
export function viewClosed(ws: Workspace, opts: { view: string; user?: string; isCleared?: boolean }): SlackJson {
  const view = ws.findView(opts.view)
  if (!view) throw new Error(`fake-slack: no view with id or callback_id ${opts.view}`)
  const user = opts.user ?? ws.viewOwners.get(view.id) ?? ''
  return {
    type: 'view_closed',
    team: teamRef(ws),
    user: userRef(ws, user),
    api_app_id: ws.config.appId,
    token: VERIFICATION_TOKEN,
    view: structuredClone(view),
    is_cleared: opts.isCleared ?? false,
    is_enterprise_install: false,
    enterprise: null,
  }
}

/** A message shortcut ("…" menu on a message) on a stored message. */
export function messageShortcut(ws: Workspace, opts: { callbackId: string; user: string; channel: string; messageTs: string }): SlackJson {
  const message = ws.findMessage(opts.channel, opts.messageTs)
  if (!message) throw new Error(`fake-slack: no message ${opts.channel}/${opts.messageTs}`)
  return {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: teamRef(ws),
    user: { id: opts.user, name: ws.ensureUser(opts.user).name },
    channel: channelRef(ws, opts.channel),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: ws.issueTrigger(opts.user),
    response_url: ws.issueResponseUrl({ user: opts.user, channel: opts.channel, messageTs: message.ts, ephemeral: false }),
    message_ts: message.ts,
    message: ws.publicMessage(message),
  }
}

/** A global shortcut (lightning menu). */
export function globalShortcut(ws: Workspace, opts: { callbackId: string; user: string }): SlackJson {
  return {
    type: 'shortcut',
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: teamRef(ws),
    user: userRef(ws, opts.user),
    is_enterprise_install: false,
    enterprise: null,
    callback_id: opts.callbackId,
    trigger_id: ws.issueTrigger(opts.user),
  }
}

/** Slash command fields, in Slack's own (snake_case, all-string) form; `command` is required. */
export type SlashCommandFields = { command: string } & Partial<Record<string, string>>

/** A slash command payload; fields given override the defaults. */
export function slashCommand(ws: Workspace, fields: SlashCommandFields): SlackJson {
  const user = fields.user_id ?? 'U0USER'
  const channel = fields.channel_id ?? ws.config.defaultChannel
  ws.ensureChannel(channel)
  return {
    token: VERIFICATION_TOKEN,
    team_id: ws.config.teamId,
    team_domain: ws.config.teamDomain,
    channel_id: channel,
    channel_name: channelRef(ws, channel).name,
    user_id: user,
    user_name: ws.ensureUser(user).name,
    text: '',
    api_app_id: ws.config.appId,
    is_enterprise_install: 'false',
    response_url: ws.issueResponseUrl({ user, channel, ephemeral: false }),
    trigger_id: ws.issueTrigger(user),
    ...fields,
  }
}

/** The `app_home_opened` event (inner event; `sendEvent` wraps it). */
export function appHomeOpened(ws: Workspace, opts: { user: string; tab?: 'home' | 'messages' }): SlackJson {
  ws.ensureUser(opts.user)
  const homeId = ws.homeViews.get(opts.user)
  const view = homeId === undefined ? undefined : ws.views.get(homeId)
  return {
    type: 'app_home_opened',
    user: opts.user,
    channel: ws.dmChannelOf(opts.user),
    tab: opts.tab ?? 'home',
    event_ts: actionTs(),
    ...(view ? { view: structuredClone(view) } : {}),
  }
}

/** A `message` event from a person; stored in the channel (unless `store: false`) so history and replies see it. */
export function messageEvent(ws: Workspace, opts: { user: string; channel?: string; text: string; threadTs?: string; files?: SlackJson[]; store?: boolean }): SlackJson {
  const channel = opts.channel ?? ws.dmChannelOf(opts.user)
  ws.ensureUser(opts.user)
  const fields: SlackJson & { user: string; text: string } = {
    user: opts.user,
    text: opts.text,
    ...(opts.threadTs === undefined ? {} : { thread_ts: opts.threadTs }),
    ...(opts.files === undefined ? {} : { files: structuredClone(opts.files), upload: true, subtype: 'file_share' }),
  }
  const ts = opts.store === false ? ws.clock.next() : ws.storeMessage(channel, fields).ts
  const channelType = channel.startsWith('D') ? 'im' : channel.startsWith('G') ? 'group' : 'channel'
  return { type: 'message', channel, ...fields, ts, event_ts: ts, channel_type: channelType, team: ws.config.teamId, client_msg_id: randomHex(16) }
}

/** Wrap an inner event the way the Events API delivers it. */
export function eventCallback(ws: Workspace, event: SlackJson): SlackJson {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ws.config.teamId,
    api_app_id: ws.config.appId,
    event,
    type: 'event_callback',
    event_id: `Ev${randomHex(5).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: ws.config.teamId, user_id: ws.config.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomHex(12)}`,
  }
}

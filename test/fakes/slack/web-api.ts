// Web API methods a labeling bot uses, answered from the workspace state with Slack's error codes.
// Every answer is HTTP 200 with `ok` true or false, as Slack's API does (429 is handled upstream).
import { SLACK_LIMITS, validateMessageBlocks, validateView } from './block-kit-validation'
import { tsToMicros } from './ids'
import type { SlackJson, StoredMessage, StoredView } from './types'
import { withGeneratedIds, type Workspace } from './workspace'

type Handler = (ws: Workspace, args: SlackJson, token: string) => SlackJson

function fail(error: string, messages?: string[]): SlackJson {
  return messages === undefined || messages.length === 0
    ? { ok: false, error }
    : { ok: false, error, response_metadata: { messages } }
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1
}

/** Check blocks/attachments/text of an outgoing message; returns an error answer or null. */
function checkMessageContent(args: SlackJson, requireContent: boolean): SlackJson | null {
  if (args.blocks !== undefined && !Array.isArray(args.blocks)) return fail('invalid_blocks_format')
  if (args.attachments !== undefined && !Array.isArray(args.attachments)) return fail('invalid_attachments')
  const hasText = typeof args.text === 'string' && args.text.length > 0
  const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0
  const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0
  if (requireContent && !hasText && !hasBlocks && !hasAttachments) return fail('no_text')
  const problems = validateMessageBlocks(args.blocks)
  if (problems.error !== null) return fail(problems.error, problems.messages)
  return null
}

/** Slack truncates over-long message text rather than refusing it. */
function messageText(args: SlackJson): { text: string; warnings: string[] } {
  const text = str(args.text) ?? ''
  return text.length > SLACK_LIMITS.messageText
    ? { text: text.slice(0, SLACK_LIMITS.messageText), warnings: ['message_truncated'] }
    : { text, warnings: [] }
}

function withWarnings(body: SlackJson, warnings: string[]): SlackJson {
  return warnings.length === 0 ? body : { ...body, response_metadata: { warnings } }
}

function pageOf<T>(items: T[], args: SlackJson, defaultLimit: number): { page: T[]; next: string } {
  const limit = Math.max(1, Math.min(Number(args.limit) || defaultLimit, 999))
  const offset = typeof args.cursor === 'string' && args.cursor.length > 0 ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').replace('offset:', '')) || 0 : 0
  const page = items.slice(offset, offset + limit)
  const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : ''
  return { page, next }
}

function inRange(message: StoredMessage, args: SlackJson): boolean {
  const micros = tsToMicros(message.ts)
  const inclusive = bool(args.inclusive)
  const oldest = str(args.oldest)
  const latest = str(args.latest)
  if (oldest !== undefined && oldest !== '0') {
    const o = tsToMicros(oldest)
    if (inclusive ? micros < o : micros <= o) return false
  }
  if (latest !== undefined && latest !== '') {
    const l = tsToMicros(latest)
    if (inclusive ? micros > l : micros >= l) return false
  }
  return true
}

/** Channels are joined on first use unless a test said the bot was never invited (`is_member: false`). */
function botIsMember(ws: Workspace, channel: string): boolean {
  return ws.channels.get(channel)?.is_member !== false
}

function modalView(view: StoredView): SlackJson {
  return structuredClone(view) as SlackJson
}

const handlers: Record<string, Handler> = {
  'api.test': (_ws, args) => ({ ok: true, args }),

  'auth.test': (ws) => ({
    ok: true,
    url: `https://${ws.config.teamDomain}.slack.com/`,
    team: ws.config.teamName,
    user: 'arbiter',
    team_id: ws.config.teamId,
    user_id: ws.config.botUserId,
    bot_id: ws.config.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    if (!botIsMember(ws, channel)) return fail('not_in_channel')
    const problem = checkMessageContent(args, true)
    if (problem) return problem
    const { text, warnings } = messageText(args)
    const threadTs = str(args.thread_ts)
    const message = ws.storeMessage(channel, {
      ...ws.botMessageFields(),
      text,
      ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
      ...(args.attachments === undefined ? {} : { attachments: args.attachments }),
      ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...(bool(args.reply_broadcast) ? { subtype: 'thread_broadcast' } : {}),
    })
    return withWarnings({ ok: true, channel, ts: message.ts, message: ws.publicMessage(message) }, warnings)
  },

  'chat.update': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const ts = str(args.ts)
    const message = ts === undefined ? undefined : ws.findMessage(channel, ts)
    if (!message) return fail('message_not_found')
    if (message.user !== ws.config.botUserId) return fail('cant_update_message')
    const problem = checkMessageContent(args, true)
    if (problem) return problem
    const { text, warnings } = messageText(args)
    if (args.text !== undefined) message.text = text
    // Fields the update leaves out are kept, as Slack keeps a message's previous blocks/attachments.
    if (args.blocks !== undefined) message.blocks = withGeneratedIds(args.blocks) as SlackJson[]
    if (args.attachments !== undefined) message.attachments = structuredClone(args.attachments)
    if (args.metadata !== undefined) message.metadata = structuredClone(args.metadata)
    message.edited = { user: ws.config.botUserId, ts: ws.clock.next() }
    return withWarnings({ ok: true, channel, ts: message.ts, text: message.text, message: ws.publicMessage(message) }, warnings)
  },

  'chat.delete': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const list = ws.channelMessages(channel)
    const index = list.findIndex((m) => m.ts === str(args.ts))
    const message = list[index]
    if (!message) return fail('message_not_found')
    if (message.user !== ws.config.botUserId) return fail('cant_delete_message')
    list.splice(index, 1)
    return { ok: true, channel, ts: message.ts }
  },

  'chat.postEphemeral': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const user = str(args.user)
    if (user === undefined || user.length === 0) return fail('user_not_found')
    const problem = checkMessageContent(args, true)
    if (problem) return problem
    const { text } = messageText(args)
    const ts = ws.clock.next()
    const threadTs = str(args.thread_ts)
    ws.ephemerals.push({
      channel,
      user,
      ts,
      text,
      ...(Array.isArray(args.blocks) ? { blocks: withGeneratedIds(args.blocks) as SlackJson[] } : {}),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      via: 'chat.postEphemeral',
    })
    return { ok: true, message_ts: ts }
  },

  'chat.getPermalink': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const message = ws.findMessage(channel, str(args.message_ts) ?? '')
    if (!message) return fail('message_not_found')
    return { ok: true, channel, permalink: ws.permalink(channel, message.ts, message.thread_ts) }
  },

  'conversations.open': (ws, args) => {
    const channelArg = str(args.channel)
    if (channelArg !== undefined) {
      const channel = ws.resolveChannel(channelArg)
      return channel === null ? fail('channel_not_found') : { ok: true, channel: { id: channel } }
    }
    const users = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter((u) => u.length > 0)
    if (users.length === 0) return fail('users_list_not_supplied')
    for (const u of users) {
      if (!/^[UW][A-Z0-9_]+$/.test(u)) return fail('user_not_found')
      if (ws.ensureUser(u).deleted === true) return fail('user_disabled')
    }
    if (users.length === 1) {
      const [user = ''] = users
      const id = ws.dmChannelOf(user)
      return { ok: true, channel: bool(args.return_im) ? { ...ws.channels.get(id) } : { id } }
    }
    const id = `G${[...users].sort().join('').replace(/[^A-Z0-9]/g, '').slice(0, 20)}`
    ws.ensureChannel(id, `mpdm-${users.join('--')}-1`)
    return { ok: true, channel: { id } }
  },

  'conversations.info': (ws, args) => {
    const id = str(args.channel)
    const channel = id === undefined ? undefined : ws.channels.get(id)
    return channel ? { ok: true, channel: { ...channel } } : fail('channel_not_found')
  },

  'conversations.history': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    // A bot reads a channel's history only as a member: a private channel it is not in does not
    // exist for it, a public one answers not_in_channel (what `arbiter doctor` turns into "/invite").
    if (!botIsMember(ws, channel)) return fail(ws.channels.get(channel)?.is_private === true ? 'channel_not_found' : 'not_in_channel')
    // Top-level messages only (thread replies appear only when broadcast), newest first.
    const all = ws
      .channelMessages(channel)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast')
      .filter((m) => inRange(m, args))
      .reverse()
    const { page, next } = pageOf(all, args, 100)
    return { ok: true, messages: page.map((m) => ws.publicMessage(m)), has_more: next !== '', pin_count: 0, response_metadata: { next_cursor: next } }
  },

  'conversations.replies': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    let parent = ws.findMessage(channel, str(args.ts) ?? '')
    if (!parent) return fail('thread_not_found')
    if (parent.thread_ts !== undefined && parent.thread_ts !== parent.ts) {
      parent = ws.findMessage(channel, parent.thread_ts) ?? parent
    }
    const root = parent
    const thread = ws.channelMessages(channel).filter((m) => m.ts === root.ts || m.thread_ts === root.ts).filter((m) => m.ts === root.ts || inRange(m, args))
    const { page, next } = pageOf(thread, args, 1000)
    return { ok: true, messages: page.map((m) => ws.publicMessage(m)), has_more: next !== '', response_metadata: { next_cursor: next } }
  },

  'users.info': (ws, args) => {
    const user = ws.users.get(str(args.user) ?? '')
    return user ? { ok: true, user: structuredClone(user) } : fail('user_not_found')
  },

  'reactions.add': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const message = ws.findMessage(channel, str(args.timestamp) ?? '')
    if (!message) return fail('message_not_found')
    const name = str(args.name)
    if (name === undefined || !/^[a-z0-9_+\-']+$/.test(name)) return fail('invalid_name')
    const reactions: SlackJson[] = Array.isArray(message.reactions) ? message.reactions : []
    let reaction = reactions.find((r) => r.name === name)
    if (reaction?.users.includes(ws.config.botUserId)) return fail('already_reacted')
    if (!reaction) {
      reaction = { name, users: [], count: 0 }
      reactions.push(reaction)
    }
    reaction.users.push(ws.config.botUserId)
    reaction.count = reaction.users.length
    message.reactions = reactions
    return { ok: true }
  },

  'reactions.remove': (ws, args) => {
    const channel = ws.resolveChannel(args.channel)
    if (channel === null) return fail('channel_not_found')
    const message = ws.findMessage(channel, str(args.timestamp) ?? '')
    if (!message) return fail('message_not_found')
    const reactions: SlackJson[] = Array.isArray(message.reactions) ? message.reactions : []
    const reaction = reactions.find((r) => r.name === str(args.name))
    if (!reaction?.users.includes(ws.config.botUserId)) return fail('no_reaction')
    reaction.users = reaction.users.filter((u: string) => u !== ws.config.botUserId)
    reaction.count = reaction.users.length
    message.reactions = reactions.filter((r) => r.count > 0)
    return { ok: true }
  },

  'views.open': (ws, args) => {
    const trigger = ws.consumeTrigger(args.trigger_id ?? args.interactivity_pointer)
    if ('error' in trigger) return fail(trigger.error)
    const problems = validateView(args.view, 'modal')
    if (problems.error !== null) return fail(problems.error, problems.messages)
    const view = ws.saveView(args.view as SlackJson, trigger.user)
    const stack = ws.viewStack(trigger.user)
    stack.length = 0
    stack.push(view.id)
    return { ok: true, view: modalView(view) }
  },

  'views.push': (ws, args) => {
    const trigger = ws.consumeTrigger(args.trigger_id ?? args.interactivity_pointer)
    if ('error' in trigger) return fail(trigger.error)
    const problems = validateView(args.view, 'modal')
    if (problems.error !== null) return fail(problems.error, problems.messages)
    const stack = ws.viewStack(trigger.user)
    if (stack.length >= 3) return fail('push_limit_reached')
    const previous = stack[stack.length - 1]
    const view = ws.saveView(args.view as SlackJson, trigger.user)
    if (previous !== undefined) {
      view.previous_view_id = previous
      view.root_view_id = ws.views.get(previous)?.root_view_id ?? previous
    }
    stack.push(view.id)
    return { ok: true, view: modalView(view) }
  },

  'views.update': (ws, args) => {
    const viewId = str(args.view_id)
    const externalId = str(args.external_id)
    const existing = viewId !== undefined ? ws.views.get(viewId) : externalId !== undefined ? ws.findViewByExternalId(externalId) : undefined
    if (!existing) return fail('not_found')
    const hash = str(args.hash)
    if (hash !== undefined && hash !== existing.hash) return fail('hash_conflict')
    const problems = validateView(args.view, existing.type)
    if (problems.error !== null) return fail(problems.error, problems.messages)
    const view = ws.saveView(args.view as SlackJson, ws.viewOwners.get(existing.id) ?? '', existing)
    return { ok: true, view: modalView(view) }
  },

  'views.publish': (ws, args) => {
    const user = str(args.user_id)
    if (user === undefined || !/^[UW][A-Z0-9_]+$/.test(user)) return fail('user_not_found')
    ws.ensureUser(user)
    const problems = validateView(args.view, 'home')
    if (problems.error !== null) return fail(problems.error, problems.messages)
    const existingId = ws.homeViews.get(user)
    const existing = existingId === undefined ? undefined : ws.views.get(existingId)
    const hash = str(args.hash)
    if (existing && hash !== undefined && hash !== existing.hash) return fail('hash_conflict')
    const view = ws.saveView(args.view as SlackJson, user, existing)
    ws.homeViews.set(user, view.id)
    return { ok: true, view: modalView(view) }
  },

  'files.getUploadURLExternal': (ws, args) => {
    const filename = str(args.filename)
    const length = Number(args.length)
    if (filename === undefined || filename.length === 0 || !Number.isFinite(length) || length < 0) return fail('invalid_arguments')
    const file = ws.createFile({ name: filename, content: null })
    return { ok: true, upload_url: `${ws.config.baseUrl}/upload/${file.id as string}`, file_id: file.id }
  },

  'files.completeUploadExternal': (ws, args) => {
    const files = Array.isArray(args.files) ? (args.files as SlackJson[]) : null
    if (files === null || files.length === 0) return fail('invalid_arguments')
    const stored = []
    for (const entry of files) {
      const record = ws.files.get(str(entry.id) ?? '')
      if (!record) return fail('file_not_found')
      if (record.content === null) return fail('file_not_uploaded')
      stored.push({ record, title: str(entry.title) })
    }
    const channelArg = str(args.channel_id) ?? str(args.channels)?.split(',')[0]
    let channel: string | null = null
    if (channelArg !== undefined) {
      channel = ws.resolveChannel(channelArg)
      if (channel === null) return fail('channel_not_found')
      if (!botIsMember(ws, channel)) return fail('not_in_channel')
    }
    for (const { record, title } of stored) if (title !== undefined) record.file.title = title
    if (channel !== null) {
      const threadTs = str(args.thread_ts)
      const message = ws.storeMessage(channel, {
        ...ws.botMessageFields(),
        text: str(args.initial_comment) ?? '',
        files: stored.map(({ record }) => structuredClone(record.file)),
        upload: true,
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      })
      for (const { record } of stored) ws.shareFile(record.file.id as string, channel, message.ts)
    }
    return { ok: true, files: stored.map(({ record }) => structuredClone(record.file)) }
  },

  'files.info': (ws, args) => {
    const record = ws.files.get(str(args.file) ?? '')
    if (!record || record.content === null) return fail('file_not_found')
    return { ok: true, file: structuredClone(record.file), comments: [], response_metadata: { next_cursor: '' } }
  },
}

/** Methods the fake answers; anything else is `unknown_method`, as on Slack. */
export const WEB_API_METHODS: readonly string[] = Object.keys(handlers)

/** Which token a method requires: app-level tokens only open sockets, bot tokens do everything else. */
export function checkToken(ws: Workspace, method: string, token: string | undefined): SlackJson | null {
  if (token === undefined || token.length === 0) return fail('not_authed')
  const isBot = token === ws.config.botToken
  const isApp = token === ws.config.appToken
  if (!isBot && !isApp) return fail('invalid_auth')
  if (method === 'apps.connections.open') return isApp ? null : fail('not_allowed_token_type')
  if (method === 'api.test') return null
  return isBot ? null : fail('not_allowed_token_type')
}

/** Answer one Web API call (token already checked). */
export function handleWebApi(ws: Workspace, method: string, args: SlackJson, token: string): SlackJson {
  const handler = handlers[method]
  if (!handler) return fail('unknown_method')
  return handler(ws, args, token)
}

/**
 * Answer a response_url post. Slack's semantics: `delete_original`, `replace_original`, or a new
 * message — ephemeral by default, `response_type: in_channel` for everyone.
 * Invalid blocks answer HTTP 400 so Bolt's `respond()` throws, which is how the bot sees it.
 */
export function handleResponseUrl(ws: Workspace, id: string, args: SlackJson): { status: number; body: SlackJson } {
  const target = ws.responseUrls.get(id)
  if (!target) return { status: 404, body: fail('invalid_url') }
  if (target.uses >= ws.config.responseUrlUses) return { status: 404, body: fail('used_url') }
  target.uses += 1
  const original = target.channel !== undefined && target.messageTs !== undefined ? ws.findMessage(target.channel, target.messageTs) : undefined
  if (bool(args.delete_original)) {
    if (original && target.channel !== undefined) {
      const list = ws.channelMessages(target.channel)
      list.splice(list.indexOf(original), 1)
    }
    return { status: 200, body: { ok: true } }
  }
  const problem = checkMessageContent(args, true)
  if (problem) return { status: 400, body: problem }
  const { text } = messageText(args)
  if (bool(args.replace_original)) {
    if (target.ephemeral) {
      const eph = ws.ephemerals.find((e) => e.channel === target.channel && e.ts === target.messageTs)
      if (eph) {
        eph.text = text
        if (Array.isArray(args.blocks)) eph.blocks = withGeneratedIds(args.blocks) as SlackJson[]
      }
      return { status: 200, body: { ok: true } }
    }
    if (!original) return { status: 404, body: fail('message_not_found') }
    original.text = text
    if (args.blocks !== undefined) original.blocks = withGeneratedIds(args.blocks) as SlackJson[]
    if (args.attachments !== undefined) original.attachments = structuredClone(args.attachments)
    original.edited = { user: ws.config.botUserId, ts: ws.clock.next() }
    return { status: 200, body: { ok: true } }
  }
  const channel = target.channel ?? ws.dmChannelOf(target.user)
  const threadTs = str(args.thread_ts)
  if (args.response_type === 'in_channel') {
    ws.storeMessage(channel, {
      ...ws.botMessageFields(),
      text,
      ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    })
  } else {
    ws.ephemerals.push({
      channel,
      user: target.user,
      ts: ws.clock.next(),
      text,
      ...(Array.isArray(args.blocks) ? { blocks: withGeneratedIds(args.blocks) as SlackJson[] } : {}),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      via: 'response_url',
    })
  }
  return { status: 200, body: { ok: true } }
}

// Drives a real @slack/bolt App (Socket Mode and HTTP mode) against the fake Slack, proving the
// fake speaks the protocol Bolt expects before adapter tests rely on it.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AckTimeoutError, FakeSlack, findMentions, mentionAllowList, signSlackRequest, validateMessageBlocks, validateView, withFakeSlack, type SlackJson } from './fake-slack'

const USER = 'U1ALICE'
const CHANNEL = 'C0GENERAL'

// Fast retries keep the 429 test short; the wait still honours Retry-After (see the test).
const retryConfig = { retries: 3, minTimeout: 10, maxTimeout: 50 }

interface Submitted {
  metadata: string
  reason: string | null | undefined
  score: string | undefined
}

describe('FakeSlack with a real Bolt app in Socket Mode', () => {
  let fake: FakeSlack
  let app: App
  const submissions: Submitted[] = []
  const retryNums: Array<number | undefined> = []
  let slowAckMs = 0

  beforeAll(async () => {
    fake = await FakeSlack.start({ users: [{ id: USER, name: 'alice', realName: 'Alice Example' }] })
    app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig },
      logLevel: LogLevel.ERROR,
    })

    app.command('/label', async ({ ack, command, client }) => {
      await ack()
      await client.chat.postMessage({
        channel: command.channel_id,
        text: 'Which answer is better?',
        blocks: [
          { type: 'section', block_id: 'task', text: { type: 'mrkdwn', text: '*Which answer is better?*' } },
          {
            type: 'actions',
            block_id: 'choices',
            elements: [
              { type: 'button', action_id: 'judge:A', text: { type: 'plain_text', text: 'A' }, value: 'A' },
              { type: 'button', action_id: 'judge:B', text: { type: 'plain_text', text: 'B' }, value: 'B' },
            ],
          },
        ],
      })
    })

    app.action(/^judge:/, async ({ ack, body, action, client, respond }) => {
      await ack()
      if (body.type !== 'block_actions' || action.type !== 'button') return
      const channel = body.channel?.id
      const ts = body.message?.ts
      if (channel === undefined || ts === undefined) return
      await client.chat.update({
        channel,
        ts,
        text: `Recorded: ${action.value ?? ''}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Recorded: *${action.value ?? ''}*` } }],
      })
      await respond({ text: 'Thanks!', response_type: 'ephemeral', replace_original: false })
    })

    app.command('/feedback', async ({ ack, command, client }) => {
      await ack()
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'feedback',
          private_metadata: JSON.stringify({ assignmentId: 'as_42' }),
          title: { type: 'plain_text', text: 'Feedback' },
          submit: { type: 'plain_text', text: 'Send' },
          blocks: [
            { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Why?' }, element: { type: 'plain_text_input', action_id: 'text', multiline: true } },
            {
              type: 'input',
              block_id: 'score',
              label: { type: 'plain_text', text: 'Score' },
              element: {
                type: 'static_select',
                action_id: 'pick',
                options: ['1', '2', '3'].map((v) => ({ text: { type: 'plain_text' as const, text: v }, value: v })),
              },
            },
          ],
        },
      })
    })

    app.view('feedback', async ({ ack, view }) => {
      const reason = view.state.values.reason?.text?.value
      if (!reason) {
        await ack({ response_action: 'errors', errors: { reason: 'Please say why.' } })
        return
      }
      submissions.push({ metadata: view.private_metadata, reason, score: view.state.values.score?.pick?.selected_option?.value })
      await ack()
    })

    app.command('/slow', async ({ ack }) => {
      await new Promise((resolve) => setTimeout(resolve, slowAckMs))
      await ack()
    })

    app.event('app_home_opened', async ({ event, client, context }) => {
      retryNums.push(context.retryNum)
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your queue: 3 tasks' } }] } })
    })

    app.message(async ({ message, client }) => {
      if (message.subtype !== 'file_share' || !('files' in message) || !message.files?.[0]) return
      const info = await client.files.info({ file: message.files[0].id })
      const url = info.file?.url_private_download
      if (url === undefined) return
      const res = await fetch(url, { headers: { Authorization: `Bearer ${fake.botToken}` } })
      const lines = (await res.text()).trim().split('\n')
      await client.chat.postMessage({ channel: message.channel, text: `Imported ${lines.length} items` })
    })

    await app.start()
  })

  afterAll(async () => {
    // Bolt's stop() returns before the close handshake; the fake's stop() completes it (or terminates).
    await app.stop()
    await fake.stop()
  })

  it('connects with auth.test, apps.connections.open and hello', () => {
    expect(fake.callsTo('auth.test')[0]?.token).toBe('xoxb-test')
    expect(fake.callsTo('apps.connections.open')[0]?.token).toBe('xapp-test')
    expect(fake.socketConnections).toBe(1)
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/)
  })

  it('runs slash command → message with buttons → click → chat.update, over real sockets', async () => {
    const ack = await fake.sendSlashCommand({ command: '/label', text: '', user_id: USER, channel_id: CHANNEL })
    expect(ack.payload).toEqual({})
    expect(ack.latencyMs).toBeLessThan(3000)

    const posted = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.ok)
    const ts = String((posted.response as SlackJson).ts)
    expect(ts).toMatch(/^1700000000\.\d{6}$/)
    expect(fake.message(CHANNEL, ts)?.blocks?.[1]?.elements).toHaveLength(2)

    const since = fake.mark()
    const click = await fake.clickButton({ user: USER, channel: CHANNEL, actionId: 'judge:B' })
    expect(click.envelope.payload.actions[0]).toMatchObject({ action_id: 'judge:B', block_id: 'choices', value: 'B', type: 'button' })
    expect(click.envelope.payload.message.ts).toBe(ts)

    await fake.waitFor((c) => c.method === 'response_url', { since })
    const updated = fake.message(CHANNEL, ts)
    expect(updated?.text).toBe('Recorded: B')
    expect(updated?.blocks?.[0]?.text?.text).toBe('Recorded: *B*')
    expect(updated?.edited?.user).toBe(fake.botUserId)
    expect(fake.ephemerals(USER).map((e) => e.text)).toContain('Thanks!')
    // The update happened in place: still exactly one bot message from this interaction.
    expect(fake.messages(CHANNEL).filter((m) => m.ts === ts)).toHaveLength(1)
  })

  it('opens a modal and round-trips private_metadata through a submission, with validation errors first', async () => {
    await fake.sendSlashCommand({ command: '/feedback', user_id: USER })
    await fake.waitFor((c) => c.method === 'views.open' && c.ok)
    const view = fake.lastView(USER)
    expect(view?.callback_id).toBe('feedback')
    expect(view?.id).toMatch(/^V/)

    const refused = await fake.submitView({ view: 'feedback', inputs: { text: null, pick: '2' } })
    expect(refused.payload).toEqual({ response_action: 'errors', errors: { reason: 'Please say why.' } })
    expect(fake.openViews(USER).map((v) => v.id)).toEqual([view?.id])

    const accepted = await fake.submitView({ view: view?.id ?? '', inputs: { text: 'B cites its source', pick: '3' } })
    expect(accepted.payload).toEqual({})
    expect(submissions).toEqual([{ metadata: '{"assignmentId":"as_42"}', reason: 'B cites its source', score: '3' }])
    expect(fake.openViews(USER)).toEqual([])
  })

  it('accepts a trigger_id once only', async () => {
    const trigger = fake.issueTriggerId(USER)
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Once' }, blocks: [] }
    await app.client.views.open({ trigger_id: trigger, view })
    await expect(app.client.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } })
    await expect(app.client.views.open({ trigger_id: 'nonsense', view })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } })
  })

  it('answers 429 with Retry-After; the web client waits, retries, and the message lands once', async () => {
    fake.rateLimitNext('chat.postMessage', 1, 1)
    const since = fake.mark()
    const started = Date.now()
    const result = await app.client.chat.postMessage({ channel: CHANNEL, text: 'rate limited once' })
    expect(result.ok).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    const attempts = fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage')
    expect(attempts.map((c) => c.status)).toEqual([429, 200])
    expect(fake.messages(CHANNEL).filter((m) => m.text === 'rate limited once')).toHaveLength(1)
  })

  it('rejects blocks that break Slack limits, like Slack', async () => {
    const tooLong = { type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x'.repeat(3001) } }
    await expect(app.client.chat.postMessage({ channel: CHANNEL, text: 'fallback', blocks: [tooLong] })).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] } },
    })
    const header = { type: 'header' as const, text: { type: 'mrkdwn', text: 'not plain' } }
    await expect(app.client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [header as never] })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } })
    // Each section is legal, but ~14,500 characters in one message is over Slack's real cap.
    const many = Array.from({ length: 5 }, () => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'y'.repeat(2900) } }))
    await expect(app.client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: many })).rejects.toMatchObject({ data: { error: 'msg_blocks_too_long' } })
    const longTitle = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'A title longer than 24 chars' }, blocks: [] }
    await expect(app.client.views.open({ trigger_id: fake.issueTriggerId(USER), view: longTitle })).rejects.toMatchObject({ data: { error: 'invalid_arguments' } })
    await expect(app.client.apiCall('no.such.method')).rejects.toMatchObject({ data: { error: 'unknown_method' } })
  })

  it('receives a filesUploadV2 upload', async () => {
    const content = '{"prompt":"a"}\n{"prompt":"b"}\n'
    const result = await app.client.filesUploadV2({ channel_id: CHANNEL, filename: 'export.jsonl', content, initial_comment: 'Export ready' })
    expect(result.ok).toBe(true)
    const file = fake.files.find((f) => f.name === 'export.jsonl')
    expect(file).toBeDefined()
    expect(fake.fileContent(String(file?.id))?.toString('utf8')).toBe(content)
    const shared = fake.lastMessage(CHANNEL)
    expect(shared?.text).toBe('Export ready')
    expect(shared?.files?.[0]?.id).toBe(file?.id)
    expect(fake.callsTo('file_upload')).toHaveLength(1)
  })

  it('lets the bot download a file a person uploaded, only with its token', async () => {
    const { event, file } = fake.userUploadsFile({ user: USER, name: 'batch.jsonl', content: '{"a":1}\n{"a":2}\n{"a":3}\n' })
    const since = fake.mark()
    await fake.sendEvent(event)
    const reply = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'Imported 3 items', { since })
    expect(reply.args.channel).toBe(fake.dmChannelOf(USER))
    expect(fake.callsTo('file_download').at(-1)?.args).toEqual({ file: file.id, authorized: true })
    const anonymous = await fetch(String(file.url_private_download))
    expect(anonymous.headers.get('content-type')).toContain('text/html')
  })

  it('pushes events with retry fields and measures ack latency; redelivery carries retry_attempt', async () => {
    const first = await fake.sendEvent(fake.appHomeOpened({ user: USER }))
    expect(first.latencyMs).toBeGreaterThan(0)
    await fake.waitFor((c) => c.method === 'views.publish' && c.ok)
    expect(fake.homeView(USER)?.blocks[0]?.text?.text).toBe('Your queue: 3 tasks')
    const again = await fake.redeliver(first.envelope, { retryReason: 'timeout' })
    expect(again.envelope.retry_attempt).toBe(1)
    expect(again.envelope.payload.event_id).toBe(first.envelope.payload.event_id)
    await fake.waitUntil(() => retryNums.length === 2)
    expect(retryNums).toEqual([0, 1])
  })

  it('rejects with AckTimeoutError when the app acks too late', async () => {
    slowAckMs = 300
    const late = await fake.sendSlashCommand({ command: '/slow', user_id: USER }, { ackTimeoutMs: 100 }).catch((e: unknown) => e)
    expect(late).toBeInstanceOf(AckTimeoutError)
    await fake.waitUntil(() => fake.acks.some((a) => a.late))
    slowAckMs = 0
  })

  it('records unescaped mentions so tests can forbid echoing user text', async () => {
    fake.allowMentions(mentionAllowList({ users: [USER] }))
    const since = fake.mark()
    const hostile = 'ping <!channel> and <https://evil.example|the docs>'
    await app.client.chat.postMessage({ channel: CHANNEL, text: `<@${USER}> wrote: ${hostile}` })
    await app.client.chat.postMessage({ channel: CHANNEL, text: 'safe', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'ping &lt;!channel&gt;' } }] })
    const unsafe = fake.unsafeMentions.filter((m) => m.callSeq > since)
    expect(unsafe.map((m) => [m.kind, m.target])).toEqual([
      ['broadcast', 'channel'],
      ['link', 'https://evil.example'],
    ])
    const call = fake.calls.find((c) => c.seq > since)
    expect(call && fake.mentionsIn(call).find((m) => m.kind === 'user')?.allowed).toBe(true)
    fake.allowMentions(() => false)
  })
})

describe('FakeSlack Web API details', () => {
  it('keeps threads, history, permalinks, reactions, DMs and users like Slack', async () => {
    await withFakeSlack({ users: [{ id: USER, name: 'alice' }] }, async (fake) => {
      const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } })
      const parent = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' })
      const reply = await client.chat.postMessage({ channel: CHANNEL, text: 'reply', thread_ts: parent.ts })
      expect([parent.ts, reply.ts]).toEqual(['1700000000.000100', '1700000000.000200'])

      const history = await client.conversations.history({ channel: CHANNEL })
      expect(history.messages?.map((m) => [m.text, m.reply_count])).toEqual([['parent', 1]])
      const replies = await client.conversations.replies({ channel: CHANNEL, ts: String(parent.ts) })
      expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply'])
      const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: String(reply.ts) })
      expect(link.permalink).toBe(`https://arbiter-test.slack.com/archives/${CHANNEL}/p1700000000000200?thread_ts=${String(parent.ts)}&cid=${CHANNEL}`)

      await client.reactions.add({ channel: CHANNEL, timestamp: String(parent.ts), name: 'white_check_mark' })
      await expect(client.reactions.add({ channel: CHANNEL, timestamp: String(parent.ts), name: 'white_check_mark' })).rejects.toMatchObject({ data: { error: 'already_reacted' } })
      expect(fake.message(CHANNEL, String(parent.ts))?.reactions).toEqual([{ name: 'white_check_mark', users: [fake.botUserId], count: 1 }])

      const dm = await client.conversations.open({ users: USER })
      expect(dm.channel?.id).toBe(fake.dmChannelOf(USER))
      const direct = await client.chat.postMessage({ channel: USER, text: 'your next task' })
      expect(direct.channel).toBe(fake.dmChannelOf(USER))
      await client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'only you' })
      expect(fake.ephemerals(USER).map((e) => e.text)).toEqual(['only you'])

      expect((await client.users.info({ user: USER })).user?.name).toBe('alice')
      await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({ data: { error: 'user_not_found' } })
      await expect(client.chat.update({ channel: CHANNEL, ts: '1.000000', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } })

      fake.failNext('chat.postMessage', 'channel_not_found')
      await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } })
      await expect(new webApi.WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl }).auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } })
      await expect(new webApi.WebClient(fake.appToken, { slackApiUrl: fake.apiUrl }).chat.postMessage({ channel: CHANNEL, text: 'x' })).rejects.toMatchObject({
        data: { error: 'not_allowed_token_type' },
      })
    })
  })

  it('applies response_url replace_original and delete_original to the source message', async () => {
    await withFakeSlack({}, async (fake) => {
      const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl })
      const button = { type: 'button' as const, action_id: 'go', text: { type: 'plain_text' as const, text: 'Go' } }
      const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'task', blocks: [{ type: 'actions', elements: [button] }] })
      const post = (url: string, body: SlackJson): Promise<Response> => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

      const first = fake.blockActions({ user: USER, actionId: 'go' })
      expect((await post(String(first.response_url), { replace_original: true, text: 'done' })).status).toBe(200)
      expect(fake.message(CHANNEL, String(posted.ts))?.text).toBe('done')
      const tooLong = { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }
      expect((await post(String(first.response_url), tooLong)).status).toBe(400)
      expect((await post(String(first.response_url), { delete_original: true })).status).toBe(200)
      expect(fake.message(CHANNEL, String(posted.ts))).toBeUndefined()
      expect(fake.callsTo('response_url').map((c) => c.status)).toEqual([200, 400, 200])
    })
  })
})

describe('FakeSlack scopes and membership, as arbiter doctor reads them', () => {
  it('reports the granted scopes in x-oauth-scopes (response_metadata.scopes in the web client)', async () => {
    await withFakeSlack({ botScopes: ['chat:write', 'commands'] }, async (fake) => {
      const auth = await new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }).auth.test()
      expect(auth.response_metadata?.scopes).toEqual(['chat:write', 'commands'])
      const open = await new webApi.WebClient(fake.appToken, { slackApiUrl: fake.apiUrl }).apps.connections.open()
      expect(open.response_metadata?.scopes).toEqual(['connections:write'])
    })
  })

  it('refuses history of a channel the bot was not invited to: not_in_channel, until it is invited', async () => {
    await withFakeSlack({}, async (fake) => {
      fake.channel('C0OUT', 'outside', { botMember: false })
      const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } })
      await expect(client.conversations.history({ channel: 'C0OUT' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } })
      fake.channel('C0OUT', 'outside', { botMember: true })
      await expect(client.conversations.history({ channel: 'C0OUT' })).resolves.toMatchObject({ ok: true })
    })
  })
})

describe('FakeSlack socket reconnects', () => {
  it('serves a client that reconnects after a disconnect request', async () => {
    await withFakeSlack({}, async (fake) => {
      // A hand-built receiver reads the API URL from installerOptions.clientOptions, and the App needs
      // its own clientOptions too (its auth.test runs in the constructor).
      const receiver = new SocketModeReceiver({ appToken: fake.appToken, installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } }, clientPingTimeout: 300, logLevel: LogLevel.ERROR })
      const app = new App({ token: fake.botToken, receiver, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR })
      app.command('/x', async ({ ack }) => {
        await ack()
      })
      await app.start()
      fake.requestReconnect('refresh_requested')
      await fake.waitUntil(() => fake.callsTo('apps.connections.open').length === 2 && fake.socketConnections === 1)
      expect((await fake.sendSlashCommand({ command: '/x' })).payload).toEqual({})
      const disconnected = new Promise((resolve) => receiver.client.once('disconnected', resolve))
      await app.stop()
      await disconnected
    })
  })
})

describe('FakeSlack Block Kit validation table', () => {
  const plain = (text: string): SlackJson => ({ type: 'plain_text', text })
  const mrkdwn = (text: string): SlackJson => ({ type: 'mrkdwn', text })
  const button = (i: number, extra: SlackJson = {}): SlackJson => ({ type: 'button', action_id: `b${i}`, text: plain('ok'), ...extra })
  const options = (n: number, len = 1): SlackJson[] => Array.from({ length: n }, (_, i) => ({ text: plain(`o${i}`), value: `${i}`.padEnd(len, 'v') }))
  const cases: Array<[string, SlackJson[], string | null]> = [
    ['section text at 3,000', [{ type: 'section', text: mrkdwn('x'.repeat(3000)) }], null],
    ['11 section fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }], 'invalid_blocks'],
    ['a field of 2,001', [{ type: 'section', fields: [mrkdwn('f'.repeat(2001))] }], 'invalid_blocks'],
    ['header of 151', [{ type: 'header', text: plain('h'.repeat(151)) }], 'invalid_blocks'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }], 'invalid_blocks'],
    ['26 actions elements', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(i)) }], 'invalid_blocks'],
    ['button text of 76', [{ type: 'actions', elements: [button(0, { text: plain('t'.repeat(76)) })] }], 'invalid_blocks'],
    ['button value of 2,001', [{ type: 'actions', elements: [button(0, { value: 'v'.repeat(2001) })] }], 'invalid_blocks'],
    ['mrkdwn button text', [{ type: 'actions', elements: [button(0, { text: mrkdwn('t') })] }], 'invalid_blocks'],
    ['action_id of 256', [{ type: 'actions', elements: [button(0, { action_id: 'a'.repeat(256) })] }], 'invalid_blocks'],
    ['block_id of 256', [{ type: 'divider', block_id: 'b'.repeat(256) }], 'invalid_blocks'],
    ['duplicate block_id', [{ type: 'divider', block_id: 'x' }, { type: 'divider', block_id: 'x' }], 'invalid_blocks'],
    ['101 select options', [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: options(101) }] }], 'invalid_blocks'],
    ['option value of 76', [{ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: options(1, 76) }] }], 'invalid_blocks'],
    ['11 radio options', [{ type: 'actions', elements: [{ type: 'radio_buttons', action_id: 'r', options: options(11) }] }], 'invalid_blocks'],
    ['empty section text', [{ type: 'section', text: mrkdwn('') }], 'invalid_blocks'],
    ['unknown block type', [{ type: 'sparkles' }], 'invalid_blocks'],
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'invalid_blocks'],
    ['12,001 characters in total', Array.from({ length: 5 }, (_, i) => ({ type: 'section', text: mrkdwn('z'.repeat(i === 4 ? 2401 : 2400)) })), 'msg_blocks_too_long'],
  ]
  it.each(cases)('%s', (_name, blocks, error) => {
    expect(validateMessageBlocks(blocks).error).toBe(error)
  })

  it('checks modal rules', () => {
    const input = { type: 'input', label: plain('Why'), element: { type: 'plain_text_input', action_id: 't' } }
    expect(validateView({ type: 'modal', title: plain('Ok'), submit: plain('Send'), blocks: [input] }).error).toBeNull()
    expect(validateView({ type: 'modal', title: plain('Ok'), blocks: [input] }).messages[0]).toContain('submit is required')
    expect(validateView({ type: 'modal', title: plain('Ok'), close: plain('c'.repeat(25)), blocks: [] }).error).toBe('invalid_arguments')
    expect(validateView({ type: 'modal', title: plain('Ok'), private_metadata: 'm'.repeat(3001), blocks: [] }).error).toBe('invalid_arguments')
    expect(validateView({ type: 'modal', title: plain('Ok'), blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }).error).toBe('invalid_arguments')
    expect(validateView({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }).error).toBeNull()
  })

  it('finds mentions in text, mrkdwn, rich_text elements and link_names broadcasts', () => {
    const found = findMentions({
      text: 'hey @here',
      link_names: true,
      blocks: [
        { type: 'section', text: mrkdwn('<#C1|general> <!subteam^S1> <mailto:a@b.c|mail>') },
        { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'broadcast', range: 'everyone' }, { type: 'text', text: '<!channel> literal' }] }] },
      ],
    })
    expect(found.map((m) => `${m.kind}:${m.target}@${m.path}`)).toEqual([
      'broadcast:here@/text',
      'channel:C1@/blocks/0/text/text',
      'usergroup:S1@/blocks/0/text/text',
      'link:mailto:a@b.c@/blocks/0/text/text',
      'broadcast:everyone@/blocks/1/elements/0/elements/0',
    ])
  })
})

describe('FakeSlack trigger expiry', () => {
  it('expires trigger ids after the configured time', async () => {
    await withFakeSlack({ triggerTtlMs: 50 }, async (fake) => {
      const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl })
      const trigger = fake.issueTriggerId('U1')
      await new Promise((resolve) => setTimeout(resolve, 80))
      await expect(client.views.open({ trigger_id: trigger, view: { type: 'modal', title: { type: 'plain_text', text: 'Late' }, blocks: [] } })).rejects.toMatchObject({
        data: { error: 'expired_trigger_id' },
      })
    })
  })
})

describe('FakeSlack with a real Bolt app in HTTP mode', () => {
  const secret = 'signing-secret'
  let fake: FakeSlack
  let app: App
  let url: string
  const clicked: string[] = []

  beforeAll(async () => {
    fake = await FakeSlack.start()
    app = new App({ token: fake.botToken, signingSecret: secret, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR })
    app.action('approve', async ({ ack, body }) => {
      await ack()
      clicked.push(body.user.id)
    })
    app.command('/ping', async ({ ack }) => {
      await ack({ text: 'pong' })
    })
    const server = (await app.start(0)) as Server
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`
    await app.client.chat.postMessage({
      channel: CHANNEL,
      text: 'Approve?',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'yes' }] }],
    })
  })

  afterAll(async () => {
    await app.stop()
    await fake.stop()
  })

  it('accepts a correctly signed interactive request', async () => {
    const payload = fake.blockActions({ user: 'U2BOB', actionId: 'approve' })
    // Slack generated the block_id the app left out, as real Slack does.
    expect(payload.actions[0].block_id).toMatch(/^[A-Za-z0-9]{4}$/)
    const res = await fake.postToHttpApp(url, payload, { secret, kind: 'interactive' })
    expect(res.status).toBe(200)
    expect(clicked).toEqual(['U2BOB'])
  })

  it('answers a slash command with the ack body', async () => {
    const res = await fake.postToHttpApp(url, fake.slashCommand({ command: '/ping', user_id: 'U2BOB' }), { secret, kind: 'command', retryNum: 1 })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ text: 'pong' })
  })

  it('rejects a wrongly signed request and a stale timestamp with 401', async () => {
    const payload = fake.blockActions({ user: 'U2BOB', actionId: 'approve' })
    const wrong = await fake.postToHttpApp(url, payload, { secret, kind: 'interactive', signature: 'wrong-secret' })
    expect(wrong.status).toBe(401)
    const tampered = await fake.postToHttpApp(url, payload, { secret, kind: 'interactive', signature: 'tampered' })
    expect(tampered.status).toBe(401)
    const stale = await fake.postToHttpApp(url, payload, { secret, kind: 'interactive', timestamp: Math.floor(Date.now() / 1000) - 600 })
    expect(stale.status).toBe(401)
    expect(clicked).toEqual(['U2BOB'])
  })

  it('signs like Slack documents', () => {
    // Example from Slack's "Verifying requests" guide.
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c'
    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)
    expect(headers['x-slack-signature']).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503')
  })
})

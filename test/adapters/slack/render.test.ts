// Block Kit rendering checked against the fake Slack's own validator (an oracle independent of
// the adapter's limit table), and the /label command grammar.
import { describe, expect, it } from 'vitest'
import { escapeText, fitText, renderMessage, renderModal } from '../../../src/adapters/slack/render'
import { parseLabelCommand } from '../../../src/adapters/slack/commands'
import type { Card } from '../../../src/views/card'
import { blocksTextLength, findMentions, validateMessageBlocks, validateView } from '../../fakes/fake-slack'

const as = 7
const controls: Card['blocks'] = [{ type: 'actions', controls: [{ type: 'button', action: { a: 'verdict', as, v: 'a' }, label: 'A is better' }] }]

describe('Slack rendering', () => {
  it('escapes the three control characters and never cuts inside an entity', () => {
    expect(escapeText('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;')
    const cut = fitText('<'.repeat(100), 24)
    expect(cut.length).toBeLessThanOrEqual(24)
    expect(cut).toMatch(/^(&lt;)+…$/)
    expect(fitText('😀'.repeat(20), 10)).not.toMatch(/[\uD800-\uDBFF]…$/)
  })

  it('keeps code fenced: content cannot close the block and leak markup', () => {
    const card: Card = { summary: 's', blocks: [{ type: 'section', title: 'Code', segments: [{ kind: 'code', text: 'a ```\n<!channel>\n``` b', language: null }] }] }
    const { blocks } = renderMessage(card)
    const text = String((blocks[0] as { text: { text: string } }).text.text)
    expect(text.match(/```/g)).toHaveLength(2)
    expect(findMentions({ blocks })).toEqual([])
  })

  it('fits every per-element limit the fake validates', () => {
    const long = 'x'.repeat(500)
    const card: Card = {
      summary: long,
      blocks: [
        { type: 'header', text: long },
        { type: 'note', text: 'n'.repeat(5_000) },
        { type: 'fields', fields: Array.from({ length: 12 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(3_000) })) },
        { type: 'actions', controls: [{ type: 'button', action: { a: 'stop' }, label: long }, { type: 'select', action: { a: 'flaws', as }, placeholder: long, options: Array.from({ length: 120 }, (_, i) => ({ label: `${long}${i}`, value: `v${i}` })), multi: true, initial: ['v1'] }] },
      ],
    }
    const { blocks } = renderMessage(card)
    expect(validateMessageBlocks(blocks)).toEqual({ error: null, messages: [] })
  })

  it('shortens a 60-turn, 100,000-character conversation to one valid message with Read in full', () => {
    const turns: Card['blocks'] = Array.from({ length: 60 }, (_, i) => ({ type: 'section' as const, title: `Turn ${i}`, segments: [{ kind: 'text' as const, text: `turn ${i} `.repeat(200) }] }))
    const { blocks, shortened } = renderMessage({ summary: 'task', blocks: [...turns, ...controls] })
    expect(shortened).toBe(true)
    expect(validateMessageBlocks(blocks).error).toBeNull()
    expect(blocks.length).toBeLessThanOrEqual(50)
    expect(blocksTextLength(blocks)).toBeLessThanOrEqual(12_000)
    expect(JSON.stringify(blocks)).toContain('Read in full')
    expect(JSON.stringify(blocks)).toContain('Turn 59')
  })

  it('renders a modal inside modal limits, with the origin in private_metadata', () => {
    const view = renderModal(
      { ref: { m: 'form', as, f: 'sft_details', s: 0 }, title: 'Details & self-review', submitLabel: 'Save', intro: '<!here>', fields: [{ kind: 'text', id: 'tags', label: 'Tags', required: false, initial: 'a'.repeat(5_000), maxLength: 9_000 }] },
      { c: 'D1', t: '1.2' },
    )
    expect(validateView(view, 'modal')).toEqual({ error: null, messages: [] })
    expect(view.private_metadata).toBe('{"c":"D1","t":"1.2"}')
    expect(findMentions(view)).toEqual([])
  })
})

describe('/label grammar', () => {
  it.each([
    ['', { kind: 'start' }],
    ['chat-v2', { kind: 'start', project: 'chat-v2' }],
    ['stats', { kind: 'stats' }],
    ['project create demo pairwise,likert', { kind: 'project_create', name: 'demo', types: 'pairwise,likert' }],
    ['project show', { kind: 'project_show' }],
    ['role <@U0BEN|ben> lead', { kind: 'role', user: { id: 'U0BEN', name: 'ben' }, role: 'lead' }],
    ['role <@U0BEN> Reviewer', { kind: 'role', user: { id: 'U0BEN' }, role: 'reviewer' }],
    ['export "chat v2" sft', { kind: 'export', project: 'chat v2', format: 'sft' }],
    ['import demo hh-rlhf', { kind: 'import', project: 'demo', format: 'hh-rlhf' }],
  ])('%s', (text, expected) => {
    expect(parseLabelCommand(text)).toEqual(expected)
  })

  it('refuses malformed commands with usage', () => {
    expect(parseLabelCommand('role ben lead')).toMatchObject({ kind: 'invalid' })
    expect(parseLabelCommand('export')).toMatchObject({ kind: 'invalid' })
    expect(parseLabelCommand('what is this')).toMatchObject({ kind: 'invalid' })
  })
})

describe('SlackChatPort (jobs)', () => {
  it('posts, threads, updates, checks, DMs and uploads through the Web API only', async () => {
    const { FakeSlack } = await import('../../fakes/fake-slack')
    const { createSlackPort } = await import('../../../src/adapters/slack/slack-port')
    const { loadConfig } = await import('../../../src/config')
    const fake = await FakeSlack.start()
    try {
      const port = createSlackPort(loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.apiUrl }), { retryConfig: { retries: 0 } })
      const card: Card = { summary: 'Calibration <!here>', blocks: [{ type: 'mentions', userIds: ['U0ANA', 'not-an-id'], text: 'please look <@U999>' }] }
      const root = await port.postToChannel('C0LEADS', card)
      const reply = await port.postInThread(root, { summary: 'reply', blocks: [{ type: 'note', text: 'r' }] }, 'thread')
      expect(reply.threadId).toBe(root.messageId)
      await port.updateMessage(root, { summary: 'settled', blocks: [{ type: 'header', text: 'Settled' }] })
      expect(fake.message('C0LEADS', root.messageId)?.text).toBe('settled')
      expect(await port.messageExists(root)).toBe(true)
      expect(await port.messageExists({ channelId: 'C0LEADS', messageId: '1.000000' })).toBe(false)
      await port.sendDirect('U0ANA', { summary: 'hi', blocks: [] })
      await port.uploadFile('C0LEADS', { name: 'digest.csv', content: 'a,b\n', comment: 'Digest' })
      expect(fake.files.map((f) => f.name)).toEqual(['digest.csv'])
      // Only the deliberate mention of a well-formed user id.
      expect(fake.mentions.map((m) => m.target)).toEqual(['U0ANA'])
    } finally {
      await fake.stop()
    }
  })

  it('notices a calibration parent deleted after replies (a tombstone), and falls back on installs without history scope', async () => {
    const { FakeSlack } = await import('../../fakes/fake-slack')
    const { manifestBotScopes } = await import('../../fakes/slack/scopes')
    const { createSlackPort } = await import('../../../src/adapters/slack/slack-port')
    const { loadConfig } = await import('../../../src/config')
    const thread = async (port: ReturnType<typeof createSlackPort>) => {
      const root = await port.postToChannel('C0CAL', { summary: 'Disputed item', blocks: [{ type: 'note', text: 'item' }] })
      await port.postInThread(root, { summary: 'invite', blocks: [{ type: 'note', text: 'join' }] }, 'thread')
      return root
    }

    // As manifest.yml installs it: the parent is read, and a tombstone counts as deleted.
    const current = await FakeSlack.start({ botScopes: manifestBotScopes() })
    try {
      const port = createSlackPort(loadConfig({ SLACK_BOT_TOKEN: current.botToken, SLACK_API_URL: current.apiUrl }), { retryConfig: { retries: 0 } })
      const root = await thread(port)
      expect(await port.messageExists(root)).toBe(true)
      current.deleteMessage('C0CAL', root.messageId)
      expect(current.message('C0CAL', root.messageId)).toMatchObject({ subtype: 'tombstone' })
      expect(await port.messageExists(root)).toBe(false)
    } finally {
      await current.stop()
    }

    // An app installed from an older manifest, without channels:history: Slack answers
    // missing_scope once, and the permalink check takes over (it sees only a parent without replies gone).
    const older = await FakeSlack.start({ botScopes: manifestBotScopes().filter((s) => !s.endsWith(':history') || s === 'im:history') })
    try {
      const port = createSlackPort(loadConfig({ SLACK_BOT_TOKEN: older.botToken, SLACK_API_URL: older.apiUrl }), { retryConfig: { retries: 0 } })
      const root = await thread(port)
      expect(await port.messageExists(root)).toBe(true)
      const lonely = await port.postToChannel('C0CAL', { summary: 'no replies', blocks: [] })
      older.deleteMessage('C0CAL', lonely.messageId)
      expect(await port.messageExists(lonely)).toBe(false)
      expect(older.callsTo('conversations.replies').map((c) => (c.response as { error?: string }).error)).toEqual(['missing_scope'])
    } finally {
      await older.stop()
    }
  })
})

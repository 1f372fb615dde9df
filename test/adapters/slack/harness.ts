// The real Arbiter Slack app (Bolt, Socket Mode) against the fake Slack, over a fresh database
// with a test clock. Helpers click what a person would click: by the label they see.
import { LogLevel } from '@slack/bolt'
import { expect } from 'vitest'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { createSlackApp, type SlackAdapter, type SlackOverrides } from '../../../src/adapters/slack/slack-app'
import { createProject } from '../../../src/core/projects'
import type { NewItem } from '../../../src/store/item-repository'
import { FakeSlack, type SlackJson, type StoredMessage } from '../../fakes/fake-slack'
import { manifestBotScopes } from '../../fakes/slack/scopes'
import { testCore, type TestCore } from '../../support/core'
import type { TestProvider } from '../../support/databases'
import { countRows } from '../../support/tables'

export const ANA = 'U0ANA'
export const BEN = 'U0BEN'
/** In ARBITER_ADMINS of the test core. */
export const LEAD = 'UADMIN'

// Fast retries keep tests short; 429 waits still honour Retry-After.
export const retryConfig = { retries: 3, minTimeout: 10, maxTimeout: 50 }

export interface Harness {
  t: TestCore
  fake: FakeSlack
  app: SlackAdapter
  /** Start (again) an app on the same database and fake: a restart. */
  restart(overrides?: SlackOverrides): Promise<SlackAdapter>
  project(settings: Record<string, unknown>, items: NewItem[], name?: string): Promise<{ id: number; name: string }>
  /** Waits until every inbox row is handled and its outcome shown (a row is marked before its outcome is applied). */
  idle(): Promise<void>
  label(user: string, text?: string): Promise<StoredMessage>
  /** The newest bot message in the user's DM. */
  last(user: string): StoredMessage
  click(user: string, label: string | RegExp, opts?: { message?: StoredMessage; wait?: boolean }): Promise<void>
  choose(user: string, placeholder: string | RegExp, values: string[], opts?: { message?: StoredMessage }): Promise<void>
  submit(user: string, values: Record<string, string | string[] | null>): Promise<SlackJson>
  judgments(): Promise<number>
  stop(): Promise<void>
}

/** What a person reads: Slack shows &amp; &lt; &gt; as the characters. */
export const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

export function labelsOf(message: StoredMessage | undefined): string[] {
  return (message?.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).map((e) => unescape(String(e.text?.text ?? e.placeholder?.text ?? '')))
}

export function textOf(message: { blocks?: SlackJson[] } | undefined): string {
  return JSON.stringify(message?.blocks ?? [])
}

function element(message: StoredMessage, match: (e: SlackJson) => boolean): SlackJson | undefined {
  return (message.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements as SlackJson[]) : [])).find(match)
}

const matches = (pattern: string | RegExp, text: unknown) => typeof text === 'string' && (typeof pattern === 'string' ? unescape(text) === pattern : pattern.test(unescape(text)))

export async function slackHarness(provider: TestProvider = 'sqlite', overrides: SlackOverrides = {}): Promise<Harness> {
  const t = await testCore(provider)
  // The token has exactly the scopes manifest.yml asks for: a call needing another fails here as on a real install.
  const fake = await FakeSlack.start({ users: [{ id: ANA, name: 'ana' }, { id: BEN, name: 'ben' }, { id: LEAD, name: 'lead' }], botScopes: manifestBotScopes() })
  const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl })
  // Listeners still running. Work continues after the ack, so "no unhandled inbox row" alone
  // could let a test read the fake before the listener has finished.
  let busy = 0
  const make = async (extra: SlackOverrides = {}) => {
    const app = createSlackApp({ config, ctx: t.ctx, logger: createLogger('silent') }, { clientOptions: { retryConfig }, logLevel: LogLevel.ERROR, sweepMs: 0, ...overrides, ...extra })
    // Global middleware wraps every listener; each one acks from inside, so the count is up before the ack reaches the fake.
    app.app.use(async ({ next }) => {
      busy += 1
      try {
        await next()
      } finally {
        busy -= 1
      }
    })
    await app.start()
    return app
  }
  const h: Harness = {
    t,
    fake,
    app: await make(),
    async restart(extra) {
      await h.app.stop()
      h.app = await make(extra)
      return h.app
    },
    async project(settings, items, name = 'p') {
      const p = await createProject(t.ctx, { name, settings: { goldRate: 0, rationalePolicy: 'never', ...settings } })
      await t.store.items.insertMany(p.id, items)
      return { id: p.id, name: p.name }
    },
    async idle() {
      await expect
        .poll(async () => busy + h.app.pipeline.pending + (await countRows(t.store.database, 'InboundEvent', { processedAt: null })), { timeout: 5_000, interval: 10 })
        .toBe(0)
    },
    async label(user, text = '') {
      const since = fake.mark()
      await fake.sendSlashCommand({ command: '/label', text, user_id: user, channel_id: fake.dmChannelOf(user) })
      await h.idle()
      const posted = fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage' && c.ok).pop()
      return posted ? fake.message(String((posted.response as SlackJson).channel), String((posted.response as SlackJson).ts))! : h.last(user)
    },
    last(user) {
      const message = fake.lastMessage(fake.dmChannelOf(user))
      if (!message) throw new Error(`no message in the DM of ${user}`)
      return message
    },
    async click(user, label, opts = {}) {
      const message = opts.message ? fake.message(opts.message.channel, opts.message.ts)! : h.last(user)
      const found = element(message, (e) => e.type === 'button' && matches(label, e.text?.text))
      if (!found) throw new Error(`no button ${String(label)} in [${labelsOf(message).join(', ')}]`)
      await fake.clickButton({ user, channel: message.channel, messageTs: message.ts, actionId: String(found.action_id) })
      if (opts.wait !== false) await h.idle()
    },
    async choose(user, placeholder, values, opts = {}) {
      const message = opts.message ? fake.message(opts.message.channel, opts.message.ts)! : h.last(user)
      const found = element(message, (e) => String(e.type).endsWith('static_select') && matches(placeholder, e.placeholder?.text))
      if (!found) throw new Error(`no select ${String(placeholder)} in [${labelsOf(message).join(', ')}]`)
      const multi = found.type === 'multi_static_select'
      await fake.clickButton({ user, channel: message.channel, messageTs: message.ts, actionId: String(found.action_id), ...(multi ? { values } : { value: values[0]! }) })
      await h.idle()
    },
    async submit(user, values) {
      const view = fake.lastView(user)
      if (!view) throw new Error(`no modal open for ${user}`)
      const ack = await fake.submitView({ view: view.id, values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { [block]: value }])) })
      await h.idle()
      return ack.payload
    },
    judgments: () => countRows(t.store.database, 'Judgment'),
    async stop() {
      await h.app.stop()
      await fake.stop()
      await t.cleanup()
    },
  }
  return h
}

export const pairItem = (id = 'x', prompt = 'Which is the capital of France?'): NewItem => ({
  externalId: id,
  type: 'pairwise',
  messages: [{ role: 'user', content: prompt }],
  responses: [
    { id: 'a', model: null, text: 'Paris.' },
    { id: 'b', model: null, text: 'Lyon.' },
  ],
  target: 3,
})

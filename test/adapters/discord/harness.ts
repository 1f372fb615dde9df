// A running Discord adapter against the fake Discord, over a fresh test database: the real
// discord.js Client, real sockets, the commands registered as `arbiter discord register` does.
import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow, APIMessage, APIStringSelectComponent } from 'discord.js'
import { FakeDiscord, type FakeDiscordOptions, type FakeInteraction, type InteractionAck } from '../../fakes/fake-discord'
import { testCore, type TestCore } from '../../support/core'
import type { TestProvider } from '../../support/databases'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import type { Metrics } from '../../../src/ops/metrics'
import { createDiscordBot, type DiscordBot, type DiscordBotOverrides } from '../../../src/adapters/discord/discord-bot'
import { registerCommands } from '../../../src/adapters/discord/commands'
import { createProject } from '../../../src/core/projects'
import type { NewItem } from '../../../src/store/item-repository'

export const APP = '1100000000000000001'
export const GUILD = '900000000000000001'
export const CHANNEL = '900000000000000010'
/** Where calibration threads and lead messages go (channel messages everyone sees). */
export const CAL_CHANNEL = '900000000000000011'
export const LEAD_CHANNEL = '900000000000000012'
export const LEAD_ROLE = '900000000000000100'
export const ANA = { id: '200000000000000001', username: 'ana' }
export const LEE = { id: '200000000000000002', username: 'lee' }
export const BOB = { id: '200000000000000003', username: 'bob' }

/** What one interaction produced: its acknowledgement and the messages it created or edited (latest versions). */
export interface Exchange {
  interaction: FakeInteraction
  ack: InteractionAck
  messages: APIMessage[]
}

export class Harness {
  constructor(
    readonly t: TestCore,
    readonly fake: FakeDiscord,
    readonly bot: DiscordBot,
  ) {}

  static async start(provider: TestProvider, options: { fake?: FakeDiscordOptions; bot?: DiscordBotOverrides; metrics?: Metrics } = {}): Promise<Harness> {
    const t = await testCore(provider)
    const fake = await FakeDiscord.start({
      applicationId: APP,
      users: [ANA, LEE, BOB],
      guilds: [
        {
          id: GUILD,
          name: 'Labeling',
          channels: [
            { id: CHANNEL, name: 'labeling' },
            { id: CAL_CHANNEL, name: 'calibration' },
            { id: LEAD_CHANNEL, name: 'leads' },
          ],
          roles: [{ id: LEAD_ROLE, name: 'Arbiter Lead' }],
          members: [{ user: ANA }, { user: LEE, roles: [LEAD_ROLE] }, { user: BOB }],
        },
      ],
      ...options.fake,
    })
    await registerCommands({ token: 'test-token', applicationId: APP, apiUrl: fake.apiUrl, guildId: GUILD })
    const config = loadConfig({ DISCORD_TOKEN: 'test-token', DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' })
    // The same overrides object, so a test may change it while the bot runs.
    const overrides = options.bot ?? {}
    // Sweeps only when a test asks (bot.replay()), so a test decides when orphans are picked up.
    overrides.sweepMs ??= 0
    if (options.metrics) t.ctx.observer = options.metrics
    const bot = createDiscordBot({ config, ctx: t.ctx, logger: createLogger('silent'), ...(options.metrics ? { metrics: options.metrics } : {}) }, overrides)
    await bot.start('test-token')
    return new Harness(t, fake, bot)
  }

  async stop(): Promise<void> {
    // Client first: its close handshake needs the server.
    await this.bot.stop()
    await this.fake.stop()
    await this.t.cleanup()
  }

  async project(name: string, settings: Record<string, unknown>, items: NewItem[]) {
    const p = await createProject(this.t.ctx, { name, settings: { goldRate: 0, rationalePolicy: 'never', ...settings } })
    await this.t.store.items.insertMany(p.id, items)
    return p
  }

  /** Sends an interaction and waits until the bot has fully handled it. */
  async send(interaction: FakeInteraction): Promise<Exchange> {
    const ack = await this.fake.sendInteraction(interaction)
    await this.bot.idle()
    return { interaction, ack, messages: this.messagesOf(interaction.id) }
  }

  messagesOf(interactionId: string): APIMessage[] {
    const ids = [...new Set(this.fake.interactionResponses(interactionId).flatMap((r) => (r.messageId ? [r.messageId] : [])))]
    return ids.map((id) => this.fake.message(id)!).filter(Boolean)
  }

  command(user: { id: string }, name: string, options: Record<string, string | FakeInteractionOption> = {}): Promise<Exchange> {
    return this.send(this.fake.slashCommand({ name, user, options: options as never }))
  }

  click(user: { id: string }, message: APIMessage, label: string): Promise<Exchange> {
    return this.send(this.fake.buttonClick({ user, message: message.id, customId: buttonId(message, label) }))
  }

  choose(user: { id: string }, message: APIMessage, placeholder: string, values: string[]): Promise<Exchange> {
    return this.send(this.fake.selectMenu({ user, message: message.id, customId: selectOf(message, placeholder).custom_id, values }))
  }

  /** Submits the last modal the bot showed. */
  submit(user: { id: string }, fields: Record<string, string | string[]>): Promise<Exchange> {
    const modal = this.fake.modals.at(-1)
    if (!modal) throw new Error('no modal was shown')
    return this.send(this.fake.modalSubmit({ user, customId: String(modal.data.custom_id), fields }))
  }

  /** The latest version of a message. */
  latest(message: APIMessage): APIMessage {
    return this.fake.message(message.id)!
  }
}

type FakeInteractionOption = Parameters<FakeDiscord['slashCommand']>[0]['options'] extends Record<string, infer V> | undefined ? V : never

type Row = APIActionRowComponent<APIComponentInMessageActionRow>

export function components(message: APIMessage): (APIButtonComponent | APIStringSelectComponent)[] {
  return ((message.components ?? []) as Row[]).flatMap((row) => row.components as (APIButtonComponent | APIStringSelectComponent)[])
}

/** The custom id of the component at a row and column. */
export function idAt(message: APIMessage, row: number, column: number): string {
  const rows = (message.components ?? []) as Row[]
  const component = rows[row]?.components[column]
  if (!component || !('custom_id' in component) || !component.custom_id) throw new Error(`no component at ${row},${column}`)
  return component.custom_id
}

/** Labels (or placeholders) by row. */
export function rowLabels(message: APIMessage): string[][] {
  return ((message.components ?? []) as Row[]).map((r) => r.components.map((c) => ('label' in c && c.label ? c.label : 'placeholder' in c ? (c.placeholder ?? '') : '')))
}

export function buttonLabels(message: APIMessage): string[] {
  return components(message).flatMap((c) => ('label' in c && c.label ? [c.label] : []))
}

export function buttonId(message: APIMessage, label: string): string {
  const found = components(message).find((c) => 'label' in c && c.label === label)
  if (!found || !('custom_id' in found)) throw new Error(`no button "${label}" in: ${buttonLabels(message).join(', ')}`)
  return found.custom_id
}

export function selectOf(message: APIMessage, placeholder: string): APIStringSelectComponent {
  const found = components(message).find((c): c is APIStringSelectComponent => c.type === 3 && c.placeholder === placeholder)
  if (!found) throw new Error(`no select "${placeholder}"`)
  return found
}

/** The message of an exchange that has controls (the task message). */
export function taskMessage(exchange: Exchange): APIMessage {
  const found = [...exchange.messages].reverse().find((m) => (m.components ?? []).length > 0)
  if (!found) throw new Error(`no message with controls among ${exchange.messages.length}`)
  return found
}

/** All text shown by messages: embed titles, descriptions and fields, and content. */
export function shownText(messages: APIMessage[]): string {
  return messages
    .flatMap((m) => [m.content, ...(m.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])])
    .join('\n')
}

export const pair: NewItem = {
  externalId: 'x',
  type: 'pairwise',
  messages: [{ role: 'user', content: 'Which is right? <@200000000000000002> @everyone' }],
  responses: [
    { id: 'a', model: null, text: 'Answer **A**.\n```js\nconst a = "```"\n```' },
    { id: 'b', model: null, text: 'Answer B.' },
  ],
  target: 3,
}

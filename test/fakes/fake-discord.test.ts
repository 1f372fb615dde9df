// Drives the real discord.js Client against the fake over real HTTP and WebSocket, proving the
// fake speaks Discord well enough for the adapter's tests: interactions in, replies out, limits,
// rate limits, allowed_mentions and gateway resume.
import { once } from 'node:events'
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  REST,
  Routes,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ClientOptions,
  type Interaction,
} from 'discord.js'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeDiscord, type FakeDiscordOptions } from './fake-discord'

const GUILD = '900000000000000001'
const CHANNEL = '900000000000000010'
const REVIEWER_ROLE = '900000000000000100'
const LABELER = { id: '200000000000000001', username: 'labeler' }

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  // Client first (its close handshake needs the server), then the fake.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startFake(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start({
    applicationId: '1100000000000000001',
    users: [LABELER],
    guilds: [
      {
        id: GUILD,
        name: 'Labeling',
        channels: [{ id: CHANNEL, name: 'tasks' }],
        roles: [{ id: REVIEWER_ROLE, name: 'reviewer' }],
        members: [{ user: LABELER, roles: [REVIEWER_ROLE] }],
      },
    ],
    ...options,
  })
  cleanups.push(() => fake.stop())
  return fake
}

/** A logged-in client plus the errors its handlers threw (asserted empty by the tests). */
async function startBot(
  fake: FakeDiscord,
  handler: (interaction: Interaction) => Promise<unknown>,
  options: Partial<ClientOptions> = {},
): Promise<{ client: Client; errors: unknown[] }> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.apiUrl },
    // What the adapter is expected to do: never let relayed text ping anyone.
    allowedMentions: { parse: [] },
    ...options,
  })
  const errors: unknown[] = []
  client.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => errors.push(error))
  })
  cleanups.push(() => client.destroy())
  const ready = once(client, Events.ClientReady)
  await client.login('test-token')
  await ready
  return { client, errors }
}

/** The DiscordAPIError a request failed with (fails the test if it succeeded). */
function rejection(promise: Promise<unknown>): Promise<DiscordAPIError> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (error: unknown) => error as DiscordAPIError,
  )
}

function taskButtons(): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId('judge:a').setLabel('A is better').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId('judge:b').setLabel('B is better').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId('flag').setLabel('Flag').setStyle(ButtonStyle.Danger),
  )
}

describe('FakeDiscord with a real discord.js Client', () => {
  it('logs the client in: gateway READY + GUILD_CREATE give it the guild, channels, roles and members', async () => {
    const fake = await startFake()
    const { client } = await startBot(fake, async () => undefined)
    const guild = client.guilds.cache.get(GUILD)
    expect(guild?.available).toBe(true)
    expect(guild?.channels.cache.get(CHANNEL)?.name).toBe('tasks')
    expect(guild?.roles.cache.get(REVIEWER_ROLE)?.name).toBe('reviewer')
    expect(client.user?.id).toBe(fake.botUserId)
    const member = await guild?.members.fetch({ user: LABELER.id, force: true })
    expect(member?.roles.cache.has(REVIEWER_ROLE)).toBe(true)
    expect(fake.requests.map((r) => r.route)).toContain('GET /gateway/bot')
  })

  it('slash command → deferred ephemeral reply → editReply with buttons', async () => {
    const fake = await startFake()
    const rolesSeen: boolean[] = []
    const { errors } = await startBot(fake, async (interaction) => {
      if (!interaction.isChatInputCommand() || !interaction.inCachedGuild()) return
      rolesSeen.push(interaction.member.roles.cache.has(REVIEWER_ROLE))
      await interaction.deferReply({ flags: MessageFlags.Ephemeral })
      await interaction.editReply({
        content: `Task 1 for <@${interaction.user.id}>: which answer is better? (@everyone in the prompt must not ping)`,
        components: [taskButtons()],
        allowedMentions: { parse: [] },
      })
    })

    const command = fake.slashCommand({ name: 'task', user: LABELER, roles: [REVIEWER_ROLE] })
    const ack = await fake.sendInteraction(command)
    expect(ack.type).toBe(5)
    expect(ack.data?.flags).toBe(MessageFlags.Ephemeral)
    expect(ack.latencyMs).toBeLessThan(3000)

    const reply = await fake.waitForMessage(CHANNEL, (m) => m.content.startsWith('Task 1'))
    expect(reply.flags).toBe(MessageFlags.Ephemeral) // LOADING cleared, ephemeral kept
    expect(reply.components?.[0]).toMatchObject({ type: 1, components: [{ custom_id: 'judge:a' }, { custom_id: 'judge:b' }, { custom_id: 'flag' }] })
    expect(reply.mention_everyone).toBe(false)
    expect(reply.mentions).toEqual([])
    expect(reply.interaction_metadata).toMatchObject({ id: command.id, user: { id: LABELER.id } })
    expect(fake.interactionResponses(command.id).map((r) => r.kind)).toEqual(['callback', 'edit'])
    expect(fake.requests.some((r) => r.path.endsWith('/messages/%40original') && r.method === 'PATCH')).toBe(true)
    expect(rolesSeen).toEqual([true])
    expect(fake.mentionViolations).toEqual([])
    expect(fake.internalErrors).toEqual([])
    expect(errors).toEqual([])
  })

  it('button click → update() edits the message the button is on', async () => {
    const fake = await startFake()
    const { errors } = await startBot(fake, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.reply({ content: 'Task 7', components: [taskButtons()] })
      } else if (interaction.isButton()) {
        await interaction.update({ content: `Task 7 judged: ${interaction.customId}`, components: [] })
      }
    })
    await fake.sendInteraction(fake.slashCommand({ name: 'task' }))
    const card = fake.lastMessage(CHANNEL)
    expect(card?.content).toBe('Task 7')

    const click = fake.buttonClick({ customId: 'judge:b', message: card?.id ?? '', user: LABELER })
    expect(click.message?.id).toBe(card?.id)
    const ack = await fake.sendInteraction(click)
    expect(ack.type).toBe(7)
    const updated = fake.message(card?.id ?? '')
    expect(updated?.content).toBe('Task 7 judged: judge:b')
    expect(updated?.components).toEqual([])
    expect(updated?.edited_timestamp).not.toBeNull()
    expect(fake.storedMessage(card?.id ?? '')?.versions).toHaveLength(1)
    // Buttons that are not on the message cannot be clicked (unless forced).
    expect(() => fake.buttonClick({ customId: 'judge:a', message: card?.id ?? '' })).toThrow(/no button/)
    expect(fake.mentionViolations).toEqual([])
    expect(errors).toEqual([])
  })

  it('select menu and message context menu reach the right handlers', async () => {
    const fake = await startFake()
    const seen: string[] = []
    const { errors } = await startBot(fake, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const select = new StringSelectMenuBuilder()
          .setCustomId('rate')
          .addOptions({ label: 'Good', value: 'good' }, { label: 'Bad', value: 'bad' })
        await interaction.reply({ content: 'Rate it', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select)] })
      } else if (interaction.isStringSelectMenu()) {
        seen.push(`select:${interaction.values.join(',')}`)
        await interaction.deferUpdate()
      } else if (interaction.isMessageContextMenuCommand()) {
        seen.push(`context:${interaction.targetMessage.content}`)
        await interaction.reply({ content: 'Reported', flags: MessageFlags.Ephemeral })
      }
    })
    await fake.sendInteraction(fake.slashCommand({ name: 'rate' }))
    const card = fake.lastMessage(CHANNEL)
    expect((await fake.sendInteraction(fake.selectMenu({ customId: 'rate', values: ['bad'], message: card?.id ?? '' }))).type).toBe(6)
    expect(() => fake.selectMenu({ customId: 'rate', values: ['meh'], message: card?.id ?? '' })).toThrow(/no option/)
    expect((await fake.sendInteraction(fake.messageContextMenu({ name: 'Report', targetMessage: card?.id ?? '' }))).type).toBe(4)
    expect(seen).toEqual(['select:bad', 'context:Rate it'])
    expect(errors).toEqual([])
  })

  it('button → showModal → modal submit carries the typed values', async () => {
    const fake = await startFake()
    const { errors } = await startBot(fake, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.reply({ content: 'Task 3', components: [taskButtons()] })
      } else if (interaction.isButton() && interaction.customId === 'flag') {
        const reason = new TextInputBuilder().setCustomId('reason').setLabel('Why flag it?').setStyle(TextInputStyle.Paragraph)
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId('flag-modal')
            .setTitle('Flag task 3')
            .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(reason)),
        )
      } else if (interaction.isModalSubmit()) {
        await interaction.reply({
          content: `Flagged: ${interaction.fields.getTextInputValue('reason')}`,
          flags: MessageFlags.Ephemeral,
        })
      }
    })
    await fake.sendInteraction(fake.slashCommand({ name: 'task' }))
    const card = fake.lastMessage(CHANNEL)
    const modalAck = await fake.sendInteraction(fake.buttonClick({ customId: 'flag', message: card?.id ?? '' }))
    expect(modalAck.type).toBe(9)
    expect(modalAck.data).toMatchObject({ custom_id: 'flag-modal', title: 'Flag task 3' })

    const submit = fake.modalSubmit({ customId: 'flag-modal', fields: { reason: 'Answer B leaks a phone number' } })
    expect(submit.message?.id).toBe(card?.id) // opened from the card, so the submission refers to it
    const ack = await fake.sendInteraction(submit)
    expect(ack.type).toBe(4)
    expect(fake.lastMessage(CHANNEL)?.content).toBe('Flagged: Answer B leaks a phone number')
    expect(() => fake.modalSubmit({ customId: 'flag-modal', fields: { nope: 'x' } })).toThrow(/no field/)
    expect(errors).toEqual([])
  })

  it('attachment option → the bot downloads it; a follow-up uploads a file the test can read', async () => {
    const fake = await startFake()
    const jsonl = '{"prompt":"2+2?","a":"4","b":"5"}\n{"prompt":"Capital of France?","a":"Paris","b":"Lyon"}\n'
    const { client, errors } = await startBot(fake, async (interaction) => {
      if (!interaction.isChatInputCommand()) return
      await interaction.deferReply()
      const file = interaction.options.getAttachment('file', true)
      const text = await (await fetch(file.url)).text()
      const lines = text.trim().split('\n')
      await interaction.followUp({
        content: `Imported ${lines.length} tasks`,
        files: [{ attachment: Buffer.from(lines.map((l) => JSON.parse(l).prompt).join('\n')), name: 'prompts.txt' }],
      })
    })
    await client.application?.commands.set([
      {
        name: 'import',
        description: 'Import tasks',
        options: [{ name: 'file', description: 'JSONL file', type: 11, required: true }],
      },
    ])
    expect(fake.commands().map((c) => c.name)).toEqual(['import'])

    const attachment = fake.addAttachment({ filename: 'tasks.jsonl', content: jsonl })
    const command = fake.slashCommand({ name: 'import', options: { file: attachment } })
    expect(command.data.id).toBe(fake.commands()[0]?.id)
    await fake.sendInteraction(command)
    const reply = await fake.waitForMessage(CHANNEL, (m) => m.content.startsWith('Imported'))
    expect(reply.content).toBe('Imported 2 tasks')
    expect(reply.attachments).toHaveLength(1)
    expect(reply.attachments[0]?.filename).toBe('prompts.txt')
    expect(fake.attachmentContent(reply.attachments[0]?.id ?? '')?.toString()).toBe('2+2?\nCapital of France?')
    expect(fake.downloads.map((d) => d.attachmentId)).toEqual([attachment.id])
    const upload = fake.requests.find((r) => r.files.length > 0)
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data/)
    expect(fake.mentionViolations).toEqual([])
    expect(errors).toEqual([])
  })

  it('a 429 is waited out and retried by discord.js; the message arrives once', async () => {
    const fake = await startFake()
    const { client } = await startBot(fake, async () => undefined)
    fake.rateLimitNext('POST /channels/:channelId/messages', 1, 0.2)
    const channel = await client.channels.fetch(CHANNEL)
    if (!channel?.isSendable()) throw new Error('channel not sendable')
    const started = Date.now()
    const sent = await channel.send({ content: 'Daily digest' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(sent.content).toBe('Daily digest')
    const posts = fake.requests.filter((r) => r.route === 'POST /channels/:channelId/messages')
    expect(posts.map((r) => r.status)).toEqual([429, 200])
    expect(posts[0]?.response).toMatchObject({ message: 'You are being rate limited.', retry_after: 0.2, global: false })
    expect(fake.messagesIn(CHANNEL).map((m) => m.content)).toEqual(['Daily digest'])
  })

  it('payloads beyond Discord limits get 400 / 50035 Invalid Form Body', async () => {
    const fake = await startFake()
    const { client } = await startBot(fake, async () => undefined)
    // Raw REST: the SDK checks none of these (content length, embed total, row count) itself.
    const post = (body: object): Promise<unknown> => client.rest.post(Routes.channelMessages(CHANNEL), { body })

    const long = await rejection(post({ content: 'x'.repeat(2001), allowed_mentions: { parse: [] } }))
    expect(long).toBeInstanceOf(DiscordAPIError)
    expect(long.status).toBe(400)
    expect(long.code).toBe(50035)
    expect(long.rawError).toMatchObject({ message: 'Invalid Form Body', errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } })

    const embeds = Array.from({ length: 2 }, () => ({ description: 'y'.repeat(3001) }))
    const tooBig = await rejection(post({ embeds, allowed_mentions: { parse: [] } }))
    expect(tooBig.rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } })

    const row = { type: 1, components: [{ type: 2, style: 1, label: 'ok', custom_id: 'same' }] }
    const sixRows = await rejection(post({ content: 'rows', components: Array.from({ length: 6 }, () => row), allowed_mentions: { parse: [] } }))
    expect(sixRows.code).toBe(50035)

    const noCustomId = await rejection(post({ content: 'b', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x' }] }], allowed_mentions: { parse: [] } }))
    expect(noCustomId.rawError).toMatchObject({ errors: { components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } } } } } } })

    // Exactly at the limits is fine.
    await post({ content: 'x'.repeat(2000), allowed_mentions: { parse: [] } })
    expect(fake.messagesIn(CHANNEL)).toHaveLength(1)
  })

  it('interaction callbacks are validated too: modal and select limits, wrong types, double acknowledgement', async () => {
    const fake = await startFake()
    const { client } = await startBot(fake, async () => undefined) // answers nothing: the test does, raw
    const interaction = fake.slashCommand({ name: 'raw' })
    const ack = fake.sendInteraction(interaction)
    const callback = (body: object): Promise<unknown> =>
      client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body, auth: false })
    const followUp = (body: object): Promise<unknown> =>
      client.rest.post(Routes.webhook(fake.applicationId, interaction.token), { body, auth: false, query: new URLSearchParams({ wait: 'true' }) })

    const modal = await rejection(
      callback({
        type: 9,
        data: {
          custom_id: 'm',
          title: 't'.repeat(46),
          components: [{ type: 1, components: [{ type: 4, custom_id: 'r', style: 1, label: 'l'.repeat(46) }] }],
        },
      }),
    )
    expect(modal.rawError).toMatchObject({
      code: 50035,
      errors: { data: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] }, components: { 0: { components: { 0: { label: {} } } } } } },
    })
    const options = Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `v${i}` }))
    const select = await rejection(
      callback({ type: 4, data: { content: 's', components: [{ type: 1, components: [{ type: 3, custom_id: 's', options }] }], allowed_mentions: { parse: [] } } }),
    )
    expect(select.rawError).toMatchObject({ errors: { data: { components: { 0: { components: { 0: { options: {} } } } } } } })
    expect((await rejection(callback({ type: 7, data: { content: 'x' } }))).code).toBe(50035) // UPDATE needs a component
    expect((await rejection(followUp({ content: 'too early', allowed_mentions: { parse: [] } }))).code).toBe(10015)

    await callback({ type: 4, data: { content: 'ok', allowed_mentions: { parse: [] } } })
    expect((await ack).type).toBe(4)
    expect((await rejection(callback({ type: 4, data: { content: 'again', allowed_mentions: { parse: [] } } }))).code).toBe(40060)
    await followUp({ content: 'now fine', allowed_mentions: { parse: [] } })
    expect(fake.messagesIn(CHANNEL).map((m) => m.content)).toEqual(['ok', 'now fine'])
  })

  it('an interaction sent while the gateway is down arrives after RESUME, exactly once', async () => {
    const fake = await startFake()
    let handled = 0
    const { client, errors } = await startBot(fake, async (interaction) => {
      if (!interaction.isChatInputCommand()) return
      handled += 1
      await interaction.reply({ content: 'Still here', flags: MessageFlags.Ephemeral })
    })
    const logStart = fake.gatewayLog.length
    const resumed = fake.waitForResume()
    fake.dropGateway()
    expect(fake.gatewayConnected).toBe(false)
    const pending = fake.sendInteraction(fake.slashCommand({ name: 'task' }))
    await resumed
    const ack = await pending
    expect(ack.type).toBe(4)
    expect(handled).toBe(1)
    const log = fake.gatewayLog.slice(logStart)
    expect(log.find((e) => e.kind === 'connect')?.path).toBe('/gateway-resume')
    expect(log.some((e) => e.kind === 'identify')).toBe(false)
    expect(client.ws.status).toBe(0) // Status.Ready
    expect(errors).toEqual([])
  })

  it('answers after the 3-second window get 10062 Unknown interaction (window shortened here)', async () => {
    const fake = await startFake({ interactionDeadlineMs: 150 })
    const { errors } = await startBot(fake, async (interaction) => {
      if (!interaction.isChatInputCommand()) return
      await new Promise((resolve) => setTimeout(resolve, 250))
      await interaction.reply({ content: 'too late' })
    })
    await expect(fake.sendInteraction(fake.slashCommand({ name: 'slow' }))).rejects.toThrow(/no callback within 150 ms/)
    await fake.waitFor(() => errors.length > 0)
    expect(errors[0]).toBeInstanceOf(DiscordAPIError)
    expect((errors[0] as DiscordAPIError).code).toBe(10062)
    expect(fake.messagesIn(CHANNEL)).toEqual([])
  })

  it('mentionViolations catches a message without allowed_mentions and one that lets @everyone ping', async () => {
    const fake = await startFake()
    // No client-wide allowedMentions: what the adapter must not do.
    const { client } = await startBot(fake, async () => undefined, { allowedMentions: undefined })
    const channel = await client.channels.fetch(CHANNEL)
    if (!channel?.isSendable()) throw new Error('channel not sendable')

    await channel.send({ content: 'New batch ready' })
    await channel.send({ content: 'Prompt: @everyone look', allowedMentions: { parse: ['everyone'] } })
    await channel.send({ content: 'Prompt: @everyone look', allowedMentions: { parse: [] } })
    await channel.send({ content: `Assigned to <@${LABELER.id}>`, allowedMentions: { users: [LABELER.id] } })

    expect(fake.mentionViolations.map((v) => v.reason)).toEqual([
      'allowed_mentions missing',
      'allowed_mentions.parse includes "everyone" and the text contains @everyone',
    ])
    expect(fake.messagesIn(CHANNEL).map((m) => m.mention_everyone)).toEqual([false, true, false, false])
    expect(fake.lastMessage(CHANNEL)?.mentions.map((u) => u.id)).toEqual([LABELER.id])
  })

  it('computes channel permissions from roles and overwrites: no View Channel is 403 50001, no Send Messages 403 50013', async () => {
    const fake = await startFake()
    const rest = new REST({ api: fake.apiUrl }).setToken('t')
    fake.setPermissionOverwrites(CHANNEL, [{ id: GUILD, type: 0, deny: PermissionFlagsBits.SendMessages }])
    expect(fake.botPermissionsIn(CHANNEL) & PermissionFlagsBits.SendMessages).toBe(0n)
    await expect(rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'hi' } })).rejects.toMatchObject({ status: 403, code: 50013 })
    fake.setPermissionOverwrites(CHANNEL, [{ id: GUILD, type: 0, deny: PermissionFlagsBits.ViewChannel }])
    await expect(rest.get(Routes.channel(CHANNEL))).rejects.toMatchObject({ status: 403, code: 50001 })
    // An overwrite for the bot itself wins over @everyone's.
    fake.setPermissionOverwrites(CHANNEL, [{ id: GUILD, type: 0, deny: PermissionFlagsBits.ViewChannel }, { id: fake.botUserId, type: 1, allow: PermissionFlagsBits.ViewChannel }])
    await expect(rest.get(Routes.channel(CHANNEL))).resolves.toMatchObject({ id: CHANNEL })
  })

  it('a bot removed from a server: the server leaves its guild list, its channels answer 403 Missing Access', async () => {
    const fake = await startFake()
    const rest = new REST({ api: fake.apiUrl }).setToken('t')
    expect(await rest.get(Routes.userGuilds())).toEqual([expect.objectContaining({ id: GUILD, name: 'Labeling' })])
    fake.removeBotFromGuild(GUILD)
    expect(await rest.get(Routes.userGuilds())).toEqual([])
    await expect(rest.get(Routes.channel(CHANNEL))).rejects.toMatchObject({ status: 403, code: 50001 })
    await expect(rest.get(Routes.guild(GUILD))).rejects.toMatchObject({ status: 403, code: 50001 })
  })
})

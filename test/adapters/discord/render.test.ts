// Rendering within Discord's limits, checked with the fake's own validators: any card (long,
// full of markdown, mentions and fences) becomes messages Discord accepts, and every modal of
// the labeling flow becomes a modal Discord accepts, with its fields rendered natively.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateMessagePayload, validateModal } from '../../fakes/discord/limits'
import { cardEmbeds, renderCard } from '../../../src/adapters/discord/render-card'
import { renderModal } from '../../../src/adapters/discord/render-modal'
import { codeBlock, escapeText } from '../../../src/adapters/discord/escape'
import { discordRegister } from '../../../src/cli/discord-command'
import { FakeDiscord } from '../../fakes/fake-discord'
import type { Card, Modal } from '../../../src/views/card'
import { segmentsOf } from '../../../src/views/segments'

function payload(page: ReturnType<typeof renderCard>[number]) {
  return { content: page.content, embeds: page.embeds, components: page.components, allowed_mentions: { parse: [] } } as Record<string, unknown>
}

const nasty = (n: number, seed: number) => {
  const parts = ['**bold** ', '_it_ ', '`code` ', '# heading\n', '> quote\n', '- item\n', '@everyone ', '<@123456789012345678> ', '[link](http://x) ', '||spoiler|| ', 'plain words here ', '\n\n', '😀 ', '```js\nlet x = 1\n```\n', '\\', '~~s~~ ']
  let out = ''
  let i = seed
  while (out.length < n) out += parts[(i = (i * 7919 + 13) % 104729) % parts.length]
  return out.slice(0, n)
}

describe('rendering within Discord limits', () => {
  it.each([100, 5_000, 30_000, 60_000, 200_000])('a card with %i characters of hostile text renders to valid messages', (size) => {
    const card: Card = {
      summary: 'x',
      blocks: [
        { type: 'header', text: nasty(400, 1) },
        { type: 'note', text: nasty(300, 2) },
        { type: 'section', title: 'User', segments: segmentsOf(nasty(size, 3)) },
        { type: 'section', title: 'Response A', segments: segmentsOf(nasty(size / 2, 4)) },
        { type: 'fields', fields: [{ label: 'Rationale', value: nasty(2_500, 5) }, { label: '', value: '' }] },
        { type: 'actions', controls: [{ type: 'select', action: { a: 'flaws', as: 1 }, placeholder: 'p', multi: true, options: Array.from({ length: 30 }, (_, i) => ({ label: nasty(150, i), value: `v${i}` })) }] },
        { type: 'actions', controls: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ type: 'button' as const, action: { a: 'verdict' as const, as: 1, v: String(n) }, label: nasty(120, n) })) },
        ...[0, 1, 2, 3].map((pos) => ({ type: 'actions' as const, controls: [{ type: 'select' as const, action: { a: 'rank' as const, as: 1, pos }, placeholder: 'p', options: [{ label: 'a', value: 'a' }] }] })),
      ],
    }
    const pages = renderCard(card)
    for (const page of pages) {
      expect(validateMessagePayload(payload(page))).toBeNull()
      expect(page.embeds.length + page.components.length + (page.content ? 1 : 0) + (page.files?.length ?? 0)).toBeGreaterThan(0)
    }
    expect(pages.length).toBeLessThanOrEqual(10)
    // All seven rows are kept, in order (the seven buttons take two), five per message at most.
    expect(pages.flatMap((p) => p.components.map((r) => r.components.length))).toEqual([1, 5, 2, 1, 1, 1, 1])
    if (size >= 60_000) {
      const file = pages[0]!.files?.[0]!.data.toString() ?? ''
      for (const segment of segmentsOf(nasty(size, 3))) expect(file).toContain(segment.text)
    }
  })

  it('escapes markdown and breaks mentions; code keeps its fence and cannot close it early', () => {
    expect(escapeText('**x** @everyone <@1> <@&2> <#3>')).toBe('\\*\\*x\\*\\* @\u200beveryone <\u200b@1> <\u200b@&2> <\u200b#3>')
    expect(escapeText('# Title\n> quote')).toBe('\\# Title\n\\> quote')
    const block = codeBlock('a\n```\nrm -rf', 'sh')
    expect(block.startsWith('```sh\n')).toBe(true)
    expect(block.endsWith('\n```')).toBe(true)
    expect(block.slice(6, -4)).not.toContain('```')
  })

  it('a header with notes is one embed; sections are titled', () => {
    const embeds = cardEmbeds([{ type: 'header', text: 'H' }, { type: 'note', text: 'n' }, { type: 'section', title: 'User', segments: [{ kind: 'text', text: 'q' }] }])
    expect(embeds).toMatchObject([{ title: 'H', description: '*n*' }, { title: 'User', description: 'q' }])
  })

  it('modals: text, select and checkbox fields as labelled native components, within five', () => {
    const modal: Modal = {
      ref: { m: 'form', as: 12345, f: 'sft_details', s: 0 },
      title: 'Details & self-review, a title that is far too long for Discord',
      submitLabel: 'Save',
      intro: 'Intro text '.repeat(30),
      fields: [
        { kind: 'text', id: 'domain', label: 'Domain', required: false, maxLength: 100, initial: 'x'.repeat(300) },
        { kind: 'select', id: 'difficulty', label: 'Difficulty', options: [{ label: 'easy', value: 'easy' }], required: false, initial: 'easy' },
        { kind: 'text', id: 'tags', label: 'Tags', required: false, multiline: true },
        { kind: 'select', id: 'edge', label: 'Edge case', options: [{ label: 'none', value: 'none' }], required: true },
        { kind: 'checkboxes', id: 'checklist', label: 'Self-review: confirm every point, a label too long', options: Array.from({ length: 6 }, (_, i) => ({ label: `c${i}`, value: `c${i}` })), required: true, initial: ['c1'] },
      ],
    }
    const data = renderModal(modal)
    expect(validateModal(data as never)).toBeNull()
    expect(data.components).toHaveLength(5)
    expect(data.components.map((c) => (c.component as { type: number }).type)).toEqual([4, 3, 4, 3, 22])
    expect((data.components[0] as { description?: string }).description).toMatch(/^Intro text/)
    const short = renderModal({ ...modal, fields: modal.fields.slice(0, 2) })
    expect(short.components[0]).toMatchObject({ type: 10 })
    expect(validateModal(short as never)).toBeNull()
  })
})

describe('arbiter discord register', () => {
  let fake: FakeDiscord
  beforeAll(async () => {
    fake = await FakeDiscord.start({ applicationId: '1100000000000000001', guilds: [{ id: '900000000000000001', name: 'g', channels: [{ id: '900000000000000010', name: 'c' }] }] })
  })
  afterAll(async () => fake?.stop())

  it('registers the commands in a guild, or globally, with the configured credentials', async () => {
    const env = { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '1100000000000000001', DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' }
    expect(await discordRegister({ guild: '900000000000000001' }, env)).toBe(0)
    expect(fake.commands('900000000000000001').map((c) => c.name)).toEqual(['label', 'Send to labeling'])
    expect(await discordRegister({}, env)).toBe(0)
    expect(fake.commands().map((c) => c.name)).toEqual(['label', 'Send to labeling'])
    expect(await discordRegister({}, { DATABASE_URL: 'file:./x.db' })).toBe(1)
  })
})

describe('the mentions block: the only thing that pings', () => {
  const ids = ['200000000000000001', '200000000000000002']

  it('becomes content that names exactly its users, with allowed_mentions limited to them; other text stays inert', () => {
    const card: Card = {
      summary: 'Calibration discussion',
      blocks: [
        { type: 'mentions', userIds: [...ids, 'U_not_a_snowflake', ids[0]!], text: 'join <@300000000000000001> @everyone **now**' },
        { type: 'section', segments: [{ kind: 'text', text: '<@300000000000000002> @here' }] },
      ],
    }
    const [page, ...rest] = renderCard(card)
    expect(rest).toEqual([])
    expect(page!.allowedUsers).toEqual(ids)
    expect(page!.content).toMatch(/^<@200000000000000001> <@200000000000000002> join /)
    // Only the two deliberate mentions are real mentions; the rest is neutralized text.
    expect([...page!.content!.matchAll(/<@!?(\d+)>/g)].map((m) => m[1])).toEqual(ids)
    expect(page!.content).not.toMatch(/@everyone|@here/)
    expect(JSON.stringify(page!.embeds)).not.toMatch(/<@\d|@here/)
  })

  it('a card without it allows no one, and a mentions-only card is content alone', () => {
    expect(renderCard({ summary: 's', blocks: [{ type: 'header', text: 'h' }] })[0]!.allowedUsers).toBeUndefined()
    const [page] = renderCard({ summary: 'fallback text', blocks: [{ type: 'mentions', userIds: [ids[0]!], text: 'please look' }] })
    expect(page).toMatchObject({ content: `<@${ids[0]}> please look`, embeds: [], components: [], allowedUsers: [ids[0]] })
  })

  it('hundreds of ids are cut whole, never half a mention', () => {
    const many = Array.from({ length: 200 }, (_, i) => String(200000000000000000n + BigInt(i)))
    const [page] = renderCard({ summary: 's', blocks: [{ type: 'mentions', userIds: many, text: 'x' }] })
    expect(page!.content!.length).toBeLessThanOrEqual(2_000)
    expect([...page!.content!.matchAll(/<@(\d+)>/g)].map((m) => m[1])).toEqual(page!.allowedUsers)
    expect(page!.content).not.toMatch(/<@\d*$|<@\d+(?!>)\D/)
  })
})

// Outbound failures are sorted once: the errors the real Slack Web API client throws (against the
// fake Slack) and the errors discord.js's REST layer throws, into retryable and permanent. A
// permanent one is tried once; a retryable one again; the observer hears every outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebClient } from '@slack/web-api'
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest'
import { FakeSlack } from '../fakes/fake-slack'
import { classifyFailure, outbound, OutboundFailure } from '../../src/inbox/outbound'
import type { PipelineEvents } from '../../src/inbox/pipeline-events'

async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  throw new Error('the call did not fail')
}

describe('sorting outbound failures', () => {
  let fake: FakeSlack
  let client: WebClient
  beforeAll(async () => {
    fake = await FakeSlack.start({ users: [{ id: 'U0ANA', name: 'ana' }] })
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true })
  })
  afterAll(async () => fake.stop())

  const post = () => client.chat.postMessage({ channel: fake.dmChannelOf('U0ANA'), text: 'hello' })

  it.each([
    ['invalid_blocks', 'permanent'],
    ['account_inactive', 'permanent'],
    ['not_in_channel', 'permanent'],
    ['internal_error', 'retryable'],
  ])('Slack answering %s is %s', async (code, kind) => {
    fake.failNext('chat.postMessage', code)
    expect(classifyFailure(await thrownBy(post)).kind).toBe(kind)
  })

  it('Slack answering HTTP 503 is retryable, HTTP 400 permanent; a 429 carries its Retry-After', async () => {
    fake.failNext('chat.postMessage', { status: 503 })
    expect(classifyFailure(await thrownBy(post)).kind).toBe('retryable')
    fake.failNext('chat.postMessage', { status: 400 })
    expect(classifyFailure(await thrownBy(post)).kind).toBe('permanent')
    fake.rateLimitNext('chat.postMessage', 1, 7)
    expect(classifyFailure(await thrownBy(post))).toEqual({ kind: 'retryable', retryAfterMs: 7_000 })
  })

  it('a network failure is retryable', async () => {
    const nowhere = new WebClient('xoxb-x', { slackApiUrl: 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 } })
    expect(classifyFailure(await thrownBy(() => nowhere.auth.test())).kind).toBe('retryable')
  })

  it('Discord: a 4xx (closed DM, request too large) is permanent; a 5xx and a rate limit are retryable', () => {
    const body = { body: undefined, files: undefined }
    expect(classifyFailure(new DiscordAPIError({ code: 50007, message: 'Cannot send messages to this user' }, 50007, 403, 'POST', '/channels/1/messages', body))).toEqual({ kind: 'permanent', reason: 'Discord 50007' })
    expect(classifyFailure(new DiscordAPIError({ code: 40005, message: 'Request entity too large' }, 40005, 413, 'POST', '/channels/1/messages', body)).kind).toBe('permanent')
    expect(classifyFailure(new HTTPError(503, 'Service Unavailable', 'POST', '/channels/1/messages', body)).kind).toBe('retryable')
    const limited = new RateLimitError({ timeToReset: 1_500, limit: 5, method: 'POST', hash: 'h', url: '/x', route: '/x', majorParameter: '1', global: false, retryAfter: 1_500, sublimitTimeout: 0, scope: 'user' })
    expect(classifyFailure(limited)).toEqual({ kind: 'retryable', retryAfterMs: 1_500 })
  })

  it('a permanent failure is tried once and reported; a retryable one is tried again and succeeds', async () => {
    const outcomes: string[] = []
    const events: PipelineEvents = { outbound: (e) => outcomes.push(`${e.call} ${e.outcome}`) }
    fake.failNext('chat.postMessage', 'invalid_blocks')
    let since = fake.mark()
    const failure = await thrownBy(() => outbound('chat.postMessage', post, { platform: 'slack', events, backoffMs: 1 }))
    expect(failure).toBeInstanceOf(OutboundFailure)
    expect((failure as OutboundFailure).permanent).toBe(true)
    expect(fake.calls.filter((c) => c.seq > since && c.method === 'chat.postMessage')).toHaveLength(1)

    fake.failNext('chat.postMessage', { status: 502 })
    since = fake.mark()
    expect(await outbound('chat.postMessage', post, { platform: 'slack', events, backoffMs: 1 })).toMatchObject({ ok: true })
    expect(outcomes).toEqual(['chat.postMessage permanent', 'chat.postMessage ok'])
  })
})

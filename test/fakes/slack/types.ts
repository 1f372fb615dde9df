// Shapes shared by the fake Slack's modules. Payload objects are loosely typed on purpose:
// the fake carries whatever Block Kit JSON the bot sends, and tests read it with plain property access.

/** Any Slack JSON object as it crosses the wire (blocks, views, payloads); `any` keeps test assertions terse. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SlackJson = Record<string, any>

/** One request the fake received: a Web API method, a response_url post, a file upload or download. */
export interface RecordedCall {
  /** Position in `fake.calls`, starting at 1; pass it as `since` to `waitFor` to ignore older calls. */
  seq: number
  /** `chat.postMessage`, …, or `response_url`, `file_upload`, `file_download` for the non-API endpoints. */
  method: string
  /** Request path on the fake, e.g. `/api/chat.postMessage` or `/response/ab12…`. */
  path: string
  /** Decoded arguments: form fields and JSON bodies alike, with `blocks`/`view`/… parsed from their JSON strings. */
  args: SlackJson
  /** Token from `Authorization: Bearer` or the `token` field. */
  token: string | undefined
  /** HTTP status the fake answered (200, or 429 when rate limited, …). */
  status: number
  /** What the fake answered (parsed JSON), or a string for non-JSON answers. */
  response: SlackJson | string
  /** `true` when the answer was HTTP 200 with `ok: true`. */
  ok: boolean
  /** Wall clock (ms) when the request arrived. */
  at: number
}

/** A message kept in the fake's per-channel store, shaped like `conversations.history` returns it. */
export interface StoredMessage extends SlackJson {
  type: 'message'
  channel: string
  ts: string
  text: string
  user: string
  thread_ts?: string
  blocks?: SlackJson[]
  attachments?: SlackJson[]
}

/** An ephemeral message: only `user` sees it, and Slack never lets the bot read it back. */
export interface StoredEphemeral {
  channel: string
  user: string
  ts: string
  text: string
  blocks?: SlackJson[]
  thread_ts?: string
  /** `chat.postEphemeral` or `response_url`. */
  via: string
}

/** A mention-like token found in outgoing text (`<!channel>`, `<@U1>`, `<#C1>`, `<https://…|label>`). */
export interface SlackMention {
  kind: 'broadcast' | 'user' | 'channel' | 'usergroup' | 'link' | 'date' | 'other'
  /** The text as written, e.g. `<!here>`; for rich_text elements a synthesised form. */
  raw: string
  /** `here` / `channel` / `everyone`, a user / channel / usergroup id, or the URL. */
  target: string
  label?: string
  /** JSON pointer inside the call's arguments, e.g. `/blocks/0/text/text`. */
  path: string
  /** Which kind of text carried it: plain_text does not notify, but the bot should not emit it there either. */
  textType: 'text' | 'mrkdwn' | 'plain_text' | 'markdown' | 'rich_text' | 'attachment'
}

/** A mention together with the call it came from and whether the test allowed it. */
export interface RecordedMention extends SlackMention {
  method: string
  callSeq: number
  allowed: boolean
}

/** How a test describes a user: `name` is the handle; `displayName` the profile's display name (default: the handle; "" for unset). */
export interface FakeUserOptions {
  name?: string
  displayName?: string
  realName?: string
  team?: string
  email?: string
  tz?: string
  isAdmin?: boolean
  isBot?: boolean
  deleted?: boolean
}

/** A Slack user the fake knows (returned by `users.info`). */
export interface FakeUser extends SlackJson {
  id: string
  team_id: string
  name: string
  real_name: string
}

/** A view kept by the fake, exactly as `views.open` returns it, plus its owner. */
export interface StoredView extends SlackJson {
  id: string
  type: 'modal' | 'home'
  callback_id: string
  private_metadata: string
  hash: string
  blocks: SlackJson[]
  state: { values: SlackJson }
}

/** The socket-mode envelope the fake pushes to the app. */
export interface Envelope {
  envelope_id: string
  type: 'interactive' | 'slash_commands' | 'events_api'
  payload: SlackJson
  accepts_response_payload: boolean
  retry_attempt?: number
  retry_reason?: string
}

/** The app's acknowledgement of one envelope, with how long it took. */
export interface AckResult {
  envelope_id: string
  /** What the app put in `payload` (`{}` for a plain ack; `{response_action, errors}` for a refused submission). */
  payload: SlackJson
  /** Milliseconds from writing the envelope to receiving the ack. */
  latencyMs: number
  envelope: Envelope
}

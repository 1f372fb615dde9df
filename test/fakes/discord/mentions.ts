// The allowed_mentions audit. Arbiter relays text it does not control (task prompts, model
// answers, labeler notes); one "@everyone" in a prompt must never ping a whole server. So every
// payload that creates or edits a message must carry allowed_mentions, and it must not let the
// mentions present in the text ping.
//
// Decision: a payload WITHOUT allowed_mentions is a violation even when its text has no mention.
// Discord's default (no allowed_mentions) parses every mention, so the safety of such a message
// depends on its text, which for Arbiter often comes from users or data files. Requiring the field
// everywhere (discord.js sends it on every payload once the Client has `allowedMentions` set)
// makes the rule checkable without guessing which texts are "safe".
//
// Explicit id lists (`users: ['123']`, `roles: ['456']`) are deliberate, targeted pings and are
// not violations; broad `parse` entries that match a mention in the text are.
import { asArray, asObject, asString, type Json } from './json'

/** A message payload that could ping more than the bot intended. */
export interface MentionViolation {
  /** `METHOD /path` of the request that carried the payload. */
  request: string
  reason: string
  /** The message payload (for callbacks: its `data`). */
  payload: Json
  at: number
}

/** Text in which Discord resolves mentions: content, plus V2 text displays. */
function mentionableText(payload: Json): string {
  const parts: string[] = []
  const content = asString(payload.content)
  if (content) parts.push(content)
  const walk = (components: unknown): void => {
    for (const raw of asArray(components) ?? []) {
      const c = asObject(raw)
      if (!c) continue
      if (c.type === 10 && typeof c.content === 'string') parts.push(c.content)
      walk(c.components)
    }
  }
  walk(payload.components)
  return parts.join('\n')
}

/** Returns the reasons this payload violates the allowed_mentions rule (empty when it is safe). */
export function auditAllowedMentions(payload: Json): string[] {
  const raw = payload.allowed_mentions
  if (raw === undefined || raw === null) return ['allowed_mentions missing']
  const am = asObject(raw)
  if (!am) return ['allowed_mentions is not an object']
  const parse = (asArray(am.parse) ?? []).filter((p): p is string => typeof p === 'string')
  const users = new Set((asArray(am.users) ?? []).map(String))
  const roles = new Set((asArray(am.roles) ?? []).map(String))
  const text = mentionableText(payload)
  const reasons: string[] = []

  const broadcast = text.match(/@(everyone|here)\b/g)
  if (broadcast && parse.includes('everyone')) {
    reasons.push(`allowed_mentions.parse includes "everyone" and the text contains ${[...new Set(broadcast)].join(', ')}`)
  }
  for (const m of text.matchAll(/<@&(\d+)>/g)) {
    const id = m[1] ?? ''
    if (parse.includes('roles') && !roles.has(id)) {
      reasons.push(`allowed_mentions.parse includes "roles" and the text mentions role ${id}`)
    }
  }
  for (const m of text.matchAll(/<@!?(\d+)>/g)) {
    const id = m[1] ?? ''
    if (parse.includes('users') && !users.has(id)) {
      reasons.push(`allowed_mentions.parse includes "users" and the text mentions user ${id}`)
    }
  }
  return reasons
}

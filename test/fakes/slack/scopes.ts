// OAuth scopes, as Slack checks them: a bot token calling a method its app was not granted the
// scope for gets `missing_scope` (with `needed` and `provided`). Tests start the fake with the
// scopes manifest.yml asks for, so a method the bot calls without asking for its scope fails
// in the tests as it would for the first real workspace that installs the app.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SlackJson } from './types'

/** The history/read scope for a conversation, by its id's first letter (C public, G private, D DM). */
function byConversation(kind: 'history' | 'read', channel: unknown): string[] {
  const id = typeof channel === 'string' ? channel : ''
  if (id.startsWith('G')) return [`groups:${kind}`, `mpim:${kind}`]
  if (id.startsWith('D') || /^[UW]/.test(id)) return [`im:${kind}`]
  return [`channels:${kind}`]
}

/** Scopes any one of which lets a bot call the method ([] : none needed). Unknown methods need none. */
export function scopesFor(method: string, args: SlackJson): string[] {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.delete':
    case 'chat.postEphemeral':
      return ['chat:write']
    case 'conversations.open':
      return ['im:write', 'mpim:write', 'channels:manage', 'groups:write']
    case 'conversations.history':
    case 'conversations.replies':
      return byConversation('history', args.channel)
    case 'conversations.info':
      return byConversation('read', args.channel)
    case 'users.info':
      return ['users:read']
    case 'files.info':
      return ['files:read']
    case 'files.getUploadURLExternal':
    case 'files.completeUploadExternal':
      return ['files:write']
    case 'reactions.add':
    case 'reactions.remove':
      return ['reactions:write']
    default:
      return [] // chat.getPermalink, views.*, auth.test, api.test
  }
}

/** The `missing_scope` answer when `granted` allows none of the method's scopes, else null. */
export function checkScopes(method: string, args: SlackJson, granted: readonly string[]): SlackJson | null {
  const needed = scopesFor(method, args)
  if (needed.length === 0 || needed.some((scope) => granted.includes(scope))) return null
  return { ok: false, error: 'missing_scope', needed: needed[0], provided: granted.join(',') }
}

/** The bot scopes manifest.yml requests (oauth_config.scopes.bot). */
export function manifestBotScopes(path = join(process.cwd(), 'manifest.yml')): string[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const start = lines.findIndex((line) => /^\s+bot:\s*$/.test(line) && lines.slice(0, lines.indexOf(line)).some((l) => /^\s+scopes:\s*$/.test(l)))
  if (start < 0) throw new Error(`${path}: no oauth_config.scopes.bot list`)
  const indent = lines[start]!.search(/\S/)
  const scopes: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue
    if (line.search(/\S/) <= indent) break
    const item = /^\s*-\s*([a-z:._]+)\s*$/.exec(line)
    if (item) scopes.push(item[1]!)
  }
  return scopes
}

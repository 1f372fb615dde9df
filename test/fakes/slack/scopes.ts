// OAuth scopes, as Slack checks them: a bot token calling a method its app was not granted the
// scope for gets `missing_scope` (with `needed` and `provided`). Tests start the fake with the
// scopes manifest.yml asks for, so a method the bot calls without asking for its scope fails
// in the tests as it would for the first real workspace that installs the app.
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

/** The scopes a fake started without `botScopes` reports: every scope a method here can need, and `commands`. */
export const ALL_BOT_SCOPES: readonly string[] = ['commands', 'chat:write', 'channels:history', 'groups:history', 'mpim:history', 'im:history', 'channels:read', 'groups:read', 'mpim:read', 'im:read', 'im:write', 'mpim:write', 'channels:manage', 'groups:write', 'users:read', 'files:read', 'files:write', 'reactions:write']

/** The `missing_scope` answer when `granted` allows none of the method's scopes, else null. */
export function checkScopes(method: string, args: SlackJson, granted: readonly string[]): SlackJson | null {
  const needed = scopesFor(method, args)
  if (needed.length === 0 || needed.some((scope) => granted.includes(scope))) return null
  return { ok: false, error: 'missing_scope', needed: needed[0], provided: granted.join(',') }
}

/** The bot scopes manifest.yml requests (oauth_config.scopes.bot): the app's own reader, so the fake grants exactly what a real install would. */
export { manifestBotScopes } from '../../../src/ops/doctor/manifest'

// Delivers lead notices the interaction that queued them did not post: the process died in
// between, or the flag was made on one platform and the project's lead channel is on the other.
// Only notices a minute old are taken, so a flag being posted right now is not posted twice.
import { leadNoticePost } from '../interactions/flag-review'
import type { JobEnv } from './job-env'

/** How long the interaction that queued a notice has to post it itself. */
export const LEAD_NOTICE_GRACE_MS = 60_000

export async function deliverLeadNotices(env: JobEnv): Promise<string> {
  const { ctx } = env
  let posted = 0
  let failed = 0
  for (const notice of await ctx.store.notifications.pendingLeadNotices({ createdBefore: new Date(ctx.now().getTime() - LEAD_NOTICE_GRACE_MS) })) {
    const port = env.ports.get(notice.platform)
    if (!port) continue
    const post = await leadNoticePost(ctx, notice)
    if (post) {
      try {
        await port.postToChannel(post.channelId, post.card)
      } catch (error) {
        // One unreachable channel must not hold back the other projects' notices; it is tried again next minute.
        env.log.warn({ err: error, notice: notice.id, channel: post.channelId }, 'lead notice could not be posted')
        failed++
        continue
      }
      posted++
    }
    await ctx.store.notifications.markDelivered(notice.id, ctx.now())
  }
  return `posted ${posted} lead notice${posted === 1 ? '' : 's'}${failed ? `, ${failed} failed (retried next run)` : ''}`
}

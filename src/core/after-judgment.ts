// What follows a recorded judgment: gold feedback for the labeler, and the SFT review loop
// (a submission goes to another labeler; only accepted ones become training data; the writer
// learns the outcome). Messages go through the notification outbox so any adapter delivers them.
import type { CoreContext } from './context'
import type { ItemDto } from '../store/item-repository'
import type { JudgmentDto } from '../store/judgment-repository'
import type { ProjectDto } from '../store/project-repository'
import { goldAgrees } from './gold'

export async function afterJudgment(ctx: CoreContext, args: { project: ProjectDto; item: ItemDto; judgment: JudgmentDto }): Promise<void> {
  const { store } = ctx
  const { project, item, judgment } = args
  const settled = item.verdict ?? item.gold
  if (settled && item.type !== 'sft' && item.type !== 'sft_review') {
    // The labeler privately sees the settled answer after a gold item (never before).
    await store.notifications.add(judgment.labelerId, 'gold_feedback', {
      itemId: item.id,
      projectName: project.name,
      settled,
      agreed: goldAgrees(settled, judgment),
      yourAnswer: { choice: judgment.choice, ranking: judgment.ranking, rating: judgment.rating },
      // The order this labeler was shown, so the feedback names responses by their letters.
      displayOrder: judgment.displayOrder,
    })
  }
  if (item.type === 'sft' && judgment.sft && project.sftReview) {
    await store.judgments.setReviewStatus(judgment.id, 'pending')
    const sft = judgment.sft as { prompt?: string; response: string }
    const messages = item.messages.length > 0 ? item.messages : [{ role: 'user' as const, content: sft.prompt ?? '' }]
    await store.items.create(project.id, {
      type: 'sft_review',
      messages,
      responses: [{ id: 'a', model: 'human', text: sft.response }],
      domain: item.domain,
      tags: item.tags,
      target: 1,
      reviewOfJudgmentId: judgment.id,
      authorLabelerId: judgment.labelerId,
    })
  }
  if (item.type === 'sft_review' && item.reviewOfJudgmentId !== null && judgment.sft) {
    const accepted = (judgment.sft as { accept?: boolean }).accept === true
    await store.judgments.setReviewStatus(item.reviewOfJudgmentId, accepted ? 'accepted' : 'rejected')
    const submission = await store.judgments.findById(item.reviewOfJudgmentId)
    if (submission) {
      await store.notifications.add(submission.labelerId, 'sft_review_outcome', {
        projectName: project.name,
        submissionId: submission.id,
        accepted,
        criteria: judgment.ratings,
        comment: judgment.rationale,
      })
    }
  }
}

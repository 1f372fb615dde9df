// What follows a recorded judgment: a flag's post to the leads, gold feedback for the labeler, and the SFT review loop
// (a submission, or a rewrite after "both bad", goes to another labeler; only accepted ones become training data; the writer
// learns the outcome). Messages go through the notification outbox so any adapter delivers them.
//
// Pure: the rows are computed before the judgment is stored, and the store writes them in the
// judgment's own transaction. A process that dies right after the commit therefore leaves
// nothing undone — the replayed click finds the judgment, and its follow-ups, already there.
import type { ItemDto } from '../store/item-repository'
import type { JudgmentFollowUps, NewJudgment } from '../store/judgment-repository'
import type { ProjectDto } from '../store/project-repository'
import { goldAgrees } from './gold'

export function judgmentFollowUps(args: { project: ProjectDto; item: ItemDto; judgment: NewJudgment }): JudgmentFollowUps {
  const { project, item, judgment } = args
  const followUps: JudgmentFollowUps = { reviewStatus: null, notifications: [], reviewItem: null, settlesReview: null, leadNotice: null }
  const settled = item.verdict ?? item.gold
  if (settled && item.type !== 'sft' && item.type !== 'sft_review') {
    // The labeler privately sees the settled answer after a gold item (never before).
    followUps.notifications.push({
      labelerId: judgment.labelerId,
      kind: 'gold_feedback',
      payload: {
        itemId: item.id,
        projectName: project.name,
        settled,
        agreed: goldAgrees(settled, judgment),
        yourAnswer: { choice: judgment.choice, ranking: judgment.ranking, rating: judgment.rating },
        // The order this labeler was shown, so the feedback names responses by their letters.
        displayOrder: judgment.displayOrder,
      },
    })
  }
  // A rewrite after "both bad" is SFT work too: reviewed like any submission when the project reviews SFT.
  const written = item.type === 'sft' && judgment.sft ? (judgment.sft as { prompt?: string; response: string }) : judgment.rewrite ? { response: judgment.rewrite } : null
  if (written && project.sftReview) {
    followUps.reviewStatus = 'pending'
    const sft: { prompt?: string; response: string } = written
    const messages = item.messages.length > 0 ? item.messages : [{ role: 'user' as const, content: sft.prompt ?? '' }]
    followUps.reviewItem = {
      type: 'sft_review',
      messages,
      responses: [{ id: 'a', model: 'human', text: sft.response }],
      domain: item.domain,
      tags: item.tags,
      target: 1,
      authorLabelerId: judgment.labelerId,
    }
  }
  // A review item names its submission and the submission's writer (both set when it was made above).
  if (item.type === 'sft_review' && item.reviewOfJudgmentId !== null && judgment.sft) {
    const accepted = (judgment.sft as { accept?: boolean }).accept === true
    followUps.settlesReview = { judgmentId: item.reviewOfJudgmentId, status: accepted ? 'accepted' : 'rejected' }
    if (item.authorLabelerId !== null) {
      followUps.notifications.push({
        labelerId: item.authorLabelerId,
        kind: 'sft_review_outcome',
        payload: { projectName: project.name, submissionId: item.reviewOfJudgmentId, accepted, criteria: judgment.ratings, comment: judgment.rationale },
      })
    }
  }
  return followUps
}

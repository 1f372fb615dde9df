// When a project asks for a rationale (the guide: "Many RLHF tasks ask for a brief written
// explanation"). close_calls asks only where the explanation teaches most: ties, both-bad, and
// verdicts against the item's current majority.
import { strictMajority, verdictOf } from './vote-split'
import type { Store } from '../store/store'
import type { ItemDto } from '../store/item-repository'
import { BOTH_BAD, TIE, type RationalePolicy } from './task-types'

/** Whether this verdict needs a rationale under the project's policy. */
export function rationaleRequired(policy: RationalePolicy, verdict: string | null, earlierVerdicts: string[]): boolean {
  if (policy === 'never' || verdict === null) return false
  if (policy === 'always') return true
  if (verdict === TIE || verdict === BOTH_BAD) return true
  const majority = strictMajority(earlierVerdicts)
  return majority !== null && majority !== verdict
}

/**
 * Whether a verdict (in verdictOf's comparable form) on an item needs a rationale now. Reads the
 * item's earlier judgments only when the policy depends on them and there are some: `item` must
 * have been read fresh (its `judged` counter; a task's joined read), not from a cache.
 */
export async function rationaleNeeded(store: Store, policy: RationalePolicy, item: Pick<ItemDto, 'id' | 'judged'>, verdict: string | null): Promise<boolean> {
  if (policy === 'never' || verdict === null) return false
  if (policy === 'always') return true
  if (verdict === TIE || verdict === BOTH_BAD) return true
  if (item.judged === 0) return false
  const earlier = (await store.judgments.forItem(item.id)).map(verdictOf).filter((v): v is string => v !== null)
  return rationaleRequired(policy, verdict, earlier)
}

import { describe, expect, it } from 'vitest'
import { projectDisputes } from '../../../src/quality/analytics/disputes'
import { flaw, makeItem, vote } from '../../support/quality-fixtures'

const labelers = [1, 2, 3, 4, 5].map((id) => ({ id, name: `labeler ${id}` }))
const votes = (itemId: number, choices: string[], extra: (k: number) => Parameters<typeof vote>[3] = () => ({})) =>
  choices.map((choice, k) => vote(itemId, k + 1, choice, extra(k)))

describe('disputes', () => {
  const items = [1, 2, 3, 4, 5, 6, 7].map((id) => makeItem(id, id === 7 ? { gold: { winner: 'a' } } : {}))
  const judgments = [
    ...votes(1, ['a', 'a', 'a', 'b', 'b']), // 3–2 of five: top share 0.6, below a 2/3 margin
    ...votes(2, ['a', 'b']), // split, but only two of five judgments in: still collecting
    ...votes(3, ['a', 'a', 'a', 'a', 'a'], (k) => (k === 0 ? { flaws: flaw('b', 'safety_issue') } : {})), // one of five saw a safety issue
    ...votes(4, ['a', 'a', 'a', 'a', 'a'], (k) => ({ flagged: k === 4 })), // flagged by one
    ...votes(5, ['a', 'a', 'a', 'a', 'b']), // 4–1: clear
    ...votes(6, ['a', 'a', 'b', 'b', 'tie']), // 2–2–1: the closest split
    ...votes(7, ['a', 'b', 'b', 'a', 'tie']), // split, but gold settled it
  ]
  const { disputes, total } = projectDisputes({ items, labelers, judgments }, { redundancy: 5, disputeMargin: 2 / 3 })

  it('finds split, flaw-disagreement and flagged items, skipping incomplete, clear and settled ones', () => {
    expect(total).toBe(4)
    expect(disputes.map((dispute) => dispute.itemId).sort()).toEqual([1, 3, 4, 6])
    const byItem = new Map(disputes.map((dispute) => [dispute.itemId, dispute]))
    expect(byItem.get(1)!.reasons.map((reason) => reason.code)).toEqual(['split'])
    expect(byItem.get(1)).toMatchObject({ externalId: 'ext-1', split: { a: 3, b: 2 }, topShare: 0.6, judgments: 5, redundancy: 5 })
    expect(byItem.get(3)!.reasons).toEqual([{ code: 'flaw_disagreement', detail: '1 of 5 marked b with a critical flaw (safety issue), the others did not' }])
    expect(byItem.get(4)!.reasons.map((reason) => reason.code)).toEqual(['flagged'])
  })

  it('ranks by what settling teaches: a disputed safety flaw, then the closest split, then 3–2, then a lone flag', () => {
    // scores ∝ closeness + flaw weight + flagged share: 0 + 1.5, 1, 0.8, 0 + 0.2 (same labelers, same count).
    expect(disputes.map((dispute) => dispute.itemId)).toEqual([3, 6, 1, 4])
    const [safety, closest] = disputes
    expect(safety!.scoreParts).toMatchObject({ flawWeight: 1.5, closeness: 0 })
    expect(closest!.scoreParts.closeness).toBe(1)
    expect(disputes[2]!.scoreParts.closeness).toBeCloseTo(0.8, 12)
  })

  it('takes redundancy per item and a limit', () => {
    const perItem = projectDisputes({ items, labelers, judgments }, { redundancy: (item) => (item.id === 2 ? 2 : 5), disputeMargin: 2 / 3, disputeLimit: 2 })
    expect(perItem.total).toBe(5)
    expect(perItem.disputes).toHaveLength(2)
  })

  it('with more labelers involved, the same split ranks higher', () => {
    const wide = [makeItem(1), makeItem(2)]
    const many = [...votes(1, ['a', 'b']), ...[1, 2, 3, 4, 5, 6].map((k) => vote(2, k, k % 2 === 0 ? 'a' : 'b'))]
    const result = projectDisputes({ items: wide, labelers, judgments: many }, { redundancy: 2 })
    expect(result.disputes.map((dispute) => dispute.itemId)).toEqual([2, 1])
  })
})

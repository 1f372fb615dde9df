// Small builders for hand-made quality fixtures whose answers can be worked out on paper (the
// synthetic labelers, for data too large for paper, are in simulate.ts).
import type { FlawKind, JudgmentKind, QualityItem, QualityJudgment } from '../../src/quality/types'

/** A hand-made item: two responses `a` and `b` of the given lengths by default. */
export function makeItem(id: number, fields: Partial<QualityItem> = {}): QualityItem {
  return {
    id,
    externalId: `ext-${id}`,
    kind: 'pairwise',
    responseLengths: { a: 400, b: 800 },
    responseModels: { a: 'model-a', b: 'model-b' },
    promptLength: 200,
    domain: null,
    gold: null,
    ...fields,
  }
}

let nextId = 1

/** A hand-made judgment; ids increase in creation order, as the store's do. */
export function makeJudgment(itemId: number, labelerId: number, fields: Partial<QualityJudgment> & { kind?: JudgmentKind } = {}): QualityJudgment {
  const id = nextId++
  return {
    id,
    itemId,
    labelerId,
    kind: 'pairwise',
    choice: null,
    choicePosition: null,
    ranking: null,
    rating: null,
    displayOrder: ['a', 'b'],
    flaws: null,
    flagged: false,
    durationMs: 60_000,
    ...fields,
  }
}

/** A pairwise verdict on responses a/b shown as `displayOrder`; choicePosition follows from it. */
export function vote(itemId: number, labelerId: number, choice: string, extra: Partial<QualityJudgment> = {}): QualityJudgment {
  const displayOrder = extra.displayOrder ?? ['a', 'b']
  const position = displayOrder.indexOf(choice)
  return makeJudgment(itemId, labelerId, { choice, choicePosition: position >= 0 ? position : null, displayOrder, ...extra })
}

/** Flaw marks on one response. */
export function flaw(responseId: string, kind: FlawKind = 'factual_error'): Record<string, FlawKind[]> {
  return { [responseId]: [kind] }
}

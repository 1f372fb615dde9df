// A project's judgments as columns: one entry per judgment in each, in recording order. This is
// what the store hands the quality engine. At a million judgments, an object per judgment (and the
// driver's row behind it) was most of a report's reading time and of its garbage; columns are a
// handful of typed arrays, filled a page at a time. Simulations and tests write QualityJudgment
// objects: judgmentColumnsOf turns a list into columns, and judgmentAt reads one back.
import type { FlawKind, JudgmentKind, QualityJudgment } from './types'

/** Judgment kinds by their code in `JudgmentColumns.kind`. */
export const JUDGMENT_KINDS = ['pairwise', 'ranking', 'likert', 'dimensions', 'sft', 'sft_review'] as const satisfies readonly JudgmentKind[]

/** A kind's code in `JudgmentColumns.kind` (a kind outside the list reads as `dimensions`, which no analysis counts). */
export function judgmentKindCode(kind: string): number {
  const code = (JUDGMENT_KINDS as readonly string[]).indexOf(kind)
  return code >= 0 ? code : JUDGMENT_KINDS.indexOf('dimensions')
}

/** Judgments, column by column: entry j of every column is judgment j. */
export interface JudgmentColumns {
  count: number
  id: Float64Array
  itemId: Float64Array
  labelerId: Float64Array
  /** The kind's place in JUDGMENT_KINDS. */
  kind: Uint8Array
  /** Pairwise verdict: a response id, tie or both_bad; null for other kinds or none. */
  choice: (string | null)[]
  /** Pairwise: the display position of the chosen response, −1 for none. */
  choicePosition: Int8Array
  /** Likert rating, NaN for none. */
  rating: Float64Array
  /** 1 when the labeler flagged the item. */
  flagged: Uint8Array
  /** Time on the task, NaN when unknown. */
  durationMs: Float64Array
  /** The variable-length parts, held only by the few judgments that have them (by judgment index). */
  rankings: Map<number, readonly string[]>
  flaws: Map<number, Record<string, FlawKind[]>>
  /** The display order of a pairwise choice recorded without its position (the engine places the choice by it). */
  displayOrders: Map<number, readonly string[]>
}

/** Grows columns as pages arrive (doubling), so a reader never needs the count first. */
export class JudgmentColumnsBuilder {
  private capacity: number
  /** The columns being filled; growing replaces their arrays, so read them after `add`. */
  readonly columns: JudgmentColumns

  constructor(capacity = 1024) {
    this.capacity = capacity
    this.columns = {
      count: 0,
      id: new Float64Array(capacity),
      itemId: new Float64Array(capacity),
      labelerId: new Float64Array(capacity),
      kind: new Uint8Array(capacity),
      choice: [],
      choicePosition: new Int8Array(capacity),
      rating: new Float64Array(capacity),
      flagged: new Uint8Array(capacity),
      durationMs: new Float64Array(capacity),
      rankings: new Map(),
      flaws: new Map(),
      displayOrders: new Map(),
    }
  }

  /**
   * Adds a judgment and returns its index; the caller sets its verdict columns. Until then it has
   * no choice, position, rating or duration, and no flag.
   */
  add(id: number, itemId: number, labelerId: number, kind: number): number {
    const c = this.columns
    if (c.count === this.capacity) this.grow()
    const j = c.count++
    c.id[j] = id
    c.itemId[j] = itemId
    c.labelerId[j] = labelerId
    c.kind[j] = kind
    c.choice.push(null)
    c.choicePosition[j] = -1
    c.rating[j] = NaN
    c.durationMs[j] = NaN
    return j
  }

  /** The columns, each exactly `count` long. */
  finish(): JudgmentColumns {
    const c = this.columns
    const n = c.count
    return {
      ...c,
      id: c.id.subarray(0, n),
      itemId: c.itemId.subarray(0, n),
      labelerId: c.labelerId.subarray(0, n),
      kind: c.kind.subarray(0, n),
      choicePosition: c.choicePosition.subarray(0, n),
      rating: c.rating.subarray(0, n),
      flagged: c.flagged.subarray(0, n),
      durationMs: c.durationMs.subarray(0, n),
    }
  }

  private grow(): void {
    const c = this.columns
    this.capacity *= 2
    c.id = grown(c.id, new Float64Array(this.capacity))
    c.itemId = grown(c.itemId, new Float64Array(this.capacity))
    c.labelerId = grown(c.labelerId, new Float64Array(this.capacity))
    c.kind = grown(c.kind, new Uint8Array(this.capacity))
    c.choicePosition = grown(c.choicePosition, new Int8Array(this.capacity))
    c.rating = grown(c.rating, new Float64Array(this.capacity))
    c.flagged = grown(c.flagged, new Uint8Array(this.capacity))
    c.durationMs = grown(c.durationMs, new Float64Array(this.capacity))
  }
}

/** `to` holding `from`'s values first: a column grown into a larger array. */
export function grown<T extends Float64Array | Int32Array | Uint8Array | Int8Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/** Columns of a list of judgment objects (simulations, tests, imported judgments). */
export function judgmentColumnsOf(judgments: readonly QualityJudgment[]): JudgmentColumns {
  const builder = new JudgmentColumnsBuilder(Math.max(judgments.length, 1))
  const c = builder.columns
  for (const judgment of judgments) {
    const j = builder.add(judgment.id, judgment.itemId, judgment.labelerId, judgmentKindCode(judgment.kind))
    c.choice[j] = judgment.choice
    c.choicePosition[j] = judgment.choicePosition ?? -1
    c.rating[j] = judgment.rating ?? NaN
    c.flagged[j] = judgment.flagged ? 1 : 0
    c.durationMs[j] = judgment.durationMs ?? NaN
    if (judgment.ranking) c.rankings.set(j, judgment.ranking)
    if (judgment.flaws) c.flaws.set(j, judgment.flaws)
    if (judgment.choicePosition === null && judgment.displayOrder.length > 0) c.displayOrders.set(j, judgment.displayOrder)
  }
  return builder.finish()
}

/** Judgment j as an object (tests, and the few places that look at one judgment). */
export function judgmentAt(columns: JudgmentColumns, j: number): QualityJudgment {
  const position = columns.choicePosition[j]!
  const rating = columns.rating[j]!
  const duration = columns.durationMs[j]!
  return {
    id: columns.id[j]!,
    itemId: columns.itemId[j]!,
    labelerId: columns.labelerId[j]!,
    kind: JUDGMENT_KINDS[columns.kind[j]!]!,
    choice: columns.choice[j] ?? null,
    choicePosition: position < 0 ? null : position,
    ranking: (columns.rankings.get(j) as string[] | undefined) ?? null,
    rating: rating === rating ? rating : null,
    displayOrder: (columns.displayOrders.get(j) as string[] | undefined) ?? [],
    flaws: columns.flaws.get(j) ?? null,
    flagged: columns.flagged[j] === 1,
    durationMs: duration === duration ? duration : null,
  }
}

/** Every judgment as an object (tests and small projects). */
export function judgmentList(columns: JudgmentColumns): QualityJudgment[] {
  return Array.from({ length: columns.count }, (_, j) => judgmentAt(columns, j))
}

/** What `verdictPoint` and `goldAgrees` read of a judgment. */
export interface Verdict {
  kind: JudgmentKind
  choice: string | null
  ranking: string[] | null
  rating: number | null
}

/** A verdict object to reuse with verdictAt. */
export function blankVerdict(): Verdict {
  return { kind: 'pairwise', choice: null, ranking: null, rating: null }
}

/**
 * Judgment j's verdict, written into `into` (one object reused across a million judgments) and
 * returned.
 */
export function verdictAt(columns: JudgmentColumns, j: number, into: Verdict = blankVerdict()): Verdict {
  const rating = columns.rating[j]!
  into.kind = JUDGMENT_KINDS[columns.kind[j]!]!
  into.choice = columns.choice[j] ?? null
  into.ranking = (columns.rankings.get(j) as string[] | undefined) ?? null
  into.rating = rating === rating ? rating : null
  return into
}

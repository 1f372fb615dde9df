// Every agreement statistic returns a StatResult instead of throwing: too little data or no variation
// are ordinary states of a labeling project (a fresh item, a unanimous batch), not programming errors.

/** Why a statistic has no value. */
export type NotApplicableReason =
  /** No unit has two or more values, so no pair of values can be compared. */
  | 'no pairable values'
  /** Every pairable value is the same: expected disagreement is zero and the coefficient is undefined. */
  | 'no variation'
  /** Fleiss' kappa needs the same number of ratings on every unit. */
  | 'unequal ratings per unit'
  /** The two rating sequences of a paired statistic differ in length. */
  | 'length mismatch'
  /** The metric needs numbers (interval, ratio) and a value is not a finite number. */
  | 'values must be numbers'
  /** The ratio metric is defined for non-negative values only. */
  | 'ratio needs non-negative values'
  /** A value is not among the categories (or the scale order) the caller gave. */
  | 'unknown value'
  /** The builder met the same (unit, rater) twice. */
  | 'duplicate rating'
  /** A rank correlation needs at least two items in common. */
  | 'fewer than two items'
  /** Two rankings do not rank the same set of items. */
  | 'different items'
  /** Per-item agreement needs at least two votes. */
  | 'fewer than two votes'

/** Outcome of an agreement statistic: a value, or the reason there is none. */
export type StatResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: NotApplicableReason; detail?: string }

/** Wraps a computed value. */
export function ok<T>(value: T): StatResult<T> {
  return { ok: true, value }
}

/** Builds a not-applicable result; `detail` names the offending unit or value for humans. */
export function notApplicable<T = never>(reason: NotApplicableReason, detail?: string): StatResult<T> {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail }
}

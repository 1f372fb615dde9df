// False alarms multiply: 500 honest labelers × 8 tests at α = 0.05 would raise about 200 false
// flags a report, on a third of the team. So no test flags on its raw p-value. Every test of one report (all labelers, all biases,
// agreement, flag overuse and drift) joins one family, and a test flags only when its
// Benjamini–Hochberg adjusted p-value is ≤ q (default 0.05): among the flags a report raises, the
// expected share of false ones is at most q. Tests below their minimum sample never join the family.
import { benjaminiHochberg } from './numeric-kit'

/** The part of a test result the family fills in. */
export interface TestOutcome {
  /** Raw one-sided p-value; null when the test was not run (not enough data). */
  p: number | null
  /** Benjamini–Hochberg adjusted p-value across the report's family; null when not run. */
  pAdjusted: number | null
  flagged: boolean
}

/** Default false-discovery rate of a report. */
export const DEFAULT_Q = 0.05

/** The tests of one report, adjusted together. */
export class TestFamily {
  private readonly outcomes: TestOutcome[] = []
  private readonly gates: boolean[] = []

  /** Adds a run test; `gate` is an extra condition (effect size, raw α) that must also hold to flag. */
  add(outcome: TestOutcome, gate = true): void {
    if (outcome.p === null) return
    this.outcomes.push(outcome)
    this.gates.push(gate)
  }

  /** Number of tests in the family. */
  get size(): number {
    return this.outcomes.length
  }

  /** Fills in adjusted p-values and flags at false-discovery rate q. */
  adjust(q = DEFAULT_Q): void {
    const adjusted = benjaminiHochberg(this.outcomes.map((o) => o.p!))
    this.outcomes.forEach((outcome, i) => {
      outcome.pAdjusted = adjusted[i]!
      outcome.flagged = this.gates[i]! && adjusted[i]! <= q
    })
  }
}

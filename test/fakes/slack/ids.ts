// Identifier and timestamp sources. Deterministic counters keep failing tests readable and
// ts values strictly increasing, which Slack guarantees per channel and bots rely on for ordering.
import { randomBytes } from 'node:crypto'

/** Hands out Slack-looking ids: a prefix letter then a zero-padded counter (`V00000001`). */
export class IdSource {
  private readonly counters = new Map<string, number>()

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1
    this.counters.set(prefix, n)
    return `${prefix}${String(n).padStart(8, '0')}`
  }
}

/** Message timestamps in Slack's `"1700000000.000100"` form, strictly increasing across all channels. */
export class TsClock {
  private micros: number

  constructor(startSeconds: number) {
    // Whole microseconds stay below 2^53 for any realistic epoch, so plain numbers are exact.
    this.micros = startSeconds * 1_000_000
  }

  next(): string {
    this.micros += 100
    return formatTs(this.micros)
  }
}

export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000)
  const fraction = micros - seconds * 1_000_000
  return `${seconds}.${String(fraction).padStart(6, '0')}`
}

/** Slack compares ts values as decimals; as fixed-width strings of the same length this is exact. */
export function tsToMicros(ts: string): number {
  const [seconds = '0', fraction = '0'] = ts.split('.')
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6))
}

export function randomHex(bytes = 8): string {
  return randomBytes(bytes).toString('hex')
}

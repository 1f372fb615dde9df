// Structured logs (pino): one JSON line per event, so a lead's ops tooling can read them.
import pino from 'pino'

/** The process logger; level from LOG_LEVEL. */
export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { app: 'arbiter' } })
}

export type Logger = pino.Logger

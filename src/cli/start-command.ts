// `arbiter start` (and `npm start`): runs the bot. The one module that imports the composition root
// (main.ts) — launching it is its whole job; everything else gets its types from app-deps.ts.
import { main } from '../main'

/** Starts the bot; resolves once it runs (the process then lives until SIGINT or SIGTERM). */
export async function startCommand(): Promise<number> {
  try {
    // main() has set the exit code and said why itself when it could not start (no credentials).
    return (await main()) === null ? 1 : 0
  } catch (error) {
    // A half-started bot (a database opened, a socket connecting) would keep the process alive.
    process.stderr.write(`arbiter: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}

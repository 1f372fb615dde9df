// The suite's worker processes (a second bot instance on the same database, one that dies mid-way):
// small TypeScript programs under test/support/. The global setup bundles them once per run into
// plain JavaScript, and each test runs its worker with plain node: through tsx, every spawn paid
// about a second of CPU to load the loader and transform the sources again.
import { join } from 'node:path'
import { inject } from 'vitest'

export const WORKER_SCRIPTS = ['job-worker', 'claim-worker', 'stuck-job-worker', 'dies-after-commit-worker'] as const
export type WorkerScript = (typeof WORKER_SCRIPTS)[number]

/** `node` arguments that run test/support/NAME.ts (its bundle) with these arguments. */
export function workerArgs(name: WorkerScript, ...args: string[]): string[] {
  return [join(inject('workerScripts'), `${name}.mjs`), ...args]
}

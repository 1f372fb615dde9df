// The `arbiter` command as users run it: the real bin/arbiter.mjs in a child process.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execute = promisify(execFile)

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `arbiter ARGS` with this environment; a failing command is a result (its exit code), not a throw. */
export async function runArbiter(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ['bin/arbiter.mjs', ...args], { env })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as CliRun
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

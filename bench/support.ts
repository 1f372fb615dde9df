// Helpers for the benchmark scripts: run the real CLI as a process and measure it.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * Runs a command, sampling its resident memory and CPU time; resolves with wall time, CPU time
 * (user + system, the fairer figure on a busy shared machine) and peak RSS.
 */
export function measure(command: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ ms: number; cpuMs: number; peakRssMb: number; stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd })
    let stdout = ''
    let stderr = ''
    let peak = 0
    let cpuMs = 0
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const sample = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024)
        // Fields 14 and 15 of /proc/PID/stat: user and system time in clock ticks (100 per second).
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
        cpuMs = (Number(fields[11]) + Number(fields[12])) * 10
      } catch {
        // the process just ended
      }
    }, 50)
    child.on('error', reject)
    child.on('close', (code) => {
      clearInterval(sample)
      resolve({ ms: performance.now() - started, cpuMs, peakRssMb: peak, stdout, stderr, code: code ?? 1 })
    })
  })
}

/** The `arbiter` command as users run it (relative to the checkout the run's cwd is: --compare runs another's). */
export const ARBITER = ['bin/arbiter.mjs']

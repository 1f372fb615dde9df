import { defineConfig } from 'vitest/config'

// Every test runs away from UTC, so a time read or written as local time anywhere shows up as a
// failure. Set here, before the workers start: worker threads share the process's time zone.
process.env.TZ = 'America/New_York'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Database and fake-server tests start real sockets and files; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Worker threads, not forked processes: a test file then costs no process start-up, and the
    // suite's CPU, not its waits, is what bounds it on two cores. Four workers: most of a test's
    // wall time is waiting (leases, reconnects, child processes).
    pool: 'threads',
    maxWorkers: 4,
    globalSetup: ['test/global-setup.ts'],
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Database and fake-server tests start real sockets and files; give them room on a 2-core CI machine.
    // Four workers on two cores: most of a test's wall time is waiting (leases, reconnects, child
    // processes), and with two workers the CPUs sat a third idle (suite 153 s → 129 s, same tests).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 4,
    globalSetup: ['test/global-setup.ts'],
  },
})

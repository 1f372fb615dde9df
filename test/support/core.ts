// A core context over a fresh database, with a clock the test moves by hand.
import { createStore, type Store } from '../../src/store/store'
import type { CoreContext } from '../../src/core/context'
import { seededRandom } from '../../src/core/random'
import { freshDatabase, type TestProvider } from './databases'
import type { PlatformIdentity } from '../../src/store/labeler-repository'
import { ensureLabeler } from '../../src/core/labelers'

/** A test clock: starts at a fixed moment and moves only when told. */
export class TestClock {
  constructor(public current = new Date('2026-11-02T09:00:00Z')) {}
  now = (): Date => new Date(this.current)
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}

export interface TestCore {
  ctx: CoreContext
  store: Store
  clock: TestClock
  url: string
  labeler(name: string): Promise<number>
  cleanup(): Promise<void>
}

/** A core over a fresh database; `onQuery` sees every SQL statement (tests that count them). */
export async function testCore(provider: TestProvider, seed = 1, options: { onQuery?: (sql: string) => void } = {}): Promise<TestCore> {
  const { db, url, cleanup } = await freshDatabase(provider, options)
  const store = createStore(db)
  const clock = new TestClock()
  const ctx: CoreContext = { store, now: clock.now, random: seededRandom(seed), settings: { assignmentTtlMinutes: 30, admins: ['UADMIN'] } }
  return {
    ctx,
    store,
    clock,
    url,
    async labeler(name: string) {
      const identity: PlatformIdentity = { platform: 'slack', workspaceId: 'T1', platformUserId: `U_${name}` }
      return (await ensureLabeler(ctx, identity, name)).id
    },
    cleanup,
  }
}

// A separate process that plays several labelers asking for work at once, for the
// multi-process concurrency test. Prints one JSON line: the assignments it got.
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { nextTask } from '../../src/core/next-task'
import { recordJudgment } from '../../src/core/record-judgment'
import { isArbiterError } from '../../src/core/errors'
import { ensureLabeler } from '../../src/core/labelers'
import type { CoreContext } from '../../src/core/context'

const [url, projectId, workerName, labelerCount, rounds] = process.argv.slice(2)
const database = await openDatabase(url!, { migrate: false })
const ctx: CoreContext = { store: createStore(database), now: () => new Date(), random: Math.random, settings: { assignmentTtlMinutes: 30, admins: [] } }
const got: { labeler: string; itemId: number }[] = []
await Promise.all(
  Array.from({ length: Number(labelerCount) }, async (_, i) => {
    const name = `${workerName}-${i}`
    // Every worker also plays the shared labeler "twin": the same person asking from two processes.
    const names = [name, 'twin']
    for (const who of names) {
      const labeler = await ensureLabeler(ctx, { platform: 'slack', workspaceId: 'T1', platformUserId: who }, who)
      for (let round = 0; round < Number(rounds); round++) {
        try {
          const task = await nextTask(ctx, { projectId: Number(projectId), labelerId: labeler.id })
          got.push({ labeler: who, itemId: task.item.id })
          if (!task.resumed) await recordJudgment(ctx, { assignmentId: task.assignment.id, labelerId: labeler.id, input: { kind: 'pairwise', choice: 'a' } })
        } catch (error) {
          if (!isArbiterError(error)) throw error
        }
      }
    }
  }),
)
process.stdout.write(JSON.stringify(got) + '\n')
await database.close()

// A bot process that dies the instant a judgment's transaction has committed: the crash the
// follow-up test needs. It records one click through the real use case; its judgment store is
// the real one, except that once the commit has returned the process kills itself with SIGKILL,
// so nothing the use case would do after the commit ever runs.
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { JudgmentRepository } from '../../src/store/judgment-repository'
import { recordJudgment } from '../../src/core/record-judgment'
import type { CoreContext } from '../../src/core/context'

const [url, now, assignmentId, labelerId, input] = process.argv.slice(2)
const database = await openDatabase(url!, { migrate: false })

class DiesAfterCommit extends JudgmentRepository {
  override async record(args: Parameters<JudgmentRepository['record']>[0]) {
    const outcome = await super.record(args)
    process.kill(process.pid, 'SIGKILL')
    return outcome
  }
}

const store = { ...createStore(database), judgments: new DiesAfterCommit(database) }
const ctx: CoreContext = { store, now: () => new Date(now!), random: Math.random, settings: { assignmentTtlMinutes: 30, admins: [] } }
await recordJudgment(ctx, { assignmentId: Number(assignmentId), labelerId: Number(labelerId), input: JSON.parse(input!) })
process.stdout.write('survived\n')
await database.close()

// A bot process that starts a job which never finishes, for the crashed-lease test: it prints
// "running" once the job holds its lease, then waits to be killed.
import pino from 'pino'
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import { JOB_SETTINGS, everyMinute } from './jobs'

const [url] = process.argv.slice(2)
const database = await openDatabase(url!, { migrate: false })
const stuck = everyMinute('stuck', () => {
  process.stdout.write('running\n')
  return new Promise<string>(() => {})
})
// Waits to be killed: the runner's lease heartbeat is unref'd (a bot must be able to exit), so
// without this the loop would empty right after "running" and the process exit on its own,
// racing the test's SIGKILL.
setInterval(() => {}, 60_000)
const runner = new JobRunner({ ctx: { store: createStore(database), now: () => new Date(), random: Math.random, settings: { assignmentTtlMinutes: 30, admins: [] } }, ports: new ChatPorts(), log: pino({ level: 'silent' }), settings: JOB_SETTINGS }, [stuck])
await runner.runNow('stuck', new Date())

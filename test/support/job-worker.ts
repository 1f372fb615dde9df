// A separate bot process running one scheduler tick, for the "two instances, one database" test.
// Prints the channel posts it made as one JSON line.
import pino from 'pino'
import { openDatabase } from '../../src/store/database'
import { createStore } from '../../src/store/store'
import { ChatPorts } from '../../src/interactions/chat-port'
import { JobRunner } from '../../src/jobs/runner'
import { RecordingPort } from './recording-port'

const [url, now] = process.argv.slice(2)
const database = await openDatabase(url!, { migrate: false })
const port = new RecordingPort('slack')
const ports = new ChatPorts()
ports.register(port)
const runner = new JobRunner({
  ctx: { store: createStore(database), now: () => new Date(now!), random: Math.random, settings: { assignmentTtlMinutes: 30, admins: [] } },
  ports,
  log: pino({ level: 'silent' }),
  settings: { timeZone: 'UTC', schedules: {}, calibrationItemsPerRun: 2, calibrationRemindHours: 24, calibrationEscalateHours: 48, driftCooldownHours: 72, claimReminderMinutes: 5, activeLabelerDays: 14 },
})
await runner.tick(new Date(now!))
process.stdout.write(JSON.stringify(port.of('channel', 'C_CAL').map((p) => p.card!.blocks[0])) + '\n')
await database.close()

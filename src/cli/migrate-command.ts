// `arbiter migrate`
import { loadConfig } from '../config'
import { applyMigrations } from '../store/migrate'

export async function runMigrate(): Promise<number> {
  const config = loadConfig()
  const report = await applyMigrations(config.DATABASE_URL, (message) => process.stdout.write(`${message}\n`))
  process.stdout.write(report.applied.length === 0 ? `Database is up to date (${report.alreadyApplied} migrations).\n` : `Applied ${report.applied.length} migration(s).\n`)
  return 0
}

// Doctor: the database answers and has every migration this version ships. Projects are read
// (for the channel checks) only from a database whose schema is current.
import type { Config } from '../../config'
import { openDatabase, providerOf } from '../../store/database'
import { migrationStatus } from '../../store/migrate'
import { OpsReader } from '../../store/ops-reader'
import { createStore } from '../../store/store'
import type { ProjectDto } from '../../store/project-repository'
import type { Section } from './checklist'

/** The configured projects, or null when the database cannot tell. */
export async function checkDatabase(section: Section, config: Config): Promise<ProjectDto[] | null> {
  const url = config.DATABASE_URL
  const kind = providerOf(url) === 'sqlite' ? `SQLite file ${url.slice('file:'.length)}` : `PostgreSQL ${redact(url)}`
  let status
  try {
    status = await migrationStatus(url)
  } catch (error) {
    section.fail(`${kind} does not answer: ${error instanceof Error ? error.message : String(error)}`, 'check DATABASE_URL and that the database server runs and accepts this user (README, "Configuration")')
    return null
  }
  if (!status.exists) {
    section.fail(`${kind} does not exist yet`, 'run `arbiter migrate` to create it (the bot also does on its first start)')
    return null
  }
  section.ok(`${kind} answers`)
  if (status.pending.length > 0) {
    section.fail(`${status.pending.length} migration${status.pending.length === 1 ? '' : 's'} pending: ${status.pending.join(', ')}`, 'run `arbiter migrate` (README, "Changing the schema"); with several instances, once, before starting the new version')
    return null
  }
  section.ok(`migrations current (${status.applied.length} applied)`)
  const database = await openDatabase(url, { migrate: false })
  try {
    await new OpsReader(database).ping()
    return await createStore(database).projects.list()
  } finally {
    await database.close()
  }
}

/** A connection string without its password. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

// What differs between SQLite and PostgreSQL, in one place. Everything else — upserts
// (ON CONFLICT), RETURNING, JSON (stored as text on both), dates and booleans (see
// sqlite-connection.ts) — is written once through Kysely and runs unchanged on both.
import pg from 'pg'
import { PostgresDialect, type Dialect } from 'kysely'
import { sqliteDialect, type Exclusive } from './sqlite-connection'

export type Provider = 'sqlite' | 'postgresql'

/** Which database a DATABASE_URL names. */
export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql'
  throw new Error(`Unsupported DATABASE_URL "${url}": use file:PATH or postgresql://…`)
}

// Columns are TIMESTAMP without time zone and hold UTC. pg would read them as local time, and
// write a Date as local time with an offset that such a column ignores; both are pinned to UTC.
const TIMESTAMP_WITHOUT_ZONE = 1114
pg.defaults.parseInputDatesAsUTC = true
const utcTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMP_WITHOUT_ZONE) return (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

/** A PostgreSQL pool with UTC timestamps. */
export function postgresPool(url: string, options: { max: number; idleTimeoutMillis?: number }): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, ...options, types: utcTypes as pg.CustomTypesConfig })
  // The pool emits the error of an idle connection the server ended (a restart, an administrator's
  // terminate, a dropped test database while pool.end() is still closing it); without a listener
  // that error crashes the process. The pool has dropped the connection already and the next
  // query opens a new one, so there is nothing more to do.
  pool.on('error', () => {})
  return pool
}

/** Kysely's dialect for a database URL; PostgreSQL takes the pool it should use. */
export function dialectFor(url: string, pool?: pg.Pool, exclusive?: Exclusive): Dialect {
  if (providerOf(url) === 'sqlite') return sqliteDialect(url.slice('file:'.length), exclusive)
  return new PostgresDialect({ pool: pool ?? postgresPool(url, { max: 10 }) })
}

/** True when a statement failed on a unique key (both drivers' codes). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

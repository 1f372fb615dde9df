// The SQLite side of the query layer: Kysely's SQLite dialect over one better-sqlite3 connection,
// with the three things Arbiter needs on top.
//
// - Values as on PostgreSQL. SQLite has no date or boolean type: a DateTime is ISO text
//   ("2026-11-02T09:00:00.000+00:00", the form Prisma wrote, which sorts in time order) and a
//   Boolean is 0/1. Parameters are written in that form, and the columns the schema declares
//   DateTime or Boolean come back as Date and boolean, found by each result column's origin
//   (better-sqlite3 names the table and column every value came from), so the repositories and
//   the generated types are the same for both databases.
// - Prepared statements kept. Preparing costs about ten times running a small statement, and the
//   bot runs the same few dozen statements all day.
// - Write transactions that take the write lock first (BEGIN IMMEDIATE). With a plain BEGIN, a
//   transaction that reads first and then writes fails at once with SQLITE_BUSY when another
//   process committed in between; IMMEDIATE makes it wait its turn through the busy timeout.
//
// Kysely runs one query or transaction at a time on the connection (its mutex), so a transaction
// that awaits between statements never has another flow's statement run inside it.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteStatement } from 'kysely'
import { packageFile } from '../package-files'

const SCHEMA_FILE = packageFile('prisma', 'schema.prisma')

type ValueKind = 'date' | 'boolean'

/** "Table.column" → kind, for every DateTime and Boolean column of the schema. */
function typedColumns(schema = readFileSync(SCHEMA_FILE, 'utf8')): Map<string, ValueKind> {
  const kinds = new Map<string, ValueKind>()
  for (const model of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    for (const field of model[2]!.matchAll(/^\s+(\w+)\s+(DateTime|Boolean)\??(\s|$)/gm)) {
      kinds.set(`${model[1]}.${field[1]}`, field[2] === 'DateTime' ? 'date' : 'boolean')
    }
  }
  return kinds
}

/** SQLite text of a time: the ISO form Prisma wrote, so stored and new values compare in time order. */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace('Z', '+00:00')
}

/** A stored SQLite time as a Date: ISO text, SQL defaults' "YYYY-MM-DD HH:MM:SS" (UTC), or epoch ms. */
export function fromSqliteTime(value: string | number): Date {
  if (typeof value === 'number') return new Date(value)
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`)
}

/** A parameter as SQLite stores it (Dates as ISO text, booleans as 0/1). */
export function toSqliteParameter(value: unknown): unknown {
  if (value instanceof Date) return sqliteTime(value)
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

// The schema's DateTime and Boolean columns, read from the schema file once per process.
let schemaKinds: Map<string, ValueKind> | undefined

type Row = Record<string, unknown>

/**
 * Starts the text of a select whose rows are wanted as arrays of values in column order
 * (better-sqlite3's raw mode; pg's rowMode 'array' on PostgreSQL, see dialect.ts). The bulk
 * readers use it through `arrayRows` (sql.ts): an array per row is about a third less work than an
 * object per row, at a million judgments.
 */
export const ARRAY_ROWS = '/* array rows */ '

/** A prepared statement that takes and gives PostgreSQL-shaped values. */
class TypedStatement implements SqliteStatement {
  readonly reader: boolean
  // Converted columns by name, or by index when rows are arrays.
  private readonly dates: (string | number)[] = []
  private readonly booleans: (string | number)[] = []

  constructor(
    private readonly statement: BetterSqlite3.Statement,
    kinds: Map<string, ValueKind>,
    arrays = false,
  ) {
    this.reader = statement.reader
    if (!this.reader) return
    if (arrays) statement.raw(true)
    statement.columns().forEach((column, index) => {
      const kind = column.table && column.column ? kinds.get(`${column.table}.${column.column}`) : undefined
      if (kind === 'date') this.dates.push(arrays ? index : column.name)
      else if (kind === 'boolean') this.booleans.push(arrays ? index : column.name)
    })
  }

  private convert = (row: Row): Row => {
    for (const name of this.dates) {
      const value = row[name]
      if (value !== null && value !== undefined) row[name] = fromSqliteTime(value as string | number)
    }
    for (const name of this.booleans) {
      const value = row[name]
      if (value !== null && value !== undefined) row[name] = value === 1 || value === true
    }
    return row
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const rows = this.statement.all(...parameters.map(toSqliteParameter)) as Row[]
    if (this.dates.length > 0 || this.booleans.length > 0) for (const row of rows) this.convert(row)
    return rows
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(...parameters.map(toSqliteParameter))
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const row of this.statement.iterate(...parameters.map(toSqliteParameter)) as Iterable<Row>) yield this.convert(row)
  }
}

/**
 * Starts the text of a whole SQL script (several statements, no parameters): the connection runs
 * it with better-sqlite3's exec(), since prepare() takes one statement. The migration runner
 * uses it for Prisma's migration files, so they run exactly as SQLite parses them: no splitting
 * on semicolons, which a string literal or a trigger body could hold.
 */
export const SQLITE_SCRIPT = '-- script\n'

/** A script run whole (see SQLITE_SCRIPT); it returns no rows. */
class ScriptStatement implements SqliteStatement {
  readonly reader = false

  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly script: string,
  ) {}

  all(): unknown[] {
    this.run()
    return []
  }

  run(): { changes: number; lastInsertRowid: number } {
    this.connection.exec(this.script)
    return { changes: 0, lastInsertRowid: 0 }
  }

  *iterate(): IterableIterator<unknown> {
    this.run()
  }
}

// Enough for every statement the bot runs; statements with long IN lists vary in text, so the
// cache is bounded and starts over when full rather than growing with them.
const STATEMENT_CACHE_SIZE = 500

/** The better-sqlite3 connection as Kysely's SQLite dialect sees it. */
class TypedDatabase implements SqliteDatabase {
  private readonly statements = new Map<string, TypedStatement>()
  private readonly kinds = (schemaKinds ??= typedColumns())

  constructor(readonly connection: BetterSqlite3.Database) {}

  prepare(sql: string): SqliteStatement {
    if (sql.startsWith(SQLITE_SCRIPT)) return new ScriptStatement(this.connection, sql)
    let statement = this.statements.get(sql)
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear()
      statement = new TypedStatement(this.connection.prepare(sql), this.kinds, sql.startsWith(ARRAY_ROWS))
      this.statements.set(sql, statement)
    }
    return statement
  }

  close(): void {
    this.connection.close()
  }
}

// better-sqlite3 is synchronous: queued queries would run back to back without letting the event
// loop in, and under load a platform's acknowledgements waited behind whole queues. Yielding to
// the event loop every few milliseconds between queries keeps acks fast.
const YIELD_EVERY_MS = 4

class WriteFirstSqliteDriver extends SqliteDriver implements Driver {
  private lastYield = performance.now()

  // Kysely's own mutex lets one query or transaction at a time get here.
  override async acquireConnection(): Promise<DatabaseConnection> {
    if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      this.lastYield = performance.now()
    }
    return super.acquireConnection()
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ArbiterSqliteDialect extends SqliteDialect {
  constructor(private readonly database: TypedDatabase) {
    super({ database })
  }

  override createDriver(): Driver {
    return new WriteFirstSqliteDriver({ database: this.database })
  }
}

/** Kysely's SQLite dialect over the file at `file` (created with its folder if missing), or read-only over an existing one. */
export function sqliteDialect(file: string, options: { readonly?: boolean } = {}): SqliteDialect {
  if (options.readonly) return new ArbiterSqliteDialect(new TypedDatabase(new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: 5_000 })))
  mkdirSync(dirname(file), { recursive: true })
  // timeout is the busy timeout: several processes may share the file (WAL).
  const connection = new BetterSqlite3(file, { timeout: 10_000 })
  // WAL lets readers and one writer work at once across processes (the migration runner sets it
  // too; it persists in the file). Foreign keys stay off, as SQLite's default and as before:
  // PostgreSQL enforces them, and no code relies on SQLite doing so.
  connection.pragma('journal_mode = WAL')
  return new ArbiterSqliteDialect(new TypedDatabase(connection))
}

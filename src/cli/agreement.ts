// `arbiter agreement`: agreement statistics over a CSV or JSONL file of (unit, rater, value) rows.
// It is run on exports of hundreds of thousands of ratings and as a quick check in scripts, so it
// reads the file in large chunks of bytes, codes values into typed arrays as it goes, and imports
// nothing but node:fs and the pure statistics (no chat SDK, no database, no zod: startup time is most
// of a small run). bin/arbiter.mjs runs it from a prebuilt bundle (src/cli/agreement-main.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { cohenKappaFromCodes } from '../quality/reliability/cohen-kappa'
import { fleissKappa } from '../quality/reliability/fleiss-kappa'
import { krippendorffAlpha, type AlphaLevel } from '../quality/reliability/krippendorff-alpha'
import { groupByUnit, type ReliabilityData } from '../quality/reliability/reliability-data'
import type { StatResult } from '../quality/reliability/result'

/** Options of `arbiter agreement`. */
export interface AgreementCommandOptions {
  /** Path of a CSV (`unit,rater,value`, optional header) or JSONL (`{"unit","rater","value"}`) file. */
  input: string
  level: AlphaLevel
  json: boolean
}

/** Where the command writes. */
export interface Writable {
  write(s: string): void
}

/** What `--json` prints; null where a statistic does not apply. */
export interface AgreementReport {
  krippendorffAlpha: number | null
  fleissKappa: number | null
  cohenKappa: number | null
  units: number
  raters: number
  pairable: number
}

const LEVELS: readonly string[] = ['nominal', 'ordinal', 'interval', 'ratio']

/**
 * Runs `arbiter agreement` and returns the exit code: 0 computed, 1 bad rows (all reported as
 * `line N: …`, nothing computed), 2 unusable options or unreadable file.
 */
export async function agreementCommand(opts: AgreementCommandOptions, out: Writable, err: Writable): Promise<number> {
  if (!LEVELS.includes(opts.level)) {
    err.write(`unknown level "${String(opts.level)}" (expected nominal, ordinal, interval or ratio)\n`)
    return 2
  }
  const ratings = new RatingReader(opts.level !== 'nominal', formatOf(opts.input))
  try {
    readFile(opts.input, ratings)
  } catch (e) {
    err.write(`cannot read ${opts.input}: ${e instanceof Error ? e.message : String(e)}\n`)
    return 2
  }
  const problems = ratings.finish()
  if (problems.length > 0) {
    for (const problem of problems) err.write(`line ${problem.line}: ${problem.message}\n`)
    return 1
  }
  const report = computeReport(ratings, opts.level)
  if (opts.json) {
    out.write(
      JSON.stringify({
        krippendorffAlpha: valueOrNull(report.alpha),
        fleissKappa: valueOrNull(report.fleiss),
        cohenKappa: valueOrNull(report.cohen),
        units: report.units,
        raters: report.raters,
        pairable: report.pairable,
      } satisfies AgreementReport) + '\n',
    )
  } else {
    out.write(`Krippendorff's alpha (${opts.level}): ${describe(report.alpha)}\n`)
    out.write(`Fleiss' kappa: ${describe(report.fleiss)}\n`)
    out.write(`Cohen's kappa (unweighted): ${describe(report.cohen)}\n`)
    out.write(`units: ${report.units}  raters: ${report.raters}  pairable values: ${report.pairable}\n`)
  }
  return 0
}

type Outcome = { ok: true; value: number } | { ok: false; why: string }

interface Computed {
  alpha: Outcome
  fleiss: Outcome
  cohen: Outcome
  units: number
  raters: number
  pairable: number
}

function valueOrNull(outcome: Outcome): number | null {
  return outcome.ok ? outcome.value : null
}

function describe(outcome: Outcome): string {
  return outcome.ok ? outcome.value.toFixed(4) : `not applicable (${outcome.why})`
}

function fromStat<T>(result: StatResult<T>, pick: (value: T) => number): Outcome {
  if (result.ok) return { ok: true, value: pick(result.value) }
  return { ok: false, why: result.detail ? `${result.reason}: ${result.detail}` : result.reason }
}

function computeReport(ratings: RatingReader, level: AlphaLevel): Computed {
  const data = ratings.reliabilityData()
  const raters = ratings.raterCount()
  const groups = groupByUnit(data)
  const alphaResult = krippendorffAlpha(data, level, groups)
  const alpha = fromStat(alphaResult, (v) => v.alpha)
  // Kappas take values as categories whatever the level: the level's metric is alpha's business.
  const fleiss = fromStat(fleissKappa(data, groups), (v) => v.kappa)
  let cohen: Outcome
  if (raters === 2) {
    const [a, b] = ratings.twoRaterCodes()
    cohen = fromStat(cohenKappaFromCodes(a, b, data.values.length, 'none'), (v) => v.kappa)
  } else {
    cohen = { ok: false, why: `needs exactly two raters, found ${raters}` }
  }
  const pairable = alphaResult.ok ? alphaResult.value.pairable : pairableCount(data)
  return { alpha, fleiss, cohen, units: data.unitCount, raters, pairable }
}

function pairableCount(data: ReliabilityData): number {
  const perUnit = new Int32Array(data.unitCount)
  for (let i = 0; i < data.units.length; i++) {
    const u = data.units[i]!
    perUnit[u] = perUnit[u]! + 1
  }
  let pairable = 0
  for (let u = 0; u < data.unitCount; u++) if (perUnit[u]! >= 2) pairable += perUnit[u]!
  return pairable
}

type Format = 'csv' | 'jsonl' | 'sniff'

function formatOf(path: string): Format {
  const lower = path.toLowerCase()
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl'
  if (lower.endsWith('.csv')) return 'csv'
  return 'sniff'
}

/** Largest read; a file up to this size is read in one go. Tests lower it to cross chunk boundaries. */
export const readChunk = { max: 32 << 20 }
const MIN_CHUNK = 64 << 10

/**
 * Feeds a file to `ratings` in large chunks of bytes, each cut after its last complete line (the rest
 * moves to the front of the buffer for the next read). A line longer than the buffer grows it.
 */
function readFile(path: string, ratings: RatingReader): void {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    ratings.expectBytes(size)
    let buffer = Buffer.allocUnsafe(Math.min(readChunk.max, Math.max(MIN_CHUNK, size + 1)))
    let filled = 0
    for (;;) {
      if (filled === buffer.length) {
        const grown = Buffer.allocUnsafe(buffer.length * 2)
        buffer.copy(grown, 0, 0, filled)
        buffer = grown
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null)
      if (read === 0) break
      filled += read
      const lastNewline = buffer.lastIndexOf(NEWLINE, filled - 1)
      if (lastNewline === -1) continue
      ratings.feed(buffer, lastNewline + 1)
      buffer.copy(buffer, 0, lastNewline + 1, filled)
      filled -= lastNewline + 1
    }
    if (filled > 0) {
      // The last line has no line end: give it one (the parser relies on each chunk ending with one).
      if (filled === buffer.length) {
        const grown = Buffer.allocUnsafe(filled + 1)
        buffer.copy(grown, 0, 0, filled)
        buffer = grown
      }
      buffer[filled] = NEWLINE
      ratings.feed(buffer, filled + 1)
    }
  } finally {
    closeSync(fd)
  }
}

interface Problem {
  line: number
  message: string
}

const NEWLINE = 10
const RETURN = 13
const SPACE = 32
const TAB = 9
const COMMA = 44
const QUOTE = 34

// FNV-1a over bytes, 32 bits: the reader hashes each field while it looks for the field's end.
const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = FNV_OFFSET
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME)
  return hash
}

/** What Interner.of returns for a field of nothing but spaces and tabs. */
const EMPTY = -1

/**
 * Names to dense indexes, looked up by their UTF-8 bytes straight from the read buffer and a hash
 * the caller computed: no string is made per field (slicing and hashing 1.5 million field strings was
 * most of the time on a big file), and names are decoded only when a message or a number needs them.
 *
 * The table holds the fields as written ("entries"); each points at a name, the entry with spaces and
 * tabs around it trimmed, or at EMPTY. So " u1" and "u1" are one name, and the per-row path never looks
 * for blanks: they are trimmed once, when an entry is new. Rows usually come grouped by unit, so the
 * last entry is tried first; then an open-addressing table.
 */
class Interner {
  /** Bytes of every entry, back to back: entry e is pool[offsets[e] … offsets[e + 1]). */
  private pool = Buffer.alloc(1 << 12)
  private offsets: Int32Array = new Int32Array(1 << 8)
  /** Name index of each entry, or EMPTY. */
  private targets: Int32Array = new Int32Array(1 << 8)
  /**
   * Open addressing, two ints a slot: the entry's hash, then entry + 1 (0: free slot). Probes compare
   * hashes without leaving the table. Kept at most half full.
   */
  private table: Int32Array = new Int32Array(2 << 9)
  private entries = 0
  private last = -1
  private lastHash = 0
  /** Entry of each name (its bytes as trimmed). */
  private readonly nameEntries: number[] = []
  private readonly decoded: Array<string | undefined> = []
  /** Fields given as strings, so that JSONL and quoted CSV do not encode every field to look it up. */
  private readonly byString = new Map<string, number>()

  constructor() {
    // Store the growable fields a second time now. V8 treats a field stored only once as a constant
    // in optimized code, so the first growth, a few hundred names in, used to throw away the reader's
    // half-compiled hot loop (measured: 15-25 ms of a 100,000-unit file spent waiting for a recompile).
    this.growEntries()
    this.growPool(0)
    this.rehash()
  }

  /** Number of names. */
  get size(): number {
    return this.nameEntries.length
  }

  /** Name index of the field bytes[from, to), whose hashBytes is `hash` (added when new), or EMPTY. */
  of(bytes: Buffer, from: number, to: number, hash: number): number {
    const length = to - from
    const pool = this.pool
    const offsets = this.offsets
    const last = this.last
    if (this.lastHash === hash && last >= 0) {
      const at = offsets[last]!
      if (offsets[last + 1]! - at === length) {
        let i = 0
        while (i < length && pool[at + i] === bytes[from + i]) i++
        if (i === length) return this.targets[last]!
      }
    }
    const table = this.table
    const mask = (table.length >> 1) - 1
    let slot = hash & mask
    for (;;) {
      const entry = table[2 * slot + 1]!
      if (entry === 0) break
      if (table[2 * slot] === hash) {
        const e = entry - 1
        const at = offsets[e]!
        if (offsets[e + 1]! - at === length) {
          let i = 0
          while (i < length && pool[at + i] === bytes[from + i]) i++
          if (i === length) {
            this.last = e
            this.lastHash = hash
            return this.targets[e]!
          }
        }
      }
      slot = (slot + 1) & mask
    }
    return this.add(bytes, from, to, hash, slot)
  }

  /** Name index of a field given as a string (quoted CSV fields, JSONL), added when new, or EMPTY. */
  ofString(field: string): number {
    let index = this.byString.get(field)
    if (index === undefined) {
      const bytes = Buffer.from(field, 'utf8')
      index = this.of(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))
      this.byString.set(field, index)
    }
    return index
  }

  /** The name at `index` as a string. */
  name(index: number): string {
    let name = this.decoded[index]
    if (name === undefined) {
      const entry = this.nameEntries[index]!
      name = this.pool.toString('utf8', this.offsets[entry]!, this.offsets[entry + 1]!)
      this.decoded[index] = name
    }
    return name
  }

  /** Every name, by index. */
  names(): string[] {
    return Array.from({ length: this.size }, (_, index) => this.name(index))
  }

  /** Adds a new entry in the free `slot` its probe ended on, and the name it trims to when that is new too. */
  private add(bytes: Buffer, from: number, to: number, hash: number, slot: number): number {
    let trimmedFrom = from
    let trimmedTo = to
    while (trimmedFrom < trimmedTo && isBlank(bytes[trimmedFrom]!)) trimmedFrom++
    while (trimmedTo > trimmedFrom && isBlank(bytes[trimmedTo - 1]!)) trimmedTo--
    let target: number
    if (trimmedFrom === trimmedTo) {
      target = EMPTY
    } else if (trimmedFrom === from && trimmedTo === to) {
      target = this.nameEntries.length
    } else {
      target = this.of(bytes, trimmedFrom, trimmedTo, hashBytes(bytes, trimmedFrom, trimmedTo))
      // That may have added an entry or grown the table: probe again for a free slot.
      const mask = (this.table.length >> 1) - 1
      slot = hash & mask
      while (this.table[2 * slot + 1] !== 0) slot = (slot + 1) & mask
    }
    const e = this.entries++
    if (e + 2 > this.offsets.length) this.growEntries()
    const at = this.offsets[e]!
    const end = at + (to - from)
    if (end > this.pool.length) this.growPool(end)
    const pool = this.pool
    for (let i = from, j = at; i < to; i++, j++) pool[j] = bytes[i]!
    this.offsets[e + 1] = end
    this.targets[e] = target
    if (target === this.nameEntries.length) this.nameEntries.push(e)
    this.table[2 * slot] = hash
    this.table[2 * slot + 1] = e + 1
    if (4 * this.entries > this.table.length) this.rehash()
    this.last = e
    this.lastHash = hash
    return target
  }

  private growEntries(): void {
    this.offsets = grownInt32(this.offsets)
    this.targets = grownInt32(this.targets)
  }

  private growPool(atLeast: number): void {
    const grown = Buffer.alloc(Math.max(atLeast, this.pool.length * 2))
    this.pool.copy(grown)
    this.pool = grown
  }

  /** Doubles the table and puts every entry back. */
  private rehash(): void {
    const old = this.table
    const table = new Int32Array(old.length * 2)
    const mask = (table.length >> 1) - 1
    for (let k = 0; k < old.length; k += 2) {
      const entry = old[k + 1]!
      if (entry === 0) continue
      const hash = old[k]!
      let slot = hash & mask
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask
      table[2 * slot] = hash
      table[2 * slot + 1] = entry
    }
    this.table = table
  }
}

function grownInt32(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2)
  grown.set(array)
  return grown
}

const MISSING = -1
const NOT_PARSED = -2
const NOT_A_NUMBER = -3

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === TAB
}

/** Drops spaces and tabs around a field, as the byte path does (trim() would also drop other white space). */
function trimBlanks(field: string): string {
  let from = 0
  let to = field.length
  while (from < to && isBlank(field.charCodeAt(from))) from++
  while (to > from && isBlank(field.charCodeAt(to - 1))) to--
  return field.slice(from, to)
}

// The columns start with room for one row per 16 bytes of file (a row takes at least 5, "u,r,\n", and
// typically 15-40) and grow when rows are shorter; at most this many rows up front, so that a huge
// file does not reserve gigabytes before it is read.
const INITIAL_ROWS_CAP = 1 << 24

/** Parses rows into coded columns, collecting every problem instead of stopping at the first. */
class RatingReader {
  private readonly units = new Interner()
  private readonly raters = new Interner()
  /** Value texts as written; nominal codes are these indexes. */
  private readonly texts = new Interner()
  /** Numeric levels: code of each value text (NOT_PARSED until first seen), equal numbers share a code. */
  private readonly numericCodeOfText: number[] = []
  private readonly numberCodes = new Map<number, number>()
  private readonly numbers: number[] = []
  // Row columns, `rows` long: unit, rater and value code of each kept row.
  private unitColumn = new Int32Array(1 << 10)
  private raterColumn = new Int32Array(1 << 10)
  private codeColumn = new Int32Array(1 << 10)
  private rows = 0
  /** Rows with a missing value (MISSING code). */
  private missing = 0
  /** Whether units so far came in ascending order of index, i.e. each unit's rows together. */
  private grouped = true
  private lastUnit = 0
  // Line numbers of rows, which only messages need, as runs: row breakRows[k] is on line breakLines[k]
  // and the rows after it on the lines after it, up to the next break (a header, blank or bad line).
  private readonly breakRows: number[] = []
  private readonly breakLines: number[] = []
  /** Line of the next row if no line is skipped. */
  private nextLine = -1
  private readonly problems: Problem[] = []
  private seenFirstLine = false
  private lineNumber = 0
  private values: Array<string | number> = []

  constructor(
    private readonly numeric: boolean,
    private format: Format,
  ) {}

  /** Sizes the columns for a file of `size` bytes, so that they rarely grow while reading. */
  expectBytes(size: number): void {
    this.reserve(Math.min(INITIAL_ROWS_CAP, Math.ceil(size / 16) + 16), this.rows)
  }

  /**
   * Parses the lines in bytes[0, length), which ends with a line end: runs of plain CSV rows in
   * csvRows, every other line (the first, blank lines, quoted rows, JSONL, rows with the wrong number
   * of fields) one at a time as a string in slowLine.
   */
  feed(bytes: Buffer, length: number): void {
    let start = 0
    while (start < length) {
      if (this.seenFirstLine && this.format === 'csv') start = this.csvRows(bytes, start, length)
      if (this.seenFirstLine && this.format === 'jsonl') return this.jsonRows(bytes.toString('utf8', start, length))
      if (start >= length) break
      let end = bytes.indexOf(NEWLINE, start)
      if (end === -1 || end >= length) end = length - 1
      const next = end + 1
      if (end > start && bytes[end - 1] === RETURN) end--
      this.lineNumber++
      this.slowLine(bytes, start, end)
      start = next
    }
  }

  /**
   * Parses CSV rows from bytes[start] on, in one pass over their bytes that finds the field ends and
   * hashes the fields as it goes, without making a string. Returns where the first line it leaves to
   * slowLine starts, or `length`. Kept small: it is the loop a big file spends its time in, and V8
   * compiles it while it runs.
   */
  private csvRows(bytes: Buffer, start: number, length: number): number {
    const units = this.units
    const raters = this.raters
    const texts = this.texts
    const numeric = this.numeric
    let lineNumber = this.lineNumber
    let rows = this.rows
    let missing = this.missing
    let grouped = this.grouped
    let lastUnit = this.lastUnit
    let nextLine = this.nextLine
    let unitColumn = this.unitColumn
    let raterColumn = this.raterColumn
    let codeColumn = this.codeColumn
    while (start < length) {
      // Each field runs to the next comma, line end, carriage return or quote (bytes above the comma,
      // i.e. digits, letters, '-', '.', '_' and all of UTF-8's multi-byte sequences, are one compare).
      // No bounds checks: the chunk ends with a line end.
      let i = start
      let byte = 0
      let unitHash = FNV_OFFSET
      while ((byte = bytes[i]!) > COMMA || (byte !== COMMA && byte !== NEWLINE && byte !== RETURN && byte !== QUOTE)) {
        unitHash = Math.imul(unitHash ^ byte, FNV_PRIME)
        i++
      }
      if (byte !== COMMA) break
      const unitStop = i++
      const raterStart = i
      let raterHash = FNV_OFFSET
      while ((byte = bytes[i]!) > COMMA || (byte !== COMMA && byte !== NEWLINE && byte !== RETURN && byte !== QUOTE)) {
        raterHash = Math.imul(raterHash ^ byte, FNV_PRIME)
        i++
      }
      if (byte !== COMMA) break
      const raterStop = i++
      const valueStart = i
      let valueHash = FNV_OFFSET
      while ((byte = bytes[i]!) > COMMA || (byte !== COMMA && byte !== NEWLINE && byte !== RETURN && byte !== QUOTE)) {
        valueHash = Math.imul(valueHash ^ byte, FNV_PRIME)
        i++
      }
      const valueStop = i
      // A carriage return right before the line end is not part of the value.
      if (byte === RETURN && bytes[i + 1] === NEWLINE) byte = bytes[++i]!
      if (byte !== NEWLINE) break

      // A row of three unquoted fields: bytes[start, unitStop), [raterStart, raterStop), [valueStart, valueStop).
      lineNumber++
      const unit = unitStop === start ? EMPTY : units.of(bytes, start, unitStop, unitHash)
      const rater = raterStop === raterStart ? EMPTY : raters.of(bytes, raterStart, raterStop, raterHash)
      start = i + 1
      if (unit === EMPTY || rater === EMPTY) {
        this.problem(lineNumber, unit === EMPTY ? 'empty unit' : 'empty rater')
        continue
      }
      // EMPTY is MISSING: a value of nothing but blanks is a missing value.
      let code = valueStop === valueStart ? MISSING : texts.of(bytes, valueStart, valueStop, valueHash)
      if (numeric && code !== MISSING) {
        code = this.codeOf(code, lineNumber)
        if (code === NOT_A_NUMBER) continue
      }
      if (rows === unitColumn.length) {
        this.reserve(rows * 2, rows)
        unitColumn = this.unitColumn
        raterColumn = this.raterColumn
        codeColumn = this.codeColumn
      }
      if (lineNumber !== nextLine) this.lineBreak(rows, lineNumber)
      nextLine = lineNumber + 1
      if (unit < lastUnit) grouped = false
      lastUnit = unit
      if (code === MISSING) missing++
      unitColumn[rows] = unit
      raterColumn[rows] = rater
      codeColumn[rows] = code
      rows++
    }
    this.lineNumber = lineNumber
    this.rows = rows
    this.missing = missing
    this.grouped = grouped
    this.lastUnit = lastUnit
    this.nextLine = nextLine
    return start
  }

  private lineBreak(row: number, line: number): void {
    this.breakRows.push(row)
    this.breakLines.push(line)
  }

  /** Line number of a kept row. */
  private lineOf(row: number): number {
    // Last break at or before the row (breaks are in ascending order of row).
    let low = 0
    let high = this.breakRows.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this.breakRows[middle]! <= row) low = middle
      else high = middle - 1
    }
    return this.breakLines[low]! + (row - this.breakRows[low]!)
  }

  /** JSONL lines after the first, decoded as one string and cut at line ends. */
  private jsonRows(text: string): void {
    let start = 0
    while (start < text.length) {
      let end = text.indexOf('\n', start)
      if (end === -1) end = text.length
      const next = end + 1
      if (end > start && text.charCodeAt(end - 1) === RETURN) end--
      const lineNumber = ++this.lineNumber
      if (end > start) {
        const line = text.slice(start, end)
        if (!isBlank(line.charCodeAt(0)) || line.trim() !== '') this.jsonLine(line, lineNumber)
      }
      start = next
    }
  }

  /** One line as a string: the first line, blank lines, quoted CSV, JSONL, rows with the wrong field count. */
  private slowLine(bytes: Buffer, start: number, end: number): void {
    const lineNumber = this.lineNumber
    // Spreadsheet exports often start with a byte-order mark, which would glue itself to the header.
    if (!this.seenFirstLine && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3
    if (end === start) return
    const line = bytes.toString('utf8', start, end)
    if (!this.seenFirstLine || isBlank(bytes[start]!)) {
      if (line.trim() === '') return
      if (!this.seenFirstLine) {
        this.seenFirstLine = true
        if (this.format === 'sniff') this.format = line.trimStart().startsWith('{') ? 'jsonl' : 'csv'
        if (this.format === 'csv' && /^\s*"?unit"?\s*,\s*"?rater"?\s*,\s*"?value"?\s*$/i.test(line)) return
      }
    }
    if (this.format === 'jsonl') return this.jsonLine(line, lineNumber)
    if (line.includes('"')) return this.quotedCsvLine(line, lineNumber)
    const fields = line.split(',')
    if (fields.length !== 3) return this.problem(lineNumber, `expected 3 fields (unit,rater,value), found ${fields.length}`)
    const [unit, rater, value] = fields as [string, string, string]
    this.add(trimBlanks(unit), trimBlanks(rater), trimBlanks(value), lineNumber)
  }

  private quotedCsvLine(line: string, lineNumber: number): void {
    const fields = splitQuotedCsv(line)
    if (typeof fields === 'string') return this.problem(lineNumber, fields)
    if (fields.length !== 3) return this.problem(lineNumber, `expected 3 fields (unit,rater,value), found ${fields.length}`)
    const [unit, rater, value] = fields as [string, string, string]
    this.add(unit.trim(), rater.trim(), value.trim(), lineNumber)
  }

  private jsonLine(line: string, lineNumber: number): void {
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      return this.problem(lineNumber, 'not valid JSON')
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      return this.problem(lineNumber, 'expected an object {"unit": …, "rater": …, "value": …}')
    }
    const { unit, rater, value } = row as Record<string, unknown>
    for (const [name, field] of [
      ['unit', unit],
      ['rater', rater],
    ] as const) {
      if (typeof field !== 'string' && !(typeof field === 'number' && Number.isFinite(field))) {
        return this.problem(lineNumber, `"${name}" must be a string or a number`)
      }
    }
    if (!('value' in (row as object))) return this.problem(lineNumber, 'no "value" (use null for a missing rating)')
    if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      return this.problem(lineNumber, '"value" must be a string, a number or null')
    }
    this.add(String(unit).trim(), String(rater).trim(), value === null ? '' : String(value).trim(), lineNumber)
  }

  private add(unitKey: string, raterKey: string, value: string, lineNumber: number): void {
    if (unitKey === '') return this.problem(lineNumber, 'empty unit')
    if (raterKey === '') return this.problem(lineNumber, 'empty rater')
    const code = value === '' ? MISSING : this.codeOf(this.texts.ofString(value), lineNumber)
    if (code === NOT_A_NUMBER) return
    if (this.rows === this.unitColumn.length) this.reserve(this.rows * 2, this.rows)
    const row = this.rows++
    const unit = this.units.ofString(unitKey)
    if (lineNumber !== this.nextLine) this.lineBreak(row, lineNumber)
    this.nextLine = lineNumber + 1
    if (unit < this.lastUnit) this.grouped = false
    this.lastUnit = unit
    if (code === MISSING) this.missing++
    this.unitColumn[row] = unit
    this.raterColumn[row] = this.raters.ofString(raterKey)
    this.codeColumn[row] = code
  }

  /** Makes room for `rows` rows, keeping the first `used` (csvRows keeps its count in a local until it returns). */
  private reserve(rows: number, used: number): void {
    if (rows <= this.unitColumn.length) return
    const grow = (column: Int32Array) => {
      const grown = new Int32Array(rows)
      grown.set(column.subarray(0, used))
      return grown
    }
    this.unitColumn = grow(this.unitColumn)
    this.raterColumn = grow(this.raterColumn)
    this.codeColumn = grow(this.codeColumn)
  }

  /** Code of a value text: the text's own index for categories, a shared code per number otherwise. */
  private codeOf(text: number, lineNumber: number): number {
    if (!this.numeric) return text
    let code = this.numericCodeOfText[text] ?? NOT_PARSED
    if (code === NOT_PARSED) {
      const number = Number(this.texts.name(text))
      if (!Number.isFinite(number)) {
        code = NOT_A_NUMBER
      } else {
        code = this.numberCodes.get(number) ?? this.numbers.length
        if (code === this.numbers.length) {
          this.numberCodes.set(number, code)
          this.numbers.push(number)
        }
      }
      this.numericCodeOfText[text] = code
    }
    if (code === NOT_A_NUMBER) this.problem(lineNumber, `value "${this.texts.name(text)}" is not a number`)
    return code
  }

  private problem(line: number, message: string): void {
    this.problems.push({ line, message })
  }

  /** Ends reading: reports duplicate (unit, rater) rows and puts codes in the scale's order. */
  finish(): Problem[] {
    this.findDuplicates()
    if (this.problems.length > 0) return this.problems.sort((a, b) => a.line - b.line)
    if (this.numeric) this.sortNumericCodes()
    else this.values = this.texts.names()
    return []
  }

  private findDuplicates(): void {
    const units = this.unitColumn.subarray(0, this.rows)
    const raters = this.raterColumn.subarray(0, this.rows)
    // Rows by unit, then a per-rater stamp of the last unit seen: linear, no string keys. Rows of a
    // file grouped by unit are in that order already; otherwise a counting sort puts them in it.
    const lastUnit = new Int32Array(this.raters.size).fill(-1)
    const firstRow = new Int32Array(this.raters.size)
    const check = (row: number, u: number): void => {
      const r = raters[row]!
      if (lastUnit[r] === u) {
        const message = `rater "${this.raters.name(r)}" already rated unit "${this.units.name(u)}" on line ${this.lineOf(firstRow[r]!)}`
        this.problem(this.lineOf(row), message)
      } else {
        lastUnit[r] = u
        firstRow[r] = row
      }
    }
    if (this.grouped) {
      for (let row = 0; row < units.length; row++) check(row, units[row]!)
      return
    }
    const unitCount = this.units.size
    const start = new Int32Array(unitCount + 1)
    for (let i = 0; i < units.length; i++) start[units[i]! + 1] = start[units[i]! + 1]! + 1
    for (let u = 0; u < unitCount; u++) start[u + 1] = start[u + 1]! + start[u]!
    const order = new Int32Array(units.length)
    const cursor = start.slice(0, unitCount)
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!
      order[cursor[u]!] = i
      cursor[u] = cursor[u]! + 1
    }
    for (let u = 0; u < unitCount; u++) {
      for (let k = start[u]!; k < start[u + 1]!; k++) check(order[k]!, u)
    }
  }

  private sortNumericCodes(): void {
    const byValue = this.numbers.map((value, code) => ({ value, code })).sort((a, b) => a.value - b.value)
    const remap = new Int32Array(byValue.length)
    byValue.forEach((entry, rank) => (remap[entry.code] = rank))
    const codes = this.codeColumn.subarray(0, this.rows)
    for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) codes[i] = remap[codes[i]!]!
    this.values = byValue.map((entry) => entry.value)
  }

  /** Non-missing ratings as reliability data. */
  reliabilityData(): ReliabilityData {
    const units = this.unitColumn.subarray(0, this.rows)
    const codes = this.codeColumn.subarray(0, this.rows)
    const present = codes.length - this.missing
    if (present === codes.length) return { unitCount: this.units.size, units, codes, values: this.values }
    const keptUnits = new Int32Array(present)
    const keptCodes = new Int32Array(present)
    let k = 0
    for (let i = 0; i < codes.length; i++) {
      if (codes[i]! < 0) continue
      keptUnits[k] = units[i]!
      keptCodes[k++] = codes[i]!
    }
    return { unitCount: this.units.size, units: keptUnits, codes: keptCodes, values: this.values }
  }

  raterCount(): number {
    return this.raters.size
  }

  /** Codes of rater 0 and rater 1 per unit (-1 where that rater gave no value). */
  twoRaterCodes(): [Int32Array, Int32Array] {
    const a = new Int32Array(this.units.size).fill(MISSING)
    const b = new Int32Array(this.units.size).fill(MISSING)
    const units = this.unitColumn.subarray(0, this.rows)
    const raters = this.raterColumn.subarray(0, this.rows)
    const codes = this.codeColumn.subarray(0, this.rows)
    for (let i = 0; i < units.length; i++) (raters[i] === 0 ? a : b)[units[i]!] = codes[i]!
    return [a, b]
  }
}

/** Splits one CSV line with RFC 4180 quoting ("" inside quotes is a quote); a string is a problem. */
function splitQuotedCsv(line: string): string[] | string {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
    if (line[i] === '"') {
      i++
      for (;;) {
        const quote = line.indexOf('"', i)
        if (quote === -1) return 'unterminated quoted field'
        field += line.slice(i, quote)
        if (line[quote + 1] === '"') {
          field += '"'
          i = quote + 2
        } else {
          i = quote + 1
          break
        }
      }
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
      if (i < line.length && line[i] !== ',') return 'text after a closing quote'
    } else {
      const comma = line.indexOf(',', i)
      const end = comma === -1 ? line.length : comma
      field = line.slice(i, end)
      if (field.includes('"')) return 'quote inside an unquoted field'
      i = end
    }
    fields.push(field)
    if (i >= line.length) return fields
    i++ // the comma
  }
}

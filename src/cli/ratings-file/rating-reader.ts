// The rating reader of `arbiter agreement`: parses CSV or JSONL (unit, rater, value) rows into coded
// typed-array columns, plain CSV rows by one pass over the bytes (the loop a big file spends its time
// in), every other line as a string; collects every problem with its line number.
import type { ReliabilityData } from '../../quality/reliability/reliability-data'
import { EMPTY, FNV_OFFSET, FNV_PRIME, Interner, isBlank } from './interner'

/** A ratings file's format: from its name, or sniffed from its first line. */
export type Format = 'csv' | 'jsonl' | 'sniff'

/** A bad row, reported as `line N: message`. */
export interface Problem {
  line: number
  message: string
}

export const NEWLINE = 10
const RETURN = 13
const COMMA = 44
const QUOTE = 34

const MISSING = -1
const NOT_PARSED = -2
const NOT_A_NUMBER = -3

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
export class RatingReader {
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

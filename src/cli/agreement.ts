// `arbiter agreement`: agreement statistics over a CSV or JSONL file of (unit, rater, value) rows.
// It is run on exports of hundreds of thousands of ratings and as a quick check in scripts, so it
// streams the file, codes values into typed arrays as it goes, and imports nothing but node:fs and
// the pure statistics (no chat SDK, no database, no zod: startup time is most of a small run).
import { createReadStream } from 'node:fs'
import { cohenKappaFromCodes } from '../quality/agreement/cohen-kappa'
import { fleissKappa } from '../quality/agreement/fleiss-kappa'
import { krippendorffAlpha, type AlphaLevel } from '../quality/agreement/krippendorff-alpha'
import type { ReliabilityData } from '../quality/agreement/reliability-data'
import type { StatResult } from '../quality/agreement/result'

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
    // Chunks of 1 MiB split by hand: readline's per-line events and line strings cost more than parsing.
    for await (const chunk of createReadStream(opts.input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      ratings.feed(chunk as string)
    }
    ratings.end()
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

interface Outcome {
  ok: boolean
  value?: number
  why?: string
}

interface Computed {
  alpha: Outcome
  fleiss: Outcome
  cohen: Outcome
  units: number
  raters: number
  pairable: number
}

function valueOrNull(outcome: Outcome): number | null {
  return outcome.ok && outcome.value !== undefined ? outcome.value : null
}

function describe(outcome: Outcome): string {
  return outcome.ok && outcome.value !== undefined ? outcome.value.toFixed(4) : `not applicable (${outcome.why ?? ''})`
}

function fromStat<T>(result: StatResult<T>, pick: (value: T) => number): Outcome {
  if (result.ok) return { ok: true, value: pick(result.value) }
  return { ok: false, why: result.detail ? `${result.reason}: ${result.detail}` : result.reason }
}

function computeReport(ratings: RatingReader, level: AlphaLevel): Computed {
  const data = ratings.reliabilityData()
  const raters = ratings.raterCount()
  const alpha = fromStat(krippendorffAlpha(data, level), (v) => v.alpha)
  // Kappas take values as categories whatever the level: the level's metric is alpha's business.
  const fleiss = fromStat(fleissKappa(data), (v) => v.kappa)
  let cohen: Outcome
  if (raters === 2) {
    const [a, b] = ratings.twoRaterCodes()
    cohen = fromStat(cohenKappaFromCodes(a, b, data.values.length, 'none'), (v) => v.kappa)
  } else {
    cohen = { ok: false, why: `needs exactly two raters, found ${raters}` }
  }
  return { alpha, fleiss, cohen, units: data.unitCount, raters, pairable: pairableCount(data) }
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

interface Problem {
  line: number
  message: string
}

/** Growable Int32Array column. */
class Column {
  data = new Int32Array(1 << 16)
  length = 0

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = value
  }

  view(): Int32Array {
    return this.data.subarray(0, this.length)
  }
}

// Above this many keys a linear scan costs more than slicing the field and hashing it.
const SCAN_LIMIT = 16

/**
 * Names to dense indexes. Looks a range of the chunk up without cutting a string out of it when the
 * name was just seen (rows grouped by unit) or few names exist (raters, categories): per-row string
 * slices and their garbage were most of the time spent on a large file.
 */
class Interner {
  readonly names: string[] = []
  private readonly index = new Map<string, number>()
  private last = -1

  get size(): number {
    return this.names.length
  }

  /** Index of `text[from, to)`, adding the name when new. */
  range(text: string, from: number, to: number): number {
    const length = to - from
    if (this.last >= 0) {
      const name = this.names[this.last]!
      if (name.length === length && text.startsWith(name, from)) return this.last
    }
    if (this.names.length <= SCAN_LIMIT) {
      for (let i = 0; i < this.names.length; i++) {
        const name = this.names[i]!
        if (name.length === length && text.startsWith(name, from)) return (this.last = i)
      }
    }
    return (this.last = this.of(text.slice(from, to)))
  }

  /** Index of `name`, adding it when new. */
  of(name: string): number {
    let known = this.index.get(name)
    if (known === undefined) {
      known = this.names.length
      this.names.push(name)
      this.index.set(name, known)
    }
    return known
  }
}

const MISSING = -1
const NOT_PARSED = -2
const NOT_A_NUMBER = -3

function isBlank(code: number): boolean {
  return code === 32 || code === 9
}

/** Parses rows into coded columns, collecting every problem instead of stopping at the first. */
class RatingReader {
  private readonly units = new Interner()
  private readonly raters = new Interner()
  /** Value texts as written; nominal codes are these indexes. */
  private readonly texts = new Interner()
  /** Numeric levels: code of each value text (NOT_PARSED until first seen), equal numbers share a code. */
  private readonly numericCodeOfText: number[] = []
  private readonly numberCodes = new Map<number, number>()
  private numbers: number[] = []
  private readonly unitColumn = new Column()
  private readonly raterColumn = new Column()
  private readonly codeColumn = new Column()
  private readonly lineColumn = new Column()
  private readonly problems: Problem[] = []
  private seenFirstLine = false
  private lineNumber = 0
  /** Unfinished last line of the previous chunk. */
  private carry = ''
  private values: Array<string | number> = []

  constructor(
    private readonly numeric: boolean,
    private format: Format,
  ) {}

  /** Parses the complete lines of a chunk and keeps the unfinished last one for the next chunk. */
  feed(chunk: string): void {
    const text = this.carry.length > 0 ? this.carry + chunk : chunk
    // Position of the next '"' at or after the current line (-1: none in this chunk). Found once per
    // quote rather than per line, so quote detection stays linear in the chunk.
    let quoteAt = -2
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      if (newline === -1) break
      if (quoteAt !== -1 && quoteAt < start) quoteAt = text.indexOf('"', start)
      this.lineAt(text, start, newline, quoteAt !== -1 && quoteAt < newline)
      start = newline + 1
    }
    this.carry = text.slice(start)
  }

  /** Parses a last line that has no line end. */
  end(): void {
    if (this.carry.length > 0) this.lineAt(this.carry, 0, this.carry.length, this.carry.includes('"'))
    this.carry = ''
  }

  private lineAt(text: string, start: number, end: number, quoted: boolean): void {
    const lineNumber = ++this.lineNumber
    if (end > start && text.charCodeAt(end - 1) === 13) end--
    if (end === start) return
    if (!this.seenFirstLine || isBlank(text.charCodeAt(start))) {
      const line = text.slice(start, end)
      if (line.trim() === '') return
      if (!this.seenFirstLine) {
        this.seenFirstLine = true
        if (this.format === 'sniff') this.format = line.trimStart().startsWith('{') ? 'jsonl' : 'csv'
        if (this.format === 'csv' && /^\s*"?unit"?\s*,\s*"?rater"?\s*,\s*"?value"?\s*$/i.test(line)) return
      }
    }
    if (this.format === 'jsonl') return this.jsonLine(text.slice(start, end), lineNumber)
    if (quoted) return this.quotedCsvLine(text.slice(start, end), lineNumber)
    const first = text.indexOf(',', start)
    const second = first === -1 || first >= end ? -1 : text.indexOf(',', first + 1)
    const third = second === -1 || second >= end ? -1 : text.indexOf(',', second + 1)
    if (second === -1 || second >= end || (third !== -1 && third < end)) {
      const count = text.slice(start, end).split(',').length
      return this.problem(lineNumber, `expected 3 fields (unit,rater,value), found ${count}`)
    }
    // Fields are trimmed by moving their bounds, which allocates nothing.
    let us = start
    let ue = first
    let rs = first + 1
    let re = second
    let vs = second + 1
    let ve = end
    while (us < ue && isBlank(text.charCodeAt(us))) us++
    while (ue > us && isBlank(text.charCodeAt(ue - 1))) ue--
    while (rs < re && isBlank(text.charCodeAt(rs))) rs++
    while (re > rs && isBlank(text.charCodeAt(re - 1))) re--
    while (vs < ve && isBlank(text.charCodeAt(vs))) vs++
    while (ve > vs && isBlank(text.charCodeAt(ve - 1))) ve--
    if (us === ue) return this.problem(lineNumber, 'empty unit')
    if (rs === re) return this.problem(lineNumber, 'empty rater')
    const code = vs === ve ? MISSING : this.codeOf(this.texts.range(text, vs, ve), lineNumber)
    if (code === NOT_A_NUMBER) return
    this.push(this.units.range(text, us, ue), this.raters.range(text, rs, re), code, lineNumber)
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
    const code = value === '' ? MISSING : this.codeOf(this.texts.of(value), lineNumber)
    if (code === NOT_A_NUMBER) return
    this.push(this.units.of(unitKey), this.raters.of(raterKey), code, lineNumber)
  }

  /** Code of a value text: the text's own index for categories, a shared code per number otherwise. */
  private codeOf(text: number, lineNumber: number): number {
    if (!this.numeric) return text
    let code = this.numericCodeOfText[text] ?? NOT_PARSED
    if (code === NOT_PARSED) {
      const number = Number(this.texts.names[text])
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
    if (code === NOT_A_NUMBER) this.problem(lineNumber, `value "${this.texts.names[text]}" is not a number`)
    return code
  }

  private push(unit: number, rater: number, code: number, lineNumber: number): void {
    this.unitColumn.push(unit)
    this.raterColumn.push(rater)
    this.codeColumn.push(code)
    this.lineColumn.push(lineNumber)
  }

  private problem(line: number, message: string): void {
    this.problems.push({ line, message })
  }

  /** Ends reading: reports duplicate (unit, rater) rows and puts codes in the scale's order. */
  finish(): Problem[] {
    this.findDuplicates()
    if (this.problems.length > 0) return this.problems.sort((a, b) => a.line - b.line)
    if (this.numeric) this.sortNumericCodes()
    else this.values = this.texts.names
    return []
  }

  private findDuplicates(): void {
    const units = this.unitColumn.view()
    const raters = this.raterColumn.view()
    const lines = this.lineColumn.view()
    // Rows by unit (counting sort), then a per-rater stamp of the last unit seen: linear, no string keys.
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
    const lastUnit = new Int32Array(this.raters.size).fill(-1)
    const firstRow = new Int32Array(this.raters.size)
    for (let u = 0; u < unitCount; u++) {
      for (let k = start[u]!; k < start[u + 1]!; k++) {
        const row = order[k]!
        const r = raters[row]!
        if (lastUnit[r] === u) {
          const first = lines[firstRow[r]!]
          this.problem(lines[row]!, `rater "${this.raters.names[r]}" already rated unit "${this.units.names[u]}" on line ${first}`)
        } else {
          lastUnit[r] = u
          firstRow[r] = row
        }
      }
    }
  }

  private sortNumericCodes(): void {
    const byValue = this.numbers.map((value, code) => ({ value, code })).sort((a, b) => a.value - b.value)
    const remap = new Int32Array(byValue.length)
    byValue.forEach((entry, rank) => (remap[entry.code] = rank))
    const codes = this.codeColumn.view()
    for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) codes[i] = remap[codes[i]!]!
    this.values = byValue.map((entry) => entry.value)
  }

  /** Non-missing ratings as reliability data. */
  reliabilityData(): ReliabilityData {
    const units = this.unitColumn.view()
    const codes = this.codeColumn.view()
    let present = 0
    for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) present++
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
    const units = this.unitColumn.view()
    const raters = this.raterColumn.view()
    const codes = this.codeColumn.view()
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

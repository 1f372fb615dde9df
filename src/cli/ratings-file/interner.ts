// The name interner of `arbiter agreement`'s rating reader: units, raters and value texts to dense
// indexes, looked up by their bytes in the read buffer (see the class comment for why).
const SPACE = 32
const TAB = 9

// FNV-1a over bytes, 32 bits: the reader hashes each field while it looks for the field's end.
export const FNV_OFFSET = 0x811c9dc5 | 0
export const FNV_PRIME = 0x01000193

/** FNV-1a hash of bytes[from, to), as the reader computes it while it scans a field. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = FNV_OFFSET
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME)
  return hash
}

/** Whether a byte is a space or a tab, the blanks a field may carry around it. */
export function isBlank(byte: number): boolean {
  return byte === SPACE || byte === TAB
}

/** What Interner.of returns for a field of nothing but spaces and tabs. */
export const EMPTY = -1

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
export class Interner {
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

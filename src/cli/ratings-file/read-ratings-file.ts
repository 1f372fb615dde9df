// Reading a ratings file for `arbiter agreement`: its format from its name, and its bytes in large
// chunks cut at line ends, fed to the RatingReader (no stream, no string per line).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { NEWLINE, type Format, type RatingReader } from './rating-reader'

/** A ratings file's format from its name: .jsonl / .ndjson, .csv, else sniffed from the first line. */
export function formatOf(path: string): Format {
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
export function readRatingsFile(path: string, ratings: RatingReader): void {
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

// File helpers shared by CLI commands.
import { createReadStream, createWriteStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { linesOfChunks, type SourceLine } from '../core/import/source-line'

/**
 * The lines of a text file (gzip-compressed when the name ends in .gz), streamed. Lines are cut
 * on bytes and each is decoded strictly: a line that is not valid UTF-8 comes back as unreadable
 * (the importers report it by number) instead of with U+FFFD in place of its bytes. Reads chunks
 * with the stream's own async iterator rather than readline's, which keeps reading ahead while
 * the consumer awaits (an import awaiting inserts would buffer the file).
 */
export async function* readLines(path: string): AsyncGenerator<SourceLine> {
  const file = createReadStream(path)
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file
  try {
    yield* linesOfChunks(input as AsyncIterable<Uint8Array>)
  } finally {
    file.destroy()
  }
}

/** A writer that respects backpressure, to a file or standard output. */
export function lineWriter(path: string | undefined): { write: (chunk: string) => Promise<void>; close: () => Promise<void> } {
  const stream: Writable = path ? createWriteStream(path) : process.stdout
  return {
    write: async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain')
    },
    close: async () => {
      if (!path) return
      stream.end()
      await once(stream, 'finish')
    },
  }
}

/** A date option: YYYY-MM-DD or a full ISO timestamp. */
export function parseDate(value: string): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw new Error(`"${value}" is not a date (use YYYY-MM-DD or an ISO timestamp)`)
  return date
}

/** A comma-separated list option. */
export function parseList(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter(Boolean)
}

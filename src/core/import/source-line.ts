// One line of an import file as the readers hand it over: its text, or why it has none.
// Bytes that are not valid UTF-8 must not become U+FFFD silently (the imported label would differ
// from the file's), so a reader that meets them reports the line instead of decoding it.

/** A line whose bytes could not be read as text. */
export interface UnreadableLine {
  unreadable: string
}

/** A line of an import: text, or a line that could not be decoded. */
export type SourceLine = string | UnreadableLine

const NEWLINE = 0x0a
const CARRIAGE_RETURN = 0x0d

// One fatal decoder for every line: a failed decode leaves it ready for the next one.
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes one line's bytes, refusing invalid UTF-8 (a leading byte-order mark is dropped). */
export function decodeLine(bytes: Uint8Array): SourceLine {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length
  try {
    return utf8.decode(bytes.subarray(0, end))
  } catch {
    return { unreadable: 'not valid UTF-8 (save the file as UTF-8)' }
  }
}

/**
 * Splits a stream of byte chunks into decoded lines. Lines are cut on the newline byte before
 * decoding, so a bad byte spoils only its own line and every line keeps its number.
 */
export async function* linesOfChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SourceLine> {
  let rest: Uint8Array = new Uint8Array(0)
  for await (const chunk of chunks) {
    let start = 0
    let data = chunk
    if (rest.length > 0) {
      data = new Uint8Array(rest.length + chunk.length)
      data.set(rest)
      data.set(chunk, rest.length)
    }
    for (let i = data.indexOf(NEWLINE); i !== -1; i = data.indexOf(NEWLINE, start)) {
      yield decodeLine(data.subarray(start, i))
      start = i + 1
    }
    rest = data.slice(start)
  }
  if (rest.length > 0) yield decodeLine(rest)
}

/** The lines of text already in memory as bytes (a chat upload). */
export async function* linesOfBytes(bytes: Uint8Array): AsyncGenerator<SourceLine> {
  yield* linesOfChunks((async function* () {
    yield bytes
  })())
}

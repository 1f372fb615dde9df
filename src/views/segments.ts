// Splits model or user text into prose and fenced code, so adapters keep code as code blocks
// even when they must cut a long text into several blocks or messages.
import type { Segment } from './card'

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/

/** Prose and code segments of a markdown-ish text, in order. An unclosed fence runs to the end. */
export function segmentsOf(text: string): Segment[] {
  const segments: Segment[] = []
  const lines = text.split('\n')
  let prose: string[] = []
  let code: string[] | null = null
  let fence = ''
  let language: string | null = null
  const flushProse = () => {
    const joined = prose.join('\n')
    if (joined.trim() !== '') segments.push({ kind: 'text', text: joined.replace(/^\n+|\n+$/g, '') })
    prose = []
  }
  for (const line of lines) {
    const match = FENCE.exec(line)
    if (code === null && match) {
      flushProse()
      code = []
      fence = match[2]!
      language = match[3] || null
    } else if (code !== null && match && match[2]!.startsWith(fence[0]!) && match[2]!.length >= fence.length && !match[3]) {
      segments.push({ kind: 'code', text: code.join('\n'), language })
      code = null
    } else if (code !== null) code.push(line)
    else prose.push(line)
  }
  if (code !== null) segments.push({ kind: 'code', text: code.join('\n'), language })
  flushProse()
  return segments.length > 0 ? segments : [{ kind: 'text', text: text.trim() === '' ? '(empty)' : text }]
}

/**
 * Cuts a segment into pieces of at most `max` characters, preferring paragraph, then line,
 * then word boundaries, so a long response reads naturally across blocks or messages.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = []
  let rest = text
  while (rest.length > max) {
    const window = rest.slice(0, max)
    let cut = window.lastIndexOf('\n\n')
    if (cut < max * 0.5) cut = window.lastIndexOf('\n')
    if (cut < max * 0.5) cut = window.lastIndexOf(' ')
    if (cut < max * 0.5) cut = max
    pieces.push(rest.slice(0, cut).replace(/\s+$/, ''))
    rest = rest.slice(cut).replace(/^\n+/, '')
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest)
  return pieces
}

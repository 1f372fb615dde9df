// Reads a dataset folder back the way the Hugging Face Hub does: the card's YAML front matter,
// then the data files its `configs` name. A small reader of the YAML block style cards use
// (mappings, lists, plain and quoted scalars), so the test does not trust the writer's own code.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

type Yaml = string | Yaml[] | { [key: string]: Yaml }

interface Line {
  indent: number
  text: string
}

function scalar(text: string): string {
  const t = text.trim()
  return t.startsWith('"') ? (JSON.parse(t) as string) : t
}

function parseBlock(lines: Line[], start: number, indent: number): [Yaml, number] {
  if (lines[start]!.text.startsWith('- ')) {
    const list: Yaml[] = []
    let i = start
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
      const rest = lines[i]!.text.slice(2)
      if (/^[\w-]+:( |$)/.test(rest)) {
        // A mapping inside a list item: its first key sits after "- ", the others two columns in.
        const inner: Line[] = [{ indent: indent + 2, text: rest }]
        let j = i + 1
        while (j < lines.length && lines[j]!.indent > indent) inner.push(lines[j++]!)
        list.push(parseBlock(inner, 0, indent + 2)[0])
        i = j
      } else {
        list.push(scalar(rest))
        i++
      }
    }
    return [list, i]
  }
  const map: { [key: string]: Yaml } = {}
  let i = start
  while (i < lines.length && lines[i]!.indent === indent) {
    const match = /^([\w-]+):(?: (.*))?$/.exec(lines[i]!.text)
    if (!match) throw new Error(`not YAML this reader knows: "${lines[i]!.text}"`)
    if (match[2] !== undefined && match[2] !== '') {
      map[match[1]!] = scalar(match[2])
      i++
    } else {
      const next = lines[i + 1]
      const [value, end] = next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- '))) ? parseBlock(lines, i + 1, next.indent) : ['', i + 1]
      map[match[1]!] = value
      i = end
    }
  }
  return [map, i]
}

/** The card's front matter as plain data. */
export function frontMatter(card: string): Record<string, Yaml> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card)
  if (!match) throw new Error('the card has no YAML front matter')
  const lines = match[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }))
  return parseBlock(lines, 0, 0)[0] as Record<string, Yaml>
}

/** The folder as `load_dataset(DIR)` sees it: each split of the default config and its rows. */
export function readDatasetFolder(dir: string): { card: string; meta: Record<string, Yaml>; splits: Record<string, Record<string, unknown>[]> } {
  const card = readFileSync(join(dir, 'README.md'), 'utf8')
  const meta = frontMatter(card)
  const configs = meta.configs as { config_name: string; data_files: { split: string; path: string }[] }[]
  const config = configs.find((c) => c.config_name === 'default')
  if (!config) throw new Error('no default config')
  const splits: Record<string, Record<string, unknown>[]> = {}
  for (const file of config.data_files) {
    const path = join(dir, file.path)
    if (!existsSync(path)) throw new Error(`the card names ${file.path}, which is not there`)
    splits[file.split] = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
  }
  return { card, meta, splits }
}

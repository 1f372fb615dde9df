// The bot scopes manifest.yml asks Slack for: what a correct install must have granted. Read
// with a few lines rather than a YAML library: the list's shape is fixed by Slack's manifest format.
import { readFileSync } from 'node:fs'
import { packageFile } from '../../package-files'

/** manifest.yml at the package root. */
export const MANIFEST_PATH = packageFile('manifest.yml')

/** The scopes under oauth_config.scopes.bot, in order. */
export function manifestBotScopes(path = MANIFEST_PATH): string[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const scopesAt = lines.findIndex((line) => /^\s+scopes:\s*$/.test(line))
  const start = scopesAt < 0 ? -1 : lines.findIndex((line, i) => i > scopesAt && /^\s+bot:\s*$/.test(line))
  if (start < 0) throw new Error(`${path}: no oauth_config.scopes.bot list`)
  const indent = lines[start]!.search(/\S/)
  const scopes: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue
    if (line.search(/\S/) <= indent) break
    const item = /^\s*-\s*([a-z:._]+)\s*$/.exec(line)
    if (item) scopes.push(item[1]!)
  }
  return scopes
}

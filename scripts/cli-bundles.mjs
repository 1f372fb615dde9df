// Where the command-line bundles live and whether one is fresh: shared by bin/arbiter.mjs (which runs a
// fresh bundle with plain node) and scripts/build-cli-bundle.mjs (which makes them). No dependencies:
// the bin imports this on every start.
import { readFileSync, statSync } from 'node:fs'

export const BUILD_DIR = new URL('../.arbiter-build/', import.meta.url)
const ROOT = new URL('../', import.meta.url)

/** The entry file of a bundle: `cli` (the whole command line) or `agreement`. */
export const bundleEntry = (name) => new URL(name === 'cli' ? 'cli/main.mjs' : `${name}.mjs`, BUILD_DIR)

/** The list of source files a bundle was built from, beside it. */
export const bundleInputs = (name) => new URL(`${name}.inputs.json`, BUILD_DIR)

/** The entry's URL when the bundle is there and no source it was built from is newer (or gone), else undefined. */
export function freshBundle(name) {
  try {
    const entry = bundleEntry(name)
    const builtAt = statSync(entry).mtimeMs
    const { inputs } = JSON.parse(readFileSync(bundleInputs(name), 'utf8'))
    if (!Array.isArray(inputs) || inputs.length === 0) return undefined
    // A missing source (moved, deleted) throws, which also means stale.
    for (const input of inputs) if (statSync(new URL(input, ROOT)).mtimeMs > builtAt) return undefined
    return entry
  } catch {
    return undefined
  }
}

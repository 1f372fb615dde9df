#!/usr/bin/env node
// The `arbiter` command: runs the TypeScript CLI through tsx's loader (no build step).
// `arbiter agreement` is the exception when it can be: it is run on big exports and in scripts, where
// tsx's start-up would be most of its time, so a prebuilt bundle (.arbiter-build/agreement.mjs, made
// by scripts/build-cli-bundle.mjs on `npm install`) is imported with plain node when it exists and no
// source it was built from is newer. Otherwise the command runs through tsx like the others.
import { readFileSync, statSync } from 'node:fs'

const args = process.argv.slice(2)
const bundled = args[0] === 'agreement' ? await importBundle(new URL('../', import.meta.url)) : undefined
if (bundled !== undefined) {
  process.exitCode = await bundled.main(args.slice(1))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}

/** The agreement bundle's exports when it is there, up to date and loads, else undefined. */
async function importBundle(root) {
  const bundle = freshBundle(root)
  if (bundle === undefined) return undefined
  try {
    const module = await import(bundle.href)
    return typeof module.main === 'function' ? module : undefined
  } catch {
    return undefined // a broken bundle: the tsx path still works
  }
}

/** URL of the agreement bundle when it is there and up to date with its sources, else undefined. */
function freshBundle(root) {
  try {
    const bundle = new URL('.arbiter-build/agreement.mjs', root)
    const built = statSync(bundle).mtimeMs
    const { inputs } = JSON.parse(readFileSync(new URL('.arbiter-build/agreement.inputs.json', root), 'utf8'))
    if (!Array.isArray(inputs) || inputs.length === 0) return undefined
    // A missing source (moved, deleted) throws, which also means stale.
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > built) return undefined
    return bundle
  } catch {
    return undefined
  }
}

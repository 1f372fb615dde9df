#!/usr/bin/env node
// The `arbiter` command. `npm install` bundles the TypeScript command line into plain JavaScript
// (scripts/build-cli-bundle.mjs), and this runs that bundle with plain node: tsx's loader costs about a
// second of CPU per start, most of a short command's time. When the bundle is missing or a source is
// newer than it (someone is editing), the source runs through tsx instead, so an edit is never hidden.
// `arbiter agreement` has a bundle of its own with everything inside: it is run on big exports and
// in scripts, where even loading the rest of the command line would show.
import { freshBundle } from '../scripts/cli-bundles.mjs'

const args = process.argv.slice(2)
const agreement = args[0] === 'agreement' ? await importBundle('agreement') : undefined
if (agreement !== undefined && typeof agreement.main === 'function') {
  process.exitCode = await agreement.main(args.slice(1))
} else if ((await importBundle('cli')) === undefined) {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}

/** Imports a fresh bundle (the CLI bundle runs the command as it loads); undefined when there is none or it fails to load. */
async function importBundle(name) {
  const entry = freshBundle(name)
  if (entry === undefined) return undefined
  try {
    return await import(entry.href)
  } catch {
    // A bundle that fails to load (a package moved under it): the source through tsx still works. The
    // CLI bundle starts its command without awaiting it, so a failing command is not caught here.
    return undefined
  }
}

// Bundles the `arbiter agreement` command into one plain-JavaScript file, .arbiter-build/agreement.mjs,
// run by `npm install` (postinstall) and `npm run build:cli`. bin/arbiter.mjs imports that file with
// plain node when it is fresh, skipping tsx's loader (most of the start-up time of a small run); with no
// bundle, or a source newer than it, the command runs through tsx like every other command.
// Next to the bundle, agreement.inputs.json lists the source files it was built from (relative to the
// package root), so the bin can tell when the bundle is stale without knowing the import graph.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outDir = join(root, '.arbiter-build')
const outFile = join(outDir, 'agreement.mjs')

const started = performance.now()
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/agreement-main.ts'],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
})

mkdirSync(outDir, { recursive: true })
// Written under a temporary name and renamed, so a concurrent `arbiter agreement` never imports half a file.
const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/')).sort()
const [bundle] = result.outputFiles
writeAtomically(join(outDir, 'agreement.inputs.json'), JSON.stringify({ inputs }, null, 2) + '\n')
writeAtomically(outFile, bundle.contents)
console.log(`arbiter: bundled the agreement command into .arbiter-build/agreement.mjs (${inputs.length} sources, ${(performance.now() - started).toFixed(0)} ms)`)

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

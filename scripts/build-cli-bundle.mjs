// Bundles the `arbiter` command into plain JavaScript under .arbiter-build/, so bin/arbiter.mjs can run
// it with plain node instead of through tsx's loader (about a second of CPU per start, most of a short
// command's time). Run by `npm install` (postinstall), `npm run build:cli`, and before the test suite
// when a source is newer than the bundle (test/global-setup.ts).
// Two bundles:
// - cli/main.mjs: the whole command line. Packages stay imports from node_modules (native drivers,
//   chat SDKs); each command is its own chunk, loaded only when it runs, as in the source.
// - agreement.mjs: `arbiter agreement` alone, with everything it needs inside, for big exports and
//   scripts where even commander's load shows.
// Beside each, <name>.inputs.json lists the source files it was built from (relative to the package
// root), so the bin can tell a stale bundle without knowing the import graph: it then runs the source
// through tsx, so an edit is never hidden behind an old bundle.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { bundleEntry, bundleInputs, freshBundle } from './cli-bundles.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

/** How Arbiter bundles TypeScript for node (the test suite's worker programs are bundled the same way). */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
}

const common = { ...NODE_BUNDLE, absWorkingDir: root, legalComments: 'none', metafile: true, write: false }

// Where each bundle's entry goes is cli-bundles.mjs's (bundleEntry), where the bin looks for it.
const entryPath = (name) => fileURLToPath(bundleEntry(name))

const BUNDLES = {
  agreement: { entryPoints: ['src/cli/agreement-main.ts'], outfile: entryPath('agreement'), minify: true },
  cli: { entryPoints: ['src/cli/main.ts'], outdir: dirname(entryPath('cli')), packages: 'external', splitting: true },
}

/** The bundles that are missing or older than a source of theirs. */
export const staleBundles = () => Object.keys(BUNDLES).filter((name) => freshBundle(name) === undefined)

/** Builds the named bundles (all by default) and returns how many source files each came from. */
export async function buildCliBundles(names = Object.keys(BUNDLES)) {
  const built = {}
  for (const name of names) {
    const result = await build({ ...common, ...BUNDLES[name] })
    const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/')).sort()
    const entry = entryPath(name)
    mkdirSync(dirname(entry), { recursive: true })
    // Chunks have content-hashed names and are written first; the entry file last, atomically: a
    // concurrent `arbiter` run sees either the old entry with its old chunks or the new one whole.
    for (const file of result.outputFiles) if (file.path !== entry && !existsSync(file.path)) writeAtomically(file.path, file.contents)
    writeAtomically(fileURLToPath(bundleInputs(name)), JSON.stringify({ inputs }, null, 2) + '\n')
    writeAtomically(entry, result.outputFiles.find((file) => file.path === entry).contents)
    if (BUNDLES[name].splitting) removeOldChunks(dirname(entry), new Set(result.outputFiles.map((file) => basename(file.path))))
    built[name] = inputs.length
  }
  return built
}

// Chunks of earlier builds are left for an hour, for a command that started on the old entry.
function removeOldChunks(dir, current) {
  const hourAgo = Date.now() - 3_600_000
  for (const file of readdirSync(dir)) {
    const path = join(dir, file)
    if (!current.has(file) && statSync(path).mtimeMs < hourAgo) rmSync(path, { force: true })
  }
}

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now()
  const built = await buildCliBundles()
  const sources = Object.entries(built).map(([name, count]) => `${name}: ${count} sources`).join(', ')
  console.log(`arbiter: bundled the command line into .arbiter-build/ (${sources}; ${(performance.now() - started).toFixed(0)} ms)`)
}

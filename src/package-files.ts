// Files that ship beside the code (the Prisma schema and its migrations, manifest.yml), found from
// the package root rather than from each module's own folder: the same module runs from src/
// (through tsx) and from the CLI bundle in .arbiter-build/ (bin/arbiter.mjs), at different depths.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above this module that holds prisma/schema.prisma: Arbiter's package root. */
function findPackageRoot(from: string): string {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, 'prisma', 'schema.prisma'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`arbiter: no database schema file in any folder above ${from}; is the package complete?`)
    dir = parent
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))

/** A path inside the package, e.g. packageFile('prisma', 'schema.prisma'). */
export const packageFile = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts)

// Entry of the prebuilt `arbiter agreement` (scripts/build-cli-bundle.mjs bundles it into
// .arbiter-build/agreement.mjs, which bin/arbiter.mjs imports with plain node). It parses the
// command's options itself instead of loading commander and src/cli/main.ts, and mirrors what the
// commander command in main.ts accepts, prints and exits with, so both paths behave alike.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { agreementCommand, type Writable } from './agreement'
import type { AlphaLevel } from '../quality/reliability/krippendorff-alpha'

const LEVELS: readonly AlphaLevel[] = ['nominal', 'ordinal', 'interval', 'ratio']

/** commander's help for the command in main.ts (80 columns), kept word for word. */
export const AGREEMENT_HELP = `Usage: arbiter agreement [options]

agreement statistics (Krippendorff's alpha, Fleiss' and Cohen's kappa) over a
file of unit,rater,value ratings

Options:
  --input <file>   CSV (unit,rater,value, optional header) or JSONL
                   ({"unit","rater","value"}) file
  --level <level>  level of measurement for Krippendorff's alpha (choices:
                   "nominal", "ordinal", "interval", "ratio", default:
                   "nominal")
  --json           print one JSON object instead of text (default: false)
  -h, --help       display help for command
`

/**
 * Runs `arbiter agreement` with the arguments after the command name and returns the exit code:
 * agreementCommand's, 0 after --help, 1 for unusable options (as commander does).
 */
export async function main(args: readonly string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  let input: string | undefined
  let level = 'nominal'
  let json = false
  const extra: string[] = []
  const usage = (message: string): number => {
    err.write(`error: ${message}\n\n${AGREEMENT_HELP}`)
    return 1
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '-h' || arg === '--help') {
      out.write(AGREEMENT_HELP)
      return 0
    }
    if (arg === '--') {
      extra.push(...args.slice(i + 1))
      break
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1
    const name = equals === -1 ? arg : arg.slice(0, equals)
    if (name === '--input' || name === '--level') {
      let value: string
      if (equals !== -1) value = arg.slice(equals + 1)
      else if (i + 1 < args.length) value = args[++i]!
      else return usage(`option '${name} ${name === '--input' ? '<file>' : '<level>'}' argument missing`)
      if (name === '--input') {
        input = value
      } else {
        if (!(LEVELS as readonly string[]).includes(value)) {
          return usage(`option '--level <level>' argument '${value}' is invalid. Allowed choices are ${LEVELS.join(', ')}.`)
        }
        level = value
      }
    } else if (arg === '--json') {
      json = true
    } else if (arg.startsWith('-') && arg !== '-') {
      return usage(`unknown option '${arg}'`)
    } else {
      extra.push(arg)
    }
  }
  if (input === undefined) return usage("required option '--input <file>' not specified")
  if (extra.length > 0) return usage(`too many arguments for 'agreement'. Expected 0 arguments but got ${extra.length}.`)
  return agreementCommand({ input, level: level as AlphaLevel, json }, out, err)
}

// Run directly (`node .arbiter-build/agreement.mjs --input …`), the module is the command itself;
// imported (by bin/arbiter.mjs), it only exports main.
if (process.argv[1] !== undefined && isThisFile(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2))
}

function isThisFile(path: string): boolean {
  try {
    return pathToFileURL(realpathSync(path)).href === import.meta.url
  } catch {
    return false
  }
}

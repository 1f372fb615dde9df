// Runs `arbiter agreement` outside the commander CLI, for benchmarks and manual checks:
//   node --import tsx bench/run-agreement-cli.ts --input ratings.csv --level nominal [--json]
import { agreementCommand } from '../src/cli/agreement'
import type { AlphaLevel } from '../src/quality/agreement/krippendorff-alpha'

const args = process.argv.slice(2)
const valueOf = (flag: string): string | undefined => {
  const at = args.indexOf(flag)
  return at === -1 ? undefined : args[at + 1]
}
const input = valueOf('--input')
if (input === undefined) {
  process.stderr.write('usage: run-agreement-cli.ts --input FILE [--level nominal|ordinal|interval|ratio] [--json]\n')
  process.exit(2)
}
process.exitCode = await agreementCommand(
  { input, level: (valueOf('--level') ?? 'nominal') as AlphaLevel, json: args.includes('--json') },
  process.stdout,
  process.stderr,
)

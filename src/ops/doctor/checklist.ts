// `arbiter doctor`'s results: a checklist by section, each line ✓ (works), ✗ (broken, with the
// exact fix) or – (not checked, and why), rendered for a terminal or as JSON.

export type CheckStatus = 'ok' | 'fail' | 'skip'

/** One line of the checklist. */
export interface CheckResult {
  section: string
  status: CheckStatus
  title: string
  /** For a failure: what to do (a README step, a scope to add, a command to run). */
  fix?: string
}

/** The checklist being filled in, one section at a time. */
export class Checklist {
  readonly results: CheckResult[] = []

  section(name: string): Section {
    return {
      ok: (title) => void this.results.push({ section: name, status: 'ok', title }),
      fail: (title, fix) => void this.results.push({ section: name, status: 'fail', title, fix }),
      skip: (title) => void this.results.push({ section: name, status: 'skip', title }),
    }
  }

  get failures(): number {
    return this.results.filter((r) => r.status === 'fail').length
  }
}

/** Where one part of the doctor writes its lines. */
export interface Section {
  ok(title: string): void
  fail(title: string, fix: string): void
  skip(title: string): void
}

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' }

/** The checklist as a person reads it. */
export function renderChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = []
  let section = ''
  for (const result of results) {
    if (result.section !== section) {
      section = result.section
      lines.push('', section)
    }
    lines.push(`  ${MARK[result.status]} ${result.title}`)
    if (result.fix) lines.push(`      fix: ${result.fix}`)
  }
  const failures = results.filter((r) => r.status === 'fail').length
  lines.push('', failures === 0 ? 'Everything Arbiter needs is in place.' : `${failures} problem${failures === 1 ? '' : 's'} to fix; run \`arbiter doctor\` again afterwards.`)
  return `${lines.join('\n').trimStart()}\n`
}

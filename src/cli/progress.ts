// Progress bars for long CLI work, only on a terminal: in pipes and CI logs they would be noise.
import cliProgress from 'cli-progress'

/** A bar on standard error when it is a terminal; otherwise calls that do nothing. */
export function progressBar(unit: string): { start: (total: number, label: string) => void; update: (value: number, label?: string) => void; total: (total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { start: () => {}, update: () => {}, total: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar({ format: `{label} {bar} {value}/{total} ${unit}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
  let started = false
  return {
    start: (total, label) => {
      bar.start(total, 0, { label })
      started = true
    },
    update: (value, label) => {
      if (started) bar.update(value, label === undefined ? undefined : { label })
    },
    total: (total) => {
      if (started) bar.setTotal(total)
    },
    stop: () => {
      if (started) bar.stop()
      started = false
    },
  }
}

// The digest's picture: agreement per labeler now (bar) against the week before (tick), so a
// lead sees at a glance who moved. Reads faster than a table when there are many labelers.
import { Bitmap, textWidth } from './png'

export interface AgreementBar {
  name: string
  /** 0..1, or null when not enough data. */
  now: number | null
  before: number | null
  flagged: boolean
}

const INK: [number, number, number] = [40, 40, 40]
const BAR: [number, number, number] = [76, 120, 168]
const FLAGGED: [number, number, number] = [214, 96, 77]
const TICK: [number, number, number] = [20, 20, 20]
const GRID: [number, number, number] = [225, 225, 225]

/** A PNG bar chart of agreement per labeler. */
export function agreementChart(title: string, bars: AgreementBar[]): Buffer {
  const rows = bars.slice(0, 40)
  const nameWidth = Math.min(200, Math.max(60, ...rows.map((r) => textWidth(r.name.slice(0, 16)))))
  const left = nameWidth + 20
  const plot = 400
  const rowHeight = 26
  const width = left + plot + 80
  const height = 60 + rows.length * rowHeight + 30
  const image = new Bitmap(width, height)
  image.text(10, 12, title.slice(0, 60), INK)
  for (let tick = 0; tick <= 4; tick++) {
    const x = left + (plot * tick) / 4
    image.rect(x, 44, 1, rows.length * rowHeight, GRID)
    image.text(x - 12, 50 + rows.length * rowHeight, `${tick * 25}%`, INK)
  }
  rows.forEach((row, i) => {
    const y = 48 + i * rowHeight
    image.text(10, y + 5, row.name.slice(0, 16), INK)
    if (row.now !== null) {
      image.rect(left, y + 3, plot * row.now, rowHeight - 8, row.flagged ? FLAGGED : BAR)
      image.text(left + plot * row.now + 6, y + 5, `${Math.round(row.now * 100)}%`, INK)
    } else image.text(left + 4, y + 5, 'NOT ENOUGH DATA', INK)
    if (row.before !== null) image.rect(left + plot * row.before - 1, y, 3, rowHeight - 2, TICK)
  })
  return image.png()
}

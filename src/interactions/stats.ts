// A labeler's own quality, privately (never a public volume leaderboard): volume, agreement
// with the other labelers on the same items, gold accuracy, and the habits the guide warns about.
import type { CoreContext } from '../core/context'
import { goldAgrees, settledPoint } from '../core/gold'
import { strictMajority, verdictOf, verdictPoint } from '../core/vote-split'
import { ownFrame, verdictLabel } from '../views/response-frame'
import { TIE } from '../core/task-types'
import type { Card } from '../views/card'
import type { JudgmentDto } from '../store/judgment-repository'
import { labelerFor, type Actor } from './actor'

/** Figures behind the stats card (also shown on App Home). */
export interface LabelerStats {
  judgments: number
  today: number
  agreement: { agreed: number; compared: number } | null
  gold: { agreed: number; total: number } | null
  tieRate: number | null
  firstPositionShare: number | null
  /** The latest calibration items where the settled answer differed, in the labeler's own letters. */
  calibrationMisses: { item: string; settled: string; yours: string }[]
}

const RECENT = 500

export async function labelerStats(ctx: CoreContext, labelerId: number): Promise<LabelerStats> {
  const { judgments: store } = ctx.store
  const now = ctx.now()
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const [judgments, today, recent] = await Promise.all([store.countFor(labelerId), store.countFor(labelerId, dayStart), store.recentFor(labelerId, RECENT)])
  // Two more queries, however many items: App Home calls this each time it is opened.
  const itemIds = recent.map((j) => j.itemId)
  const [items, onItems] = await Promise.all([ctx.store.items.findByIds(itemIds), store.forItems(itemIds)])
  const othersOn = new Map<number, JudgmentDto[]>()
  for (const j of onItems) if (j.labelerId !== labelerId) othersOn.set(j.itemId, [...(othersOn.get(j.itemId) ?? []), j])
  let agreed = 0
  let compared = 0
  let goldAgreed = 0
  let goldTotal = 0
  const misses: LabelerStats['calibrationMisses'] = []
  for (const mine of recent) {
    const item = items.get(mine.itemId)
    if (!item) continue
    const settled = item.verdict ?? item.gold
    if (settled) {
      const ok = goldAgrees(settled, mine)
      if (ok !== null) ((goldTotal += 1), (goldAgreed += ok ? 1 : 0))
      const point = settledPoint(settled)
      const own = verdictPoint(mine)
      if (ok === false && point !== null && own !== null && misses.length < 3) {
        const frame = ownFrame(item, mine.displayOrder)
        misses.push({ item: item.externalId ?? String(item.id), settled: verdictLabel(item, point, frame), yours: verdictLabel(item, own, frame) })
      }
      continue
    }
    // Leave-one-out: compare with the majority of the *other* labelers only.
    const others = (othersOn.get(mine.itemId) ?? []).map(verdictOf).filter((v): v is string => v !== null)
    const majority = strictMajority(others)
    const own = verdictOf(mine)
    if (majority !== null && own !== null) ((compared += 1), (agreed += own === majority ? 1 : 0))
  }
  const pairwise = recent.filter((j) => j.kind === 'pairwise' && j.choice !== null)
  const decisive = pairwise.filter((j) => j.choicePosition !== null)
  return {
    judgments,
    today,
    agreement: compared > 0 ? { agreed, compared } : null,
    gold: goldTotal > 0 ? { agreed: goldAgreed, total: goldTotal } : null,
    tieRate: pairwise.length > 0 ? pairwise.filter((j) => j.choice === TIE).length / pairwise.length : null,
    firstPositionShare: decisive.length > 0 ? decisive.filter((j) => j.choicePosition === 0).length / decisive.length : null,
    calibrationMisses: misses,
  }
}

const percent = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`

/** `/label stats`: the labeler's own figures, privately. */
export async function statsCard(ctx: CoreContext, actor: Actor): Promise<Card> {
  const labeler = await labelerFor(ctx, actor)
  const s = await labelerStats(ctx, labeler.id)
  const fields = [
    { label: 'Judgments', value: `${s.judgments} in all, ${s.today} today` },
    { label: 'Agreement with others', value: s.agreement ? `${percent(s.agreement.agreed, s.agreement.compared)} of ${s.agreement.compared} items` : 'not enough overlap yet' },
    { label: 'Calibration items', value: s.gold ? `${percent(s.gold.agreed, s.gold.total)} matched (${s.gold.total})` : 'none yet' },
  ]
  if (s.tieRate !== null) fields.push({ label: 'Tie rate', value: percent(s.tieRate, 1) })
  if (s.firstPositionShare !== null) fields.push({ label: 'Wins given to the first response shown', value: `${percent(s.firstPositionShare, 1)} (about 50% is expected)` })
  return {
    summary: 'Your labeling stats',
    blocks: [
      { type: 'header', text: 'Your labeling, privately' },
      { type: 'fields', fields },
      ...(s.calibrationMisses.length > 0
        ? [{ type: 'section' as const, title: 'Calibration items settled differently (in your letters)', segments: [{ kind: 'text' as const, text: s.calibrationMisses.map((m) => `• ${m.item}: settled ${m.settled}; you said ${m.yours}`).join('\n') }] }]
        : []),
      { type: 'note', text: 'Only you see this. Consistent disagreement may mean you apply the rubric differently: re-read it, and bring hard cases to calibration.' },
    ],
  }
}

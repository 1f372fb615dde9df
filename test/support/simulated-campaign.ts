// A simulated labeling campaign as the JSONL files a team would import (items and judgments).
import type { Simulation } from './simulate'

export function lines(values: object[]): () => AsyncIterable<string> {
  return async function* () {
    for (const value of values) yield JSON.stringify(value)
  }
}

/** The simulation as the two JSONL files a team would bring. */
export function asFiles(sim: Simulation): { items: object[]; judgments: object[] } {
  const items = sim.items.map((item) => {
    const ids = Object.keys(item.responseLengths)
    return {
      id: item.externalId ?? `i${item.id}`,
      type: item.kind,
      prompt: 'p'.repeat(Math.max(1, item.promptLength)),
      responses: ids.map((id) => ({ id, model: item.responseModels[id], text: 'x'.repeat(item.responseLengths[id]!) })),
      ...(item.domain ? { metadata: { domain: item.domain } } : {}),
      ...(item.gold ? { gold: item.gold } : {}),
    }
  })
  const external = new Map(sim.items.map((item) => [item.id, item.externalId ?? `i${item.id}`]))
  const names = new Map(sim.labelers.map((l) => [l.id, l.name]))
  const judgments = [...sim.judgments]
    .sort((a, b) => a.id - b.id)
    .map((j) => ({
      item: external.get(j.itemId),
      labeler: names.get(j.labelerId),
      type: j.kind,
      ...(j.choice !== null ? { winner: j.choice } : {}),
      ...(j.ranking ? { ranking: j.ranking } : {}),
      ...(j.rating !== null ? { rating: j.rating } : {}),
      order: j.displayOrder,
      ...(j.flaws ? { flaws: j.flaws } : {}),
      ...(j.flagged ? { flagged: true } : {}),
      createdAt: new Date(j.createdAt).toISOString(),
      ...(j.durationMs !== null ? { durationMs: j.durationMs } : {}),
    }))
  return { items, judgments }
}


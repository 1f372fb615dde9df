// What the quality engine and the label readers need of an item's texts: how long the prompt and
// each response are, and which model wrote each response. Measured once, when the item is written
// (an item's content never changes), and stored beside it: a report over 200,000 items then reads
// a hundred bytes per item instead of its whole conversation.
import { characters } from './characters'
import type { Message, StoredResponse } from './task-types'

export interface ItemMeasures {
  /** Characters of the whole prompt (every message). */
  prompt: number
  /** Each response in stored order: its id, its model, its characters. */
  responses: { id: string; model: string | null; characters: number }[]
}

export function measureItem(messages: readonly Message[], responses: readonly StoredResponse[]): ItemMeasures {
  let prompt = 0
  for (const message of messages) prompt += characters(message.content)
  return { prompt, responses: responses.map((response) => ({ id: response.id, model: response.model ?? null, characters: characters(response.text) })) }
}

// Discord's documented limits, kept here because discord.js validates only some of them:
// content length, the 6,000-character embed total and component counts are not checked by the
// SDK and come back as 400 "Invalid Form Body" (shared/domain/platform-notes.md).
import { characters } from '../../core/characters'

export const DISCORD = {
  content: 2_000,
  embedsPerMessage: 10,
  embedTotal: 6_000,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1_024,
  rowsPerMessage: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  modalTitle: 45,
  threadName: 100,
  modalComponents: 5,
  labelText: 45,
  labelDescription: 100,
  textInputValue: 4_000,
  textInputPlaceholder: 100,
  checkboxGroupOptions: 10,
  /** Default upload limit of a guild without boosts. */
  uploadBytes: 10 * 1024 * 1024,
  /** An interaction must be answered within 3 s; tokens then live 15 minutes. */
  ackWindowMs: 3_000,
} as const

// Our own budgets, a little under the limits: escaping can only grow text, and a margin keeps a
// miscount (code points vs. UTF-16 units) from ever turning into a 400.
export const BUDGET = {
  /** Characters of one embed description we fill: two such embeds (with titles) fill a message. */
  description: 2_800,
  /** Characters of all embeds of one message we fill. */
  messageEmbeds: 5_800,
  /** A task longer than this many messages is attached as a .md file instead. */
  maxPages: 8,
  /** How long a click or form submit may wait for its outcome before we defer it: a deferred click can no longer open a modal, and its later edit counts against the global rate limit. */
  componentDecisionMs: 1_500,
} as const

/** Length as Discord counts it (code points). */
export const discordLength = (text: string): number => characters(text)

/** Cuts text to `max` code points, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (discordLength(text) <= max) return text
  return [...text].slice(0, Math.max(0, max - 1)).join('') + '…'
}

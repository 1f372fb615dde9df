// Slack's Block Kit limits (docs/platform-notes.md). The SDK validates none of them: a bot
// that overflows one gets `invalid_blocks` (or `msg_blocks_too_long`) from Slack in production.
export const SLACK = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextText: 3_000,
  headerText: 150,
  actionsElements: 25,
  /** block_id, action_id, callback_id */
  id: 255,
  buttonText: 75,
  selectOptions: 100,
  optionText: 75,
  optionValue: 75,
  checkboxOptions: 10,
  placeholder: 150,
  inputLabel: 2_000,
  textInput: 3_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
  /**
   * Real Slack refuses chat.postMessage with msg_blocks_too_long at roughly 12,000–13,300
   * characters of text across all blocks (bolt-js issues 2509, 2867), far below the per-block
   * limits; we treat 12,000 as the cap and keep a margin under it.
   */
  messageTextCap: 12_000,
  /** Fallback `text` of a message: notifications only show the start, so keep it short. */
  fallbackText: 3_000,
} as const

/** Where our own text budget stops, leaving room for Slack's accounting we cannot see. */
export const MESSAGE_TEXT_BUDGET = SLACK.messageTextCap - 500

/** What Slack modals hold, for the neutral multi-step forms (one step is plenty on Slack). */
export const SLACK_MODAL_LIMITS = { maxFields: 20, maxTextInput: SLACK.textInput }

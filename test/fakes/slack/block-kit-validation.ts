// Block Kit validation the way Slack's servers do it. The SDK validates none of these limits
// (platform-notes.md), so without this a bot that overflows a section passes every local test
// and fails in production with `invalid_blocks`. The table is kept here, independent of the
// adapter's own limits, so the fake is an oracle and not a copy of the code under test.
import type { SlackJson } from './types'

/** Slack's documented limits (platform-notes.md), plus the ~12,000-character message cap seen in the wild. */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  markdownBlockText: 12000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  id: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  checkboxOptions: 10,
  radioOptions: 10,
  overflowOptionsMin: 2,
  overflowOptionsMax: 5,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  messageText: 40000,
  // bolt-js issues 2509 / 2867: chat.postMessage fails with msg_blocks_too_long around 12,000–13,300
  // characters of text across all blocks, far below the per-block limits.
  messageBlocksTextTotal: 12000,
} as const

const BLOCK_TYPES = new Set([
  'section', 'divider', 'image', 'actions', 'context', 'input', 'file', 'header', 'video',
  'rich_text', 'markdown', 'table', 'context_actions', 'card', 'plan', 'task_card', 'alert',
])
const ELEMENT_TYPES = new Set([
  'button', 'checkboxes', 'radio_buttons', 'overflow', 'datepicker', 'timepicker', 'datetimepicker',
  'image', 'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input',
  'file_input', 'static_select', 'external_select', 'users_select', 'conversations_select',
  'channels_select', 'multi_static_select', 'multi_external_select', 'multi_users_select',
  'multi_conversations_select', 'multi_channels_select', 'workflow_button', 'icon_button',
  'feedback_buttons',
])
const TEXT_INPUTS = new Set(['plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input'])

type Surface = 'message' | 'modal' | 'home'

/** Result of validating one message or view: Slack-style error lines, and the error code Slack would answer. */
export interface BlockKitProblems {
  error: string | null
  messages: string[]
}

function isObject(value: unknown): value is SlackJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

class Checker {
  readonly messages: string[] = []
  private readonly blockIds = new Set<string>()

  fail(path: string, message: string): void {
    // Same line format Slack returns in response_metadata.messages.
    this.messages.push(`[ERROR] ${message} [json-pointer:${path}]`)
  }

  string(value: unknown, path: string, max: number, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'missing required field')
      return
    }
    if (typeof value !== 'string') return this.fail(path, 'must be a string')
    if (value.length > max) this.fail(path, `must be less than ${max + 1} characters`)
  }

  /** A text object: `{type: 'plain_text' | 'mrkdwn', text}`; some places accept plain_text only. */
  text(value: unknown, path: string, max: number, opts: { required?: boolean; plainOnly?: boolean } = {}): void {
    if (value === undefined || value === null) {
      if (opts.required !== false) this.fail(path, 'missing required field')
      return
    }
    if (!isObject(value)) return this.fail(path, 'must be a text object')
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      return this.fail(`${path}/type`, 'must be a valid enum value')
    }
    if (opts.plainOnly && value.type !== 'plain_text') {
      return this.fail(`${path}/type`, 'must be plain_text')
    }
    if (value.type === 'mrkdwn' && 'emoji' in value) this.fail(`${path}/emoji`, 'emoji is only allowed on plain_text')
    if (value.type === 'plain_text' && 'verbatim' in value) this.fail(`${path}/verbatim`, 'verbatim is only allowed on mrkdwn')
    if (typeof value.text !== 'string') return this.fail(`${path}/text`, 'must be a string')
    if (value.text.length === 0) this.fail(`${path}/text`, 'must be more than 0 characters')
    if (value.text.length > max) this.fail(`${path}/text`, `must be less than ${max + 1} characters`)
  }

  array(value: unknown, path: string, min: number, max: number, required = true): unknown[] {
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'missing required field')
      return []
    }
    if (!Array.isArray(value)) {
      this.fail(path, 'must be an array')
      return []
    }
    if (value.length < min) this.fail(path, `must provide at least ${min} items`)
    if (value.length > max) this.fail(path, `must provide no more than ${max} items`)
    return value
  }

  blocks(blocks: unknown, path: string, surface: Surface): void {
    const max = surface === 'message' ? SLACK_LIMITS.messageBlocks : SLACK_LIMITS.viewBlocks
    const list = this.array(blocks, path, 0, max)
    list.forEach((block, i) => this.block(block, `${path}/${i}`, surface))
  }

  block(block: unknown, path: string, surface: Surface): void {
    if (!isObject(block)) return this.fail(path, 'must be an object')
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      return this.fail(`${path}/type`, `unsupported type: ${String(block.type)}`)
    }
    if (block.block_id !== undefined) {
      this.string(block.block_id, `${path}/block_id`, SLACK_LIMITS.id)
      if (typeof block.block_id === 'string') {
        if (this.blockIds.has(block.block_id)) this.fail(`${path}/block_id`, `duplicate block_id: ${block.block_id}`)
        this.blockIds.add(block.block_id)
      }
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.fail(path, 'must provide either text or fields')
        this.text(block.text, `${path}/text`, SLACK_LIMITS.sectionText, { required: false })
        const fields = this.array(block.fields, `${path}/fields`, 1, SLACK_LIMITS.sectionFields, false)
        fields.forEach((f, i) => this.text(f, `${path}/fields/${i}`, SLACK_LIMITS.sectionFieldText))
        if (block.accessory !== undefined) this.element(block.accessory, `${path}/accessory`, surface)
        break
      }
      case 'header':
        this.text(block.text, `${path}/text`, SLACK_LIMITS.headerText, { plainOnly: true })
        break
      case 'context': {
        const elements = this.array(block.elements, `${path}/elements`, 1, SLACK_LIMITS.contextElements)
        elements.forEach((el, i) => {
          const p = `${path}/elements/${i}`
          if (isObject(el) && el.type === 'image') this.imageElement(el, p)
          else this.text(el, p, SLACK_LIMITS.sectionText)
        })
        break
      }
      case 'actions': {
        const elements = this.array(block.elements, `${path}/elements`, 1, SLACK_LIMITS.actionsElements)
        elements.forEach((el, i) => this.element(el, `${path}/elements/${i}`, surface))
        this.uniqueActionIds(elements, `${path}/elements`)
        break
      }
      case 'input':
        this.text(block.label, `${path}/label`, SLACK_LIMITS.inputLabel, { plainOnly: true })
        this.text(block.hint, `${path}/hint`, SLACK_LIMITS.inputHint, { plainOnly: true, required: false })
        if (block.element === undefined) this.fail(`${path}/element`, 'missing required field')
        else this.element(block.element, `${path}/element`, surface)
        break
      case 'image':
        this.string(block.alt_text, `${path}/alt_text`, SLACK_LIMITS.imageAltText, true)
        if (block.image_url === undefined && block.slack_file === undefined) this.fail(path, 'must provide image_url or slack_file')
        this.string(block.image_url, `${path}/image_url`, SLACK_LIMITS.url)
        this.text(block.title, `${path}/title`, SLACK_LIMITS.imageTitle, { plainOnly: true, required: false })
        break
      case 'markdown':
        this.string(block.text, `${path}/text`, SLACK_LIMITS.markdownBlockText, true)
        break
      case 'rich_text':
        this.array(block.elements, `${path}/elements`, 0, Number.POSITIVE_INFINITY)
        break
      default:
        break
    }
  }

  private uniqueActionIds(elements: unknown[], path: string): void {
    const seen = new Set<string>()
    elements.forEach((el, i) => {
      if (!isObject(el) || typeof el.action_id !== 'string') return
      if (seen.has(el.action_id)) this.fail(`${path}/${i}/action_id`, `duplicate action_id: ${el.action_id}`)
      seen.add(el.action_id)
    })
  }

  private imageElement(el: SlackJson, path: string): void {
    this.string(el.alt_text, `${path}/alt_text`, SLACK_LIMITS.imageAltText, true)
    this.string(el.image_url, `${path}/image_url`, SLACK_LIMITS.url)
  }

  private confirm(value: unknown, path: string): void {
    if (value === undefined) return
    if (!isObject(value)) return this.fail(path, 'must be an object')
    this.text(value.title, `${path}/title`, SLACK_LIMITS.confirmTitle, { plainOnly: true })
    this.text(value.text, `${path}/text`, SLACK_LIMITS.confirmText)
    this.text(value.confirm, `${path}/confirm`, SLACK_LIMITS.confirmButton, { plainOnly: true })
    this.text(value.deny, `${path}/deny`, SLACK_LIMITS.confirmButton, { plainOnly: true })
  }

  private option(value: unknown, path: string, plainOnly: boolean): void {
    if (!isObject(value)) return this.fail(path, 'must be an object')
    this.text(value.text, `${path}/text`, SLACK_LIMITS.optionText, { plainOnly })
    this.string(value.value, `${path}/value`, SLACK_LIMITS.optionValue, true)
    this.text(value.description, `${path}/description`, SLACK_LIMITS.optionDescription, { plainOnly: true, required: false })
    this.string(value.url, `${path}/url`, SLACK_LIMITS.url)
  }

  private options(el: SlackJson, path: string, min: number, max: number, plainOnly: boolean): void {
    if (el.option_groups !== undefined) {
      const groups = this.array(el.option_groups, `${path}/option_groups`, 1, SLACK_LIMITS.selectOptions)
      groups.forEach((g, gi) => {
        const gp = `${path}/option_groups/${gi}`
        if (!isObject(g)) return this.fail(gp, 'must be an object')
        this.text(g.label, `${gp}/label`, SLACK_LIMITS.optionText, { plainOnly: true })
        const opts = this.array(g.options, `${gp}/options`, 1, SLACK_LIMITS.selectOptions)
        opts.forEach((o, oi) => this.option(o, `${gp}/options/${oi}`, true))
      })
      return
    }
    const opts = this.array(el.options, `${path}/options`, min, max)
    opts.forEach((o, i) => this.option(o, `${path}/options/${i}`, plainOnly))
  }

  element(el: unknown, path: string, _surface: Surface): void {
    if (!isObject(el)) return this.fail(path, 'must be an object')
    if (typeof el.type !== 'string' || !ELEMENT_TYPES.has(el.type)) {
      return this.fail(`${path}/type`, `unsupported type: ${String(el.type)}`)
    }
    this.string(el.action_id, `${path}/action_id`, SLACK_LIMITS.id)
    this.confirm(el.confirm, `${path}/confirm`)
    if (el.placeholder !== undefined) {
      this.text(el.placeholder, `${path}/placeholder`, SLACK_LIMITS.placeholder, { plainOnly: true })
    }
    switch (el.type) {
      case 'button':
        this.text(el.text, `${path}/text`, SLACK_LIMITS.buttonText, { plainOnly: true })
        this.string(el.value, `${path}/value`, SLACK_LIMITS.buttonValue)
        this.string(el.url, `${path}/url`, SLACK_LIMITS.url)
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
          this.fail(`${path}/style`, 'must be a valid enum value')
        }
        break
      case 'static_select':
      case 'multi_static_select':
        this.options(el, path, 1, SLACK_LIMITS.selectOptions, true)
        break
      case 'overflow':
        this.options(el, path, SLACK_LIMITS.overflowOptionsMin, SLACK_LIMITS.overflowOptionsMax, true)
        break
      case 'checkboxes':
        this.options(el, path, 1, SLACK_LIMITS.checkboxOptions, false)
        break
      case 'radio_buttons':
        this.options(el, path, 1, SLACK_LIMITS.radioOptions, false)
        break
      case 'image':
        this.imageElement(el, path)
        break
      default:
        if (TEXT_INPUTS.has(el.type)) {
          if (typeof el.max_length === 'number' && el.max_length > SLACK_LIMITS.plainTextInputLength) {
            this.fail(`${path}/max_length`, `must be at most ${SLACK_LIMITS.plainTextInputLength}`)
          }
          if (el.type !== 'rich_text_input' && el.type !== 'number_input') {
            this.string(el.initial_value, `${path}/initial_value`, SLACK_LIMITS.plainTextInputLength)
          }
        }
        break
    }
  }
}

/** Characters of text across all blocks: every string `text` field, at any depth. */
export function blocksTextLength(blocks: unknown): number {
  let total = 0
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v)
      return
    }
    if (!isObject(value)) return
    for (const [key, v] of Object.entries(value)) {
      if (key === 'text' && typeof v === 'string') total += v.length
      else walk(v)
    }
  }
  walk(blocks)
  return total
}

/** Validate the Block Kit part of a message (`chat.postMessage`, `chat.update`, ephemeral, response_url). */
export function validateMessageBlocks(blocks: unknown, path = '/blocks'): BlockKitProblems {
  if (blocks === undefined || blocks === null) return { error: null, messages: [] }
  const checker = new Checker()
  checker.blocks(blocks, path, 'message')
  if (checker.messages.length > 0) return { error: 'invalid_blocks', messages: checker.messages }
  const total = blocksTextLength(blocks)
  if (total > SLACK_LIMITS.messageBlocksTextTotal) {
    return {
      error: 'msg_blocks_too_long',
      messages: [`[ERROR] ${total} characters of text across blocks; Slack refuses more than about ${SLACK_LIMITS.messageBlocksTextTotal} [json-pointer:${path}]`],
    }
  }
  return { error: null, messages: [] }
}

/**
 * Validate a view for views.open / push / update / publish. Slack answers these with
 * `invalid_arguments` (not `invalid_blocks`) and json-pointers under `/view`.
 */
export function validateView(view: unknown, expected?: 'modal' | 'home'): BlockKitProblems {
  const checker = new Checker()
  const path = '/view'
  if (!isObject(view)) {
    checker.fail(path, 'must be an object')
    return { error: 'invalid_arguments', messages: checker.messages }
  }
  const type = view.type
  if (type !== 'modal' && type !== 'home') checker.fail(`${path}/type`, 'must be a valid enum value')
  else if (expected !== undefined && type !== expected) checker.fail(`${path}/type`, `must be ${expected}`)
  const surface: Surface = type === 'home' ? 'home' : 'modal'
  if (type === 'modal') {
    checker.text(view.title, `${path}/title`, SLACK_LIMITS.viewTitle, { plainOnly: true })
    checker.text(view.submit, `${path}/submit`, SLACK_LIMITS.viewButton, { plainOnly: true, required: false })
    checker.text(view.close, `${path}/close`, SLACK_LIMITS.viewButton, { plainOnly: true, required: false })
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: unknown) => isObject(b) && b.type === 'input')
    if (hasInput && view.submit === undefined) {
      checker.fail(`${path}/submit`, 'submit is required when an input block is within the blocks array')
    }
  }
  checker.string(view.callback_id, `${path}/callback_id`, SLACK_LIMITS.id)
  checker.string(view.external_id, `${path}/external_id`, SLACK_LIMITS.id)
  checker.string(view.private_metadata, `${path}/private_metadata`, SLACK_LIMITS.privateMetadata)
  checker.blocks(view.blocks, `${path}/blocks`, surface)
  return checker.messages.length > 0
    ? { error: 'invalid_arguments', messages: checker.messages }
    : { error: null, messages: [] }
}

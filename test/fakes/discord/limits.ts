// Discord's documented payload limits, enforced by the fake the way Discord enforces them:
// HTTP 400 with `{code: 50035, message: 'Invalid Form Body', errors: {...}}`. The SDK's builders
// check some per-field limits, but not content length, the 6,000-character embed total or
// component counts (see shared/domain/platform-notes.md), so the fake is where a bot that forgets
// them fails in tests rather than in production.
import { asArray, asNumber, asObject, asString, type Json } from './json'

/** The limits, in Discord's units (characters, items). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTotalCharacters: 6000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  actionRowsPerMessage: 5,
  componentsPerRow: 5,
  /** Components V2 messages (flag 1 << 15) count every nested component instead of rows. */
  componentsV2Total: 40,
  textDisplayTotalCharacters: 4000,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectOptionLabel: 100,
  selectOptionValue: 100,
  selectOptionDescription: 100,
  selectPlaceholder: 150,
  modalTitle: 45,
  modalRows: 5,
  labelText: 45,
  labelDescription: 100,
  textInputLabel: 45,
  textInputValue: 4000,
  textInputMaxLength: 4000,
  textInputPlaceholder: 100,
  /** Options of a radio or checkbox group (modal labels only). */
  choiceGroupOptions: 10,
  attachmentsPerMessage: 10,
  allowedMentionIds: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandChoices: 25,
  commandsPerScope: 100,
} as const

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const

/** One entry of Discord's `_errors` arrays. */
export interface FormError {
  code: string
  message: string
}

/** Discord's nested error tree: keys are field names or array indexes, leaves hold `_errors`. */
export type FormErrors = { _errors?: FormError[] } & { [key: string]: FormErrors | FormError[] | undefined }

/** Collects errors at paths, producing Discord's nested error shape. */
export class FormErrorCollector {
  readonly root: FormErrors = {}
  private count = 0

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node: FormErrors = this.root
    for (const key of path) {
      const k = String(key)
      const next = node[k]
      if (next === undefined || Array.isArray(next)) {
        const created: FormErrors = {}
        node[k] = created
        node = created
      } else {
        node = next
      }
    }
    ;(node._errors ??= []).push({ code, message })
    this.count += 1
  }

  get empty(): boolean {
    return this.count === 0
  }
}

function maxLength(errors: FormErrorCollector, path: (string | number)[], value: unknown, max: number): void {
  if (typeof value === 'string' && [...value].length > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`)
  }
}

function required(errors: FormErrorCollector, path: (string | number)[], value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required')
    return false
  }
  return true
}

function arrayLength(
  errors: FormErrorCollector,
  path: (string | number)[],
  value: unknown[],
  min: number,
  max: number,
): void {
  if (value.length < min || value.length > max) {
    errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`)
  }
}

function chars(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8])

/** Checks one embed; returns its character count toward the 6,000 total. */
function validateEmbed(errors: FormErrorCollector, path: (string | number)[], embed: Json): number {
  const L = DISCORD_LIMITS
  maxLength(errors, [...path, 'title'], embed.title, L.embedTitle)
  maxLength(errors, [...path, 'description'], embed.description, L.embedDescription)
  const footer = asObject(embed.footer)
  const author = asObject(embed.author)
  if (footer) maxLength(errors, [...path, 'footer', 'text'], footer.text, L.embedFooterText)
  if (author) maxLength(errors, [...path, 'author', 'name'], author.name, L.embedAuthorName)
  let total = chars(embed.title) + chars(embed.description) + chars(footer?.text) + chars(author?.name)
  const fields = asArray(embed.fields)
  if (fields) {
    if (fields.length > L.embedFields) {
      errors.add([...path, 'fields'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.embedFields} or fewer in length.`)
    }
    fields.forEach((raw, i) => {
      const field = asObject(raw) ?? {}
      if (required(errors, [...path, 'fields', i, 'name'], field.name)) {
        maxLength(errors, [...path, 'fields', i, 'name'], field.name, L.embedFieldName)
      }
      if (required(errors, [...path, 'fields', i, 'value'], field.value)) {
        maxLength(errors, [...path, 'fields', i, 'value'], field.value, L.embedFieldValue)
      }
      total += chars(field.name) + chars(field.value)
    })
  }
  return total
}

interface ComponentContext {
  errors: FormErrorCollector
  customIds: Set<string>
  /** Where the component sits: message components refuse text inputs; modals refuse buttons. */
  surface: 'message' | 'modal'
  /** Components V2 counts every component, and text display characters. */
  total: number
  textDisplayChars: number
}

function checkCustomId(ctx: ComponentContext, path: (string | number)[], component: Json): void {
  const customId = component.custom_id
  if (!required(ctx.errors, [...path, 'custom_id'], customId)) return
  maxLength(ctx.errors, [...path, 'custom_id'], customId, DISCORD_LIMITS.customId)
  if (typeof customId === 'string') {
    if (ctx.customIds.has(customId)) {
      ctx.errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated')
    }
    ctx.customIds.add(customId)
  }
}

function validateButton(ctx: ComponentContext, path: (string | number)[], button: Json): void {
  const { errors } = ctx
  if (ctx.surface === 'modal') {
    errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (4,).')
    return
  }
  const style = asNumber(button.style)
  if (style === undefined || style < 1 || style > 6) {
    errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.')
  }
  maxLength(errors, [...path, 'label'], button.label, DISCORD_LIMITS.buttonLabel)
  if (style === 5) {
    required(errors, [...path, 'url'], button.url)
    if (button.custom_id !== undefined) {
      errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom id')
    }
  } else if (style === 6) {
    required(errors, [...path, 'sku_id'], button.sku_id)
  } else {
    checkCustomId(ctx, path, button)
    if (button.url !== undefined) {
      errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'A non-link button cannot have a url')
    }
  }
  if (style !== 6 && !button.label && !button.emoji) {
    errors.add(path, 'BUTTON_COMPONENT_INVALID', 'A button must have a label or an emoji')
  }
}

function validateSelect(ctx: ComponentContext, path: (string | number)[], select: Json): void {
  const { errors } = ctx
  const L = DISCORD_LIMITS
  checkCustomId(ctx, path, select)
  maxLength(errors, [...path, 'placeholder'], select.placeholder, L.selectPlaceholder)
  const min = asNumber(select.min_values)
  const max = asNumber(select.max_values)
  if (min !== undefined && (min < 0 || min > L.selectOptions)) {
    errors.add([...path, 'min_values'], 'NUMBER_TYPE_MAX', `int value should be between 0 and ${L.selectOptions}.`)
  }
  if (max !== undefined && (max < 1 || max > L.selectOptions)) {
    errors.add([...path, 'max_values'], 'NUMBER_TYPE_MAX', `int value should be between 1 and ${L.selectOptions}.`)
  }
  if (select.type !== 3) return
  const options = asArray(select.options)
  if (!options) {
    errors.add([...path, 'options'], 'BASE_TYPE_REQUIRED', 'This field is required')
    return
  }
  arrayLength(errors, [...path, 'options'], options, 1, L.selectOptions)
  if (max !== undefined && max > options.length) {
    errors.add([...path, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_EXCEEDED', 'max_values exceeds the number of options')
  }
  const values = new Set<string>()
  options.forEach((raw, i) => {
    const option = asObject(raw) ?? {}
    const at = [...path, 'options', i]
    if (required(errors, [...at, 'label'], option.label)) maxLength(errors, [...at, 'label'], option.label, L.selectOptionLabel)
    if (required(errors, [...at, 'value'], option.value)) maxLength(errors, [...at, 'value'], option.value, L.selectOptionValue)
    maxLength(errors, [...at, 'description'], option.description, L.selectOptionDescription)
    if (typeof option.value === 'string') {
      if (values.has(option.value)) {
        errors.add([...at, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select option values must be unique')
      }
      values.add(option.value)
    }
  })
}

/** Radio group (21), checkbox group (22) and checkbox (23), which live only in modal labels. */
function validateChoiceGroup(ctx: ComponentContext, path: (string | number)[], group: Json): void {
  const { errors } = ctx
  const L = DISCORD_LIMITS
  checkCustomId(ctx, path, group)
  if (group.type === 23) return
  const options = asArray(group.options)
  if (!options) {
    errors.add([...path, 'options'], 'BASE_TYPE_REQUIRED', 'This field is required')
    return
  }
  arrayLength(errors, [...path, 'options'], options, group.type === 21 ? 2 : 1, L.choiceGroupOptions)
  const min = asNumber(group.min_values)
  const max = asNumber(group.max_values)
  if (min !== undefined && (min < 0 || min > L.choiceGroupOptions)) {
    errors.add([...path, 'min_values'], 'NUMBER_TYPE_MAX', `int value should be between 0 and ${L.choiceGroupOptions}.`)
  }
  if (max !== undefined && (max < 1 || max > options.length)) {
    errors.add([...path, 'max_values'], 'NUMBER_TYPE_MAX', `int value should be between 1 and ${options.length}.`)
  }
  const values = new Set<string>()
  options.forEach((raw, i) => {
    const option = asObject(raw) ?? {}
    const at = [...path, 'options', i]
    if (required(errors, [...at, 'label'], option.label)) maxLength(errors, [...at, 'label'], option.label, L.selectOptionLabel)
    if (required(errors, [...at, 'value'], option.value)) maxLength(errors, [...at, 'value'], option.value, L.selectOptionValue)
    maxLength(errors, [...at, 'description'], option.description, L.selectOptionDescription)
    if (typeof option.value === 'string') {
      if (values.has(option.value)) errors.add([...at, 'value'], 'COMPONENT_OPTION_VALUE_DUPLICATED', 'Option values must be unique')
      values.add(option.value)
    }
  })
}

function validateTextInput(ctx: ComponentContext, path: (string | number)[], input: Json, inLabel: boolean): void {
  const { errors } = ctx
  const L = DISCORD_LIMITS
  if (ctx.surface === 'message') {
    errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', 'Text inputs are only allowed in modals')
    return
  }
  checkCustomId(ctx, path, input)
  const style = asNumber(input.style)
  if (style !== 1 && style !== 2) errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.')
  // Inside a label component (type 18) the label belongs to the wrapper, not the input.
  if (!inLabel && required(errors, [...path, 'label'], input.label)) {
    maxLength(errors, [...path, 'label'], input.label, L.textInputLabel)
  }
  maxLength(errors, [...path, 'value'], input.value, L.textInputValue)
  maxLength(errors, [...path, 'placeholder'], input.placeholder, L.textInputPlaceholder)
  const min = asNumber(input.min_length)
  const max = asNumber(input.max_length)
  if (min !== undefined && (min < 0 || min > L.textInputMaxLength)) {
    errors.add([...path, 'min_length'], 'NUMBER_TYPE_MAX', `int value should be between 0 and ${L.textInputMaxLength}.`)
  }
  if (max !== undefined && (max < 1 || max > L.textInputMaxLength)) {
    errors.add([...path, 'max_length'], 'NUMBER_TYPE_MAX', `int value should be between 1 and ${L.textInputMaxLength}.`)
  }
}

function validateActionRow(ctx: ComponentContext, path: (string | number)[], row: Json): void {
  const { errors } = ctx
  const children = asArray(row.components)
  if (!children) {
    errors.add([...path, 'components'], 'BASE_TYPE_REQUIRED', 'This field is required')
    return
  }
  if (ctx.surface === 'modal') {
    // A modal row holds exactly one text input.
    arrayLength(errors, [...path, 'components'], children, 1, 1)
  } else {
    arrayLength(errors, [...path, 'components'], children, 1, DISCORD_LIMITS.componentsPerRow)
    // A select menu is five units wide: it fills its row alone.
    if (children.length > 1 && children.some((c) => SELECT_TYPES.has(asNumber(asObject(c)?.type) ?? 0))) {
      errors.add([...path, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width')
    }
  }
  children.forEach((child, i) => validateComponent(ctx, [...path, 'components', i], child, false))
}

function validateComponent(ctx: ComponentContext, path: (string | number)[], raw: unknown, topLevel: boolean): void {
  const { errors } = ctx
  ctx.total += 1
  const component = asObject(raw)
  if (!component) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType')
    return
  }
  const type = asNumber(component.type)
  switch (type) {
    case 1:
      // Action rows sit at the top or inside a V2 container (whose children count as top level).
      if (!topLevel) errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', 'Action rows cannot be nested in a row')
      validateActionRow(ctx, path, component)
      return
    case 2:
      if (topLevel) errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', 'Buttons must be inside an action row')
      validateButton(ctx, path, component)
      return
    case 3:
    case 5:
    case 6:
    case 7:
    case 8:
      if (topLevel) errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', 'Selects must be inside an action row or label')
      validateSelect(ctx, path, component)
      return
    case 4:
      validateTextInput(ctx, path, component, false)
      return
    case 10: // text display
      ctx.textDisplayChars += chars(component.content)
      required(errors, [...path, 'content'], component.content)
      return
    case 9: // section
    case 17: {
      // container
      for (const [i, child] of (asArray(component.components) ?? []).entries()) {
        validateComponent(ctx, [...path, 'components', i], child, true)
      }
      if (component.accessory !== undefined) {
        const accessory = asObject(component.accessory)
        ctx.total += 1
        if (accessory?.type === 2) validateButton(ctx, [...path, 'accessory'], accessory)
      }
      return
    }
    case 18: {
      // label (modals)
      if (required(errors, [...path, 'label'], component.label)) {
        maxLength(errors, [...path, 'label'], component.label, DISCORD_LIMITS.labelText)
      }
      maxLength(errors, [...path, 'description'], component.description, DISCORD_LIMITS.labelDescription)
      const inner = asObject(component.component)
      if (!inner) {
        errors.add([...path, 'component'], 'BASE_TYPE_REQUIRED', 'This field is required')
        return
      }
      ctx.total += 1
      if (inner.type === 4) validateTextInput(ctx, [...path, 'component'], inner, true)
      else if (SELECT_TYPES.has(asNumber(inner.type) ?? 0)) validateSelect(ctx, [...path, 'component'], inner)
      else if (inner.type === 19) checkCustomId(ctx, [...path, 'component'], inner)
      else if (inner.type === 21 || inner.type === 22 || inner.type === 23) validateChoiceGroup(ctx, [...path, 'component'], inner)
      else errors.add([...path, 'component', 'type'], 'COMPONENT_TYPE_INVALID', 'Invalid component type in a label')
      return
    }
    case 11: // thumbnail
    case 12: // media gallery
    case 13: // file
    case 14: // separator
      return
    default:
      errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', `Invalid component type ${String(component.type)}`)
  }
}

function validateAllowedMentions(errors: FormErrorCollector, path: (string | number)[], raw: unknown): void {
  if (raw === undefined || raw === null) return
  const am = asObject(raw)
  if (!am) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType')
    return
  }
  const parse = asArray(am.parse) ?? []
  for (const [i, p] of parse.entries()) {
    if (p !== 'users' && p !== 'roles' && p !== 'everyone') {
      errors.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', 'Value must be one of {"users", "roles", "everyone"}.')
    }
  }
  for (const kind of ['users', 'roles'] as const) {
    const ids = asArray(am[kind])
    if (!ids) continue
    if (ids.length > DISCORD_LIMITS.allowedMentionIds) {
      errors.add([...path, kind], 'BASE_TYPE_MAX_LENGTH', `Must be ${DISCORD_LIMITS.allowedMentionIds} or fewer in length.`)
    }
    if (ids.length > 0 && parse.includes(kind)) {
      errors.add(
        path,
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      )
    }
  }
}

/** What kind of write a payload is: creation must not be empty, an edit may change one field. */
export type MessageWrite = 'create' | 'edit'

/**
 * Validates a message-creating or -editing payload. `prefix` is ['data'] for interaction callbacks,
 * where Discord nests the message under `data` and reports errors there.
 */
export function validateMessagePayload(
  body: Json,
  options: { prefix?: (string | number)[]; fileCount?: number } = {},
): FormErrors | null {
  const errors = new FormErrorCollector()
  const prefix = options.prefix ?? []
  const L = DISCORD_LIMITS
  const flags = asNumber(body.flags) ?? 0
  const v2 = (flags & MessageFlag.IsComponentsV2) !== 0

  if (body.content !== undefined && body.content !== null && typeof body.content !== 'string') {
    errors.add([...prefix, 'content'], 'BASE_TYPE_STRING', 'Must be a string.')
  }
  maxLength(errors, [...prefix, 'content'], body.content, L.content)

  const embeds = asArray(body.embeds)
  if (embeds) {
    if (embeds.length > L.embedsPerMessage) {
      errors.add([...prefix, 'embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.embedsPerMessage} or fewer in length.`)
    }
    let total = 0
    embeds.forEach((embed, i) => {
      total += validateEmbed(errors, [...prefix, 'embeds', i], asObject(embed) ?? {})
    })
    if (total > L.embedTotalCharacters) {
      errors.add([...prefix, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${L.embedTotalCharacters}`)
    }
  }

  if (v2 && ((typeof body.content === 'string' && body.content !== '') || (embeds && embeds.length > 0))) {
    errors.add(
      [...prefix, 'content'],
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2',
    )
  }

  const components = asArray(body.components)
  if (components) {
    const ctx: ComponentContext = { errors, customIds: new Set(), surface: 'message', total: 0, textDisplayChars: 0 }
    if (!v2) {
      if (components.length > L.actionRowsPerMessage) {
        errors.add(
          [...prefix, 'components'],
          'BASE_TYPE_MAX_LENGTH',
          `Must be ${L.actionRowsPerMessage} or fewer in length.`,
        )
      }
      components.forEach((row, i) => {
        const at = [...prefix, 'components', i]
        if (asObject(row)?.type !== 1) {
          errors.add([...at, 'type'], 'COMPONENT_TYPE_INVALID', 'Top-level components must be action rows')
          return
        }
        ctx.total += 1
        validateActionRow(ctx, at, asObject(row) ?? {})
      })
    } else {
      components.forEach((c, i) => validateComponent(ctx, [...prefix, 'components', i], c, true))
      if (ctx.total > L.componentsV2Total) {
        errors.add([...prefix, 'components'], 'MAX_COMPONENTS', `Must be ${L.componentsV2Total} or fewer in total.`)
      }
      if (ctx.textDisplayChars > L.textDisplayTotalCharacters) {
        errors.add(
          [...prefix, 'components'],
          'MAX_TEXT_DISPLAY_LENGTH',
          `Text displays must be ${L.textDisplayTotalCharacters} or fewer characters in total.`,
        )
      }
    }
  }

  const attachments = asArray(body.attachments)
  if ((attachments?.length ?? 0) > L.attachmentsPerMessage || (options.fileCount ?? 0) > L.attachmentsPerMessage) {
    errors.add([...prefix, 'attachments'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.attachmentsPerMessage} or fewer in length.`)
  }

  validateAllowedMentions(errors, [...prefix, 'allowed_mentions'], body.allowed_mentions)
  return errors.empty ? null : errors.root
}

/** Validates the `data` of an interaction callback of type 9 (MODAL). */
export function validateModal(data: Json, prefix: (string | number)[] = ['data']): FormErrors | null {
  const errors = new FormErrorCollector()
  const L = DISCORD_LIMITS
  if (required(errors, [...prefix, 'custom_id'], data.custom_id)) {
    maxLength(errors, [...prefix, 'custom_id'], data.custom_id, L.customId)
  }
  if (required(errors, [...prefix, 'title'], data.title)) {
    maxLength(errors, [...prefix, 'title'], data.title, L.modalTitle)
  }
  const rows = asArray(data.components)
  if (!rows) {
    errors.add([...prefix, 'components'], 'BASE_TYPE_REQUIRED', 'This field is required')
  } else {
    arrayLength(errors, [...prefix, 'components'], rows, 1, L.modalRows)
    const ctx: ComponentContext = { errors, customIds: new Set(), surface: 'modal', total: 0, textDisplayChars: 0 }
    rows.forEach((row, i) => {
      const at = [...prefix, 'components', i]
      const type = asObject(row)?.type
      if (type !== 1 && type !== 18 && type !== 10) {
        errors.add([...at, 'type'], 'COMPONENT_TYPE_INVALID', 'Modal components must be action rows, labels or text displays')
        return
      }
      validateComponent(ctx, at, row, true)
    })
  }
  return errors.empty ? null : errors.root
}

/** Validates one application command of a bulk overwrite (PUT .../commands). */
export function validateCommands(commands: unknown[]): FormErrors | null {
  const errors = new FormErrorCollector()
  const L = DISCORD_LIMITS
  if (commands.length > L.commandsPerScope) {
    errors.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.commandsPerScope} or fewer in length.`)
  }
  const seen = new Set<string>()
  commands.forEach((raw, i) => {
    const command = asObject(raw) ?? {}
    const type = asNumber(command.type) ?? 1
    const name = asString(command.name)
    if (required(errors, [i, 'name'], name)) {
      maxLength(errors, [i, 'name'], name, L.commandName)
      // Chat input names are lowercase and space-free; context menu names may be any case.
      if (type === 1 && name !== undefined && !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(name)) {
        errors.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid')
      }
    }
    const key = `${type}:${name ?? ''}`
    if (seen.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique')
    seen.add(key)
    if (type === 1) {
      if (required(errors, [i, 'description'], command.description)) {
        maxLength(errors, [i, 'description'], command.description, L.commandDescription)
      }
    }
    validateCommandOptions(errors, [i, 'options'], asArray(command.options) ?? [])
  })
  return errors.empty ? null : errors.root
}

function validateCommandOptions(errors: FormErrorCollector, path: (string | number)[], options: unknown[]): void {
  const L = DISCORD_LIMITS
  if (options.length > L.commandOptions) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${L.commandOptions} or fewer in length.`)
  }
  let sawOptional = false
  options.forEach((raw, i) => {
    const option = asObject(raw) ?? {}
    const at = [...path, i]
    if (required(errors, [...at, 'name'], option.name)) maxLength(errors, [...at, 'name'], option.name, L.commandName)
    if (required(errors, [...at, 'description'], option.description)) {
      maxLength(errors, [...at, 'description'], option.description, L.commandDescription)
    }
    const choices = asArray(option.choices)
    if (choices && choices.length > L.commandChoices) {
      errors.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.commandChoices} or fewer in length.`)
    }
    // Discord requires required options to come before optional ones.
    if (option.required === true && sawOptional) {
      errors.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options')
    }
    if (option.required !== true && option.type !== 1 && option.type !== 2) sawOptional = true
    const nested = asArray(option.options)
    if (nested) validateCommandOptions(errors, [...at, 'options'], nested)
  })
}


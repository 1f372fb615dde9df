// Neutral Modal ↔ Discord modal. Fields render natively through Label components (type 18):
// text → text input, select → string select, checkboxes → checkbox group (a multi-select when
// there are more than ten options). A modal holds five components; the intro is a text display
// when a slot is free, else the first field's description.
import { ComponentType, TextInputStyle, type ModalSubmitInteraction } from 'discord.js'
import { encodeRef } from '../../views/action-codec'
import type { Field, FormValues, Modal } from '../../views/card'
import { DISCORD, truncate } from './discord-limits'
import { escapeText } from './escape'

/** What the LabelingInteractions of Discord may put in one modal. */
export const DISCORD_MODAL_LIMITS = { maxFields: DISCORD.modalComponents, maxTextInput: DISCORD.textInputValue }

type Json = Record<string, unknown>

function fieldComponent(field: Field): Json {
  switch (field.kind) {
    case 'text': {
      const max = Math.min(field.maxLength ?? DISCORD.textInputValue, DISCORD.textInputValue)
      const initial = (field.initial ?? '').slice(0, max)
      return {
        type: ComponentType.TextInput,
        custom_id: field.id,
        style: field.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: field.required,
        max_length: max,
        ...(initial !== '' ? { value: initial } : {}),
        ...(field.placeholder ? { placeholder: truncate(field.placeholder, DISCORD.textInputPlaceholder) } : {}),
      }
    }
    case 'select': {
      const options = field.options.slice(0, DISCORD.selectOptions)
      return {
        type: ComponentType.StringSelect,
        custom_id: field.id,
        required: field.required,
        min_values: field.required ? 1 : 0,
        max_values: 1,
        options: options.map((o) => ({ label: truncate(o.label, DISCORD.selectOptionText), value: o.value, default: o.value === field.initial })),
      }
    }
    case 'checkboxes': {
      const initial = new Set(field.initial ?? [])
      // Completeness (e.g. every self-review point) is checked by the neutral layer, which can say
      // what is missing; Discord would only refuse to submit.
      if (field.options.length <= DISCORD.checkboxGroupOptions) {
        return {
          type: ComponentType.CheckboxGroup,
          custom_id: field.id,
          required: false,
          min_values: 0,
          max_values: field.options.length,
          options: field.options.map((o) => ({ label: truncate(o.label, DISCORD.selectOptionText), value: o.value, default: initial.has(o.value) })),
        }
      }
      const options = field.options.slice(0, DISCORD.selectOptions)
      return {
        type: ComponentType.StringSelect,
        custom_id: field.id,
        required: false,
        min_values: 0,
        max_values: options.length,
        options: options.map((o) => ({ label: truncate(o.label, DISCORD.selectOptionText), value: o.value, default: initial.has(o.value) })),
      }
    }
  }
}

/** The modal as the data of an interaction callback of type 9. */
export function renderModal(modal: Modal): { custom_id: string; title: string; components: Json[] } {
  const fields = modal.fields.slice(0, DISCORD.modalComponents)
  const introAsText = modal.intro !== undefined && fields.length < DISCORD.modalComponents
  const components: Json[] = []
  if (introAsText) components.push({ type: ComponentType.TextDisplay, content: truncate(escapeText(modal.intro!), DISCORD.textInputValue) })
  fields.forEach((field, i) => {
    const description = i === 0 && modal.intro !== undefined && !introAsText ? modal.intro : undefined
    components.push({
      type: ComponentType.Label,
      label: truncate(field.label, DISCORD.labelText),
      ...(description ? { description: truncate(description, DISCORD.labelDescription) } : {}),
      component: fieldComponent(field),
    })
  })
  return { custom_id: encodeRef(modal.ref, DISCORD.customId), title: truncate(modal.title, DISCORD.modalTitle), components }
}

/** The submitted values by field id: text inputs as strings, selects and checkboxes as lists. */
export function modalValues(interaction: ModalSubmitInteraction): FormValues {
  const values: FormValues = {}
  const take = (component: unknown) => {
    const c = component as { customId?: string; value?: string; values?: readonly string[] }
    if (!c.customId) return
    if (typeof c.value === 'string') values[c.customId] = c.value
    else if (Array.isArray(c.values)) values[c.customId] = [...c.values]
  }
  for (const top of interaction.components as unknown[]) {
    const t = top as { component?: unknown; components?: unknown[] }
    if (t.component) take(t.component)
    for (const inner of t.components ?? []) take(inner)
  }
  return values
}

// The neutral message and modal model. Adapters render it to Block Kit or Discord components
// and know the platform limits; nothing here does.
//
// Every string is plain text. Adapters escape all of it (model and user text can never
// mention anyone or form links) and add their own formatting: a title is rendered bold, a
// code segment as a code block.
import type { Action, ModalRef } from './action-codec'

/** A piece of untrusted text: prose, or code that must stay a code block. */
export type Segment = { kind: 'text'; text: string } | { kind: 'code'; text: string; language: string | null }

export type Block =
  | { type: 'header'; text: string }
  /** A titled body of text — a turn of the conversation, a response. */
  | { type: 'section'; title?: string; segments: Segment[] }
  /** Small print under or between sections. */
  | { type: 'note'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'divider' }
  | { type: 'actions'; controls: Control[] }
  /**
   * A deliberate ping of these platform users (e.g. asking the labelers of a disputed item into
   * its calibration thread), followed by plain text. The only block that may mention anyone:
   * adapters render exactly these user ids as mentions and allow nothing else to ping.
   */
  | { type: 'mentions'; userIds: string[]; text: string }

export interface Option {
  label: string
  value: string
}

export type Control =
  | { type: 'button'; action: Action; label: string; style?: 'primary' | 'danger' }
  /** A select; the chosen values come back with the action. */
  | { type: 'select'; action: Action; placeholder: string; options: Option[]; multi?: boolean; initial?: string[] }

/** A message: blocks plus a one-line summary (notification and fallback text). */
export interface Card {
  summary: string
  blocks: Block[]
}

export type Field =
  | { kind: 'text'; id: string; label: string; multiline?: boolean; required: boolean; initial?: string; maxLength?: number; placeholder?: string }
  | { kind: 'select'; id: string; label: string; options: Option[]; required: boolean; initial?: string }
  | { kind: 'checkboxes'; id: string; label: string; options: Option[]; required: boolean; initial?: string[] }

/** A form in a modal. `ref` comes back on submit. */
export interface Modal {
  ref: ModalRef
  title: string
  submitLabel: string
  /** Read-only context shown above the fields (e.g. what the verdict was). */
  intro?: string
  fields: Field[]
}

/** Values a modal submitted: text fields as strings, selects and checkboxes as string lists. */
export type FormValues = Record<string, string | string[] | undefined>

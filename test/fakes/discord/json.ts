// Small readers for untyped JSON payloads: the fake receives whatever the bot sends and must
// inspect it without trusting its shape.

/** A JSON object as received over the wire. */
export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asObject(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** Deep copy, so records handed to tests cannot be changed by later edits (and vice versa). */
export function clone<T>(value: T): T {
  return structuredClone(value)
}

// Structured columns are JSON text (identical on SQLite and PostgreSQL); these keep the
// parse/serialize in one place.

/** JSON text of a value (null stays null). */
export function toJson(value: unknown): string
export function toJson(value: unknown | null | undefined): string | null
export function toJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}

/** Parsed JSON text, or the fallback when the column is empty. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  return text === null || text === undefined || text === '' ? fallback : (JSON.parse(text) as T)
}

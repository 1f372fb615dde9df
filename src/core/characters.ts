// How long a text is as a person (and both databases, and Discord's limits) count it: in characters
// (code points), where JavaScript's `length` counts UTF-16 units. The two differ only beyond the
// Basic Multilingual Plane (emoji), by one each.
const SURROGATE = /[\uD800-\uDFFF]/

/** Characters (code points) of a text; exact, and without walking a text that has no surrogate. */
export function characters(text: string | null | undefined): number {
  if (!text) return 0
  return SURROGATE.test(text) ? [...text].length : text.length
}

// A small time-limited cache for rows that change rarely and are read on every interaction
// (a project's settings, a labeler behind a platform id, an item's content). Each process keeps
// its own; entries expire after a few seconds, so a change made by another instance is seen
// shortly, and a change made through this process's repositories is seen at once.

export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (Date.now() - entry.at > this.ttlMs) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: K, value: V): V {
    const now = Date.now()
    // A Map iterates in insertion order, and set() re-inserts: the oldest entries are first.
    // Expired ones go as new ones come, so the cache holds what the last ttlMs brought, not
    // maxEntries of rows nobody will ask for again (a busy bot's items would otherwise fill it,
    // and keep them alive for hours).
    for (const [oldest, entry] of this.entries) {
      if (now - entry.at <= this.ttlMs && this.entries.size < this.maxEntries) break
      this.entries.delete(oldest)
    }
    this.entries.delete(key)
    this.entries.set(key, { value, at: now })
    return value
  }

  /** How many entries it holds (expired ones are dropped as new ones come). */
  get size(): number {
    return this.entries.size
  }

  delete(key: K): void {
    this.entries.delete(key)
  }

  /** Drops every entry whose value matches (e.g. all identities of one labeler). */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value)) this.entries.delete(key)
  }
}

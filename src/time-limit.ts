// One way to give work a time limit without cancelling it: the caller learns it ran late and
// decides (defer a Discord reply, answer Slack within its 3 s, or stop waiting at shutdown).

export const LATE = Symbol('late')

/** The promise's value if it settles within `ms` (0 or less: at once), else LATE. The work itself goes on. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof LATE> {
  if (ms <= 0) return LATE
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), ms)))
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

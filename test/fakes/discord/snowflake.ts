// Snowflakes shaped like Discord's (milliseconds since the Discord epoch << 22 | counter), so
// discord.js derives sensible `createdAt` values and ids sort by creation time as they do for real.
const DISCORD_EPOCH = 1_420_070_400_000n

let counter = 0n
let lastMs = 0n

/** A new, strictly increasing snowflake for the current time. */
export function snowflake(now: number = Date.now()): string {
  let ms = BigInt(now) - DISCORD_EPOCH
  // Keep ids increasing even if the clock steps back or many ids share a millisecond.
  if (ms < lastMs) ms = lastMs
  if (ms === lastMs) counter += 1n
  else counter = 0n
  if (counter > 4095n) {
    ms += 1n
    counter = 0n
  }
  lastMs = ms
  return ((ms << 22n) | counter).toString()
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH)
}

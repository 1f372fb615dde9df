// Every environment variable Arbiter reads, parsed once in main.ts / the CLI and passed down.
// Nothing below the composition roots reads process.env (README: "Configuration").
import { z } from 'zod'

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  )

export const configSchema = z.object({
  /** file:PATH (SQLite, default ./data/arbiter.db) or postgresql://… */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => (value && value.trim() !== '' ? value.trim() : 'file:./data/arbiter.db'))
    .refine((value) => /^(file:|postgres(ql)?:\/\/)/.test(value), {
      message: 'DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)',
    }),
  /** Platform user ids that are admins from the start, e.g. "U0123ABC,987654321098765432". */
  ARBITER_ADMINS: list,
  /** Minutes a labeler may hold a task before it returns to the pool (a project may override). */
  ASSIGNMENT_TTL_MINUTES: z.coerce.number().int().positive().default(30),
  /** Minutes a labeler may change a judgment after recording it (0: never), until the item is settled. */
  AMEND_WINDOW_MINUTES: z.coerce.number().nonnegative().default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: optionalString,
  /** HTTP mode only: the port Bolt listens on. */
  SLACK_PORT: z.coerce.number().int().positive().default(3000),
  /**
   * Port of /healthz, /readyz and /metrics (0: any free port, logged at start). In Slack HTTP
   * mode they are served on SLACK_PORT instead, next to Bolt's /slack/events.
   */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_API_URL: optionalString,
  /** Name or id of the Discord role that makes a member a lead. */
  DISCORD_LEAD_ROLE: z.string().optional().default('Arbiter Lead'),
  /** Time zone of the jobs' schedules (a project's calibration schedule has its own). */
  JOB_TIMEZONE: z.string().optional().default('UTC'),
  /** Overrides of job schedules: "drift-check=0 * * * *;lead-digest=0 9 * * 1-5". */
  JOB_SCHEDULES: z.string().optional().default(''),
  /** Disputed items posted per project per calibration run. */
  CALIBRATION_ITEMS_PER_RUN: z.coerce.number().int().positive().default(3),
  /** Hours before an unresolved calibration thread is reminded, then escalated to the lead channel. */
  CALIBRATION_REMIND_HOURS: z.coerce.number().positive().default(24),
  CALIBRATION_ESCALATE_HOURS: z.coerce.number().positive().default(48),
  /** Hours before a labeler still drifting is pinged again. */
  DRIFT_COOLDOWN_HOURS: z.coerce.number().positive().default(72),
  /** Minutes before expiry a labeler holding a task gets one reminder. */
  CLAIM_REMINDER_MINUTES: z.coerce.number().positive().default(5),
  /** Days of inactivity after which a labeler no longer gets rubric refreshers. */
  ACTIVE_LABELER_DAYS: z.coerce.number().int().positive().default(14),
})

/** Arbiter's parsed configuration. */
export type Config = z.infer<typeof configSchema>

/** Parses the environment, with every problem named in one message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Configuration is not valid:\n  ${problems.join('\n  ')}`)
  }
  return parsed.data
}

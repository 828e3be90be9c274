import { z } from 'zod';

/**
 * The environment of INTERFACES.md, parsed once at start. A bad value stops the
 * start with a message naming the variable, never a stack trace.
 */
const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const Config = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0–65535')
    .max(65535, 'must be 0–65535')
    .default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1, 'must not be empty').default('data/singgah.db'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  TRUST_PROXY: booleanString.default(false),
  /** How long a referral holds places before the server releases them (minutes). */
  REFERRAL_HOLD_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(240),
  /** A handoff open longer than this raises an alert for the command centre (minutes). */
  HANDOFF_ALERT_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(120),
  /** The BAST letterhead, lines separated by "|"; unset = derived from the facility's wilayah (src/domain/handoffs/bast.ts). */
  BAST_HEADER: z.string().trim().max(400).optional(),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = Config.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

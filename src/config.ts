import { z } from 'zod';
import { isIP } from 'node:net';

/**
 * Which proxies may tell the client's address, host and scheme (X-Forwarded-*),
 * as Fastify's trustProxy takes it: `false` (none, the default), a hop count
 * (`1`: the one proxy in front), a comma-separated list of addresses or CIDR
 * ranges (`10.0.0.2,192.168.1.0/24`, or `loopback`, `linklocal`,
 * `uniquelocal`), or `true`: every hop, only behind a proxy that overwrites
 * those headers (otherwise anyone can forge them).
 */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxy = z
  .string()
  .transform((raw, ctx): boolean | number | string[] => {
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === 'yes') return true;
    if (v === 'false' || v === 'no' || v === '0') return false;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const items = v.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = items.filter((x) => !PROXY_NAMES.has(x) && !isAddressOrCidr(x));
    if (items.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be true, false, a hop count, or addresses/CIDRs separated by commas (not ${bad.join(', ') || 'empty'})` });
      return z.NEVER;
    }
    return items;
  });

function isAddressOrCidr(x: string): boolean {
  const [addr, bits, ...rest] = x.split('/');
  if (rest.length > 0 || !addr) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * The environment of INTERFACES.md, parsed once at start. A bad value stops the
 * start with a message naming the variable, never a stack trace.
 */
export const Config = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0–65535')
    .max(65535, 'must be 0–65535')
    .default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1, 'must not be empty').default('data/singgah.db'),
  /** postgres://…: PostgreSQL instead of SQLite, for several instances behind a proxy (README "Several instances"). */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/./, 'must be a postgres:// or postgresql:// URL').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  TRUST_PROXY: trustProxy.default(false),
  /** How long a referral holds places before the server releases them (minutes). */
  REFERRAL_HOLD_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(240),
  /** A referral accepted and not arrived this long after raises referral_not_arrived for the sending desk (hours). */
  REFERRAL_ARRIVAL_HOURS: z.coerce.number().int().min(1).max(14 * 24).default(24),
  /** A handoff open longer than this raises an alert for the command centre (minutes). */
  HANDOFF_ALERT_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(120),
  /**
   * Requests a minute one API token, browser session or (unauthenticated) client address may make to
   * /api/v1; 0 = no limit. Counted per instance (src/plugins/rate-limit.ts).
   */
  API_RATE_LIMIT: z.coerce
    .number({ error: 'must be a number of requests a minute (0 = off)' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(1_000_000, 'must be at most 1000000')
    .default(600),
  /**
   * Load shedding (src/plugins/metrics.ts): over this mean event-loop delay in a second's sample, requests are
   * answered 503 with Retry-After until the loop recovers; 0 = off.
   */
  LOAD_SHED_DELAY_MS: z.coerce
    .number({ error: 'must be a number of milliseconds (0 = off)' })
    .int('must be a whole number')
    .min(0, 'must be 0 (off) or more')
    .max(60_000, 'must be at most 60000')
    .default(1000),
  /** The BAST letterhead, lines separated by "|"; unset = derived from the facility's wilayah (src/domain/handoffs/bast.ts). */
  BAST_HEADER: z.string().trim().max(400).optional(),
}).superRefine((c, ctx) => {
  // Every instance must sign and read the same cookies: a secret kept beside a SQLite file cannot be shared.
  if (c.DATABASE_URL && !c.SESSION_SECRET) ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required with DATABASE_URL (every instance needs the same one)' });
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

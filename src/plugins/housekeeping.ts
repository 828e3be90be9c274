import { purgeExpiredSessions } from '../domain/accounts/sessions.ts';
import { purgeIdempotencyKeys } from './idempotency.ts';
import { pruneLoginLimits } from '../domain/accounts/login.ts';
import { purgeExpiredFlashes } from './flash.ts';

export const HOUSEKEEPING_EVERY_MS = 60 * 60_000;

/**
 * Hourly (a job: src/plugins/jobs.ts): sessions past their lifetime, idempotency keys older than a day,
 * sign-in attempts past their window and ended locks, and one-time messages
 * nobody came back for are removed.
 */
export async function housekeep(db: import('../db/client.ts').Db): Promise<{ sessions: number; keys: number; logins: number; flashes: number }> {
  return {
    sessions: await purgeExpiredSessions(db),
    keys: await purgeIdempotencyKeys(db),
    logins: await pruneLoginLimits(db),
    flashes: await purgeExpiredFlashes(db),
  };
}

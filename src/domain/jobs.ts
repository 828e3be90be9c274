import type { Db } from '../db/client.ts';
import { sampleOccupancy, SAMPLE_EVERY_MS } from './board/sampler.ts';
import { runHandoffChecks, HANDOFF_CHECK_EVERY_MS } from './handoffs/overdue.ts';
import { expireReferrals } from './referrals/expire.ts';
import { housekeep, HOUSEKEEPING_EVERY_MS } from '../plugins/housekeeping.ts';

/**
 * Every piece of work the server does on its own, in one place (the
 * scheduler is src/plugins/jobs.ts). Each job is safe to run on every
 * instance at once: it re-reads what is due inside its write, under the write
 * lock every instance takes, and changes only what is still due — a referral
 * expires once, an overdue handoff raises one alert, a sample is taken once
 * per interval — however many instances run it.
 */
export interface Job {
  name: string;
  everyMs: number;
  /** Also at start (the board's first sample, a handoff left overdue while the server was down). */
  atStart: boolean;
  run(db: Db, settings: JobSettings): Promise<unknown>;
}

export interface JobSettings {
  handoffAlertMinutes: number;
}

/** Holds that ran out are released without anyone acting. */
export const REFERRAL_EXPIRY_EVERY_MS = 30_000;

export const JOBS: readonly Job[] = [
  { name: 'referral-expiry', everyMs: REFERRAL_EXPIRY_EVERY_MS, atStart: false, run: (db) => expireReferrals(db) },
  { name: 'handoff-checks', everyMs: HANDOFF_CHECK_EVERY_MS, atStart: true, run: (db, s) => runHandoffChecks(db, s.handoffAlertMinutes) },
  { name: 'occupancy-sample', everyMs: SAMPLE_EVERY_MS, atStart: true, run: (db) => sampleOccupancy(db) },
  // Expired sessions, day-old idempotency keys, sign-in attempts past their window, unread one-time messages.
  { name: 'housekeeping', everyMs: HOUSEKEEPING_EVERY_MS, atStart: true, run: (db) => housekeep(db) },
];

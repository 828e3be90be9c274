import fp from 'fastify-plugin';
import type { Db } from '../db/client.ts';
import { sampleOccupancy, SAMPLE_EVERY_MS } from '../domain/board/sampler.ts';
import { runHandoffChecks, HANDOFF_CHECK_EVERY_MS } from '../domain/handoffs/overdue.ts';
import { expireReferrals } from '../domain/referrals/expire.ts';
import { NOTHING_FITS_EVERY_MS, raiseNothingFits } from '../domain/referrals/route-person.ts';
import { alertNotArrived } from '../domain/referrals/loop-alerts.ts';
import { housekeep, HOUSEKEEPING_EVERY_MS } from './housekeeping.ts';
import { jobRuns } from '../lib/metrics.ts';

/**
 * Every piece of work the server does on its own, in one place (scheduled
 * below). Each job is safe to run on every
 * instance at once: it re-reads what is due inside its write, under the write
 * lock every instance takes, and changes only what is still due — a referral
 * expires once, an overdue handoff raises one alert, a sample is taken once
 * per interval — however many instances run it.
 */
export interface Job {
  name: string;
  everyMs: number;
  /**
   * Also at start, before the instance is ready (the board's first sample, a handoff left overdue while the
   * server was down). A job whose run can take seconds at national scale does not: it would hold the start past
   * Fastify's ten-second limit for ready hooks.
   */
  atStart: boolean;
  run(db: Db, settings: JobSettings): Promise<unknown>;
}

export interface JobSettings {
  handoffAlertMinutes: number;
  referralArrivalHours: number;
}

/** Holds that ran out are released without anyone acting. */
export const REFERRAL_EXPIRY_EVERY_MS = 30_000;

export const JOBS: readonly Job[] = [
  { name: 'referral-expiry', everyMs: REFERRAL_EXPIRY_EVERY_MS, atStart: false, run: (db) => expireReferrals(db) },
  // Someone waiting in a TPS whom nothing fits: the command centre is told (a page that shows routing only reads).
  // It routes up to 200 people against every facility: seconds of CPU at national scale, so not at start (awaited
  // there, it made a national PostgreSQL start miss Fastify's ten seconds about one time in two): its first run
  // is a minute after the start, and whoever waits is told within a minute or two as before.
  { name: 'nothing-fits', everyMs: NOTHING_FITS_EVERY_MS, atStart: false, run: (db) => raiseNothingFits(db) },
  { name: 'referral-not-arrived', everyMs: REFERRAL_EXPIRY_EVERY_MS * 2, atStart: true, run: (db, s) => alertNotArrived(db, s.referralArrivalHours) },
  { name: 'handoff-checks', everyMs: HANDOFF_CHECK_EVERY_MS, atStart: true, run: (db, s) => runHandoffChecks(db, s.handoffAlertMinutes) },
  { name: 'occupancy-sample', everyMs: SAMPLE_EVERY_MS, atStart: true, run: (db) => sampleOccupancy(db) },
  // Expired sessions, day-old idempotency keys, sign-in attempts past their window, unread one-time messages.
  { name: 'housekeeping', everyMs: HOUSEKEEPING_EVERY_MS, atStart: true, run: (db) => housekeep(db) },
];

/**
 * Runs the background jobs (JOBS above) on a timer each. A run that
 * fails is logged and tried again at its next turn; a run still going when its
 * next turn comes is not started twice; nothing runs once the app closes.
 */
export default fp(
  async (app) => {
    const timers: NodeJS.Timeout[] = [];
    const running = new Set<string>();
    const settings = { handoffAlertMinutes: app.config.HANDOFF_ALERT_MINUTES, referralArrivalHours: app.config.REFERRAL_ARRIVAL_HOURS };
    const runJob = async (job: (typeof JOBS)[number]) => {
      if (running.has(job.name) || app.db.$engine.closed) return;
      running.add(job.name);
      try {
        await job.run(app.db, settings);
        jobRuns.inc({ job: job.name, outcome: 'ok' });
      } catch (err) {
        if (!app.db.$engine.closed) {
          jobRuns.inc({ job: job.name, outcome: 'failed' });
          app.log.error({ err, job: job.name }, 'background job failed');
        }
      } finally {
        running.delete(job.name);
      }
    };
    app.addHook('onReady', async () => {
      for (const job of JOBS) {
        if (job.atStart) await runJob(job);
        const t = setInterval(() => void runJob(job), job.everyMs);
        t.unref();
        timers.push(t);
      }
    });
    app.addHook('onClose', async () => {
      for (const t of timers) clearInterval(t);
    });
  },
  { name: 'jobs', dependencies: ['db'] },
);

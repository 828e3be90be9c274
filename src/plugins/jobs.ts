import fp from 'fastify-plugin';
import { JOBS } from '../domain/jobs.ts';

/**
 * Runs the background jobs (src/domain/jobs.ts) on a timer each. A run that
 * fails is logged and tried again at its next turn; a run still going when its
 * next turn comes is not started twice; nothing runs once the app closes.
 */
export default fp(
  async (app) => {
    const timers: NodeJS.Timeout[] = [];
    const running = new Set<string>();
    const settings = { handoffAlertMinutes: app.config.HANDOFF_ALERT_MINUTES };
    const runJob = async (job: (typeof JOBS)[number]) => {
      if (running.has(job.name) || app.db.$engine.closed) return;
      running.add(job.name);
      try {
        await job.run(app.db, settings);
      } catch (err) {
        if (!app.db.$engine.closed) app.log.error({ err, job: job.name }, 'background job failed');
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

import type { FastifyPluginAsync } from 'fastify';
import { runHandoffChecks, HANDOFF_CHECK_EVERY_MS } from '../../domain/handoffs/overdue.ts';
import fieldForm from './field.ts';
import deskRoutes from './desk.ts';
import handoffPages from './pages.ts';
import { registerHandoffRegions } from './live.ts';

/**
 * Satpol PP handoffs (issue 6): the field form, the desk, the BAST, their
 * live regions, and the periodic check that closes fully accounted handoffs
 * and raises an alert for those open longer than HANDOFF_ALERT_MINUTES.
 */
const handoffRoutes: FastifyPluginAsync = async (app) => {
  registerHandoffRegions();
  await app.register(fieldForm);
  await app.register(deskRoutes);
  await app.register(handoffPages);

  const check = async () => {
    if (app.db.$engine.closed) return;
    try {
      await runHandoffChecks(app.db, app.config.HANDOFF_ALERT_MINUTES);
    } catch (err) {
      app.log.error({ err }, 'handoff check failed');
    }
  };
  const timer = setInterval(check, HANDOFF_CHECK_EVERY_MS);
  timer.unref();
  app.addHook('onReady', async () => await check());
  app.addHook('onClose', async () => clearInterval(timer));
};
export default handoffRoutes;

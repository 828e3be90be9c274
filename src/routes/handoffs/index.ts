import type { FastifyPluginAsync } from 'fastify';
import fieldForm from './field.ts';
import deskRoutes from './desk.ts';
import handoffPages from './pages.ts';

/**
 * Satpol PP handoffs (issue 6): the field form, the desk, the BAST (their
 * live regions: ./live.ts). (The periodic check that closes fully accounted handoffs and
 * raises an alert for those open too long is a job: src/plugins/jobs.ts.)
 */
const handoffRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fieldForm);
  await app.register(deskRoutes);
  await app.register(handoffPages);
};
export default handoffRoutes;

import type { FastifyPluginAsync } from 'fastify';
import { databaseAnswers } from '../../domain/system/health.ts';

const systemRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    if (await databaseAnswers(app.db)) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable' });
  });
};
export default systemRoutes;

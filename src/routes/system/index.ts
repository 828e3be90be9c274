import type { FastifyPluginAsync } from 'fastify';

const systemRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  // Ready: the database answers, the last write probe succeeded, and (PostgreSQL) the listener hears other instances.
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    const checks = await app.readiness.check();
    if (checks.database && checks.writable && checks.listener) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', ...checks });
  });
};
export default systemRoutes;

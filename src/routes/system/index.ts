import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';

const systemRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await app.db.get(sql`select 1`);
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
};
export default systemRoutes;

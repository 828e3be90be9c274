import fp from 'fastify-plugin';
import type { Db } from '../db/client.ts';

/** The database handle, shared by every route; closed when the app closes. */
export default fp<{ db: Db }>(
  async (app, opts) => {
    app.decorate('db', opts.db);
    app.addHook('onClose', async () => {
      await opts.db.$engine.close();
    });
  },
  { name: 'db' },
);

import type { FastifyPluginAsync } from 'fastify';
import { hubFor } from '../../domain/events.ts';
import { watchBoard } from './cache.ts';
import { board, boardRegion, BOARD_ROLES, lastEventAt } from './live.ts';

/** The command centre's wall display: /board, kept live by ./live.ts (boardRegion). */
const boardRoutes: FastifyPluginAsync = async (app) => {
  const unsubscribe = hubFor(app.db).subscribe((e) => {
    if (e.type !== 'access' && e.type !== 'resync') lastEventAt.set(app.db, new Date().toISOString());
  });
  const unwatch = watchBoard(app.db);
  app.addHook('onClose', async () => {
    unsubscribe();
    unwatch();
  });

  app.get('/board', { config: { access: BOARD_ROLES } }, async (request, reply) =>
    reply.view('pages/board/index', { content: (await board(app, request.actor!, request.lang)).html, live: boardRegion.connect() }),
  );
};
export default boardRoutes;

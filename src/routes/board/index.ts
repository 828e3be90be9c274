import type { FastifyPluginAsync } from 'fastify';
import { hubFor } from '../../domain/events.ts';
import { watchBoard } from './cache.ts';
import { boardScope } from '../../domain/board/board.ts';
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

  // `?wilayah=31` (a province) or `31.71` (a kab/kota): that area's own board, reached from the national one's tiles.
  app.get('/board', { config: { access: BOARD_ROLES } }, async (request, reply) => {
    const wilayah = (request.query as { wilayah?: unknown } | undefined)?.wilayah;
    const scope = await boardScope(app.db, typeof wilayah === 'string' ? wilayah : Array.isArray(wilayah) ? '?' : undefined);
    return reply.view('pages/board/index', {
      content: (await board(app, request.actor!, request.lang, scope)).html,
      live: boardRegion.connect(scope.code ? { wilayah: scope.code } : {}),
      scope,
    });
  });
};
export default boardRoutes;

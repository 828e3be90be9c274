import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { boardData, age } from '../../domain/board/board.ts';
import { hubFor } from '../../domain/events.ts';
import { registerLiveRegion, templateData } from '../../live/regions.ts';
import { translate, type Lang } from '../../i18n/index.ts';

const BOARD_ROLES = ['admin', 'command', 'display'] as const;

/** When the last change was heard, per database: shown on the wall. */
const lastEventAt = new WeakMap<Db, string>();

async function boardView(db: Db, actor: Actor, lang: Lang, handoffAlertMinutes: number) {
  const now = new Date();
  return {
    board: await boardData(db, actor, now, { handoffAlertMinutes, sparkLabel: translate(lang, 'board.spark') }),
    lastEventAt: lastEventAt.get(db) ?? null,
    ago: (iso: string) => age(iso, now, lang),
  };
}

/** The command centre's wall display: /board, kept live over /live/html?region=board. */
const boardRoutes: FastifyPluginAsync = async (app) => {
  const unsubscribe = hubFor(app.db).subscribe((e) => {
    if (e.type !== 'access') lastEventAt.set(app.db, new Date().toISOString());
  });
  app.addHook('onClose', async () => unsubscribe());

  registerLiveRegion({
    name: 'board',
    roles: BOARD_ROLES,
    relevant: () => true,
    render: async (ctx) =>
      ctx.app.eta.render('partials/board/content', templateData(ctx, await boardView(ctx.app.db, ctx.actor, ctx.lang, ctx.app.config.HANDOFF_ALERT_MINUTES))),
  });

  app.get('/board', { config: { access: BOARD_ROLES } }, async (request, reply) =>
    reply.view('pages/board/index', { ...await boardView(app.db, request.actor!, request.lang, app.config.HANDOFF_ALERT_MINUTES), oob: false, live: true }),
  );
};
export default boardRoutes;

import type { FastifyPluginAsync, FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { boardData, age } from '../../domain/board/board.ts';
import { hubFor } from '../../domain/events.ts';
import { registerLiveRegion, templateData, regionContext } from '../../live/regions.ts';
import { translate, type Lang } from '../../i18n/index.ts';
import { cachedBoard, watchBoard, type BoardRender } from './cache.ts';

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

const ROOT = '<div id="board-content" class="board-grid"';

/**
 * The board's content for this audience, rendered once per change and shared
 * (src/routes/board/cache.ts): the page includes it, the socket sends it as an
 * out-of-band swap — one render serves both.
 */
function board(app: FastifyInstance, actor: Actor, lang: Lang): Promise<BoardRender> {
  return cachedBoard(app.db, actor, lang, async () => {
    const ctx = regionContext(app, actor, {}, lang);
    const data = templateData(ctx, await boardView(app.db, actor, lang, app.config.HANDOFF_ALERT_MINUTES));
    const html = app.eta.render('partials/board/content', { ...data, oob: false });
    const oob = html.startsWith(ROOT) ? `${ROOT} hx-swap-oob="true"${html.slice(ROOT.length)}` : app.eta.render('partials/board/content', data);
    return { html, oob };
  });
}

/** The command centre's wall display: /board, kept live over /live/html?region=board. */
const boardRoutes: FastifyPluginAsync = async (app) => {
  const unsubscribe = hubFor(app.db).subscribe((e) => {
    if (e.type !== 'access') lastEventAt.set(app.db, new Date().toISOString());
  });
  const unwatch = watchBoard(app.db);
  app.addHook('onClose', async () => {
    unsubscribe();
    unwatch();
  });

  registerLiveRegion({
    name: 'board',
    roles: BOARD_ROLES,
    relevant: () => true,
    render: async (ctx) => (await board(ctx.app, ctx.actor, ctx.lang)).oob,
  });

  app.get('/board', { config: { access: BOARD_ROLES } }, async (request, reply) =>
    reply.view('pages/board/index', { content: (await board(app, request.actor!, request.lang)).html, live: true }),
  );
};
export default boardRoutes;

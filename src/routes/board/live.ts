import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { boardData, boardScope, age, type BoardScope } from '../../domain/board/board.ts';
import { defineLiveRegion, templateData, regionContext } from '../../live/regions.ts';
import { translate, type Lang } from '../../i18n/index.ts';
import { cachedBoard, type BoardRender } from './cache.ts';

export const BOARD_ROLES = ['admin', 'command', 'display'] as const;

/** When the last change was heard, per database: shown on the wall (set by the board's plugin, ./index.ts). */
export const lastEventAt = new WeakMap<Db, string>();

async function boardView(db: Db, actor: Actor, lang: Lang, handoffAlertMinutes: number, scope: BoardScope) {
  const now = new Date();
  return {
    board: await boardData(db, actor, now, { handoffAlertMinutes, sparkLabel: translate(lang, 'board.spark'), scope }),
    lastEventAt: lastEventAt.get(db) ?? null,
    ago: (iso: string) => age(iso, now, lang),
  };
}

const ROOT = '<div id="board-content" class="board-grid"';

/**
 * The board's content for this audience, rendered once per change and shared
 * (./cache.ts): the page includes it, the socket sends it as an out-of-band
 * swap — one render serves both.
 */
export function board(app: FastifyInstance, actor: Actor, lang: Lang, scope: BoardScope): Promise<BoardRender> {
  return cachedBoard(app.db, actor, lang, scope.code, async () => {
    const ctx = regionContext(app, actor, scope.code ? { wilayah: scope.code } : {}, lang);
    const data = templateData(ctx, await boardView(app.db, actor, lang, app.config.HANDOFF_ALERT_MINUTES, scope));
    const html = app.eta.render('partials/board/content', { ...data, oob: false });
    const oob = html.startsWith(ROOT) ? `${ROOT} hx-swap-oob="true"${html.slice(ROOT.length)}` : app.eta.render('partials/board/content', data);
    return { html, oob };
  });
}

/** The command centre's wall (`/board`, `/board?wilayah=` for a province or kab/kota): every change may move it. */
export const boardRegion = defineLiveRegion({
  name: 'board',
  roles: BOARD_ROLES,
  // A wilayah the table does not know is refused at connect, as the page refuses it.
  authorize: async (ctx) => void (await boardScope(ctx.app.db, ctx.params.wilayah)),
  relevant: () => true,
  render: async (ctx) => (await board(ctx.app, ctx.actor, ctx.lang, await boardScope(ctx.app.db, ctx.params.wilayah))).oob,
});

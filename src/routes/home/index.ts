import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { boardData, age } from '../../domain/board/board.ts';
import { listHandoffs } from '../../domain/handoffs/read.ts';
import { facilityNameAndCode } from '../../domain/facilities/load.ts';
import { openReferralsTo } from '../../domain/facilities/people.ts';
import { wilayahNameAndCode } from '../../domain/reference/wilayah.ts';
import { registerLiveRegion, templateData } from '../../live/regions.ts';
import type { Lang } from '../../i18n/index.ts';

/** Roles whose home shows the Satpol PP handoffs coming to their facility. */
const DESK = ['manager', 'intake'] as const;
/** Roles whose home shows what needs action across the province. */
const WIDE = ['command', 'admin'] as const;

/** Open handoffs coming to the desk's facility (the same list /handoffs/incoming serves). */
async function incomingFor(db: Db, actor: Actor) {
  return await listHandoffs({ db, actor, status: 'OPEN', limit: 20 });
}

/** What needs the command centre's action: the wall's alerts, referrals in flight and open handoffs. */
async function actionsFor(db: Db, actor: Actor, handoffAlertMinutes: number, lang: Lang) {
  const now = new Date();
  const b = await boardData(db, actor, now, { handoffAlertMinutes });
  return { alerts: b.alerts, referrals: b.referrals, handoffs: b.handoffs, ago: (iso: string) => age(iso, now, lang) };
}

/** Each role's home page. A wall display goes straight to the board. */
const homeRoutes: FastifyPluginAsync = async (app) => {
  // Kept live over /live/html: a new handoff shows on the desk's home within a
  // second (it polled every 30 s), and the command centre's counts follow the day.
  registerLiveRegion({
    name: 'home',
    roles: [...DESK, ...WIDE],
    relevant: (event, ctx) => {
      if ((WIDE as readonly string[]).includes(ctx.actor.role)) return true;
      return event.type === 'handoff' && event.facilityId === ctx.actor.facilityId;
    },
    render: async (ctx) =>
      (WIDE as readonly string[]).includes(ctx.actor.role)
        ? ctx.app.eta.render('partials/home/actions', templateData(ctx, { actions: await actionsFor(ctx.app.db, ctx.actor, ctx.app.config.HANDOFF_ALERT_MINUTES, ctx.lang) }))
        : ctx.app.eta.render('partials/handoffs/incoming', templateData(ctx, { incoming: await incomingFor(ctx.app.db, ctx.actor), liveIncoming: true })),
  });

  app.get('/', { config: { access: 'authenticated' } }, async (request, reply) => {
    const actor = request.actor!;
    if (actor.role === 'display' && app.hasRoute({ method: 'GET', url: '/board' })) return reply.redirect('/board', 303);
    const facility = actor.facilityId ? await facilityNameAndCode(app.db, actor.facilityId) : undefined;
    const area = actor.wilayahCode ? await wilayahNameAndCode(app.db, actor.wilayahCode) : undefined;
    // A facility's open incoming referrals: the manager's first job of the day.
    const incomingReferrals = actor.facilityId ? (await openReferralsTo(app.db, actor.facilityId)).count : 0;
    const desk = (DESK as readonly string[]).includes(actor.role) && actor.facilityId !== null;
    const wide = (WIDE as readonly string[]).includes(actor.role);
    return reply.view('pages/home/index', {
      facility,
      area,
      role: actor.role,
      incomingReferrals,
      live: desk || wide,
      ...(desk ? { incoming: await incomingFor(app.db, actor), liveIncoming: true } : {}),
      ...(wide ? { actions: await actionsFor(app.db, actor, app.config.HANDOFF_ALERT_MINUTES, request.lang) } : {}),
    });
  });
};
export default homeRoutes;

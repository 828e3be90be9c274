import type { FastifyPluginAsync } from 'fastify';
import { facilityNameAndCode } from '../../domain/facilities/load.ts';
import { openReferralsTo } from '../../domain/facilities/people.ts';
import { wilayahNameAndCode } from '../../domain/reference/wilayah.ts';
import { actionsFor, deskAlertsFor, DESK, homeRegion, incomingFor, WIDE } from './live.ts';

/** Each role's home page. A wall display goes straight to the board. */
const homeRoutes: FastifyPluginAsync = async (app) => {
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
      live: desk || wide ? homeRegion.connect() : false,
      ...(desk ? { incoming: await incomingFor(app.db, actor), deskAlerts: await deskAlertsFor(app.db, actor), liveIncoming: true } : {}),
      ...(wide ? { actions: await actionsFor(app.db, actor, app.config.HANDOFF_ALERT_MINUTES, request.lang) } : {}),
    });
  });
};
export default homeRoutes;

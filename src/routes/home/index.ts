import type { FastifyPluginAsync } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { facilities, wilayah } from '../../db/schema/index.ts';

/** Each role's home page. A wall display goes straight to the board. */
const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'authenticated' } }, async (request, reply) => {
    const actor = request.actor!;
    if (actor.role === 'display' && app.hasRoute({ method: 'GET', url: '/board' })) return reply.redirect('/board', 303);
    const facility = actor.facilityId
      ? app.db.select({ name: facilities.name, code: facilities.code }).from(facilities).where(eq(facilities.id, actor.facilityId)).get()
      : undefined;
    const area = actor.wilayahCode
      ? app.db.select({ name: wilayah.name, code: wilayah.code }).from(wilayah).where(eq(wilayah.code, actor.wilayahCode)).get()
      : undefined;
    // A facility's open incoming referrals: the manager's first job of the day.
    const incomingReferrals = actor.facilityId
      ? (app.db.get<{ n: number }>(
          sql`select count(*) as n from referrals where to_facility_id = ${actor.facilityId} and status in ('PROPOSED','ACCEPTED','IN_TRANSIT')`,
        )?.n ?? 0)
      : 0;
    return reply.view('pages/home/index', { facility, area, role: actor.role, incomingReferrals });
  });
};
export default homeRoutes;

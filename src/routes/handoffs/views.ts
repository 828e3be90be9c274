import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.ts';
import { hasRole } from '../../domain/access.ts';
import type { HandoffDetail } from '../../domain/handoffs/read.ts';

/** Links a handoff page may offer, by what this app serves and who is looking. */
export function lineLinks(app: FastifyInstance, actor: Actor) {
  return {
    residents: app.hasRoute({ method: 'GET', url: '/residents/:id' }),
    // Placing a received person is the desk's next step (the intake area's check-in page).
    checkIn: hasRole(actor, ['intake', 'manager']) && app.hasRoute({ method: 'GET', url: '/intake/check-in' }),
  };
}

/** Template data of the handoff page (and of its live region). */
export function showData(app: FastifyInstance, actor: Actor, d: HandoffDetail) {
  return { d, links: lineLinks(app, actor), accounted: d.lines.filter((l) => l.status !== 'PENDING') };
}

/** The handoff page, also re-rendered with a form's errors (status 422) or a conflict (409). */
export function renderShow(request: FastifyRequest, reply: FastifyReply, d: HandoffDetail, extra: Record<string, unknown> = {}, status = 200) {
  return reply.view(
    'pages/handoffs/show',
    { title: `${request.t('handoffs.title_one')} ${d.handoff.number}`, live: true, ...showData(request.server, request.actor!, d), ...extra },
    { status },
  );
}

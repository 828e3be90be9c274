import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HandoffDetail } from '../../domain/handoffs/read.ts';
import { handoffRegion, showData } from './live.ts';

/** The handoff page, also re-rendered with a form's errors (status 422) or a conflict (409). */
export function renderShow(request: FastifyRequest, reply: FastifyReply, d: HandoffDetail, extra: Record<string, unknown> = {}, status = 200) {
  return reply.view(
    'pages/handoffs/show',
    { title: `${request.t('handoffs.title_one')} ${d.handoff.number}`, live: handoffRegion.connect({ id: d.handoff.id }), ...showData(request.server, request.actor!, d), ...extra },
    { status },
  );
}

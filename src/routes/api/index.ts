import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import * as R from './responses.ts';
import { AuditQuery, pageOf } from './queries.ts';
import { recentAuditEvents } from '../../domain/audit.ts';
import { toWib } from '../../lib/time.ts';
import facilitiesApi from '../facilities/api.ts';
import residentsApi from '../residents/api.ts';
import referralsApi from '../referrals/api.ts';
import liveSocket from '../../live/socket.ts';
import alertsApi from './alerts.ts';
import handoffsApi from '../handoffs/api.ts';
import casesApi from '../cases/api.ts';
import worklistsApi from '../worklists/api.ts';
import reportExports from '../reports/exports.ts';
import openapi from '../../plugins/openapi.ts';

/** The JSON API, /api/v1. Each area adds its own plugin here. */
const apiRoutes: FastifyPluginAsync = async (app) => {
  // First: it hears every route below for GET /api/v1/openapi.json and filters answers by their response schema.
  await app.register(openapi);
  await app.register(facilitiesApi);
  await app.register(residentsApi);
  await app.register(referralsApi);
  await app.register(liveSocket);
  await app.register(alertsApi);
  await app.register(handoffsApi);
  await app.register(casesApi);
  await app.register(worklistsApi);
  // The report exports for API tokens: /api/v1/reports/… (the same plugin as /reports/…).
  await app.register(reportExports);

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/me', { config: { access: 'authenticated', openapi: { summary: 'Who is calling: role, facility, wilayah', tags: ['meta'] } }, schema: { response: { 200: R.Me } } }, async (request) => {
    const a = request.actor!;
    return { type: a.type, id: a.id, name: a.label, role: a.role, facility_id: a.facilityId, wilayah_code: a.wilayahCode };
  });

  api.get('/audit', { config: { access: ['admin'], openapi: { summary: 'The newest audit events', tags: ['meta'] } }, schema: { querystring: AuditQuery, response: { 200: R.AuditEvents } } }, async (request) => {
    const { limit, after } = request.query;
    // Newest first; the page after is the events older than the last one shown (new events do not shift it).
    const page = pageOf(await recentAuditEvents(app.db, limit + 1, after), limit, (last) => last.id);
    return {
      events: page.items.map((r) => ({
        id: String(r.id),
        at: toWib(r.at),
        actor_type: r.actorType,
        actor: r.actorLabel,
        action: r.action,
        entity: r.entity,
        entity_id: r.entityId,
        ip: r.ip,
        detail: r.detail,
      })),
      next: page.next,
    };
  });
};
export default apiRoutes;

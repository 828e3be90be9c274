import type { FastifyPluginAsync } from 'fastify';
import { LimitQuery } from './responses.ts';
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
import { queryLimit } from '../../domain/validate.ts';
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

  app.get('/me', { config: { access: 'authenticated', openapi: { summary: 'Who is calling: role, facility, wilayah', tags: ['meta'] } } }, async (request) => {
    const a = request.actor!;
    return { type: a.type, id: a.id, name: a.label, role: a.role, facility_id: a.facilityId, wilayah_code: a.wilayahCode };
  });

  app.get('/audit', { config: { access: ['admin'], openapi: { summary: 'The newest audit events', tags: ['meta'], query: LimitQuery } } }, async (request) => {
    const q = request.query as { limit?: string };
    const limit = queryLimit(q.limit, 100, 1000);
    const rows = await recentAuditEvents(app.db, limit);
    return {
      events: rows.map((r) => ({
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
    };
  });
};
export default apiRoutes;

import type { FastifyPluginAsync } from 'fastify';
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
import { queryLimit } from '../../domain/validate.ts';

/** The JSON API, /api/v1. Each area adds its own plugin here. */
const apiRoutes: FastifyPluginAsync = async (app) => {
  await app.register(facilitiesApi);
  await app.register(residentsApi);
  await app.register(referralsApi);
  await app.register(liveSocket);
  await app.register(alertsApi);
  await app.register(handoffsApi);
  await app.register(casesApi);
  await app.register(worklistsApi);

  app.get('/me', { config: { access: 'authenticated' } }, async (request) => {
    const a = request.actor!;
    return { type: a.type, id: a.id, name: a.label, role: a.role, facility_id: a.facilityId, wilayah_code: a.wilayahCode };
  });

  app.get('/audit', { config: { access: ['admin'] } }, async (request) => {
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

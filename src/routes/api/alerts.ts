import type { FastifyPluginAsync } from 'fastify';
import * as R from './responses.ts';
import { AlertsQuery } from './queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { ResolveAlertInput } from '../../domain/referrals/alerts.ts';
import { WIDE_ROLES } from '../../domain/access.ts';
import { latestAlerts, resolveAlert } from '../../domain/referrals/alerts.ts';
import { toLocalIso } from '../../lib/time.ts';
import { facilityZones } from '../../domain/time-zone.ts';

const WIDE = { access: WIDE_ROLES };

/**
 * /api/v1/alerts: what the command centre must act on (nothing fits, a referral
 * refused twice, a handoff open too long…), and settling one. Alerts name
 * facilities and records, never a person.
 */
const alertsApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/alerts', { config: { ...WIDE, openapi: { summary: 'Open alerts (all=true: settled ones too)', tags: ['alerts'] } }, schema: { querystring: AlertsQuery, response: { 200: R.Alerts } } }, async (request) => {
    const rows = await latestAlerts(app.db, { includeResolved: request.query.all });
    // An alert's times are in the zone of the facility it is about (WIB for none).
    const zones = await facilityZones(app.db, rows.map((a) => a.facilityId));
    return {
      alerts: rows.map((a) => ({
        id: a.id,
        kind: a.kind,
        facility_id: a.facilityId,
        subject_type: a.subjectType,
        subject_id: a.subjectId,
        message: a.message,
        raised_at: toLocalIso(a.raisedAt, zones.get(a.facilityId ?? '')),
        resolved_at: toLocalIso(a.resolvedAt, zones.get(a.facilityId ?? '')),
        resolved_note: a.resolvedNote,
      })),
    };
  });

  app.post<{ Params: { id: string } }>('/alerts/:id/resolve', { config: { ...WIDE, openapi: { summary: 'Settle an alert', tags: ['alerts'] } }, schema: { body: ResolveAlertInput, response: { 200: R.AlertResolved } } }, async (request) =>
    await resolveAlert({ db: app.db, actor: request.actor!, id: request.params.id, input: request.body ?? {} }),
  );
};
export default alertsApi;

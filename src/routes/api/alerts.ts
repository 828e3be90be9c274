import type { FastifyPluginAsync } from 'fastify';
import { WIDE_ROLES } from '../../domain/access.ts';
import { latestAlerts, resolveAlert } from '../../domain/referrals/alerts.ts';
import { toWib } from '../../lib/time.ts';

const WIDE = { access: WIDE_ROLES };

/**
 * /api/v1/alerts: what the command centre must act on (nothing fits, a referral
 * refused twice, a handoff open too long…), and settling one. Alerts name
 * facilities and records, never a person.
 */
const alertsApi: FastifyPluginAsync = async (app) => {
  app.get('/alerts', { config: WIDE }, async (request) => {
    const all = (request.query as { all?: string }).all === 'true';
    const rows = await latestAlerts(app.db, { includeResolved: all });
    return {
      alerts: rows.map((a) => ({
        id: a.id,
        kind: a.kind,
        facility_id: a.facilityId,
        subject_type: a.subjectType,
        subject_id: a.subjectId,
        message: a.message,
        raised_at: toWib(a.raisedAt),
        resolved_at: toWib(a.resolvedAt),
        resolved_note: a.resolvedNote,
      })),
    };
  });

  app.post<{ Params: { id: string } }>('/alerts/:id/resolve', { config: WIDE }, async (request) =>
    await resolveAlert({ db: app.db, actor: request.actor!, id: request.params.id, input: request.body ?? {} }),
  );
};
export default alertsApi;

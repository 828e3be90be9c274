import type { FastifyPluginAsync } from 'fastify';
import { WORKLIST_ROLES } from '../../domain/cases/scope.ts';
import { aidWorklist } from '../../domain/worklists/aid.ts';
import { followUpWorklist } from '../../domain/worklists/follow-ups.ts';
import { AID_STEPS } from '../../domain/cases/aid.ts';
import { REPORT_ROLES } from '../../domain/reports/scope.ts';
import { hasRole } from '../../domain/access.ts';

/** /worklists: the road to aid by NIK and the follow-ups due; exports are the API's (same session). */
const worklistPages: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { step?: string } }>('/worklists', { config: { access: WORKLIST_ROLES } }, async (request, reply) => {
    const actor = request.actor!;
    const step = AID_STEPS.includes(request.query.step as never) ? request.query.step : undefined;
    const aid = await aidWorklist({ db: app.db, actor, step });
    const followUps = await followUpWorklist({ db: app.db, actor });
    return reply.view('pages/worklists/index', {
      title: request.t('worklists.title'),
      aid,
      followUps,
      step: step ?? '',
      steps: AID_STEPS,
      // The case-work report's own readers (its route's access), asked, not listed again in the view.
      mayReadCasework: hasRole(actor, REPORT_ROLES),
    });
  });
};
export default worklistPages;

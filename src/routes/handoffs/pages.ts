import type { FastifyPluginAsync } from 'fastify';
import { listHandoffs, readHandoff } from '../../domain/handoffs/read.ts';
import { bastFacts, bastLetterhead } from '../../domain/handoffs/bast.ts';
import { DESK_ROLES, SUBMIT_ROLES, VIEW_ROLES } from '../../domain/handoffs/scope.ts';
import { hasRole } from '../../domain/access.ts';
import { translator } from '../../i18n/index.ts';
import { renderShow } from './views.ts';
import { handoffsRegion } from './live.ts';
import { openDeskAlerts } from '../../domain/alerts.ts';

type Id = { Params: { id: string } };

/** The desk's and the officers' views of handoffs: the list, one handoff, its BAST, and the home notice. */
const handoffPages: FastifyPluginAsync = async (app) => {
  app.get('/handoffs', { config: { access: VIEW_ROLES } }, async (request, reply) => {
    const actor = request.actor!;
    return reply.view('pages/handoffs/index', {
      title: request.t('handoffs.title'),
      items: await listHandoffs({ db: app.db, actor }),
      canSubmit: hasRole(actor, SUBMIT_ROLES),
      live: handoffsRegion.connect(),
    });
  });

  /** Open handoffs coming to the desk's facility: a notice on the home page (views/partials/handoffs/incoming.eta). */
  app.get('/handoffs/incoming', { config: { access: DESK_ROLES } }, async (request, reply) => {
    const incoming = await listHandoffs({ db: app.db, actor: request.actor!, status: 'OPEN', limit: 20 });
    return reply.view('partials/handoffs/incoming', { incoming, deskAlerts: await openDeskAlerts(app.db, request.actor!.facilityId) });
  });

  app.get<Id>('/handoffs/:id', { config: { access: VIEW_ROLES } }, async (request, reply) => {
    const d = await readHandoff({ db: app.db, actor: request.actor!, id: request.params.id });
    const submitted = (request.query as { submitted?: string }).submitted;
    return renderShow(request, reply, d, { draftClear: typeof submitted === 'string' && /^[A-Za-z0-9_.:-]{8,100}$/.test(submitted) ? submitted : null });
  });

  /** The printable Berita Acara Serah Terima: a document of its own (A4, static/css/print-bast.css). */
  app.get<Id>('/handoffs/:id/bast', { config: { access: VIEW_ROLES } }, async (request, reply) => {
    const d = await readHandoff({ db: app.db, actor: request.actor!, id: request.params.id });
    return reply.view('pages/handoffs/bast', {
      title: `BAST ${d.handoff.number}`,
      d,
      facts: bastFacts(d, new Date()),
      letterhead: await bastLetterhead(app.db, d.facility.wilayahCode, app.config.BAST_HEADER),
      // The document itself is always in Bahasa Indonesia; the screen toolbar follows the reader.
      tb: translator('id'),
    });
  });
};
export default handoffPages;

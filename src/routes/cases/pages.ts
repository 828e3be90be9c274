import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ATENSI_MENUS, CLOSE_OUTCOMES, CLUSTERS, FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES, OUTSIDE_SERVICES } from '../../db/schema/index.ts';
import { SERVICE_CATALOGUE } from '../../domain/cases/catalogue.ts';
import { PLAN_TRANSITIONS } from '../../domain/cases/process.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { caseload } from '../../domain/cases/caseload.ts';
import { setCluster } from '../../domain/cases/cluster.ts';
import { readCase } from '../../domain/cases/read.ts';
import { handoverLetter, setFollowUpContact } from '../../domain/cases/handover.ts';
import { closeCase, movePlanItem, recordEvaluation, reopenCase } from '../../domain/cases/process.ts';
import { answerTransfer, cancelTransfer, incomingTransfers, requestTransfer } from '../../domain/cases/transfer.ts';
import { answerOutsideReferral, referOutside } from '../../domain/cases/outside.ts';
import { openFamilyCase } from '../../domain/cases/family.ts';
import { translator } from '../../i18n/index.ts';
import { CASE_ASSIGN_ROLES, CASE_CHANGE_ROLES, CASE_READ_ROLES, canAssign, canChangeCase, canCompleteFollowUp, canSeeCase, canWorkCase } from '../../domain/cases/scope.ts';
import { addFollowUp, addPlanItems, assignPendamping, completeFollowUp, pendampingChoicesFor, proposeToDtks, recordDtksCheck, recordAssessment, recordService } from '../../domain/cases/work.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { nowIso, wibDate } from '../../lib/time.ts';

type Id = { Params: { id: string } };
type Body = Record<string, unknown>;
const READ = { access: CASE_READ_ROLES };
const CHANGE = { access: CASE_CHANGE_ROLES };
const CHOICES = { menus: ATENSI_MENUS, kinds: FOLLOW_UP_KINDS, outcomes: FOLLOW_UP_OUTCOMES, clusters: CLUSTERS, catalogue: SERVICE_CATALOGUE, closeOutcomes: CLOSE_OUTCOMES, outsideServices: OUTSIDE_SERVICES, planTransitions: PLAN_TRANSITIONS };

/** Where a form came from, to go back there; only our own case and worklist pages. */
function backTo(body: Body, fallback: string): string {
  const r = typeof body.return_to === 'string' ? body.return_to : '';
  return /^\/(cases|worklists)(\/[A-Za-z0-9_-]+)?(\?[A-Za-z0-9=&_-]*)?$/.test(r) ? r : fallback;
}

/**
 * The pendamping's pages: /cases (the caseload on a tablet, with quick forms)
 * and /cases/:id (one case in full). Every form is a real POST that redirects
 * back; htmx swaps just the card on the caseload.
 */
const casePages: FastifyPluginAsync = async (app) => {
  const db = app.db;

  async function caseloadData(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const entries = await caseload({ db, actor: request.actor! });
    const today = wibDate(nowIso());
    return {
      title: request.t('cases.title'),
      entries,
      today,
      dueToday: entries.reduce((n, e) => n + e.due_today, 0),
      overdue: entries.reduce((n, e) => n + e.overdue, 0),
      ...CHOICES,
      cardErrors: {},
      incoming: await incomingTransfers(db, request.actor!),
      ...extra,
    };
  }

  app.get('/cases', { config: READ }, async (request, reply) => reply.view('pages/cases/index', await caseloadData(request)));

  /** A quick form on a caseload card: on success back to the card (htmx) or the page; on failure the card with its errors. */
  async function quick(request: FastifyRequest<Id>, reply: FastifyReply, kind: 'service' | 'follow_up', run: () => Promise<unknown>) {
    const body = (request.body ?? {}) as Body;
    const id = request.params.id;
    try {
      await run();
      if (request.isHtmx) {
        const data = await caseloadData(request, { justSaved: { id, kind } });
        const entry = data.entries.find((e) => e.person_id === id);
        return reply.view('partials/cases/card-update', { ...data, e: entry });
      }
      flash(request, { kind: 'ok', message: request.t(kind === 'service' ? 'cases.service_saved' : 'cases.follow_up_saved') });
      return reply.redirect(backTo(body, `/cases#case-${id}`), 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
      const cardErrors = { [id]: { kind, errors: fieldErrorMap(request, err.fieldErrors), values: body } };
      const data = await caseloadData(request, { cardErrors });
      const entry = data.entries.find((e) => e.person_id === id);
      // No card for a case outside this caseload (found by the fuzz test): not found, never a 500.
      if (!entry) throw notFound();
      if (request.isHtmx) return reply.view('partials/cases/card-update', { ...data, e: entry }, { status: 422 });
      return reply.view('pages/cases/index', data, { status: 422 });
    }
  }

  app.post<Id>('/cases/:id/services', { config: CHANGE }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    if (backTo(body, '').startsWith('/cases/')) return await caseForm(request, reply, 'service', async () => await recordService({ db, actor: request.actor!, personId: request.params.id, input: body }));
    return await quick(request, reply, 'service', async () => await recordService({ db, actor: request.actor!, personId: request.params.id, input: body }));
  });
  app.post<Id>('/cases/:id/follow-ups', { config: CHANGE }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    if (backTo(body, '').startsWith('/cases/')) return await caseForm(request, reply, 'follow_up', async () => await addFollowUp({ db, actor: request.actor!, personId: request.params.id, input: body }));
    return await quick(request, reply, 'follow_up', async () => await addFollowUp({ db, actor: request.actor!, personId: request.params.id, input: body }));
  });

  async function caseData(request: FastifyRequest, personId: string, extra: Record<string, unknown> = {}) {
    const actor = request.actor!;
    const c = await readCase({ db, actor, personId });
    // The page asks the domain what this actor may do here (src/domain/cases/scope.ts); it decides nothing itself.
    const mayAssign = await canAssign(db, actor, personId);
    const mayWork = await canWorkCase(db, actor, personId);
    const mayChange = await canChangeCase(db, actor, personId);
    const mayComplete: string[] = [];
    for (const f of c.follow_ups) if (!f.done_at && await canCompleteFollowUp(db, actor, personId, f.id)) mayComplete.push(f.id);
    // Exactly the pendamping the domain would accept for this person (their cluster, working where they are).
    const fitting = await pendampingChoicesFor(db, personId);
    return {
      title: request.t('cases.case_title', { name: c.person.name ?? c.person.resident_code }),
      c,
      // A closed case is read-only: no form but reopening (for those who may) and its follow-ups.
      mayChange,
      mayWork,
      mayComplete,
      mayAssign: mayAssign && c.state === 'open',
      mayReopen: mayAssign && c.state === 'closed',
      pendampings: mayAssign ? fitting : [],
      transferTo: mayWork && c.pendamping ? fitting.filter((p) => p.id !== c.pendamping!.id) : [],
      ...CHOICES,
      formErrors: {},
      formKind: null,
      values: {},
      ...extra,
    };
  }

  app.get<Id>('/cases/:id', { config: READ }, async (request, reply) => reply.view('pages/cases/show', await caseData(request, request.params.id)));

  /** The case's own summary for the person page (loaded there by htmx; the link works without it). */
  /** The printable handover letter of a return home to the Dinsos of the destination (A4, like the BAST). */
  app.get<Id>('/stays/:id/handover', { config: READ }, async (request, reply) => {
    const letter = await handoverLetter({ db, actor: request.actor!, stayId: request.params.id });
    // The letter itself is always in Bahasa Indonesia; the screen toolbar follows the reader.
    // Typing the contact is case work (handover.ts setFollowUpContact): offered to whom the domain lets work the case.
    const mayWork = await canWorkCase(db, request.actor!, letter.personId);
    return reply.view('pages/cases/handover', { title: `Surat pengantar ${letter.person.residentCode}`, letter, tb: translator('id'), mayWork });
  });
  app.get<Id>('/cases/:id/summary', { config: READ }, async (request, reply) => {
    if (!await canSeeCase(db, request.actor!, request.params.id)) return reply.code(204).send();
    return reply.view('partials/cases/summary', { c: await readCase({ db, actor: request.actor!, personId: request.params.id }) });
  });

  /** A form on the case page: back to it, or the page again with the errors beside the fields. */
  async function caseForm(request: FastifyRequest<Id>, reply: FastifyReply, kind: string, run: () => Promise<unknown>) {
    const body = (request.body ?? {}) as Body;
    const id = request.params.id;
    try {
      await run();
      flash(request, { kind: 'ok', message: request.t(`cases.saved.${kind}`) });
      return reply.redirect(backTo(body, `/cases/${encodeURIComponent(id)}`), 303);
    } catch (err) {
      if (!(err instanceof DomainError) || (err.code !== 'VALIDATION' && err.code !== 'CONFLICT')) throw err;
      if (backTo(body, '').startsWith('/worklists')) {
        flash(request, { kind: 'error', message: request.t(err.messageKey, err.params) });
        return reply.redirect(backTo(body, '/worklists'), 303);
      }
      return reply.view(
        'pages/cases/show',
        // A plan item's errors come as items.N.field; the page's form has one item.
        await caseData(request, id, { formKind: kind, formErrors: fieldErrorMap(request, err.fieldErrors.map((f) => ({ ...f, path: f.path.replace(/^items\.\d+\./, '') }))), formProblem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params), values: body }),
        { status: err.status },
      );
    }
  }

  app.post<Id>('/cases/:id/assign', { config: { access: CASE_ASSIGN_ROLES } }, async (request, reply) =>
    await caseForm(request, reply, 'assign', async () => await assignPendamping({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/cluster', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'cluster', async () => await setCluster({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/assessment', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'assessment', async () => await recordAssessment({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  // The page adds one item at a time.
  app.post<Id>('/cases/:id/plan', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'plan', async () => {
      const b = (request.body ?? {}) as Body;
      return await addPlanItems({ db, actor: request.actor!, personId: request.params.id, input: { items: [{ menu: b.menu, service: b.service, goal: b.goal, due: b.due, note: b.note }] } });
    }),
  );
  type Sub = { Params: { id: string; item_id?: string; tid?: string; rid?: string } };
  const sub = (request: FastifyRequest<Sub>) => request as unknown as FastifyRequest<Id>;
  app.post<Sub>('/cases/:id/plan/:item_id', { config: CHANGE }, async (request, reply) =>
    await caseForm(sub(request), reply, 'plan_status', async () => await movePlanItem({ db, actor: request.actor!, personId: request.params.id, itemId: request.params.item_id!, input: request.body })),
  );
  app.post<Id>('/cases/:id/evaluation', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'evaluation', async () => await recordEvaluation({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/close', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'close', async () => await closeCase({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/reopen', { config: { access: CASE_ASSIGN_ROLES } }, async (request, reply) =>
    await caseForm(request, reply, 'reopen', async () => await reopenCase({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/family', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'family', async () => await openFamilyCase({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/transfers', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'transfer', async () => await requestTransfer({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Sub>('/cases/:id/transfers/:tid/cancel', { config: CHANGE }, async (request, reply) =>
    await caseForm(sub(request), reply, 'transfer_cancel', async () => await cancelTransfer({ db, actor: request.actor!, personId: request.params.id, transferId: request.params.tid! })),
  );
  /** The receiving pendamping answers on their caseload: back there with what happened (the case opens when accepted). */
  for (const answer of ['accepted', 'refused'] as const) {
    app.post<Sub>(`/cases/:id/transfers/:tid/${answer === 'accepted' ? 'accept' : 'refuse'}`, { config: { access: ['pendamping'] } }, async (request, reply) => {
      try {
        await answerTransfer({ db, actor: request.actor!, personId: request.params.id, transferId: request.params.tid!, answer, input: request.body });
        flash(request, { kind: 'ok', message: request.t(`cases.saved.transfer_${answer}`) });
        return reply.redirect(answer === 'accepted' ? `/cases/${encodeURIComponent(request.params.id)}` : '/cases', 303);
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
        const detail = err.fieldErrors.length ? err.fieldErrors.map((f) => request.t(f.message, f.params)).join(' ') : request.t(err.messageKey, err.params);
        flash(request, { kind: 'error', message: detail });
        return reply.redirect('/cases#incoming', 303);
      }
    });
  }
  app.post<Id>('/cases/:id/outside-referrals', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'outside', async () => await referOutside({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Sub>('/cases/:id/outside-referrals/:rid/answer', { config: CHANGE }, async (request, reply) =>
    await caseForm(sub(request), reply, 'outside_answer', async () => await answerOutsideReferral({ db, actor: request.actor!, personId: request.params.id, referralId: request.params.rid!, input: request.body })),
  );
  /** The letter's line "who follows up there", typed when Singgah has no pendamping at the destination. */
  app.post<Id>('/stays/:id/handover/contact', { config: CHANGE }, async (request, reply) => {
    try {
      await setFollowUpContact({ db, actor: request.actor!, stayId: request.params.id, input: request.body });
      flash(request, { kind: 'ok', message: request.t('cases.saved.contact') });
    } catch (err) {
      if (!(err instanceof DomainError) || (err.code !== 'VALIDATION' && err.code !== 'CONFLICT')) throw err;
      const detail = err.fieldErrors.length ? err.fieldErrors.map((f) => request.t(f.message, f.params)).join(' ') : request.t(err.messageKey, err.params);
      flash(request, { kind: 'error', message: detail });
    }
    return reply.redirect(`/stays/${encodeURIComponent(request.params.id)}/handover`, 303);
  });
  app.post<{ Params: { id: string; fid: string } }>('/cases/:id/follow-ups/:fid/done', { config: CHANGE }, async (request, reply) =>
    await caseForm(request as unknown as FastifyRequest<Id>, reply, 'done', async () =>
      await completeFollowUp({ db, actor: request.actor!, personId: request.params.id, followUpId: request.params.fid, input: request.body }),
    ),
  );
  app.post<Id>('/cases/:id/dtks-proposal', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'dtks', async () => await proposeToDtks({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/cases/:id/dtks-check', { config: CHANGE }, async (request, reply) =>
    await caseForm(request, reply, 'dtks_check', async () => await recordDtksCheck({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
};
export default casePages;

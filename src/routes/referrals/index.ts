import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema/index.ts';
import { isWide, PEOPLE_ROLES, WIDE_ROLES } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import {
  acceptReferral,
  arriveReferral,
  cancelReferral,
  departReferral,
  inbox,
  proposeReferral,
  refuseReferral,
  resolveAlert,
  type ReferralRecord,
} from '../../domain/referrals/index.ts';
import { personsWithOpenReferral, stepsFor, type Step } from '../../domain/referrals/load.ts';
import { routePerson } from '../../domain/referrals/route-person.ts';
import { describeReason } from '../../domain/routing/text.ts';
import { referralsRegion } from './live.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { age } from '../../domain/board/board.ts';
import { suggestionsView } from './suggestions.ts';

const PEOPLE = { access: PEOPLE_ROLES };
const DECIDERS: readonly Role[] = ['admin', 'command', 'manager'];

type Id = { Params: { id: string } };

const STEP_VERBS: Record<Step, typeof acceptReferral> = {
  accept: acceptReferral,
  refuse: refuseReferral,
  depart: departReferral,
  arrive: arriveReferral,
  cancel: cancelReferral,
};

/**
 * Referral pages: the inboxes (/referrals), the one-tap suggestions for a
 * person (/residents/:id/suggestions), and the forms that take each step.
 * The inbox stays live: ./live.ts (referralsRegion).
 */
const referralPages: FastifyPluginAsync = async (app) => {
  const hold = app.config.REFERRAL_HOLD_MINUTES;

  async function inboxData(request: FastifyRequest, extra: Record<string, unknown> = {}) {
    const actor = request.actor!;
    const data = await inbox({ db: app.db, actor });
    const now = new Date(data.now);
    const withSteps = (list: ReferralRecord[]) =>
      list.map((r) => ({ ...r, steps: stepsFor(actor, { status: r.status, fromFacilityId: r.from_facility?.id ?? null, toFacilityId: r.to_facility.id ?? '' }) }));
    // (A destination hidden from the actor has no id in their view: they are not at it, so '' decides the same.)
    // A refusal puts the person back on the sending desk's list, with the next suggestions (unless already sent elsewhere).
    const closedFor = data.outgoing
      .filter((r) => r.status === 'REFUSED' || r.status === 'EXPIRED')
      .map((r) => r.persons[0]?.id)
      .filter((id): id is string => !!id);
    const stillOpen = await personsWithOpenReferral(app.db, closedFor);
    const reopened = new Set(closedFor.filter((id) => !stillOpen.has(id)));
    const shown = new Set<string>();
    const nextFor = (r: ReferralRecord) => {
      const id = r.persons[0]?.id;
      if (!id || !reopened.has(id) || shown.has(id)) return false;
      shown.add(id);
      return true;
    };
    return {
      title: request.t('referrals.title'),
      incoming: withSteps(data.incoming),
      outgoing: withSteps(data.outgoing).map((r) => ({ ...r, next: nextFor(r) })),
      all: withSteps(data.all),
      alerts: data.alerts.map((a) => ({
        ...a,
        text: Array.isArray(a.detail?.missing) && request.lang !== 'id'
          ? [
              ...(a.detail.missing as { key: string; params?: Record<string, string | number> }[]),
              // The inbox is the command centre's: it may know a protected facility could take them (never which).
              ...(Number(a.detail.hidden_fits) > 0 ? [{ key: 'routing.missing.hidden_fits', params: { count: Number(a.detail.hidden_fits) } }] : []),
            ]
              .map((m) => describeReason(request.t, m))
              .join(' ')
          : a.message,
        ago: age(a.raised_at_utc, now, request.lang),
      })),
      wide: isWide(actor),
      hasFacility: actor.facilityId !== null,
      ago: (iso: string | null) => (iso ? age(iso, now, request.lang) : ''),
      live: referralsRegion.connect(),
      errorsFor: {} as Record<string, Record<string, string>>,
      problemFor: {} as Record<string, string>,
      ...extra,
    };
  }

  app.get('/referrals', { config: PEOPLE }, async (request, reply) =>
    reply.view('pages/referrals/index', await inboxData(request), { region: 'partials/referrals/inbox' }),
  );

  // One tap from the suggestions: propose a referral (holds the places).
  app.post('/referrals', { config: PEOPLE }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const r = await proposeReferral({ db: app.db, actor: request.actor!, input: body, holdMinutes: hold });
      flash(request, { kind: 'ok', message: request.t('referrals.proposed', { facility: r.to_facility.name ?? '—', places: r.places }) });
      return reply.redirect('/referrals', 303);
    } catch (err) {
      if (err instanceof DomainError && ['VALIDATION', 'NO_FREE_PLACE', 'CONFLICT'].includes(err.code) && typeof body.person_id === 'string') {
        const problem = err.fieldErrors.length ? Object.values(fieldErrorMap(request, err.fieldErrors)).join(' ') : request.t(err.messageKey, err.params);
        return await showSuggestions(request, reply, body.person_id, { problem, values: body }, err.status);
      }
      throw err;
    }
  });

  for (const step of Object.keys(STEP_VERBS) as Step[]) {
    app.post<Id>(`/referrals/:id/${step}`, { config: { access: step === 'accept' || step === 'refuse' ? DECIDERS : PEOPLE_ROLES } }, async (request, reply) => {
      const id = request.params.id;
      try {
        const r = await STEP_VERBS[step]({ db: app.db, actor: request.actor!, referralId: id, input: request.body ?? {}, holdMinutes: hold });
        flash(request, { kind: 'ok', message: request.t(`referrals.done.${step}`, { facility: r.to_facility.name ?? '—', places: r.places }) });
        return reply.redirect(`/referrals#ref-${encodeURIComponent(id)}`, 303);
      } catch (err) {
        if (err instanceof DomainError && ['VALIDATION', 'NO_FREE_PLACE', 'CONFLICT'].includes(err.code)) {
          const extra = err.fieldErrors.length
            ? { errorsFor: { [id]: fieldErrorMap(request, err.fieldErrors) }, problemFor: {} }
            : { problemFor: { [id]: request.t(err.messageKey, err.params) }, errorsFor: {} };
          return reply.view('pages/referrals/index', await inboxData(request, extra), { status: err.status });
        }
        throw err;
      }
    });
  }

  app.post<Id>('/referrals/alerts/:id/resolve', { config: { access: WIDE_ROLES } }, async (request, reply) => {
    try {
      await resolveAlert({ db: app.db, actor: request.actor!, id: request.params.id, input: request.body ?? {} });
    } catch (err) {
      // A person's alert needs a note saying what was done: the inbox says so.
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        flash(request, { kind: 'error', message: request.t('referrals.alert_note_required') });
        return reply.redirect('/referrals#alerts', 303);
      }
      throw err;
    }
    return reply.redirect('/referrals#alerts', 303);
  });

  async function showSuggestions(request: FastifyRequest, reply: FastifyReply, personId: string, extra: Record<string, unknown> = {}, status = 200) {
    const q = (request.query as { all?: string; alone?: string; passed?: string } | undefined) ?? {};
    const body = (request.method === 'POST' ? request.body : undefined) as { alone?: string } | undefined;
    const alone = q.alone === '1' || body?.alone === '1';
    // passed=all: every destination and every facility passed over, each with its reasons (else the best 20, the nearest 10 passed over and counts by reason).
    const routing = await routePerson({ db: app.db, actor: request.actor!, personId, alone, all: q.passed === 'all' });
    const all = q.all === '1' || request.method === 'POST';
    return reply.view(
      'pages/referrals/suggestions',
      { ...suggestionsView(request, routing, { all, alone }), ...extra },
      { status, region: 'partials/referrals/suggestions' },
    );
  }

  // Where the work is: after intake and on a person's page (loaded there with hx-get), or as a page of its own.
  app.get<Id>('/residents/:id/suggestions', { config: PEOPLE }, async (request, reply) => await showSuggestions(request, reply, request.params.id));
};
export default referralPages;

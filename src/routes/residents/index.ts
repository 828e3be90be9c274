import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { hasRole, PEOPLE_ROLES } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { readPerson } from '../../domain/residents/read.ts';
import { searchPersons } from '../../domain/residents/search.ts';
import { MERGE_ROLES, mergePersons } from '../../domain/residents/merge.ts';
import { ANONYMISE_ROLES, anonymisePerson } from '../../domain/residents/anonymise.ts';
import { MANUAL_OUTCOMES } from '../../domain/stays/input.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import stayPages from '../stays/index.ts';
import editPages from './edit.ts';
import { addHouseholdMember, removeHouseholdMember } from '../../domain/residents/household.ts';
import { recordBirth } from '../../domain/residents/birth.ts';
import { pregnancyWeeksOn } from '../../domain/persons/pregnancy.ts';
import { nowIso, wibDate } from '../../lib/time.ts';

const PEOPLE = { access: PEOPLE_ROLES };
/** The page with a revealed NIK is never stored for replay. */
const PEOPLE_SECRET = { access: PEOPLE_ROLES, idempotent: false };

import { leftCareBy } from '../../domain/stays/discharge.ts';

type Id = { Params: { id: string } };

/**
 * The person pages. Whether the actor may see a person is the domain's
 * question (readPerson): others get 404, satpol and display 403.
 */
const residentPages: FastifyPluginAsync = async (app) => {
  await app.register(stayPages);
  await app.register(editPages);

  app.get('/residents', { config: PEOPLE }, async (request, reply) => {
    const q = ((request.query as { q?: string }).q ?? '').toString();
    const hits = await searchPersons({ db: app.db, actor: request.actor!, q });
    return reply.view('pages/residents/index', { title: request.t('residents.title'), q, hits }, { region: 'partials/residents/results' });
  });

  /** The person page; `extra` carries a revealed NIK or a form's errors. */
  async function showPerson(request: FastifyRequest, reply: FastifyReply, id: string, extra: { reveal?: boolean; status?: number; region?: string } & Record<string, unknown> = {}) {
    const actor = request.actor!;
    const d = await readPerson({ db: app.db, actor, id, revealNik: extra.reveal === true, view: 'page' });
    if (d.redirectedFrom && request.method === 'GET') return reply.redirect(`/residents/${encodeURIComponent(d.person.id)}`, 303);
    const unplacedHousehold = d.household.filter((m) => m.visible && !m.openStay).map((m) => m.id);
    const actsAtStay = d.openStay ? actor.role === 'admin' || actor.role === 'command' || actor.facilityId === d.openStay.stay.facilityId : false;
    const { status, region, reveal: _r, ...rest } = extra;
    return reply.view(
      'pages/residents/show',
      {
        title: d.person.name ?? d.person.description ?? d.person.residentCode,
        d,
        outcomes: MANUAL_OUTCOMES,
        canMerge: hasRole(actor, MERGE_ROLES),
        canAnonymise: hasRole(actor, ANONYMISE_ROLES),
        actsAtStay,
        checkInIds: d.openStay ? [] : [d.person.id, ...unplacedHousehold],
        // Discharged home, to family or community (or gone): not "not placed", and no "Tempatkan" first.
        leftCare: d.openStay ? null : (leftCareBy(d.stays.map((s) => ({ ...s.stay, zone: s.zone }))) ?? null),
        cluster: d.cluster,
        // Weeks of pregnancy as of today (the weeks typed at intake move on with the calendar).
        pregnancyWeeks: pregnancyWeeksOn(d.person, wibDate(nowIso())),
        today: wibDate(nowIso()),
        ...rest,
      },
      { status: status ?? 200, ...(region ? { region } : {}) },
    );
  }

  app.get<Id>('/residents/:id', { config: PEOPLE }, async (request, reply) => await showPerson(request, reply, request.params.id));

  // Correcting the household from the person page (the same verbs as the API).
  for (const [path, verb, done] of [
    ['/residents/:id/household/add', addHouseholdMember, 'household.added'],
    ['/residents/:id/household/remove', removeHouseholdMember, 'household.removed'],
  ] as const) {
    app.post<Id>(path, { config: PEOPLE }, async (request, reply) => {
      try {
        const r = await verb({ db: app.db, actor: request.actor!, personId: request.params.id, input: request.body ?? {} });
        flash(request, { kind: 'ok', message: request.t(done, { code: r.changed.resident_code }) });
        return reply.redirect(`/residents/${encodeURIComponent(request.params.id)}#household`, 303);
      } catch (err) {
        if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'CONFLICT')) {
          return await showPerson(request, reply, request.params.id, {
            status: err.status,
            householdErrors: fieldErrorMap(request, err.fieldErrors),
            householdProblem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
            householdValues: request.body ?? {},
          });
        }
        throw err;
      }
    });
  }

  // "Catat kelahiran": the same verb as POST /api/v1/residents/:id/birth, a plain form first.
  app.post<Id>('/residents/:id/birth', { config: PEOPLE }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const input = { sex: body.sex, born_at: body.born_at, name: body.name, birth_weight_grams: body.birth_weight_grams };
    try {
      const r = await recordBirth({ db: app.db, actor: request.actor!, motherId: request.params.id, input });
      const unit = r.stays[0]?.unit_id;
      const d = await readPerson({ db: app.db, actor: request.actor!, id: request.params.id, view: 'page' });
      const unitName = d.openStay?.stay.unitId === unit ? d.openStay?.unitName : '';
      flash(request, { kind: 'ok', message: request.t(r.moved ? 'births.recorded_moved' : 'births.recorded', { code: r.baby.resident_code, unit: unitName ?? '' }) });
      return reply.redirect(`/residents/${encodeURIComponent(request.params.id)}#household`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'CONFLICT' || err.code === 'NO_FREE_PLACE')) {
        return await showPerson(request, reply, request.params.id, {
          status: err.status,
          birthErrors: fieldErrorMap(request, err.fieldErrors),
          birthProblem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
          birthValues: input,
        });
      }
      throw err;
    }
  });

  // "Show NIK" is a POST: it is an act (audited as person.reveal_nik), not a view.
  app.post<Id>('/residents/:id/reveal-nik', { config: PEOPLE_SECRET }, async (request, reply) =>
    await showPerson(request, reply, request.params.id, { reveal: true, region: 'partials/residents/nik' }),
  );

  app.get<Id>('/residents/:id/card', { config: PEOPLE }, async (request, reply) => {
    const d = await readPerson({ db: app.db, actor: request.actor!, id: request.params.id, view: 'card' });
    // Inline SVG markup (no style attributes): allowed under the CSP, sharp on any printer.
    const qr = await QRCode.toString(d.person.residentCode, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    const qrSmall = qr.replace('<svg ', '<svg class="qr-small" aria-hidden="true" ');
    const qrLarge = qr.replace('<svg ', `<svg class="qr" role="img" aria-label="QR ${d.person.residentCode}" `);
    return reply.view('pages/residents/card', { title: request.t('residents.card_title'), d, qr: qrLarge, qrSmall, bodyClass: 'card-page' });
  });

  app.post<Id>('/residents/:id/merge', { config: { access: MERGE_ROLES } }, async (request, reply) => {
    try {
      const r = await mergePersons({ db: app.db, actor: request.actor!, survivorId: request.params.id, input: request.body });
      flash(request, { kind: 'ok', message: request.t('residents.merged', { code: r.survivor.resident_code }) });
      return reply.redirect(`/residents/${encodeURIComponent(request.params.id)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'CONFLICT')) {
        return await showPerson(request, reply, request.params.id, {
          status: err.status,
          mergeErrors: fieldErrorMap(request, err.fieldErrors),
          mergeProblem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
          mergeValues: request.body,
        });
      }
      throw err;
    }
  });

  app.post<Id>('/residents/:id/anonymise', { config: { access: ANONYMISE_ROLES } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      if (body.confirm !== 'on') throw new DomainError('CONFLICT', 'residents.anonymise_confirm_needed');
      const r = await anonymisePerson({ db: app.db, actor: request.actor!, personId: request.params.id });
      flash(request, { kind: 'ok', message: request.t('residents.anonymised_done', { code: r.resident_code }) });
      return reply.redirect(`/residents/${encodeURIComponent(request.params.id)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') {
        return await showPerson(request, reply, request.params.id, { status: 409, anonymiseProblem: request.t(err.messageKey, err.params) });
      }
      throw err;
    }
  });
};
export default residentPages;

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isWide, PEOPLE_ROLES } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { nikOverrideFromForm } from '../../domain/persons/nik.ts';
import { ageFromTyped } from '../../domain/persons/age.ts';
import { registerIntake } from '../../domain/residents/register.ts';
import type { IntakeNeedsDecision } from '../../domain/residents/intake-result.ts';
import { countNeverPlacedRegisteredAt } from '../../domain/residents/never-placed.ts';
import { checkInOptions, facilityChoicesFor } from '../../domain/stays/check-in-options.ts';
import { checkIn } from '../../domain/stays/check-in.ts';
import { staysInAndOutSince } from '../../domain/stays/read.ts';
import { describeReason } from '../../domain/routing/text.ts';
import { loadFacilityOccupancy } from '../../domain/occupancy/compute.ts';
import { nowIso, wibDate, zoneOf } from '../../lib/time.ts';
import { dayStart, todayIn } from '../../domain/time-zone.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { nothingDone } from '../../plugins/idempotency.ts';
import { unflatten } from './form.ts';
import { deskRegion } from './live.ts';

const PEOPLE = { access: PEOPLE_ROLES };
const MAX_MEMBERS = 20;

type Member = Record<string, unknown>;
interface IntakeForm {
  source?: unknown;
  facility_id?: unknown;
  household?: unknown;
  persons: Member[];
}

const blankMember = (): Member => ({});

const intakeRoutes: FastifyPluginAsync = async (app) => {
  async function renderForm(request: FastifyRequest, reply: FastifyReply, form: IntakeForm, extra: Record<string, unknown> = {}, status = 200) {
    const today = wibDate(nowIso());
    return reply.view(
      'pages/intake/index',
      {
        title: request.t('intake.title'),
        form,
        derived: form.persons.map((m) => ageFromTyped(m.birth_date, m.estimated_age, today)),
        facilityChoices: await facilityChoicesFor(app.db, request.actor!),
        dups: {},
        nikWarnings: {},
        ...extra,
      },
      { status, region: 'partials/intake/form' },
    );
  }

  app.get('/intake', { config: PEOPLE }, async (request, reply) => {
    const q = request.query as { members?: string };
    const n = Math.min(Math.max(Number(q.members) || 1, 1), MAX_MEMBERS);
    // "Penerimaan keluarga" opens with several members: one household unless the officer unticks it.
    return await renderForm(request, reply, { source: 'walk_in', household: n > 1 ? 'on' : undefined, persons: Array.from({ length: n }, blankMember) });
  });

  app.post('/intake', { config: PEOPLE }, async (request, reply) => {
    const body = unflatten(request.body);
    // The submit button's name is `step`, not `action`: a field named action would shadow form.action (docs/notes/htmx4.md §7).
    const action = typeof body.step === 'string' ? body.step : 'save';
    const persons = (Array.isArray(body.persons) ? body.persons : []).filter((m): m is Member => !!m && typeof m === 'object');
    const form: IntakeForm = { source: body.source, facility_id: body.facility_id, household: body.household, persons: persons.length ? persons : [blankMember()] };

    // Adding or removing a member is a round trip that saves nothing (htmx swaps the form in place).
    if (action === 'add_member') {
      nothingDone(request);
      if (form.persons.length < MAX_MEMBERS) form.persons.push(blankMember());
      // More than one member is a household unless the officer unticked it (the box was on the page).
      if (form.persons.length > 1 && body.household_shown === undefined) form.household = 'on';
      return await renderForm(request, reply, form, { focusMember: form.persons.length - 1 });
    }
    if (action.startsWith('remove:')) {
      nothingDone(request);
      const i = Number(action.slice(7));
      if (form.persons.length > 1 && Number.isInteger(i)) form.persons.splice(i, 1);
      return await renderForm(request, reply, form);
    }

    // The officer's answers on the form become the verb's decisions.
    const fieldErrors: { path: string; message: string }[] = [];
    const input = {
      source: form.source,
      facility_id: form.facility_id,
      household: form.persons.length > 1 ? form.household === 'on' || body.household_shown === undefined : undefined,
      persons: form.persons.map((m, i) => {
        const decision = typeof m.decision === 'string' ? m.decision : '';
        const override = nikOverrideFromForm(m.nik_keep === 'on', m.nik_override_reason, `persons.${i}.nik_override_reason`);
        if (override.error) fieldErrors.push(override.error);
        return {
          ...m,
          same_as: decision && decision !== 'new' ? decision : undefined,
          confirm_new: decision === 'new',
          nik_override_reason: override.reason,
        };
      }),
    };
    if (fieldErrors.length) return await renderForm(request, reply, form, { errors: fieldErrorMap(request, fieldErrors) }, 422);
    try {
      const result = await registerIntake({ db: app.db, actor: request.actor!, input });
      if (result.status === 'needs_decision') {
        // Nothing is saved until the officer decides: the same key sent again (a queued save replayed) asks again.
        nothingDone(request);
        return await renderForm(request, reply, form, decisionView(request, result), 200);
      }
      const codes = result.persons.map((p) => p.resident_code).join(', ');
      flash(request, { kind: 'ok', message: request.t(result.attached.length ? 'intake.registered_attached' : 'intake.registered', { count: result.persons.length, codes }) });
      for (const w of result.warnings) flash(request, { kind: 'warn', message: `${result.persons[w.index]?.resident_code}: ${request.t(w.code, w.params)}` });
      const qs = result.persons.map((p) => `p=${encodeURIComponent(p.id)}`).join('&');
      const facility = result.facility_id && isWide(request.actor!) ? `&facility=${encodeURIComponent(result.facility_id)}` : '';
      return reply.redirect(`/intake/check-in?${qs}${facility}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return await renderForm(request, reply, form, { errors: fieldErrorMap(request, err.fieldErrors) }, 422);
      }
      throw err;
    }
  });

  function decisionView(request: FastifyRequest, result: IntakeNeedsDecision) {
    const dups: Record<number, unknown> = {};
    for (const g of result.duplicates) dups[g.index] = g.candidates;
    const nikWarnings: Record<number, { message: string; blocking: boolean; overridable: boolean }[]> = {};
    for (const w of result.nik_warnings) {
      (nikWarnings[w.index] ??= []).push({
        message: request.t(w.code, w.params),
        blocking: w.blocking,
        overridable: w.overridable,
      });
    }
    return { dups, nikWarnings, needsDecision: true };
  }

  // ---- Check-in: the second step of an intake, and the way back in for anyone without a place ----

  async function placementView(request: FastifyRequest, ids: string[], facilityId: string | null, extra: Record<string, unknown> = {}) {
    const o = await checkInOptions({ db: app.db, actor: request.actor!, personIds: ids, facilityId });
    return {
      title: request.t('intake.checkin_title'),
      live: o.facility ? deskRegion.connect({ id: o.facility.id }) : false,
      people: o.people,
      placed: o.placed,
      groupSize: o.groupSize,
      scarce: o.scarce,
      facility: o.facility,
      facilityChoices: o.facilityChoices,
      units: o.units.map((u) => ({ ...u, refusal: u.refusal ? describeReason(request.t, u.refusal) : null })),
      defaultUnit: o.suggestion?.unitId ?? null,
      suggestionReason: o.suggestion ? describeReason(request.t, o.suggestion.reason) : null,
      supervisor: o.supervisor,
      childOverride: o.childOverride,
      ...extra,
    };
  }


  const idsFrom = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x.length > 0).slice(0, MAX_MEMBERS);

  /** Where the desk goes once placed: back to the handoff it came from ("Terima keluarga"), never elsewhere. */
  const backTo = (v: unknown): string | null => (typeof v === 'string' && /^\/handoffs\/[A-Za-z0-9_-]{1,64}$/.test(v) ? v : null);

  app.get('/intake/check-in', { config: PEOPLE }, async (request, reply) => {
    const q = request.query as { p?: string | string[]; facility?: string; back?: string };
    const ids = [...new Set(idsFrom(q.p))];
    return reply.view('pages/intake/check-in', await placementView(request, ids, q.facility ?? null, { values: {}, back: backTo(q.back) }));
  });

  app.post('/intake/check-in', { config: PEOPLE }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const all = [...new Set(idsFrom(body.all))];
    const chosen = idsFrom(body.person_ids);
    const unitId = typeof body.unit_id === 'string' ? body.unit_id : undefined;
    const bed = unitId ? body[`bed.${unitId}`] : undefined;
    const input = {
      person_ids: chosen,
      facility_id: body.facility_id,
      unit_id: unitId,
      bed_label: typeof bed === 'string' && bed ? bed : undefined,
      split_reason: body.split_reason,
      overflow_reason: body.overflow_reason,
      scarce_choice: body.scarce_choice,
      child_reason: body.child_reason,
    };
    try {
      const result = await checkIn({ db: app.db, actor: request.actor!, input });
      flash(request, {
        kind: result.overflow ? 'warn' : 'ok',
        message: request.t(result.overflow ? 'intake.checked_in_overflow' : 'intake.checked_in', { count: result.stays.length, unit: result.unit_name }),
      });
      return reply.redirect(backTo(body.back) ?? `/residents/${encodeURIComponent(chosen[0]!)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && ['VALIDATION', 'NO_FREE_PLACE', 'CONFLICT'].includes(err.code)) {
        const facilityId = typeof body.facility_id === 'string' ? body.facility_id : null;
        return reply.view(
          'pages/intake/check-in',
          await placementView(request, all.length ? all : chosen, facilityId, {
            errors: fieldErrorMap(request, err.fieldErrors),
            problem: err.code === 'VALIDATION' && err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
            noFreePlace: err.code === 'NO_FREE_PLACE' || err.messageKey === 'stays.child_needs_children_unit',
            childRefused: err.messageKey === 'stays.child_needs_children_unit',
            values: body,
            back: backTo(body.back),
          }),
          { status: err.status },
        );
      }
      throw err;
    }
  });

  /** The intake officer's home: counts at their facility (loaded by htmx into views/partials/home/intake.eta). */
  app.get('/intake/summary', { config: PEOPLE }, async (request, reply) => {
    const actor = request.actor!;
    const facility = actor.facilityId ? (await loadFacilityOccupancy(app.db, { facilityId: actor.facilityId }))[0] : undefined;
    // "Today" is the facility's day (domain/time-zone.ts: WIB, WITA or WIT by its province).
    const zone = zoneOf(facility?.wilayah_code);
    const sinceUtc = dayStart(todayIn(zone), zone);
    const today = facility ? await staysInAndOutSince(app.db, facility.id, sinceUtc) : undefined;
    const unplaced = facility ? await countNeverPlacedRegisteredAt(app.db, facility.id) : 0;
    return reply.view('partials/intake/summary', { facility, today, unplaced });
  });
};
export default intakeRoutes;


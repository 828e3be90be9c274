import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../../domain/errors.ts';
import { maskIdNumber, nikOverrideFromForm } from '../../domain/persons/nik.ts';
import { updatePerson } from '../../domain/residents/update.ts';
import { personForEdit, UPDATE_ROLES } from '../../domain/residents/edit-form.ts';
import type { UpdateNikWarning } from '../../domain/residents/update-nik.ts';
import type { PersonRow } from '../../domain/persons/record.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { pregnancyWeeksOn } from '../../domain/persons/pregnancy.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { flash } from '../../plugins/flash.ts';

const EDITORS = { access: UPDATE_ROLES };
type Id = { Params: { id: string } };
type Values = Record<string, unknown>;

/** Text-like fields of the form: sent whole by the browser; blank clears. */
const TEXT_FIELDS = [
  'name', 'alias', 'description', 'sex', 'birth_date', 'estimated_age', 'category', 'phone', 'chronic_illness',
  'ktp_address', 'domicile_address', 'origin_wilayah_code', 'dtks', 'pkh', 'bpnt', 'pregnancy_weeks',
] as const;
/** Checkboxes: a browser leaves an unticked box out, which here means "no". */
const BOXES = ['pregnant', 'wheelchair', 'needs_medical', 'unaccompanied_child', 'trafficking_victim', 'napza', 'consent'] as const;

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

/** The record as the form shows it. NIK and KK are never put in the form in full: blank keeps them. */
function valuesOf(p: PersonRow): Values {
  return {
    version: String(p.version),
    name: str(p.name),
    alias: str(p.alias),
    description: str(p.description),
    sex: p.sex,
    birth_date: str(p.birthDate),
    estimated_age: str(p.estimatedAge),
    category: str(p.category),
    phone: str(p.phone),
    chronic_illness: str(p.chronicIllness),
    ktp_address: str(p.ktpAddress),
    domicile_address: str(p.domicileAddress),
    origin_wilayah_code: str(p.originWilayahCode),
    dtks: p.dtks,
    pkh: p.pkh,
    bpnt: p.bpnt,
    // As the record shows them today: unchanged, they keep the due date (residents/update.ts).
    pregnancy_weeks: str(pregnancyWeeksOn(p, wibDate(nowIso()))),
    disabilities: [...p.disabilities],
    pregnant: p.pregnant ? 'on' : '',
    wheelchair: p.wheelchair ? 'on' : '',
    needs_medical: p.needsMedical ? 'on' : '',
    unaccompanied_child: p.unaccompaniedChild ? 'on' : '',
    trafficking_victim: p.traffickingVictim ? 'on' : '',
    napza: p.napza ? 'on' : '',
    consent: p.consent ? 'on' : '',
  };
}

/** What the browser sent, as the verb's input (the same fields as the API's PATCH). */
function inputFromForm(body: Values): { input: Values; overrideError: FieldError | null } {
  const input: Values = { version: body.version };
  for (const k of TEXT_FIELDS) if (k in body) input[k] = body[k];
  for (const k of BOXES) input[k] = body[k] === 'on';
  input.disabilities = body.disabilities ?? [];
  // The weeks field is hidden once "pregnant" is unticked: unticking clears them.
  if (!input.pregnant) input.pregnancy_weeks = '';
  input.nik = body.nik_remove === 'on' ? '' : blank(body.nik) ? undefined : body.nik;
  input.kk = body.kk_remove === 'on' ? '' : blank(body.kk) ? undefined : body.kk;
  const override = nikOverrideFromForm(body.nik_keep === 'on', body.nik_override_reason, 'nik_override_reason');
  input.nik_override_reason = override.reason;
  return { input, overrideError: override.error };
}

/** Fields where the record now differs from what the officer sent (after someone else's change). */
function differences(current: Values, sent: Values): Values {
  const norm = (v: unknown) => (Array.isArray(v) ? v.map(String).sort().join(',') : str(v).trim());
  const out: Values = {};
  for (const k of TEXT_FIELDS) if (k in sent && norm(sent[k]) !== norm(current[k])) out[k] = current[k];
  for (const k of BOXES) if ((sent[k] === 'on') !== (current[k] === 'on')) out[k] = current[k];
  const sentDisabilities = sent.disabilities === undefined ? [] : Array.isArray(sent.disabilities) ? sent.disabilities : [sent.disabilities];
  if (norm(sentDisabilities) !== norm(current.disabilities)) out.disabilities = current.disabilities;
  return out;
}

/**
 * Correcting a person's record after intake: GET /residents/:id/edit shows
 * the form, prefilled; POST saves it through the same verb as the API's
 * PATCH. Works without JavaScript; every error sits beside its field.
 */
const editPages: FastifyPluginAsync = async (app) => {
  function renderForm(request: FastifyRequest, reply: FastifyReply, person: PersonRow, values: Values, extra: Values = {}, status = 200) {
    return reply.view(
      'pages/residents/edit',
      {
        title: request.t('residents.edit_title', { code: person.residentCode }),
        p: person,
        values,
        nikMasked: maskIdNumber(person.nik),
        kkMasked: maskIdNumber(person.kk),
        nikWarnings: [],
        ...extra,
      },
      { status },
    );
  }

  app.get<Id>('/residents/:id/edit', { config: EDITORS }, async (request, reply) => {
    const { person, redirectTo } = await personForEdit({ db: app.db, actor: request.actor!, id: request.params.id });
    if (redirectTo) return reply.redirect(`/residents/${encodeURIComponent(redirectTo)}/edit`, 303);
    return renderForm(request, reply, person, valuesOf(person));
  });

  app.post<Id>('/residents/:id/edit', { config: EDITORS }, async (request, reply) => {
    const actor = request.actor!;
    const id = request.params.id;
    const body = (request.body ?? {}) as Values;
    const { input, overrideError } = inputFromForm(body);
    // The values shown again: what was typed; a box unticked stays unticked.
    const values: Values = { ...body };
    for (const k of BOXES) values[k] = body[k] === 'on' ? 'on' : '';
    if (overrideError) {
      const { person } = await personForEdit({ db: app.db, actor, id });
      return renderForm(request, reply, person, values, { errors: fieldErrorMap(request, [overrideError]) }, 422);
    }
    try {
      const result = await updatePerson({ db: app.db, actor, personId: id, input });
      if (result.status === 'needs_decision') {
        const { person } = await personForEdit({ db: app.db, actor, id });
        if (blank(values.nik_override_reason) && person.nikOverrideReason) values.nik_override_reason = person.nikOverrideReason;
        return renderForm(request, reply, person, values, { nikWarnings: warningsView(request, result.nik_warnings), problem: request.t('residents.edit_needs_decision') }, 422);
      }
      const code = result.person.residentCode;
      flash(request, { kind: 'ok', message: request.t(result.changed.length ? 'residents.updated' : 'residents.update_nothing', { code }) });
      for (const w of result.warnings) flash(request, { kind: 'warn', message: `${code}: ${request.t(w.code, w.params)}` });
      return reply.redirect(`/residents/${encodeURIComponent(result.person.id)}`, 303);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'VALIDATION') {
        const { person } = await personForEdit({ db: app.db, actor, id });
        return renderForm(request, reply, person, values, { errors: fieldErrorMap(request, err.fieldErrors), problem: request.t('error.validation') }, 422);
      }
      if (err.code === 'CONFLICT' && err.messageKey === 'residents.changed') {
        // Someone saved this record meanwhile: keep what the officer typed, show beside each field
        // what is on record now, and take the current version so that the next save is theirs to decide.
        const { person } = await personForEdit({ db: app.db, actor, id });
        const current = valuesOf(person);
        return renderForm(request, reply, person, { ...values, version: current.version }, { problem: request.t('residents.changed_form'), current: differences(current, values) }, 409);
      }
      throw err;
    }
  });
};

function warningsView(request: FastifyRequest, warnings: UpdateNikWarning[]) {
  return warnings.map((w) => ({
    message: request.t(w.code, w.params),
    overridable: w.overridable,
  }));
}

export default editPages;

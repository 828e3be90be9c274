import { READERS, ADMIN, MANAGERS } from './access.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import * as F from '../../domain/facilities/index.ts';
import { DomainError } from '../../domain/errors.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import type { Db } from '../../db/client.ts';
import { CHOICES } from './choices.ts';
import { facilityRegion } from './live.ts';


type IdParams = { Params: { id: string } };
type UnitParams = { Params: { id: string; unitId: string } };
type Body = Record<string, unknown>;

/** The forms of a unit on the facility page; each re-renders with its own errors. */
const UNIT_FORMS = ['capacity', 'block', 'status', 'details'] as const;
type UnitForm = (typeof UNIT_FORMS)[number];

/** A form's failure: field errors beside their fields, or one message (a conflict) at the top of the form. */
interface FormState {
  key: string;
  errors: Record<string, string>;
  values: Body;
  message?: string;
}

function formFailure(request: FastifyRequest, err: unknown, key: string, values: Body): { state: FormState; status: number } | null {
  if (!(err instanceof DomainError)) return null;
  if (err.code === 'VALIDATION') return { state: { key, errors: fieldErrorMap(request, err.fieldErrors), values }, status: 422 };
  if (err.code === 'CONFLICT') return { state: { key, errors: {}, values, message: request.t(err.messageKey, err.params) }, status: 409 };
  return null;
}

/**
 * Facility pages: the list (filters work as a plain GET form and live with
 * htmx), one facility with its units and who is there, inline unit editing
 * for admins and the facility's manager, and the admin's facility forms.
 */
const facilityPages: FastifyPluginAsync = async (app) => {
  async function showPage(request: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const detail = await F.getFacility(app.db, request.actor!, id);
    return reply.view(
      'pages/facilities/show',
      { ...CHOICES, d: detail, title: detail.facility.name, live: facilityRegion.connect({ id }), ...extra },
      { region: 'partials/facilities/main', status },
    );
  }

  /** After a successful change: htmx gets the refreshed region with a notice; a plain form gets a redirect (no resubmit on reload). */
  async function afterChange(request: FastifyRequest, reply: FastifyReply, facilityId: string, message: string, anchor = '', noticeKey = '') {
    // The notice is shown inside the form the officer used (noticeKey), not at the top of a long page.
    if (request.isHtmx && request.headers['hx-request-type'] !== 'full') return await showPage(request, reply, facilityId, { notice: message, noticeKey });
    flash(request, { kind: 'ok', message });
    return reply.redirect(`/facilities/${facilityId}${anchor}`, 303);
  }

  app.get('/facilities', { config: READERS }, async (request, reply) => {
    let list;
    let errors: Record<string, string> = {};
    let status = 200;
    try {
      list = await F.listFacilities(app.db, request.actor!, request.query);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
      // A hand-edited URL: say which filter is wrong, and show the unfiltered list under it.
      errors = fieldErrorMap(request, err.fieldErrors);
      status = 422;
      list = await F.listFacilities(app.db, request.actor!, {});
    }
    return reply.view(
      'pages/facilities/index',
      { ...CHOICES, list, errors, values: request.query ?? {}, title: request.t('facilities.title') },
      { region: 'partials/facilities/list', status },
    );
  });

  app.get('/facilities/new', { config: ADMIN }, async (request, reply) =>
    reply.view('pages/facilities/form', { ...CHOICES, mode: 'new', values: { status: 'STANDBY' }, wilayahChoices: [], title: request.t('facilities.new') }),
  );

  app.post('/facilities', { config: ADMIN }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    try {
      const created = await F.createFacility({ db: app.db, actor: request.actor!, input: body });
      flash(request, { kind: 'ok', message: request.t('facilities.created', { name: created.name }) });
      return reply.redirect(`/facilities/${created.id}`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
      return reply.view(
        'pages/facilities/form',
        { ...CHOICES, mode: 'new', values: body, errors: fieldErrorMap(request, err.fieldErrors), wilayahChoices: await wilayahChoicesFor(app.db, body), title: request.t('facilities.new') },
        { status: 422 },
      );
    }
  });

  app.get<IdParams>('/facilities/:id', { config: READERS }, async (request, reply) => await showPage(request, reply, request.params.id));

  app.get<IdParams>('/facilities/:id/edit', { config: ADMIN }, async (request, reply) => {
    const { facility } = await F.getFacility(app.db, request.actor!, request.params.id);
    const values = {
      version: facility.version,
      code: facility.code,
      name: facility.name,
      kind: facility.kind,
      wilayah_code: facility.wilayahCode,
      address: facility.address,
      lat: facility.lat ?? '',
      lng: facility.lng ?? '',
      contact_name: facility.contactName,
      contact_phone: facility.contactPhone,
      operator: facility.operator,
      services: facility.services,
      clusters: facility.clusters,
      protected: facility.protected,
    };
    return reply.view('pages/facilities/form', { ...CHOICES, mode: 'edit', facility, values, wilayahChoices: await wilayahChoicesFor(app.db, values), title: request.t('facilities.edit') });
  });

  app.post<IdParams>('/facilities/:id/edit', { config: ADMIN }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    // A form leaves unticked boxes out: here that means "none", not "unchanged".
    const input = { ...body, services: body.services ?? [], clusters: body.clusters ?? [], protected: body.protected ?? false };
    try {
      const updated = await F.updateFacility({ db: app.db, actor: request.actor!, facilityId: request.params.id, input });
      flash(request, { kind: 'ok', message: request.t('facilities.updated') });
      return reply.redirect(`/facilities/${updated.id}`, 303);
    } catch (err) {
      const failure = formFailure(request, err, 'facility', body);
      if (!failure) throw err;
      const { facility } = await F.getFacility(app.db, request.actor!, request.params.id);
      return reply.view(
        'pages/facilities/form',
        {
          ...CHOICES,
          mode: 'edit',
          facility,
          values: { ...body, services: input.services, clusters: input.clusters },
          errors: failure.state.errors,
          message: failure.state.message,
          wilayahChoices: await wilayahChoicesFor(app.db, body),
          title: request.t('facilities.edit'),
        },
        { status: failure.status },
      );
    }
  });

  app.post<IdParams>('/facilities/:id/status', { config: MANAGERS }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    try {
      const updated = await F.setFacilityStatus({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: body });
      const message = request.t('facilities.status_changed', { name: updated.name, status: request.t(`facilities.status.${updated.status}`) });
      flash(request, { kind: 'ok', message });
      return reply.redirect(`/facilities/${updated.id}`, 303);
    } catch (err) {
      const failure = formFailure(request, err, 'status', body);
      if (!failure) throw err;
      return await showPage(request, reply, request.params.id, { formState: failure.state }, failure.status);
    }
  });

  app.post<IdParams>('/facilities/:id/units', { config: MANAGERS }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    try {
      const unit = await F.addUnit({ db: app.db, actor: request.actor!, facilityId: request.params.id, input: body });
      return await afterChange(request, reply, request.params.id, request.t('facilities.unit_added', { name: unit.name }), `#unit-${unit.id}`, 'add-unit');
    } catch (err) {
      const failure = formFailure(request, err, 'add-unit', body);
      if (!failure) throw err;
      return await showPage(request, reply, request.params.id, { formState: failure.state }, failure.status);
    }
  });

  app.post<UnitParams>('/facilities/:id/units/:unitId', { config: MANAGERS }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    // Which of the unit's forms was sent. Not named "form": a control of that name shadows HTMLFormElement.form in the browser.
    const form: UnitForm = UNIT_FORMS.includes(body.edit as UnitForm) ? (body.edit as UnitForm) : 'details';
    const input = unitInputFrom(form, body);
    try {
      const unit = await F.updateUnit({ db: app.db, actor: request.actor!, unitId: request.params.unitId, input });
      // The unit must belong to the facility of the URL; the verb checked who may change it.
      if (unit.facilityId !== request.params.id) return reply.redirect(`/facilities/${unit.facilityId}#unit-${unit.id}`, 303);
      return await afterChange(request, reply, unit.facilityId, request.t('facilities.unit_saved', { name: unit.name }), `#unit-${unit.id}`, `${unit.id}:${form}`);
    } catch (err) {
      const failure = formFailure(request, err, `${request.params.unitId}:${form}`, body);
      if (!failure) throw err;
      return await showPage(request, reply, request.params.id, { formState: failure.state }, failure.status);
    }
  });
};
export default facilityPages;

/** Each unit form sends only its own fields, so one form never overwrites what another changes. */
function unitInputFrom(form: UnitForm, body: Body): Body {
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  switch (form) {
    case 'capacity':
      return { version: body.version, capacity: body.capacity ?? '', ...pick('reason') };
    case 'block':
      return { version: body.version, blocked: body.blocked ?? '', ...pick('block_reason') };
    case 'status':
      return { version: body.version, status: body.status ?? '', ...pick('status_reason') };
    case 'details':
      return { version: body.version, ...pick('name', 'admits', 'bed_label_pattern'), features: body.features ?? [] };
  }
}

/** Datalist options matching the wilayah field's current value, so a re-rendered form names its choice. */
async function wilayahChoicesFor(db: Db, values: Body) {
  const v = values.wilayah_code;
  return typeof v === 'string' && v.trim() ? await F.searchWilayah(db, v, 10) : [];
}

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { submitHandoff } from '../../domain/handoffs/submit.ts';
import { operationWilayahChoices, receivingChoices } from '../../domain/handoffs/choices.ts';
import { SUBMIT_ROLES } from '../../domain/handoffs/scope.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { nothingDone } from '../../plugins/idempotency.ts';
import { blankForm, formFromBody, inputFromForm, MAX_FORM_PERSONS, type HandoffForm } from './form.ts';

const SUBMIT = { access: SUBMIT_ROLES };

/**
 * The field form (/handoffs/new), made for a phone: the operation, the
 * receiving facility with its free places, and the persons, added one by one
 * in place. "Add person" and "remove" are round trips that save nothing (htmx
 * swaps the form; without JavaScript the page reloads); "save" is one
 * submitHandoff. static/js/handoff-draft.js keeps the draft on the phone.
 */
const fieldForm: FastifyPluginAsync = async (app) => {
  async function renderForm(request: FastifyRequest, reply: FastifyReply, form: HandoffForm, extra: Record<string, unknown> = {}, status = 200) {
    const actor = request.actor!;
    const op = typeof form.operation.wilayah_code === 'string' ? form.operation.wilayah_code : null;
    return reply.view(
      'pages/handoffs/new',
      {
        title: request.t('handoffs.new_title'),
        form,
        choices: await receivingChoices(app.db, actor, op || actor.wilayahCode),
        wilayahChoices: await operationWilayahChoices(app.db, actor),
        maxPersons: MAX_FORM_PERSONS,
        ...extra,
      },
      { status, region: 'partials/handoffs/form' },
    );
  }

  app.get('/handoffs/new', { config: SUBMIT }, async (request, reply) => {
    // One person row: the draft script adds a restored draft's others on the phone (handoff-persons.js).
    return await renderForm(request, reply, blankForm(request.actor!.wilayahCode), { fresh: true });
  });

  app.post('/handoffs', { config: SUBMIT }, async (request, reply) => {
    const { step, ...form } = formFromBody(request.body);
    if (step === 'add_person' || step.startsWith('remove:')) nothingDone(request);
    if (step === 'add_person') {
      if (form.persons.length < MAX_FORM_PERSONS) form.persons.push({});
      return await renderForm(request, reply, form, { focusPerson: form.persons.length - 1 });
    }
    if (step.startsWith('remove:')) {
      const i = Number(step.slice('remove:'.length));
      if (form.persons.length > 1 && Number.isInteger(i) && i >= 0 && i < form.persons.length) form.persons.splice(i, 1);
      return await renderForm(request, reply, form);
    }
    try {
      const d = await submitHandoff({ db: app.db, actor: request.actor!, input: inputFromForm(form) });
      flash(request, { kind: 'ok', message: request.t('handoffs.submitted', { number: d.handoff.number, count: d.counts.total }) });
      // The key of this submit tells the draft script which draft to forget.
      const key = (request.body as Record<string, unknown>)?.idempotency_key;
      const q = typeof key === 'string' && /^[A-Za-z0-9_.:-]{8,100}$/.test(key) ? `?submitted=${encodeURIComponent(key)}` : '';
      return reply.redirect(`/handoffs/${d.handoff.id}${q}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return await renderForm(request, reply, form, { errors: fieldErrorMap(request, err.fieldErrors) }, 422);
      }
      throw err;
    }
  });
};
export default fieldForm;

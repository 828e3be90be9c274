import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { PEOPLE_ROLES } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { discharge } from '../../domain/stays/discharge.ts';
import { transfer } from '../../domain/stays/transfer.ts';
import { transferOptions } from '../../domain/stays/transfer-options.ts';
import { stayForAction } from '../../domain/stays/read.ts';
import { readPerson } from '../../domain/residents/read.ts';
import { MANUAL_OUTCOMES } from '../../domain/stays/input.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';

const PEOPLE = { access: PEOPLE_ROLES };
type Id = { Params: { id: string } };

/** Discharge and transfer from the desk; the person page holds the discharge form. */
const stayPages: FastifyPluginAsync = async (app) => {
  app.post<Id>('/stays/:id/discharge', { config: PEOPLE }, async (request, reply) => {
    const actor = request.actor!;
    const { stay, person } = await stayForAction(app.db, actor, request.params.id);
    try {
      const done = await discharge({ db: app.db, actor, stayId: stay.id, input: request.body });
      flash(request, { kind: 'ok', message: request.t('intake.discharged', { code: person.residentCode, outcome: request.t('stays.outcome.' + done.outcome) }) });
      return reply.redirect(`/residents/${encodeURIComponent(person.id)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'CONFLICT')) {
        const d = await readPerson({ db: app.db, actor, id: person.id, view: 'page' });
        return reply.view(
          'pages/residents/show',
          {
            title: person.name ?? person.residentCode,
            d,
            outcomes: MANUAL_OUTCOMES,
            canMerge: false,
            actsAtStay: true,
            checkInIds: [],
            dischargeErrors: fieldErrorMap(request, err.fieldErrors),
            dischargeProblem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
            dischargeValues: request.body,
          },
          { status: err.status },
        );
      }
      throw err;
    }
  });

  async function transferView(request: FastifyRequest, stayId: string, facilityId: string | undefined, extra: Record<string, unknown> = {}) {
    const o = await transferOptions({ db: app.db, actor: request.actor!, stayId, facilityId });
    return { title: request.t('intake.transfer_title'), ...o, ...extra };
  }


  app.get<Id>('/stays/:id/transfer', { config: PEOPLE }, async (request, reply) => {
    const q = request.query as { facility?: string };
    return reply.view('pages/residents/transfer', await transferView(request, request.params.id, q.facility, { values: {} }));
  });

  app.post<Id>('/stays/:id/transfer', { config: PEOPLE }, async (request, reply) => {
    const actor = request.actor!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const result = await transfer({ db: app.db, actor, stayId: request.params.id, input: body });
      flash(request, { kind: result.overflow ? 'warn' : 'ok', message: request.t('intake.transferred', { count: result.stays.length }) });
      return reply.redirect(`/residents/${encodeURIComponent(result.stays[0]!.person_id)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && ['VALIDATION', 'CONFLICT', 'NO_FREE_PLACE'].includes(err.code)) {
        const fid = typeof body.facility_id === 'string' ? body.facility_id : undefined;
        return reply.view(
          'pages/residents/transfer',
          await transferView(request, request.params.id, fid, {
            errors: fieldErrorMap(request, err.fieldErrors),
            problem: err.fieldErrors.length ? null : request.t(err.messageKey, err.params),
            noFreePlace: err.code === 'NO_FREE_PLACE',
            values: body,
          }),
          { status: err.status },
        );
      }
      throw err;
    }
  });
};
export default stayPages;

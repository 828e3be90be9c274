import type { FastifyPluginAsync } from 'fastify';
import * as R from '../api/responses.ts';
import { HandoffInput, NotReceivedInput, ReceiveExistingInput } from '../../domain/handoffs/input.ts';
import { submitHandoff } from '../../domain/handoffs/submit.ts';
import { markNotReceived, receiveExisting } from '../../domain/handoffs/account.ts';
import { listHandoffs, readHandoff } from '../../domain/handoffs/read.ts';
import { DESK_ROLES, SUBMIT_ROLES, VIEW_ROLES } from '../../domain/handoffs/scope.ts';
import { toHandoffRecord, toHandoffSummaryRecord } from '../../domain/handoffs/view.ts';
import { invalidField } from '../../domain/errors.ts';
import { queryLimit, queryText } from '../../domain/validate.ts';

type Id = { Params: { id: string } };
type LineParams = { Params: { id: string; pid: string } };

/** /api/v1/handoffs (docs/api.md "Handoffs"): the same verbs as the field form and the desk. */
const handoffsApi: FastifyPluginAsync = async (app) => {
  app.post('/handoffs', { config: { access: SUBMIT_ROLES, openapi: { summary: 'Submit a handoff (serah terima)', tags: ['handoffs'], body: HandoffInput, responses: { 201: R.HandoffRecord } } } }, async (request, reply) => {
    const d = await submitHandoff({ db: app.db, actor: request.actor!, input: request.body });
    return reply.code(201).header('Location', `/api/v1/handoffs/${d.handoff.id}`).send(toHandoffRecord(d));
  });

  app.get('/handoffs', { config: { access: VIEW_ROLES, openapi: { summary: 'Handoffs the caller may see', tags: ['handoffs'], query: R.HandoffQuery, responses: { 200: R.HandoffList } } } }, async (request) => {
    const q = request.query as { status?: unknown; facility_id?: unknown; limit?: string };
    const status = queryText(q.status, 'status')?.toUpperCase();
    if (status !== undefined && status !== 'OPEN' && status !== 'CLOSED') throw invalidField('status', 'field.invalid');
    const items = await listHandoffs({
      db: app.db,
      actor: request.actor!,
      status: status as 'OPEN' | 'CLOSED' | undefined,
      facilityId: queryText(q.facility_id, 'facility_id'),
      limit: queryLimit(q.limit, 100, 500),
    });
    return { handoffs: items.map(toHandoffSummaryRecord) };
  });

  app.get<Id>('/handoffs/:id', { config: { access: VIEW_ROLES, openapi: { summary: 'One handoff with every person\'s status', tags: ['handoffs'], responses: { 200: R.HandoffRecord } } } }, async (request) =>
    toHandoffRecord(await readHandoff({ db: app.db, actor: request.actor!, id: request.params.id })),
  );

  app.post<LineParams>('/handoffs/:id/persons/:pid/receive', { config: { access: DESK_ROLES, openapi: { summary: 'Receive one person as an existing record', tags: ['handoffs'], body: ReceiveExistingInput, responses: { 200: R.HandoffRecord } } } }, async (request) =>
    toHandoffRecord(await receiveExisting({ db: app.db, actor: request.actor!, ref: { handoffId: request.params.id, lineId: request.params.pid }, input: request.body })),
  );

  app.post<LineParams>('/handoffs/:id/persons/:pid/not-received', { config: { access: DESK_ROLES, openapi: { summary: 'Mark one person not received, with the reason', tags: ['handoffs'], body: NotReceivedInput, responses: { 200: R.HandoffRecord } } } }, async (request) =>
    toHandoffRecord(await markNotReceived({ db: app.db, actor: request.actor!, ref: { handoffId: request.params.id, lineId: request.params.pid }, input: request.body })),
  );
};
export default handoffsApi;

import type { FastifyPluginAsync } from 'fastify';
import * as EX from '../api/examples.ts';
import * as R from '../api/responses.ts';
import { HandoffQuery, pageOf } from '../api/queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { HandoffInput, NotReceivedInput, ReceiveExistingInput } from '../../domain/handoffs/input.ts';
import { submitHandoff } from '../../domain/handoffs/submit.ts';
import { markNotReceived, receiveExisting } from '../../domain/handoffs/account.ts';
import { listHandoffs, readHandoff } from '../../domain/handoffs/read.ts';
import { DESK_ROLES, SUBMIT_ROLES, VIEW_ROLES } from '../../domain/handoffs/scope.ts';
import { toHandoffRecord, toHandoffSummaryRecord } from '../../domain/handoffs/view.ts';

type Id = { Params: { id: string } };
type LineParams = { Params: { id: string; pid: string } };

/** /api/v1/handoffs (docs/api.md "Handoffs"): the same verbs as the field form and the desk. */
const handoffsApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post('/handoffs', { config: { access: SUBMIT_ROLES, openapi: { summary: 'Submit a handoff (serah terima)', tags: ['handoffs'], example: EX.postHandoffs } }, schema: { body: HandoffInput, response: { 201: R.HandoffRecord } } }, async (request, reply) => {
    const d = await submitHandoff({ db: app.db, actor: request.actor!, input: request.body });
    return reply.code(201).header('Location', `/api/v1/handoffs/${d.handoff.id}`).send(toHandoffRecord(d));
  });

  app.get('/handoffs', { config: { access: VIEW_ROLES, openapi: { summary: 'Handoffs the caller may see', tags: ['handoffs'] } }, schema: { querystring: HandoffQuery, response: { 200: R.HandoffList } } }, async (request) => {
    const { status, facility_id: facilityId, limit, after: from = 0 } = request.query;
    const page = pageOf(await listHandoffs({ db: app.db, actor: request.actor!, status, facilityId, limit: limit + 1, offset: from }), limit, () => from + limit);
    return { handoffs: page.items.map(toHandoffSummaryRecord), next: page.next };
  });

  app.get<Id>('/handoffs/:id', { config: { access: VIEW_ROLES, openapi: { summary: 'One handoff with every person\'s status', tags: ['handoffs'] } }, schema: { response: { 200: R.HandoffRecord } } }, async (request) =>
    toHandoffRecord(await readHandoff({ db: app.db, actor: request.actor!, id: request.params.id })),
  );

  app.post<LineParams>('/handoffs/:id/persons/:pid/receive', { config: { access: DESK_ROLES, openapi: { summary: 'Receive one person as an existing record', tags: ['handoffs'] } }, schema: { body: ReceiveExistingInput, response: { 200: R.HandoffRecord } } }, async (request) =>
    toHandoffRecord(await receiveExisting({ db: app.db, actor: request.actor!, ref: { handoffId: request.params.id, lineId: request.params.pid }, input: request.body })),
  );

  app.post<LineParams>('/handoffs/:id/persons/:pid/not-received', { config: { access: DESK_ROLES, openapi: { summary: 'Mark one person not received, with the reason', tags: ['handoffs'] } }, schema: { body: NotReceivedInput, response: { 200: R.HandoffRecord } } }, async (request) =>
    toHandoffRecord(await markNotReceived({ db: app.db, actor: request.actor!, ref: { handoffId: request.params.id, lineId: request.params.pid }, input: request.body })),
  );
};
export default handoffsApi;

import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as R from '../api/responses.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { AssessmentInput, AssignInput, DtksCheckInput, DtksProposalInput, FollowUpDoneInput, FollowUpInput, PlanInput, ServiceInput } from '../../domain/cases/input.ts';
import { SetClusterInput } from '../../domain/cases/cluster.ts';
import { CASE_ASSIGN_ROLES, CASE_CHANGE_ROLES, CASE_READ_ROLES } from '../../domain/cases/scope.ts';
import { readCase } from '../../domain/cases/read.ts';
import { setCluster } from '../../domain/cases/cluster.ts';
import { addFollowUp, assignPendamping, completeFollowUp, proposeToDtks, recordDtksCheck, recordAssessment, recordService, setPlan } from '../../domain/cases/work.ts';
import { caseload } from '../../domain/cases/caseload.ts';

type Id = { Params: { id: string } };
const READ = { access: CASE_READ_ROLES };
const CHANGE = { access: CASE_CHANGE_ROLES };

/** /api/v1/residents/:id/case… and /api/v1/cases (docs/api.md "Case work"). Thin: the verbs of src/domain/cases. */
const casesApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;
  app.get('/cases', { config: { ...READ, openapi: { summary: 'The caseload', tags: ['cases'] } }, schema: { response: { 200: R.Caseload } } }, async (request) => ({ cases: await caseload({ db, actor: request.actor! }) }));

  app.get<Id>('/residents/:id/case', { config: { ...READ, openapi: { summary: 'The person\'s case', tags: ['cases'] } }, schema: { response: { 200: R.CaseViewSchema } } }, async (request) => await readCase({ db, actor: request.actor!, personId: request.params.id }));

  app.post<Id>('/residents/:id/case/assign', { config: { access: CASE_ASSIGN_ROLES, openapi: { summary: 'Assign (or reassign) the pendamping', tags: ['cases'] } }, schema: { body: AssignInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await assignPendamping({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/cluster', { config: { ...CHANGE, openapi: { summary: 'Set or clear the ATENSI cluster override', tags: ['cases'] } }, schema: { body: SetClusterInput, response: { 200: z.object({ cluster: R.PersonClusterSchema }) } } }, async (request) => ({
    cluster: await setCluster({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  }));
  app.post<Id>('/residents/:id/case/assessment', { config: { ...CHANGE, openapi: { summary: 'Record the assessment', tags: ['cases'] } }, schema: { body: AssessmentInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await recordAssessment({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/plan', { config: { ...CHANGE, openapi: { summary: 'Set the ATENSI plan', tags: ['cases'] } }, schema: { body: PlanInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await setPlan({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/services', { config: { ...CHANGE, openapi: { summary: 'Record a service given', tags: ['cases'] } }, schema: { body: ServiceInput, response: { 201: R.CaseViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await recordService({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/residents/:id/case/follow-ups', { config: { ...CHANGE, openapi: { summary: 'Add a follow-up', tags: ['cases'] } }, schema: { body: FollowUpInput, response: { 201: R.CaseViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await addFollowUp({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<{ Params: { id: string; fid: string } }>('/residents/:id/case/follow-ups/:fid/done', { config: { ...CHANGE, openapi: { summary: 'Complete a follow-up with its outcome', tags: ['cases'] } }, schema: { body: FollowUpDoneInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await completeFollowUp({ db, actor: request.actor!, personId: request.params.id, followUpId: request.params.fid, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/dtks-proposal', { config: { ...CHANGE, openapi: { summary: 'Propose the person to DTKS', tags: ['cases'] } }, schema: { body: DtksProposalInput, response: { 201: R.CaseViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await proposeToDtks({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/residents/:id/case/dtks-check', { config: { ...CHANGE, openapi: { summary: 'Record the outcome of checking the NIK against DTKS at the Dinsos (yes/no)', tags: ['cases'] } }, schema: { body: DtksCheckInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await recordDtksCheck({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
};
export default casesApi;

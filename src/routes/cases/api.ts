import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as R from '../api/responses.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { AssessmentInput, AssignInput, CloseInput, DtksCheckInput, DtksProposalInput, EvaluationInput, FamilyCaseInput, FollowUpContactInput, FollowUpDoneInput, FollowUpInput, OutsideAnswerInput, OutsideReferralInput, PlanInput, PlanStatusInput, ReopenInput, ServiceInput, TransferAnswerInput, TransferInput, TransferRefuseInput } from '../../domain/cases/input.ts';
import { SetClusterInput } from '../../domain/cases/cluster.ts';
import { CASE_ASSIGN_ROLES, CASE_CHANGE_ROLES, CASE_READ_ROLES } from '../../domain/cases/scope.ts';
import { readCase } from '../../domain/cases/read.ts';
import { setCluster } from '../../domain/cases/cluster.ts';
import { addFollowUp, addPlanItems, assignPendamping, completeFollowUp, proposeToDtks, recordDtksCheck, recordAssessment, recordService } from '../../domain/cases/work.ts';
import { closeCase, movePlanItem, recordEvaluation, reopenCase } from '../../domain/cases/process.ts';
import { answerTransfer, cancelTransfer, incomingTransfers, requestTransfer } from '../../domain/cases/transfer.ts';
import { answerOutsideReferral, referOutside } from '../../domain/cases/outside.ts';
import { openFamilyCase } from '../../domain/cases/family.ts';
import { setFollowUpContact } from '../../domain/cases/handover.ts';
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
  app.post<Id>('/residents/:id/case/plan', { config: { ...CHANGE, openapi: { summary: 'Add items to the ATENSI plan (each starts planned, with a stable id)', tags: ['cases'] } }, schema: { body: PlanInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await addPlanItems({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<{ Params: { id: string; item_id: string } }>('/residents/:id/case/plan/:item_id', { config: { ...CHANGE, openapi: { summary: 'Move a plan item (done and dropped need a reason in note)', tags: ['cases'] } }, schema: { body: PlanStatusInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await movePlanItem({ db, actor: request.actor!, personId: request.params.id, itemId: request.params.item_id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/evaluation', { config: { ...CHANGE, openapi: { summary: 'Record the evaluation of the plan', tags: ['cases'] } }, schema: { body: EvaluationInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await recordEvaluation({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/close', { config: { ...CHANGE, openapi: { summary: 'Close the case (terminasi) with an outcome', tags: ['cases'] } }, schema: { body: CloseInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await closeCase({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/reopen', { config: { access: CASE_ASSIGN_ROLES, openapi: { summary: 'Reopen a closed case, with a reason', tags: ['cases'] } }, schema: { body: ReopenInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await reopenCase({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/family', { config: { ...CHANGE, openapi: { summary: 'Open (or join) the family case of the person\'s KK', tags: ['cases'] } }, schema: { body: FamilyCaseInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await openFamilyCase({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/transfers', { config: { ...CHANGE, openapi: { summary: 'Ask another pendamping to take the case', tags: ['cases'] } }, schema: { body: TransferInput, response: { 201: R.CaseViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await requestTransfer({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  type Tid = { Params: { id: string; tid: string } };
  app.post<Tid>('/residents/:id/case/transfers/:tid/accept', { config: { access: ['pendamping'], openapi: { summary: 'The receiving pendamping accepts the case', tags: ['cases'] } }, schema: { body: TransferAnswerInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    (await answerTransfer({ db, actor: request.actor!, personId: request.params.id, transferId: request.params.tid, answer: 'accepted', input: request.body }))!,
  );
  app.post<Tid>('/residents/:id/case/transfers/:tid/refuse', { config: { access: ['pendamping'], openapi: { summary: 'The receiving pendamping refuses the case, with a reason', tags: ['cases'] } }, schema: { body: TransferRefuseInput, response: { 200: z.object({ transfer_id: z.string(), status: z.literal('refused') }) } } }, async (request) => {
    await answerTransfer({ db, actor: request.actor!, personId: request.params.id, transferId: request.params.tid, answer: 'refused', input: request.body });
    return { transfer_id: request.params.tid, status: 'refused' as const };
  });
  app.post<Tid>('/residents/:id/case/transfers/:tid/cancel', { config: { ...CHANGE, openapi: { summary: 'Withdraw a transfer not yet answered', tags: ['cases'] } }, schema: { body: z.object({}).optional(), response: { 200: R.CaseViewSchema } } }, async (request) =>
    await cancelTransfer({ db, actor: request.actor!, personId: request.params.id, transferId: request.params.tid }),
  );
  app.get('/cases/transfers', { config: { access: ['pendamping'], openapi: { summary: 'Transfers waiting for this pendamping\'s answer', tags: ['cases'] } }, schema: { response: { 200: z.object({ transfers: z.array(z.object({ id: z.string(), person_id: z.string(), resident_code: z.string(), name: z.string().nullable(), reason: z.string(), from: z.string().nullable(), requested_at: z.string().nullable() })) }) } } }, async (request) => ({
    transfers: await incomingTransfers(db, request.actor!),
  }));
  app.post<Id>('/residents/:id/case/outside-referrals', { config: { ...CHANGE, openapi: { summary: 'Refer the case to an outside service (Dinsos of origin, hospital, police PPA unit, PKH pendamping)', tags: ['cases'] } }, schema: { body: OutsideReferralInput, response: { 201: R.CaseViewSchema } } }, async (request, reply) =>
    reply.code(201).send(await referOutside({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<{ Params: { id: string; rid: string } }>('/residents/:id/case/outside-referrals/:rid/answer', { config: { ...CHANGE, openapi: { summary: 'Record the outside service\'s answer', tags: ['cases'] } }, schema: { body: OutsideAnswerInput, response: { 200: R.CaseViewSchema } } }, async (request) =>
    await answerOutsideReferral({ db, actor: request.actor!, personId: request.params.id, referralId: request.params.rid, input: request.body }),
  );
  app.post<Id>('/stays/:id/handover/contact', { config: { ...CHANGE, openapi: { summary: 'Who follows up after arrival, typed on the handover letter (when no pendamping there)', tags: ['cases'] } }, schema: { body: FollowUpContactInput, response: { 200: z.object({ follow_up_id: z.string(), owner_contact: z.string() }) } } }, async (request) =>
    await setFollowUpContact({ db, actor: request.actor!, stayId: request.params.id, input: request.body }),
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

import type { FastifyPluginAsync } from 'fastify';
import { CASE_ASSIGN_ROLES, CASE_CHANGE_ROLES, CASE_READ_ROLES } from '../../domain/cases/scope.ts';
import { readCase } from '../../domain/cases/read.ts';
import { setCluster } from '../../domain/cases/cluster.ts';
import { addFollowUp, assignPendamping, completeFollowUp, proposeToDtks, recordAssessment, recordService, setPlan } from '../../domain/cases/work.ts';
import { caseload } from '../../domain/cases/caseload.ts';

type Id = { Params: { id: string } };
const READ = { access: CASE_READ_ROLES };
const CHANGE = { access: CASE_CHANGE_ROLES };

/** /api/v1/residents/:id/case… and /api/v1/cases (docs/api.md "Case work"). Thin: the verbs of src/domain/cases. */
const casesApi: FastifyPluginAsync = async (app) => {
  const db = app.db;
  app.get('/cases', { config: READ }, async (request) => ({ cases: await caseload({ db, actor: request.actor! }) }));

  app.get<Id>('/residents/:id/case', { config: READ }, async (request) => await readCase({ db, actor: request.actor!, personId: request.params.id }));

  app.post<Id>('/residents/:id/case/assign', { config: { access: CASE_ASSIGN_ROLES } }, async (request) =>
    await assignPendamping({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/cluster', { config: CHANGE }, async (request) => ({
    cluster: await setCluster({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  }));
  app.post<Id>('/residents/:id/case/assessment', { config: CHANGE }, async (request) =>
    await recordAssessment({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/plan', { config: CHANGE }, async (request) =>
    await setPlan({ db, actor: request.actor!, personId: request.params.id, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/services', { config: CHANGE }, async (request, reply) =>
    reply.code(201).send(await recordService({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<Id>('/residents/:id/case/follow-ups', { config: CHANGE }, async (request, reply) =>
    reply.code(201).send(await addFollowUp({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
  app.post<{ Params: { id: string; fid: string } }>('/residents/:id/case/follow-ups/:fid/done', { config: CHANGE }, async (request) =>
    await completeFollowUp({ db, actor: request.actor!, personId: request.params.id, followUpId: request.params.fid, input: request.body }),
  );
  app.post<Id>('/residents/:id/case/dtks-proposal', { config: CHANGE }, async (request, reply) =>
    reply.code(201).send(await proposeToDtks({ db, actor: request.actor!, personId: request.params.id, input: request.body })),
  );
};
export default casesApi;

import type { FastifyPluginAsync } from 'fastify';
import * as EX from '../api/examples.ts';
import type { ZodType } from 'zod';
import * as R from '../api/responses.ts';
import { pageOf, ReferralQuery, RoutingQuery } from '../api/queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { ArriveReferralInput, CancelReferralInput, EmptyInput, ProposeReferralInput, RefuseReferralInput } from '../../domain/referrals/input.ts';
import type { Role } from '../../db/schema/index.ts';
import { PEOPLE_ROLES } from '../../domain/access.ts';
import {
  acceptReferral,
  arriveReferral,
  cancelReferral,
  departReferral,
  getReferral,
  listReferrals,
  proposeReferral,
  refuseReferral,
} from '../../domain/referrals/index.ts';
import type { Step } from '../../domain/referrals/load.ts';
import { routePerson } from '../../domain/referrals/route-person.ts';
import { reasonJson } from '../../domain/routing/text.ts';

const PEOPLE = { access: PEOPLE_ROLES };
const DECIDERS: readonly Role[] = ['admin', 'command', 'manager'];

type Id = { Params: { id: string } };

/**
 * /api/v1/routing and /api/v1/referrals (docs/api.md "Routing and
 * referrals"). Thin: the same verbs as the pages.
 */
const referralsApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const hold = app.config.REFERRAL_HOLD_MINUTES;

  app.get('/routing', { config: { ...PEOPLE, openapi: { summary: 'Ranked destinations with reasons, for the person\'s household', tags: ['referrals'], example: EX.getRouting } }, schema: { querystring: RoutingQuery, response: { 200: R.RoutingAnswer } } }, async (request) => {
    // alone=true: the person without the household members with them (for a referral that splits it, with a reason).
    // all=true: every destination and every facility passed over with its reasons; else the best 20 and the nearest 10, the rest counted by reason.
    const routing = await routePerson({ db: app.db, actor: request.actor!, personId: request.query.person_id, alone: request.query.alone, all: request.query.all });
    const r = routing.result;
    const t = request.t;
    return {
      person_id: routing.person.id,
      persons: routing.group.map((p) => ({ id: p.id, resident_code: p.residentCode, sex: p.sex })),
      household: routing.household.map((p) => ({ id: p.id, resident_code: p.residentCode })),
      cluster: r.needs.clusters,
      places: r.needs.size,
      needs: r.needs.needs,
      services: r.needs.services,
      origin_facility_id: routing.originFacilityId,
      // False when already placed where their needs are met: nothing fitting then raises no alert.
      needed: routing.needed,
      open_referral: routing.openReferral,
      destinations: r.destinations.map((d) => ({
        facility: d.facility,
        unit: d.unit,
        facility_free: d.facility_free,
        load_after: d.load_after === null ? null : Math.round(d.load_after * 1000) / 1000,
        distance_km: d.distance_km,
        reasons: d.reasons.map((x) => reasonJson(t, x)),
      })),
      destinations_total: r.destinations_total,
      passed_over: r.passed_over.map((p) => ({ facility: p.facility, reasons: p.reasons.map((x) => reasonJson(t, x)) })),
      passed_over_counts: r.passed_over_counts,
      nothing_fits: r.destinations.length === 0,
      missing: r.missing.map((x) => reasonJson(t, x)),
      alert_id: routing.alertId,
    };
  });

  app.get('/referrals', { config: { ...PEOPLE, openapi: { summary: 'Referrals the caller may see', tags: ['referrals'] } }, schema: { querystring: ReferralQuery, response: { 200: R.ReferralList } } }, async (request) => {
    const { scope = 'all', open, limit, after: from = 0 } = request.query;
    const page = pageOf(await listReferrals({ db: app.db, actor: request.actor!, scope, open, limit: limit + 1, offset: from }), limit, () => from + limit);
    return { referrals: page.items, next: page.next };
  });

  app.get<Id>('/referrals/:id', { config: { ...PEOPLE, openapi: { summary: 'One referral', tags: ['referrals'] } }, schema: { response: { 200: R.OneReferral } } }, async (request) => ({ referral: await getReferral({ db: app.db, actor: request.actor!, id: request.params.id }) }));

  app.post('/referrals', { config: { ...PEOPLE, openapi: { summary: 'Propose a referral (holds places)', tags: ['referrals'] } }, schema: { body: ProposeReferralInput, response: { 201: R.OneReferral } } }, async (request, reply) => {
    const referral = await proposeReferral({ db: app.db, actor: request.actor!, input: request.body ?? {}, holdMinutes: hold });
    return reply.code(201).header('Location', `/api/v1/referrals/${referral.id}`).send({ referral });
  });

  const stepBodies: Record<Step, ZodType> = {
    accept: EmptyInput,
    refuse: RefuseReferralInput,
    depart: EmptyInput,
    arrive: ArriveReferralInput,
    cancel: CancelReferralInput,
  };
  const steps: Record<Step, typeof acceptReferral> = {
    accept: acceptReferral,
    refuse: refuseReferral,
    depart: departReferral,
    arrive: arriveReferral,
    cancel: cancelReferral,
  };
  for (const [step, verb] of Object.entries(steps) as [Step, typeof acceptReferral][]) {
    app.post<Id>(`/referrals/:id/${step}`, {
      config: {
        access: step === 'accept' || step === 'refuse' ? DECIDERS : PEOPLE_ROLES,
        openapi: { summary: `The referral's step: ${step}`, tags: ['referrals'] },
      },
      schema: { body: stepBodies[step], response: { 200: R.OneReferral } },
    }, async (request) => ({
      referral: await verb({ db: app.db, actor: request.actor!, referralId: request.params.id, input: request.body ?? {}, holdMinutes: hold }),
    }));
  }
};
export default referralsApi;

import type { FastifyPluginAsync } from 'fastify';
import * as EX from '../api/examples.ts';
import * as R from '../api/responses.ts';
import { IdParam, pageOf, RevealQuery, SearchQuery } from '../api/queries.ts';
import type { ZodTypeProvider } from '../../plugins/zod.ts';
import { IntakeInput } from '../../domain/residents/input.ts';
import { PersonPatch } from '../../domain/residents/patch.ts';
import { MergeInput } from '../../domain/residents/merge.ts';
import { AddMemberInput, RemoveMemberInput } from '../../domain/residents/household.ts';
import { CheckInInput, DischargeInput, TransferInput } from '../../domain/stays/input.ts';
import { PEOPLE_ROLES } from '../../domain/access.ts';
import { needsDecision } from '../../domain/errors.ts';
import { registerIntake } from '../../domain/residents/register.ts';
import { readPerson } from '../../domain/residents/read.ts';
import { stayAsSeen } from '../../domain/residents/detail.ts';
import { revealNik } from '../../domain/residents/reveal-nik.ts';
import { searchPersons } from '../../domain/residents/search.ts';
import { MERGE_ROLES, mergePersons } from '../../domain/residents/merge.ts';
import { ANONYMISE_ROLES, anonymisePerson } from '../../domain/residents/anonymise.ts';
import { updatePerson } from '../../domain/residents/update.ts';
import { UPDATE_ROLES } from '../../domain/residents/edit-form.ts';
import type { UpdateNikWarning } from '../../domain/residents/update-nik.ts';
import { checkIn } from '../../domain/stays/check-in.ts';
import { discharge } from '../../domain/stays/discharge.ts';
import { transfer } from '../../domain/stays/transfer.ts';
import { BirthInput, recordBirth } from '../../domain/residents/birth.ts';
import { addHouseholdMember, removeHouseholdMember } from '../../domain/residents/household.ts';

const PEOPLE = { access: PEOPLE_ROLES };
/** An answer holding a full NIK is never stored for replay. */
const PEOPLE_SECRET = { access: PEOPLE_ROLES, idempotent: false };

type Id = { Params: { id: string } };

/**
 * /api/v1/residents and /api/v1/stays (docs/api.md "Residents and stays").
 * Thin: the same verbs as the desk's pages.
 */
const residentsApi: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post<Id>('/residents/:id/anonymise', { config: { access: ANONYMISE_ROLES, openapi: { summary: 'Anonymise a person (irreversible)', tags: ['residents'] } }, schema: { response: { 200: R.Anonymised } } }, async (request) =>
    await anonymisePerson({ db: app.db, actor: request.actor!, personId: request.params.id }),
  );

  app.post('/residents', { config: { ...PEOPLE, openapi: { summary: 'Intake of one person or a household (409 needs-decision: duplicates or NIK warnings to settle)', tags: ['residents'], example: EX.postResidents } }, schema: { body: IntakeInput, response: { 201: R.IntakeRegisteredSchema } } }, async (request, reply) => {
    const result = await registerIntake({ db: app.db, actor: request.actor!, input: request.body });
    // Nothing saved: the caller decides (same_as / confirm_new / nik_override_reason) and posts again.
    if (result.status === 'needs_decision') {
      throw needsDecision('residents.needs_decision_detail', {
        duplicates: result.duplicates,
        nik_warnings: result.nik_warnings.map((w) => ({ ...w, path: `persons.${w.index}.nik`, message: request.t(w.code, w.params) })),
      });
    }
    return reply.code(201).send({
      ...result,
      warnings: result.warnings.map((w) => ({ ...w, path: `persons.${w.index}.nik`, message: request.t(w.code, w.params) })),
    });
  });

  app.get('/residents', { config: { ...PEOPLE, openapi: { summary: 'Search people by name, alias, resident code or NIK', tags: ['residents'] } }, schema: { querystring: SearchQuery, response: { 200: R.ResidentSearch } } }, async (request) => {
    const { q, limit, after: from = 0 } = request.query;
    const page = pageOf(await searchPersons({ db: app.db, actor: request.actor!, q, limit: limit + 1, offset: from }), limit, () => from + limit);
    return { residents: page.items, next: page.next };
  });

  app.get('/residents/:id', { config: { ...PEOPLE, openapi: { summary: 'One person\'s record (audited)', tags: ['residents'] } }, schema: { params: IdParam, querystring: RevealQuery, response: { 200: R.ResidentDetail } } }, async (request) => {
    const d = await readPerson({ db: app.db, actor: request.actor!, id: request.params.id, revealNik: request.query.reveal_nik, view: 'api' });
    return {
      // `version`: what a correction (PATCH) sends back.
      resident: { ...d.record, version: d.person.version },
      stays: d.stays.map(stayAsSeen),
      household: d.household.map((m) => ({ id: m.id, resident_code: m.residentCode, name: m.name, sex: m.sex, age: m.age, unit_id: m.openStay?.unitId ?? null })),
      referrals: d.referrals.map((r) => ({ id: r.id, status: r.status, reason: r.reason, from_facility: r.fromName, to_facility: r.toName })),
      handoffs: d.handoffs.map((h) => ({ id: h.handoffId, number: h.number, operation_number: h.operationNumber, place: h.place, status: h.lineStatus })),
      merged_from: d.mergedFrom.map((m) => m.id),
      ...(d.redirectedFrom ? { requested_id: d.redirectedFrom } : {}),
    };
  });

  // A correction: absent fields stay, blank ones clear; `version` as read (409 when stale).
  app.patch<Id>('/residents/:id', { config: { access: UPDATE_ROLES, openapi: { summary: 'Correct a record: absent fields stay, blank ones clear; `version` as read (409 when stale)', tags: ['residents'] } }, schema: { body: PersonPatch, response: { 200: R.ResidentUpdated } } }, async (request) => {
    const result = await updatePerson({ db: app.db, actor: request.actor!, personId: request.params.id, input: request.body });
    const t = request.t;
    const warnings = (list: UpdateNikWarning[]) => list.map((w) => ({ ...w, path: 'nik', message: t(w.code, w.params) }));
    if (result.status === 'needs_decision') throw needsDecision('residents.edit_needs_decision', { nik_warnings: warnings(result.nik_warnings) });
    const resident = { ...result.record, version: result.person.version };
    return { resident, changed: result.changed, warnings: warnings(result.warnings) };
  });

  app.post<Id>('/residents/:id/reveal-nik', { config: { ...PEOPLE_SECRET, openapi: { summary: 'The NIK and KK in full (audited)', tags: ['residents'] } }, schema: { response: { 200: R.RevealedNik } } }, async (request) =>
    await revealNik({ db: app.db, actor: request.actor!, id: request.params.id }),
  );

  app.post<Id>('/residents/:id/merge', { config: { access: MERGE_ROLES, openapi: { summary: 'Merge a duplicate into this record', tags: ['residents'] } }, schema: { body: MergeInput, response: { 200: R.Merged } } }, async (request) =>
    await mergePersons({ db: app.db, actor: request.actor!, survivorId: request.params.id, input: request.body }),
  );

  // Household membership corrected after intake: a member added or removed, with a reason, audited.
  app.post<Id>('/residents/:id/household/members', { config: { ...PEOPLE, openapi: { summary: 'Add a household member', tags: ['residents'] } }, schema: { body: AddMemberInput, response: { 200: R.HouseholdChanged } } }, async (request) =>
    await addHouseholdMember({ db: app.db, actor: request.actor!, personId: request.params.id, input: request.body ?? {} }),
  );
  app.post<{ Params: { id: string; mid: string } }>('/residents/:id/household/members/:mid/remove', { config: { ...PEOPLE, openapi: { summary: 'Remove a household member', tags: ['residents'] } }, schema: { body: RemoveMemberInput.omit({ member_id: true }), response: { 200: R.HouseholdChanged } } }, async (request) =>
    await removeHouseholdMember({ db: app.db, actor: request.actor!, personId: request.params.id, input: { ...((request.body as object) ?? {}), member_id: request.params.mid } }),
  );

  app.post<Id>('/residents/:id/birth', { config: { ...PEOPLE, openapi: { summary: 'A birth during a stay: the baby joins the mother\'s household and unit (both move together when her unit takes no newborns; 409 says where there is room)', tags: ['residents'] } }, schema: { body: BirthInput, response: { 201: R.BirthRecorded } } }, async (request, reply) => {
    const result = await recordBirth({ db: app.db, actor: request.actor!, motherId: request.params.id, input: request.body });
    return reply.code(201).send(result);
  });

  app.post('/stays', { config: { ...PEOPLE, openapi: { summary: 'Check-in (409 when no free place)', tags: ['stays'], example: EX.postStays } }, schema: { body: CheckInInput, response: { 201: R.CheckedIn } } }, async (request, reply) => {
    const result = await checkIn({ db: app.db, actor: request.actor!, input: request.body });
    return reply.code(201).send(result);
  });

  app.post<Id>('/stays/:id/discharge', { config: { ...PEOPLE, openapi: { summary: 'Discharge', tags: ['stays'] } }, schema: { body: DischargeInput, response: { 200: R.Discharged } } }, async (request) => ({
    stay: await discharge({ db: app.db, actor: request.actor!, stayId: request.params.id, input: request.body }),
  }));

  app.post<Id>('/stays/:id/transfer', { config: { ...PEOPLE, openapi: { summary: 'Transfer to another unit (or, for the command centre, another facility)', tags: ['stays'] } }, schema: { body: TransferInput, response: { 201: R.Transferred } } }, async (request, reply) => {
    const result = await transfer({ db: app.db, actor: request.actor!, stayId: request.params.id, input: request.body });
    return reply.code(201).send(result);
  });
};
export default residentsApi;

import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { caseFollowUps, caseOutsideReferrals, casePlanItems, cases, caseServices, caseTransfers, dischargeJourneys, dtksProposals, facilities, familyCases, persons, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { localDate, nowIso, toLocalIso, zoneOf, type Zone } from '../../lib/time.ts';
import { ageOn } from '../persons/age.ts';
import { maskIdNumber } from '../persons/nik.ts';
import { aidFactsOf, aidPlaces, aidSteps, describeAidSteps, domicileState, livesIn, nikRegion } from './aid.ts';
import { clusterOf } from '../persons/cluster.ts';
import { caseWorkerToday, dueState } from '../time-zone.ts';
import { assertCanSeeCase, canSeeCase, caseOf, currentOrLastStay } from './scope.ts';
import { canSeeFacility } from '../access.ts';

export async function latestDtksProposal(db: Db | Tx, personId: string): Promise<string | null> {
  return (await db.select({ at: dtksProposals.proposedAt }).from(dtksProposals).where(eq(dtksProposals.personId, personId)).orderBy(desc(dtksProposals.proposedAt)).limit(1).get())?.at ?? null;
}

/** The case as the API serves it (INTERFACES.md `GET /residents/:id/case`), built inside a transaction. */
export async function loadCase(tx: Db | Tx, actor: Actor, personId: string) {
  const p = (await tx.select().from(persons).where(eq(persons.id, personId)).get())!;
  const c = await caseOf(tx, personId);
  const pendamping = c?.pendampingId
    ? (await tx.select({ id: users.id, username: users.username, displayName: users.displayName, cluster: users.cluster }).from(users).where(eq(users.id, c.pendampingId)).get() ?? null)
    : null;
  const stay = await currentOrLastStay(tx, personId);
  const facility = stay ? await tx.select().from(facilities).where(eq(facilities.id, stay.facilityId)).get() : undefined;
  const facilityVisible = facility && stay ? canSeeFacility(actor, facility) : false;
  // The case lives where the person stays (or last stayed): its times and its today are that facility's (WIB when not known).
  const zone: Zone = facilityVisible && facility ? zoneOf(facility.wilayahCode) : 'WIB';
  const today = localDate(nowIso(), zone);
  // What is due is counted in the case worker's day, as on the caseload and the worklist (domain/time-zone.ts).
  const dueToday = await caseWorkerToday(tx, actor);
  const journey = stay ? (await tx.select().from(dischargeJourneys).where(eq(dischargeJourneys.stayId, stay.id)).get() ?? null) : null;
  const plan = c ? await tx.select().from(casePlanItems).where(eq(casePlanItems.caseId, c.id)).orderBy(asc(casePlanItems.position)).all() : [];
  const services = c
    ? await tx.select().from(caseServices).where(eq(caseServices.caseId, c.id)).orderBy(desc(caseServices.givenAt)).all()
    : [];
  const followUps = c
    ? await tx.select().from(caseFollowUps).where(eq(caseFollowUps.caseId, c.id)).orderBy(sql`${caseFollowUps.doneAt} is not null`, asc(caseFollowUps.due)).all()
    : [];
  const transfers = c ? await tx.select().from(caseTransfers).where(eq(caseTransfers.caseId, c.id)).orderBy(desc(caseTransfers.requestedAt)).all() : [];
  const outside = c ? await tx.select().from(caseOutsideReferrals).where(eq(caseOutsideReferrals.caseId, c.id)).orderBy(desc(caseOutsideReferrals.referredAt)).all() : [];
  // Names of the accounts this case mentions (pendamping of transfers, owners of follow-ups), in one read.
  const accountIds = [...new Set([...transfers.flatMap((t) => [t.fromPendampingId, t.toPendampingId]), ...followUps.map((f) => f.ownerId)].filter((x): x is string => !!x))];
  const accounts = new Map(
    accountIds.length
      ? (await tx.select({ id: users.id, username: users.username, displayName: users.displayName }).from(users).where(inArray(users.id, accountIds)).all()).map((u) => [u.id, u.displayName || u.username])
      : [],
  );
  const family = c?.familyCaseId ? await familyOf(tx, actor, c.familyCaseId, personId) : null;
  const proposedAt = await latestDtksProposal(tx, personId);
  const aidFacts = aidFactsOf(p, ageOn(p, today), (await aidPlaces(tx, [personId])).get(personId));
  const steps = aidSteps(aidFacts, proposedAt);
  const domicile = domicileState(aidFacts);
  const lang = actor.lang;
  return {
    person: {
      id: p.id,
      resident_code: p.residentCode,
      name: p.name ?? p.description,
      sex: p.sex,
      age: ageOn(p, today),
      nik_masked: maskIdNumber(p.nik),
      has_nik: p.nik !== null,
      has_kk: p.kk !== null,
      category: p.category,
    },
    stay: stay
      ? {
          id: stay.id,
          open: stay.checkedOutAt === null,
          facility_id: facilityVisible ? stay.facilityId : null,
          facility_name: facilityVisible ? (facility?.name ?? null) : null,
          checked_in_at: toLocalIso(stay.checkedInAt, zone),
          checked_out_at: toLocalIso(stay.checkedOutAt, zone),
          outcome: stay.outcome,
          journey: journey
            ? { destination_wilayah_code: journey.destinationWilayahCode, family_contact: journey.familyContact, escort: journey.escort, date: journey.date }
            : null,
        }
      : null,
    pendamping: pendamping ? { id: pendamping.id, username: pendamping.username, name: pendamping.displayName || pendamping.username, cluster: pendamping.cluster } : null,
    assigned_at: toLocalIso(c?.assignedAt, zone),
    cluster: await clusterOf(tx, personId, today),
    assessment: { needs: c?.needs ?? null, wishes: c?.wishes ?? null, assessed_at: toLocalIso(c?.assessedAt, zone) },
    state: c?.closedAt ? ('closed' as const) : ('open' as const),
    plan: plan.map((i) => ({ id: i.id, menu: i.menu, service: i.service, goal: i.goal, due: i.due, note: i.note, status: i.status, status_at: toLocalIso(i.statusAt, zone), status_reason: i.statusReason, services: services.filter((s) => s.planItemId === i.id).length })),
    services: services.map((s) => ({ id: s.id, menu: s.menu, service: s.service, plan_item_id: s.planItemId, given_at: toLocalIso(s.givenAt, zone), given_by: s.givenByLabel, note: s.note })),
    evaluation: c?.evaluatedAt ? { summary: c.evaluation ?? '', evaluated_at: toLocalIso(c.evaluatedAt, zone) } : null,
    closing: c?.closedAt ? { outcome: c.closeOutcome!, note: c.closeNote, closed_at: toLocalIso(c.closedAt, zone) } : null,
    transfers: transfers.map((t) => ({
      id: t.id,
      status: t.status,
      from: t.fromPendampingId ? { id: t.fromPendampingId, name: accounts.get(t.fromPendampingId) ?? '—' } : null,
      to: { id: t.toPendampingId, name: accounts.get(t.toPendampingId) ?? '—' },
      reason: t.reason,
      requested_at: toLocalIso(t.requestedAt, zone),
      answered_at: toLocalIso(t.answeredAt, zone),
      answer_note: t.answerNote,
    })),
    outside_referrals: outside.map((r) => ({
      id: r.id,
      service: r.service,
      to_name: r.toName,
      wilayah_code: r.wilayahCode,
      reason: r.reason,
      status: r.status,
      referred_at: toLocalIso(r.referredAt, zone),
      answer: r.answer,
      answered_at: toLocalIso(r.answeredAt, zone),
    })),
    family,
    follow_ups: followUps.map((f) => ({
      id: f.id,
      kind: f.kind,
      due: f.due,
      note: f.note,
      state: dueState(f, dueToday),
      stay_id: f.stayId,
      done_at: toLocalIso(f.doneAt, zone),
      outcome: f.outcome,
      outcome_note: f.outcomeNote,
      owner: f.ownerId ? { id: f.ownerId, name: accounts.get(f.ownerId) ?? '—' } : null,
      owner_contact: f.ownerContact,
    })),
    aid: {
      has_nik: p.nik !== null,
      dtks: p.dtks,
      pkh: p.pkh,
      bpnt: p.bpnt,
      ktp_elsewhere: domicile === 'elsewhere',
      domicile,
      nik_region: nikRegion(aidFacts.nik),
      lives_in: livesIn(aidFacts),
      dtks_proposed_at: toLocalIso(proposedAt, zone),
      steps: describeAidSteps(steps, aidFacts, lang),
    },
  };
}
export type CaseView = Awaited<ReturnType<typeof loadCase>>;

/**
 * The family case as this reader may know it: the KK masked, the family's
 * note, and its members; a member whose case the reader may not see is
 * counted, never named.
 */
async function familyOf(tx: Db | Tx, actor: Actor, familyCaseId: string, selfId: string) {
  const f = await tx.select().from(familyCases).where(eq(familyCases.id, familyCaseId)).get();
  if (!f) return null;
  const rows = await tx
    .select({ personId: cases.personId, residentCode: persons.residentCode, name: persons.name, description: persons.description, closedAt: cases.closedAt })
    .from(cases)
    .innerJoin(persons, eq(persons.id, cases.personId))
    .where(and(eq(cases.familyCaseId, f.id), sql`${persons.mergedIntoId} is null`))
    .orderBy(asc(persons.residentCode))
    .all();
  const members = [];
  let hidden = 0;
  for (const r of rows) {
    if (r.personId !== selfId && !await canSeeCase(tx, actor, r.personId)) {
      hidden += 1;
      continue;
    }
    members.push({ person_id: r.personId, resident_code: r.residentCode, name: r.name ?? r.description, self: r.personId === selfId, closed: r.closedAt !== null });
  }
  return { id: f.id, kk_masked: maskIdNumber(f.kk), note: f.note, members, hidden_members: hidden };
}

/** One person's case; reading it is an audit event ('case.read'), as reading the record is. */
export async function readCase(args: { db: Db; actor: Actor; personId: string }): Promise<CaseView> {
  return await write(args.db, async (tx) => {
    await assertCanSeeCase(tx, args.actor, args.personId);
    await audit(tx, args.actor, { action: 'case.read', entity: 'person', entityId: args.personId });
    return await loadCase(tx, args.actor, args.personId);
  });
}


import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { caseFollowUps, caseOutsideReferrals, casePlanItems, cases, caseServices, caseTransfers, dischargeJourneys, dtksProposals, facilities, familyCases, personClusters, persons, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { conflict, invalidField, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { clusterOf } from '../persons/cluster.ts';
import { AssessmentInput, AssignInput, DtksCheckInput, DtksProposalInput, FollowUpDoneInput, FollowUpInput, parseInstant, PlanInput, ServiceInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanAssign, assertCanChangeCase, assertCanCompleteFollowUp, assertCanWorkCase, assertCaseOpen, caseOf, currentOrLastStay } from './scope.ts';
import { menuOfService } from './catalogue.ts';

/** The person's case, made on first use (a service may be recorded before anyone is assigned). */
export async function ensureCase(tx: Tx, personId: string, at = nowIso()) {
  const existing = await caseOf(tx, personId);
  if (existing) return existing;
  // A person whose family card already has a family case joins it.
  const kk = (await tx.select({ kk: persons.kk }).from(persons).where(eq(persons.id, personId)).get())?.kk;
  const family = kk ? await tx.select({ id: familyCases.id }).from(familyCases).where(eq(familyCases.kk, kk)).get() : undefined;
  const row = { id: newId(), personId, familyCaseId: family?.id ?? null, createdAt: at, updatedAt: at };
  await tx.insert(cases).values(row).run();
  return (await caseOf(tx, personId))!;
}

const touch = async (tx: Tx, caseId: string, at: string) => await tx.update(cases).set({ updatedAt: at }).where(eq(cases.id, caseId)).run();

type PendampingFacts = Pick<typeof users.$inferSelect, 'role' | 'disabledAt' | 'cluster' | 'facilityId' | 'wilayahCode'>;

/**
 * The pendamping a case may go to (assigned or transferred): an active
 * pendamping account of the person's cluster, working where the person is
 * (the facility itself, or the wilayah it lies in). The reason one may not
 * (a message key), or null: the one rule of pendampingFits and of the choices
 * the forms offer (pendampingChoicesFor).
 */
function unfitReason(p: PendampingFacts, cluster: string | null, place: { id: string; wilayahCode: string } | null): string | null {
  if (p.role !== 'pendamping' || p.disabledAt) return 'cases.not_a_pendamping';
  if (!cluster) return 'cases.cluster_unknown';
  if (p.cluster !== cluster) return 'cases.pendamping_wrong_cluster';
  if (place) {
    const here = p.facilityId ? p.facilityId === place.id : !!p.wilayahCode && (place.wilayahCode === p.wilayahCode || place.wilayahCode.startsWith(`${p.wilayahCode}.`));
    if (!here) return 'cases.pendamping_out_of_area';
  }
  return null;
}

/** Where the person is (the facility of their open stay, else of their latest), or null. */
async function placeOf(tx: Db | Tx, personId: string) {
  const stay = await currentOrLastStay(tx, personId);
  if (!stay) return null;
  return (await tx.select({ id: facilities.id, wilayahCode: facilities.wilayahCode }).from(facilities).where(eq(facilities.id, stay.facilityId)).get()) ?? null;
}

/** The pendamping `pendampingId` may take the person's case, or a refusal naming `field`. */
export async function pendampingFits(tx: Tx, pendampingId: string, personId: string, field: string) {
  const p = await tx.select().from(users).where(eq(users.id, pendampingId)).get();
  if (!p) throw invalidField(field, 'cases.not_a_pendamping');
  const cluster = await clusterOf(tx, personId);
  const reason = unfitReason(p, cluster.cluster, await placeOf(tx, personId));
  if (reason) throw invalidField(field, reason, reason === 'cases.pendamping_wrong_cluster' ? { cluster: cluster.cluster } : undefined);
  return { p, cluster };
}

/** The pendamping the assign and transfer forms offer for this person: exactly those pendampingFits accepts, by name. */
export async function pendampingChoicesFor(db: Db | Tx, personId: string) {
  const cluster = (await clusterOf(db, personId)).cluster;
  const place = await placeOf(db, personId);
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, disabledAt: users.disabledAt, cluster: users.cluster, facilityId: users.facilityId, wilayahCode: users.wilayahCode })
    .from(users)
    .where(and(eq(users.role, 'pendamping'), isNull(users.disabledAt)))
    .orderBy(users.username)
    .all();
  return rows.filter((p) => unfitReason(p, cluster, place) === null).map(({ id, username, displayName, cluster: c, facilityId, wilayahCode }) => ({ id, username, displayName, cluster: c, facilityId, wilayahCode }));
}

/**
 * Assigns (or reassigns) the pendamping: an active pendamping account of the
 * person's cluster, working where the person is (the facility itself, or the
 * wilayah it lies in).
 */
export async function assignPendamping(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const { actor } = args;
  const input = parseInput(AssignInput, args.input, actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanAssign(tx, actor, args.personId);
    await assertCaseOpen(tx, args.personId);
    const { p, cluster } = await pendampingFits(tx, input.pendamping_id, args.personId, 'pendamping_id');
    const at = nowIso();
    const c = await ensureCase(tx, args.personId, at);
    await tx.update(cases).set({ pendampingId: p.id, assignedAt: at, assignedBy: actor.id, updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, actor, { action: 'case.assign', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, from: c.pendampingId, to: p.id, cluster: cluster.cluster } });
    return await loadCase(tx, actor, args.personId);
  });
}

export async function recordAssessment(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(AssessmentInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const at = nowIso();
    const c = await ensureCase(tx, args.personId, at);
    await tx.update(cases).set({ needs: input.needs ?? null, wishes: input.wishes ?? null, assessedAt: at, updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, args.actor, { action: 'case.assessment', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/**
 * Adds items to the ATENSI plan: each gets a stable id and starts `planned`.
 * Items are never removed (services given may point at them): an item no
 * longer wanted is dropped with a reason (process.ts, movePlanItem).
 */
export async function addPlanItems(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(PlanInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const at = nowIso();
    const c = await ensureCase(tx, args.personId, at);
    const last = (await tx.get<{ n: number | string | null }>(sql`select max(position) as n from case_plan_items where case_id = ${c.id}`))?.n;
    const start = last === null || last === undefined ? 0 : Number(last) + 1;
    const ids: string[] = [];
    for (const [i, item] of input.items.entries()) {
      const id = newId();
      ids.push(id);
      await tx.insert(casePlanItems)
        .values({ id, caseId: c.id, menu: item.menu, service: item.service, goal: item.goal, due: item.due ?? null, note: item.note ?? null, status: 'planned', statusAt: at, statusBy: args.actor.id, position: start + i, createdAt: at, createdBy: args.actor.id })
        .run();
    }
    await touch(tx, c.id, at);
    await audit(tx, args.actor, { action: 'case.plan', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, added: ids, services: input.items.map((i) => i.service) } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** A service given: what (menu, service), when (default now; never in the future), by whom (the actor). */
export async function recordService(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(ServiceInput, args.input, args.actor.lang);
  const at = nowIso();
  const givenAt = input.given_at ? parseInstant(input.given_at) : at;
  if (!givenAt) throw invalidField('given_at', 'cases.bad_time');
  if (givenAt > at) throw invalidField('given_at', 'cases.given_in_future');
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const c = await ensureCase(tx, args.personId, at);
    const menu = menuOfService(input.service)!;
    // A service given for a plan item: the item is this case's, of the same menu, and still open; a planned one starts.
    let moved: string | null = null;
    if (input.plan_item_id) {
      const item = await tx.select().from(casePlanItems).where(and(eq(casePlanItems.id, input.plan_item_id), eq(casePlanItems.caseId, c.id))).get();
      if (!item) throw invalidField('plan_item_id', 'cases.plan_item_not_found');
      if (item.menu !== menu) throw invalidField('plan_item_id', 'cases.plan_item_other_menu');
      if (item.status === 'done' || item.status === 'dropped') throw invalidField('plan_item_id', 'cases.plan_item_finished', { status: item.status });
      if (item.status === 'planned') {
        await tx.update(casePlanItems).set({ status: 'in_progress', statusAt: at, statusBy: args.actor.id }).where(and(eq(casePlanItems.id, item.id), eq(casePlanItems.status, 'planned'))).run();
        moved = item.id;
      }
    }
    const id = newId();
    await tx.insert(caseServices)
      .values({ id, caseId: c.id, menu, service: input.service, planItemId: input.plan_item_id ?? null, givenAt, givenBy: args.actor.id, givenByLabel: args.actor.label, note: input.note ?? null, createdAt: at })
      .run();
    await touch(tx, c.id, at);
    await audit(tx, args.actor, { action: 'case.service', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, service_id: id, menu, service: input.service, plan_item_id: input.plan_item_id ?? null, started: moved } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** Inserts a follow-up inside a caller's transaction (a discharge's "after arrival" uses it too). */
export async function insertFollowUp(tx: Tx, actor: Actor, personId: string, f: { due: string; kind: FollowUpInput['kind']; note?: string | undefined; stayId?: string | null; ownerId?: string | null }, at = nowIso()): Promise<string> {
  const c = await ensureCase(tx, personId, at);
  const id = newId();
  await tx.insert(caseFollowUps).values({ id, caseId: c.id, kind: f.kind, due: f.due, note: f.note ?? null, stayId: f.stayId ?? null, ownerId: f.ownerId ?? null, createdAt: at, createdBy: actor.id }).run();
  await touch(tx, c.id, at);
  await audit(tx, actor, { action: 'case.follow_up', entity: 'person', entityId: personId, at, detail: { case_id: c.id, follow_up_id: id, kind: f.kind, due: f.due } });
  return id;
}

/**
 * A follow-up; its due day may lie in the past (recorded late) and it goes on
 * after discharge, and after closing: follow-ups are the aftercare (bimbingan
 * lanjut) that comes after terminasi, the one part of a closed case still worked.
 */
export async function addFollowUp(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(FollowUpInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanWorkCase(tx, args.actor, args.personId);
    await insertFollowUp(tx, args.actor, args.personId, input);
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** Completed by whoever works the case, or by the follow-up's owner (the destination's pendamping after a return home). */
export async function completeFollowUp(args: { db: Db; actor: Actor; personId: string; followUpId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(FollowUpDoneInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    // Aftercare goes on after terminasi: a closed case's follow-ups are still completed.
    await assertCanCompleteFollowUp(tx, args.actor, args.personId, args.followUpId);
    const c = await caseOf(tx, args.personId);
    const f = c ? await tx.select().from(caseFollowUps).where(and(eq(caseFollowUps.id, args.followUpId), eq(caseFollowUps.caseId, c.id))).get() : undefined;
    if (!c || !f) throw notFound('cases.follow_up_not_found');
    const at = nowIso();
    const done = await tx
      .update(caseFollowUps)
      .set({ doneAt: at, doneBy: args.actor.id, outcome: input.outcome, outcomeNote: input.note ?? null })
      .where(and(eq(caseFollowUps.id, f.id), isNull(caseFollowUps.doneAt)))
      .run();
    if (done.changes !== 1) throw conflict('cases.follow_up_already_done');
    await touch(tx, c.id, at);
    await audit(tx, args.actor, { action: 'case.follow_up_done', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, follow_up_id: f.id, outcome: input.outcome } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** The person was proposed to DTKS (or, their KK being in DTKS, a data update asked) through the Dinsos: the aid worklist then waits for the Dinsos. */
export async function proposeToDtks(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(DtksProposalInput, args.input ?? {}, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const view = await loadCase(tx, args.actor, args.personId);
    if (!view.aid.steps.some((s) => s.code === 'dtks' || s.code === 'dtks_update')) throw conflict('cases.dtks_not_needed');
    const at = nowIso();
    const id = newId();
    await tx.insert(dtksProposals).values({ id, personId: args.personId, proposedAt: at, proposedBy: args.actor.id, note: input.note ?? null }).run();
    await audit(tx, args.actor, { action: 'case.dtks_proposal', entity: 'person', entityId: args.personId, at, detail: { proposal_id: id } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/**
 * The outcome of checking the person's NIK against DTKS at the Dinsos: it
 * becomes the person's DTKS status (yes: nothing more to do; no: propose),
 * so the road to aid moves on. A check needs a NIK (DTKS takes people by it).
 */
export async function recordDtksCheck(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(DtksCheckInput, args.input ?? {}, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const p = (await tx.select({ nik: persons.nik, dtks: persons.dtks }).from(persons).where(eq(persons.id, args.personId)).get())!;
    if (!p.nik) throw conflict('cases.dtks_check_no_nik');
    const at = nowIso();
    await tx.update(persons).set({ dtks: input.outcome, updatedAt: at, version: sql`${persons.version} + 1` }).where(eq(persons.id, args.personId)).run();
    await audit(tx, args.actor, { action: 'case.dtks_check', entity: 'person', entityId: args.personId, at, detail: { before: p.dtks, outcome: input.outcome, note: input.note ?? null } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/**
 * Anonymising a person (UU 27/2022 PDP) also clears what the case says about
 * them in words: assessment, notes, the family contact of a journey. The counts
 * (services by menu, follow-up outcomes) stay for the reports.
 */
export async function anonymiseCase(tx: Tx, personId: string): Promise<void> {
  const c = await caseOf(tx, personId);
  if (c) {
    await tx.update(cases).set({ needs: null, wishes: null, evaluation: null, closeNote: null }).where(eq(cases.id, c.id)).run();
    // The catalogue's codes stay (the reports count them); what was typed about the person goes.
    await tx.update(caseServices).set({ note: null }).where(eq(caseServices.caseId, c.id)).run();
    await tx.update(caseFollowUps).set({ note: null, outcomeNote: null, ownerContact: null }).where(eq(caseFollowUps.caseId, c.id)).run();
    await tx.update(casePlanItems).set({ goal: '—', note: null, statusReason: null }).where(eq(casePlanItems.caseId, c.id)).run();
    await tx.update(caseTransfers).set({ reason: '—', answerNote: null }).where(eq(caseTransfers.caseId, c.id)).run();
    await tx.update(caseOutsideReferrals).set({ reason: '—', answer: null }).where(eq(caseOutsideReferrals.caseId, c.id)).run();
  }
  await tx.update(dischargeJourneys).set({ familyContact: '—', escort: '—' }).where(sql`${dischargeJourneys.stayId} in (select id from stays where person_id = ${personId})`).run();
  await tx.update(personClusters).set({ reason: '—' }).where(eq(personClusters.personId, personId)).run();
  await tx.update(dtksProposals).set({ note: null }).where(eq(dtksProposals.personId, personId)).run();
}

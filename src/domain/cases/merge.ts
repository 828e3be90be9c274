import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { caseFollowUps, caseOutsideReferrals, casePlanItems, cases, caseServices, caseTransfers, dtksProposals, personClusters } from '../../db/schema/index.ts';

export interface CarriedCase {
  /** The merged-away record's case moved whole to the survivor (the survivor had none). */
  moved: boolean;
  /** Both had a case: the other's plan, services and follow-ups joined the survivor's. */
  joined: boolean;
  dtks_proposals: number;
}

/**
 * A merge carries the case (issue 26): the merged-away record's case, its
 * plan, services, follow-ups, DTKS proposals and cluster override go to the
 * survivor. When both had a case, the survivor's keeps its pendamping and
 * assessment (the other's fill what it lacks) and takes the other's items;
 * the other's empty case row is removed, so that one person has one case.
 * Its outside referrals and transfers go too (a transfer still asked for it is
 * cancelled: the survivor's pendamping stands); the survivor's open or closed
 * state is kept.
 */
export async function carryCase(tx: Tx, fromId: string, toId: string, now: string): Promise<CarriedCase> {
  const from = await tx.select().from(cases).where(eq(cases.personId, fromId)).get();
  const to = await tx.select().from(cases).where(eq(cases.personId, toId)).get();
  const dtks = (await tx.update(dtksProposals).set({ personId: toId }).where(eq(dtksProposals.personId, fromId)).run()).changes;
  const hasCluster = await tx.select({ p: personClusters.personId }).from(personClusters).where(eq(personClusters.personId, toId)).get();
  if (hasCluster) await tx.delete(personClusters).where(eq(personClusters.personId, fromId)).run();
  else await tx.update(personClusters).set({ personId: toId }).where(eq(personClusters.personId, fromId)).run();
  if (!from) return { moved: false, joined: false, dtks_proposals: dtks };
  if (!to) {
    await tx.update(cases).set({ personId: toId, updatedAt: now }).where(eq(cases.id, from.id)).run();
    return { moved: true, joined: false, dtks_proposals: dtks };
  }
  const last = (await tx.get<{ n: number | string | null }>(sql`select max(position) as n from case_plan_items where case_id = ${to.id}`))?.n;
  const offset = last === null || last === undefined ? 0 : Number(last) + 1;
  await tx.update(casePlanItems).set({ caseId: to.id, position: sql`${casePlanItems.position} + ${offset}` }).where(eq(casePlanItems.caseId, from.id)).run();
  await tx.update(caseServices).set({ caseId: to.id }).where(eq(caseServices.caseId, from.id)).run();
  await tx.update(caseFollowUps).set({ caseId: to.id }).where(eq(caseFollowUps.caseId, from.id)).run();
  await tx.update(caseOutsideReferrals).set({ caseId: to.id }).where(eq(caseOutsideReferrals.caseId, from.id)).run();
  // The survivor keeps its pendamping: a transfer still asked for the other's case no longer stands.
  await tx.update(caseTransfers).set({ status: 'cancelled', answeredAt: now }).where(and(eq(caseTransfers.caseId, from.id), eq(caseTransfers.status, 'requested'))).run();
  await tx.update(caseTransfers).set({ caseId: to.id }).where(eq(caseTransfers.caseId, from.id)).run();
  await tx.update(cases)
    .set({
      familyCaseId: to.familyCaseId ?? from.familyCaseId,
      evaluation: to.evaluatedAt ? to.evaluation : from.evaluation,
      evaluatedAt: to.evaluatedAt ?? from.evaluatedAt,
      evaluatedBy: to.evaluatedAt ? to.evaluatedBy : from.evaluatedBy,
      pendampingId: to.pendampingId ?? from.pendampingId,
      assignedAt: to.pendampingId ? to.assignedAt : from.assignedAt,
      assignedBy: to.pendampingId ? to.assignedBy : from.assignedBy,
      needs: to.needs ?? from.needs,
      wishes: to.wishes ?? from.wishes,
      assessedAt: to.assessedAt ?? from.assessedAt,
      updatedAt: now,
    })
    .where(eq(cases.id, to.id))
    .run();
  await tx.delete(cases).where(eq(cases.id, from.id)).run();
  return { moved: false, joined: true, dtks_proposals: dtks };
}

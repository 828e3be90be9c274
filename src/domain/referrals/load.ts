import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { referrals, OPEN_REFERRAL_STATUSES, type ReferralStatus } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, isWide } from '../access.ts';
import { conflict, forbidden, notFound } from '../errors.ts';

export type ReferralRow = typeof referrals.$inferSelect;

export const OPEN: readonly ReferralStatus[] = OPEN_REFERRAL_STATUSES;

/** Which end of a referral this actor stands at. */
export type Side = 'wide' | 'from' | 'to' | null;

export function sideOf(actor: Actor, r: Pick<ReferralRow, 'fromFacilityId' | 'toFacilityId'>): Side {
  if (isWide(actor)) return 'wide';
  if (!hasRole(actor, ['manager', 'intake']) || !actor.facilityId) return null;
  if (actor.facilityId === r.toFacilityId) return 'to';
  if (actor.facilityId === r.fromFacilityId) return 'from';
  return null;
}

/**
 * Who takes which step: the receiving facility's manager accepts or refuses;
 * its manager or desk records the arrival; the sending facility's desk or
 * manager records the departure or cancels; the command centre and
 * administrators may take any step.
 */
export type Step = 'accept' | 'refuse' | 'depart' | 'arrive' | 'cancel';

export function assertMayTake(actor: Actor, r: ReferralRow, step: Step): void {
  const side = sideOf(actor, r);
  // Someone at neither end does not learn that the referral exists.
  if (side === null) throw notFound('referrals.not_found');
  if (side === 'wide') return;
  const ok =
    step === 'accept' || step === 'refuse'
      ? side === 'to' && actor.role === 'manager'
      : step === 'arrive'
        ? side === 'to'
        : side === 'from';
  if (!ok) throw forbidden('referrals.not_your_step');
}

export async function loadReferral(tx: Db | Tx, id: string): Promise<ReferralRow> {
  const r = await tx.select().from(referrals).where(eq(referrals.id, id)).get();
  if (!r) throw notFound('referrals.not_found');
  return r;
}

export function assertStatus(r: ReferralRow, allowed: readonly ReferralStatus[]): void {
  if (!allowed.includes(r.status)) throw conflict('referrals.wrong_status', { status: r.status });
}

/** The persons a referral carries, the one it was made for first. */
export async function referralPersonIds(tx: Db | Tx, referralId: string): Promise<string[]> {
  return (await tx.all<{ person_id: string }>(sql`select person_id from referral_persons where referral_id = ${referralId} order by rowid`)).map((r) => r.person_id);
}

/** Moves a referral on, only from the status it was read in (a double submit finds nothing to do: 409). */
export async function moveReferral(tx: Tx, r: ReferralRow, set: Partial<ReferralRow> & { status: ReferralStatus }): Promise<void> {
  const done = await tx
    .update(referrals)
    .set({ ...set, version: r.version + 1 })
    .where(sql`${referrals.id} = ${r.id} and ${referrals.status} = ${r.status} and ${referrals.version} = ${r.version}`)
    .run();
  if (done.changes !== 1) throw conflict('referrals.changed');
  if (!OPEN.includes(set.status)) await tx.run(sql`update referral_persons set open = 0 where referral_id = ${r.id}`);
}

/** The steps this actor may take on a referral now, in the order the buttons are shown. */
export function stepsFor(actor: Actor, r: Pick<ReferralRow, 'status' | 'fromFacilityId' | 'toFacilityId'>): Step[] {
  const byStatus: Partial<Record<ReferralStatus, Step[]>> = {
    PROPOSED: ['accept', 'refuse', 'cancel'],
    ACCEPTED: ['arrive', 'depart', 'refuse', 'cancel'],
    IN_TRANSIT: ['arrive', 'cancel'],
  };
  return (byStatus[r.status] ?? []).filter((s) => {
    try {
      assertMayTake(actor, r as ReferralRow, s);
      return true;
    } catch {
      return false;
    }
  });
}

/** Of these persons, those with an open referral (a hold somewhere, or on the way). */
export async function personsWithOpenReferral(db: Db | Tx, personIds: string[]): Promise<Set<string>> {
  if (!personIds.length) return new Set();
  const rows = await db.all<{ person_id: string }>(sql`select distinct person_id from referral_persons where open = 1 and person_id in ${personIds}`);
  return new Set(rows.map((r) => r.person_id));
}

import { inArray, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { referrals } from '../../db/schema/index.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import { audit } from '../audit.ts';
import { publishStep } from './events.ts';
import type { ReferralRow } from './load.ts';
import { alertExpired } from './loop-alerts.ts';

/**
 * Statuses whose hold runs out. A referral IN_TRANSIT does not expire: the
 * people are on the road, and their place must be there when they arrive.
 */
export const EXPIRING = ['PROPOSED', 'ACCEPTED'] as const;

/**
 * Releases the places of referrals whose hold has run out (EXPIRED), without
 * anyone acting: run by a periodic job (src/routes/referrals) and before
 * every read and step of referrals and routing, so a stale hold is never
 * counted by the pages that act on it. Returns the referrals it expired.
 */
export async function expireReferrals(db: Db, now: Date = new Date()): Promise<ReferralRow[]> {
  const at = now.toISOString();
  // A read first: the common case (nothing due) takes no write lock.
  const due = await db.all<{ id: string }>(sql`select id from referrals where status in ${EXPIRING} and expires_at <= ${at}`);
  if (!due.length) return [];
  const expired = await write(db, async (tx) => {
    const rows = (await tx
      .select()
      .from(referrals)
      .where(inArray(referrals.id, due.map((d) => d.id)))
      .all())
      .filter((r) => (EXPIRING as readonly string[]).includes(r.status) && r.expiresAt <= at);
    for (const r of rows) {
      await tx.update(referrals).set({ status: 'EXPIRED', closedAt: at, closedBy: null, version: r.version + 1 }).where(sql`${referrals.id} = ${r.id}`).run();
      await tx.run(sql`update referral_persons set open = 0 where referral_id = ${r.id}`);
      await audit(tx, SYSTEM_ACTOR, { action: 'referral.expire', entity: 'referral', entityId: r.id, at, detail: { from_status: r.status, to_facility_id: r.toFacilityId, places: r.places } });
    }
    // The sending desk is told: a lapsed hold is not a silent end (referral_expired).
    await alertExpired(tx, rows, at);
    const done = rows.map((r) => ({ ...r, status: 'EXPIRED' as const, closedAt: at }));
    // Announced with the change itself: heard once it is committed.
    for (const r of done) publishStep(tx, { referral: r, occupancy: r.toUnitId ? [{ facilityId: r.toFacilityId, unitIds: [r.toUnitId] }] : [] });
    return done;
  });
  return expired;
}

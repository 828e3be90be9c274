import { sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { alerts, type AlertKind } from '../../db/schema/index.ts';
import { SYSTEM_ACTOR, type Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { hubFor } from '../events.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import type { ReferralRow } from './load.ts';

/**
 * Every loop of a referral closes (DOMAIN.md "Every loop closes"): a hold
 * that lapsed is told to the sending desk (referral_expired), and a referral
 * accepted but not arrived within REFERRAL_ARRIVAL_HOURS is noticed
 * (referral_not_arrived). One open alert per kind and referral, addressed to
 * the sending facility (and the command centre, which sees every alert).
 * Each is settled only by an act: a new referral or a check-in of its people,
 * the arrival or cancellation of the referral, or a note (POST /alerts/:id/resolve).
 */
export const REFERRAL_LOOP_KINDS = ['referral_expired', 'referral_not_arrived'] as const satisfies readonly AlertKind[];

async function raiseReferralAlert(
  tx: Tx,
  r: Pick<ReferralRow, 'id' | 'fromFacilityId' | 'toFacilityId' | 'status' | 'places'>,
  kind: (typeof REFERRAL_LOOP_KINDS)[number],
  message: string,
  at: string,
  detail: Record<string, unknown> = {},
): Promise<string | null> {
  const open = await tx.all<{ id: string }>(sql`select id from alerts where kind = ${kind} and subject_type = 'referral' and subject_id = ${r.id} and resolved_at is null`);
  if (open.length) return null;
  const id = newId();
  await tx.insert(alerts)
    .values({ id, kind, facilityId: r.fromFacilityId, subjectType: 'referral', subjectId: r.id, message, detail: { referral_id: r.id, to_facility_id: r.toFacilityId, status: r.status, places: r.places, ...detail }, raisedAt: at })
    .run();
  await audit(tx, SYSTEM_ACTOR, { action: 'alert.raise', entity: 'alert', entityId: id, at, detail: { kind, referral_id: r.id, facility_id: r.fromFacilityId } });
  // Heard once the write commits: the sending desk's home and the command centre.
  hubFor(tx).publish({ type: 'alert', alertId: id, kind, facilityId: r.fromFacilityId });
  return id;
}

/** Inside expireReferrals' write: each lapsed hold alerts the desk that sent it. */
export async function alertExpired(tx: Tx, rows: readonly ReferralRow[], at: string): Promise<void> {
  for (const r of rows) {
    await raiseReferralAlert(tx, r, 'referral_expired', `Rujukan ${r.places} orang lewat batas tahan tanpa diterima atau berangkat; tempatnya dilepas. Rujuk lagi atau catat tindakan.`, at, { from_status: r.status });
  }
}

/**
 * The periodic check: referrals accepted (or on the road) longer than
 * `arrivalHours` ago and not arrived raise referral_not_arrived. Returns the
 * alerts raised.
 */
export async function alertNotArrived(db: Db, arrivalHours: number, now: Date = new Date()): Promise<string[]> {
  const at = now.toISOString();
  const before = new Date(now.getTime() - arrivalHours * 3_600_000).toISOString();
  const due = await db.all<{ id: string }>(sql`
    select r.id from referrals r
    where r.status in ('ACCEPTED', 'IN_TRANSIT') and r.decided_at is not null and r.decided_at <= ${before}
      and not exists (select 1 from alerts a where a.kind = 'referral_not_arrived' and a.subject_type = 'referral' and a.subject_id = r.id and a.resolved_at is null)`);
  if (!due.length) return [];
  return await write(db, async (tx) => {
    const raised: string[] = [];
    for (const { id } of due) {
      const [r] = await tx.all<{ id: string; from_facility_id: string | null; to_facility_id: string; status: ReferralRow['status']; places: number; decided_at: string }>(
        sql`select id, from_facility_id, to_facility_id, status, places, decided_at from referrals where id = ${id} and status in ('ACCEPTED', 'IN_TRANSIT')`,
      );
      if (!r) continue;
      const a = await raiseReferralAlert(
        tx,
        { id: r.id, fromFacilityId: r.from_facility_id, toFacilityId: r.to_facility_id, status: r.status, places: r.places },
        'referral_not_arrived',
        `Rujukan ${r.places} orang diterima lebih dari ${arrivalHours} jam lalu dan belum tiba.`,
        at,
        { accepted_at: r.decided_at, hours: arrivalHours },
      );
      if (a) raised.push(a);
    }
    return raised;
  });
}

/** Settles the loop alerts of a referral (it arrived, it was cancelled or refused): the act closes the loop. */
export async function settleReferralAlerts(tx: Tx, actor: Actor, referralId: string, at = nowIso()): Promise<void> {
  const open = await tx.all<{ id: string; kind: AlertKind; facility_id: string | null }>(
    sql`select id, kind, facility_id from alerts where subject_type = 'referral' and subject_id = ${referralId} and resolved_at is null and kind in ${REFERRAL_LOOP_KINDS}`,
  );
  for (const a of open) {
    await tx.run(sql`update alerts set resolved_at = ${at}, resolved_by = ${actor.id ?? actor.label} where id = ${a.id}`);
    await audit(tx, actor, { action: 'alert.resolve', entity: 'alert', entityId: a.id, at });
    hubFor(tx).publish({ type: 'alert', alertId: a.id, kind: a.kind, facilityId: a.facility_id });
  }
}

/** A new referral for any of these people settles the lapsed ones that carried them: the sender acted. */
export async function settleLapsedFor(tx: Tx, actor: Actor, personIds: readonly string[], at = nowIso()): Promise<void> {
  if (!personIds.length) return;
  const lapsed = await tx.all<{ id: string }>(sql`
    select distinct a.subject_id as id from alerts a
    join referral_persons rp on rp.referral_id = a.subject_id
    where a.kind = 'referral_expired' and a.subject_type = 'referral' and a.resolved_at is null and rp.person_id in ${personIds}`);
  for (const r of lapsed) await settleReferralAlerts(tx, actor, r.id, at);
}

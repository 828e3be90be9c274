import { desc, inArray, or, sql, eq, and, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { alerts, facilities, referrals } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, hasRole, isWide, PEOPLE_ROLES, requireRole } from '../access.ts';
import { nowIso, toLocalIso, zoneOf } from '../../lib/time.ts';
import { expireReferrals } from './expire.ts';
import { OPEN, sideOf, loadReferral } from './load.ts';
import { toReferralRecord, toReferralRecords, type ReferralRecord } from './view.ts';
import { notFound } from '../errors.ts';

/** How far back the inboxes show closed referrals (refused, arrived…): the desk sees what just happened. */
export const RECENT_HOURS = 48;

export type ListScope = 'incoming' | 'outgoing' | 'all';

/** Referrals this actor may see: wide roles all; facility staff those to or from their facility. */
export async function listReferrals(args: { db: Db; actor: Actor; scope?: ListScope; open?: boolean; limit?: number; offset?: number }): Promise<ReferralRecord[]> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  await expireReferrals(db);
  const conds: SQL[] = [];
  const fid = actor.facilityId;
  if (!isWide(actor)) {
    if (!fid || !hasRole(actor, ['manager', 'intake'])) return [];
    if (args.scope === 'incoming') conds.push(eq(referrals.toFacilityId, fid));
    else if (args.scope === 'outgoing') conds.push(eq(referrals.fromFacilityId, fid));
    else conds.push(or(eq(referrals.toFacilityId, fid), eq(referrals.fromFacilityId, fid))!);
  } else if (fid && args.scope === 'incoming') conds.push(eq(referrals.toFacilityId, fid));
  else if (fid && args.scope === 'outgoing') conds.push(eq(referrals.fromFacilityId, fid));
  if (args.open) conds.push(inArray(referrals.status, [...OPEN]));
  else {
    const since = new Date(Date.now() - RECENT_HOURS * 3600_000).toISOString();
    conds.push(or(inArray(referrals.status, [...OPEN]), sql`${referrals.closedAt} >= ${since}`)!);
  }
  const rows = await db
    .select()
    .from(referrals)
    .where(and(...conds))
    .orderBy(desc(referrals.proposedAt), referrals.id)
    // 1001: a page of the API asks one past its limit (1000) to know whether there is more.
    .limit(Math.min(Math.max(args.limit ?? 200, 1), 1001))
    .offset(Math.max(args.offset ?? 0, 0))
    .all();
  return await toReferralRecords(db, actor, rows);
}

export async function getReferral(args: { db: Db; actor: Actor; id: string }): Promise<ReferralRecord> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  await expireReferrals(db);
  const r = await loadReferral(db, args.id);
  if (sideOf(actor, r) === null) throw notFound('referrals.not_found');
  return await toReferralRecord(db, actor, r);
}

export interface AlertItem {
  id: string;
  kind: string;
  facility: string | null;
  person_id: string | null;
  resident_code: string | null;
  message: string;
  detail: Record<string, unknown> | null;
  raised_at: string | null;
  raised_at_utc: string;
}

/** Open alerts about people (nothing fits, refused twice), for the command centre. */
export async function personAlerts(db: Db, actor: Actor): Promise<AlertItem[]> {
  if (!isWide(actor)) return [];
  const rows = await db
    .select({ a: alerts, facilityName: facilities.name, facilityProtected: facilities.protected, facilityId: facilities.id, wilayahCode: facilities.wilayahCode })
    .from(alerts)
    .leftJoin(facilities, eq(facilities.id, alerts.facilityId))
    .where(and(sql`${alerts.resolvedAt} is null`, inArray(alerts.kind, ['nothing_fits', 'referral_refused_twice'])))
    .orderBy(alerts.raisedAt)
    .all();
  return rows.map(({ a, facilityName, facilityId, facilityProtected, wilayahCode }) => {
    const visible = facilityId !== null && canSeeFacility(actor, { id: facilityId, protected: facilityProtected ?? false });
    return {
      id: a.id,
      kind: a.kind,
      facility: visible ? facilityName : null,
      person_id: a.subjectType === 'person' ? a.subjectId : null,
      resident_code: typeof a.detail?.resident_code === 'string' ? a.detail.resident_code : null,
      message: a.message,
      detail: a.detail ?? null,
      // In the zone of the facility it is about (WIB for none, or one the actor may not know).
      raised_at: toLocalIso(a.raisedAt, visible ? zoneOf(wilayahCode) : 'WIB'),
      raised_at_utc: a.raisedAt,
    };
  });
}

export interface Inbox {
  /** Coming to the actor's facility. */
  incoming: ReferralRecord[];
  /** Sent from the actor's facility. */
  outgoing: ReferralRecord[];
  /** Every open referral (command centre, administrators). */
  all: ReferralRecord[];
  alerts: AlertItem[];
  now: string;
}

/** The /referrals page: each role's view of referrals in flight. */
export async function inbox(args: { db: Db; actor: Actor }): Promise<Inbox> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const wide = isWide(actor);
  const fid = actor.facilityId;
  return {
    incoming: fid ? await listReferrals({ db, actor, scope: 'incoming' }) : [],
    outgoing: fid ? await listReferrals({ db, actor, scope: 'outgoing' }) : [],
    all: wide ? await listReferrals({ db, actor, scope: 'all' }) : [],
    alerts: await personAlerts(db, actor),
    now: nowIso(),
  };
}

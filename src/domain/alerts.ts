import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { alerts, type AlertKind } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';
import { newId } from '../lib/ids.ts';
import { nowIso } from '../lib/time.ts';

/**
 * Alerts for the command centre about a person: nobody fits them, their
 * referral was refused twice or lapsed, a child left or stays among adults. One open alert per kind and person: asking
 * again does not raise it again. Call inside the write transaction.
 */
export async function raisePersonAlert(
  tx: Tx,
  actor: Actor,
  a: { kind: AlertKind; personId: string; facilityId: string | null; message: string; detail: Record<string, unknown>; at?: string },
): Promise<{ id: string; kind: AlertKind; facilityId: string | null } | null> {
  const open = await tx
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.kind, a.kind), eq(alerts.subjectType, 'person'), eq(alerts.subjectId, a.personId), isNull(alerts.resolvedAt)))
    .get();
  if (open) return null;
  const id = newId();
  const at = a.at ?? nowIso();
  await tx.insert(alerts)
    .values({ id, kind: a.kind, facilityId: a.facilityId, subjectType: 'person', subjectId: a.personId, message: a.message, detail: a.detail, raisedAt: at })
    .run();
  await audit(tx, actor, { action: 'alert.raise', entity: 'alert', entityId: id, at, detail: { kind: a.kind, person_id: a.personId, facility_id: a.facilityId } });
  return { id, kind: a.kind, facilityId: a.facilityId };
}

/** Settles a person's (or these persons') open alerts of these kinds (a referral was made, the person arrived); one read for them all. */
export async function resolvePersonAlerts(tx: Tx, actor: Actor, personIds: string | readonly string[], kinds: readonly AlertKind[], at = nowIso()): Promise<string[]> {
  const ids = typeof personIds === 'string' ? [personIds] : personIds;
  if (!ids.length) return [];
  const rows = await tx.all<{ id: string; subject_id: string }>(
    sql`select id, subject_id from alerts where subject_type = 'person' and subject_id in ${ids} and resolved_at is null and kind in ${kinds}`,
  );
  // Person by person, as they were given: the audit trail reads in that order.
  const open = ids.flatMap((p) => rows.filter((r) => r.subject_id === p).map((r) => r.id));
  for (const id of open) {
    await tx.update(alerts).set({ resolvedAt: at, resolvedBy: actor.id ?? actor.label }).where(eq(alerts.id, id)).run();
    await audit(tx, actor, { action: 'alert.resolve', entity: 'alert', entityId: id, at });
  }
  return open;
}

/** The alerts a facility's desk must act on (a child who left or stays among adults, its referrals' loops). */
export const DESK_ALERT_KINDS = ['child_left', 'child_with_adults', 'referral_expired', 'referral_not_arrived'] as const satisfies readonly AlertKind[];

/** Open desk alerts of one facility, oldest first (the desk's home shows them until someone acts). */
export async function openDeskAlerts(db: Db | Tx, facilityId: string | null): Promise<{ id: string; kind: AlertKind; message: string; raisedAt: string }[]> {
  if (!facilityId) return [];
  return await db
    .select({ id: alerts.id, kind: alerts.kind, message: alerts.message, raisedAt: alerts.raisedAt })
    .from(alerts)
    .where(and(eq(alerts.facilityId, facilityId), isNull(alerts.resolvedAt), inArray(alerts.kind, [...DESK_ALERT_KINDS])))
    .orderBy(alerts.raisedAt)
    .limit(20)
    .all();
}

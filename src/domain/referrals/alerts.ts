import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { alerts, type AlertKind } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { hubFor } from '../events.ts';
import { requireRole, WIDE_ROLES } from '../access.ts';
import { invalidField, notFound } from '../errors.ts';
import { z } from 'zod';
import { optionalText } from '../validate.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';

/**
 * Alerts for the command centre about a person: nobody fits them, or their
 * referral was refused twice. One open alert per kind and person: asking
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

/** Settles a person's open alerts of these kinds (a referral was made, the person arrived). */
export async function resolvePersonAlerts(tx: Tx, actor: Actor, personId: string, kinds: readonly AlertKind[], at = nowIso()): Promise<string[]> {
  const open = (await tx
    .all<{ id: string }>(sql`select id from alerts where subject_type = 'person' and subject_id = ${personId} and resolved_at is null and kind in ${kinds}`))
    .map((r) => r.id);
  for (const id of open) {
    await tx.update(alerts).set({ resolvedAt: at, resolvedBy: actor.id ?? actor.label }).where(eq(alerts.id, id)).run();
    await audit(tx, actor, { action: 'alert.resolve', entity: 'alert', entityId: id, at });
  }
  return open;
}

export const ResolveAlertInput = z.object({ note: optionalText(500) });

/**
 * The command centre settles an alert by hand (admin, command). An alert
 * about a person is settled by an act: a referral made (which settles it
 * itself) or, here, a note saying what was done. Looking never settles it.
 */
export async function resolveAlert(args: { db: Db; actor: Actor; id: string; input?: unknown }): Promise<{ id: string; resolved: boolean }> {
  const { db, actor, id } = args;
  requireRole(actor, WIDE_ROLES);
  const input = parseInput(ResolveAlertInput, args.input ?? {}, actor.lang);
  const result = await write(db, async (tx) => {
    const row = await tx
      .select({ id: alerts.id, kind: alerts.kind, facilityId: alerts.facilityId, resolvedAt: alerts.resolvedAt, subjectType: alerts.subjectType })
      .from(alerts)
      .where(eq(alerts.id, id))
      .get();
    if (!row) throw notFound();
    if (row.resolvedAt) return { id, resolved: false, kind: row.kind, facilityId: row.facilityId };
    if (row.subjectType === 'person' && !input.note) throw invalidField('note', 'referrals.alert_note_required');
    await tx.update(alerts).set({ resolvedAt: nowIso(), resolvedBy: actor.id ?? actor.label, resolvedNote: input.note ?? null }).where(eq(alerts.id, id)).run();
    await audit(tx, actor, { action: 'alert.resolve', entity: 'alert', entityId: id, detail: input.note ? { note: input.note } : {} });
    return { id, resolved: true, kind: row.kind, facilityId: row.facilityId };
  });
  // After commit: the wall and the inboxes drop the alert.
  if (result.resolved) hubFor(db).publish({ type: 'alert', alertId: id, kind: result.kind, facilityId: result.facilityId });
  return { id: result.id, resolved: result.resolved };
}

export type AlertRow = typeof alerts.$inferSelect;

/**
 * Alerts, newest raised first, at most 500: the open ones, or with
 * `includeResolved` the settled ones too (GET /api/v1/alerts). Alerts name
 * facilities and records, never a person; callers check the actor is wide.
 */
export async function latestAlerts(db: Db, opts: { includeResolved: boolean }): Promise<AlertRow[]> {
  return await db
    .select()
    .from(alerts)
    .where(opts.includeResolved ? undefined : isNull(alerts.resolvedAt))
    .orderBy(desc(alerts.raisedAt))
    .limit(500)
    .all();
}

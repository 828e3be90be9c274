import { desc, eq, isNull } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { alerts } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { hubFor } from '../events.ts';
import { requireRole, WIDE_ROLES } from '../access.ts';
import { invalidField, notFound } from '../errors.ts';
import { z } from 'zod';
import { optionalText } from '../validate.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';

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
    if ((row.subjectType === 'person' || row.subjectType === 'referral') && !input.note) throw invalidField('note', 'referrals.alert_note_required');
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

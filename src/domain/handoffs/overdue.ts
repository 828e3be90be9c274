import { and, eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { alerts } from '../../db/schema/index.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import { audit } from '../audit.ts';
import { newId } from '../../lib/ids.ts';
import { hubFor } from '../events.ts';
import { settleHandoff } from './settle.ts';
import { publishHandoff } from './events.ts';

/** How often the server looks for overdue handoffs. */
export const HANDOFF_CHECK_EVERY_MS = 60_000;

/**
 * The periodic check of open handoffs, for the command centre:
 * 1. a handoff whose every person was accounted for by a path that does not
 *    close it (an intake posted to /api/v1/residents with handoff_person_id)
 *    is closed now;
 * 2. a handoff open longer than HANDOFF_ALERT_MINUTES raises one
 *    'handoff_overdue' alert (resolved when the handoff closes).
 * Events are published after each commit.
 */
export async function runHandoffChecks(db: Db, alertMinutes: number, now: Date = new Date()): Promise<{ closed: string[]; alerts: string[] }> {
  const nowIso = now.toISOString();
  const accounted = await db.all<{ id: string }>(sql`
    select h.id from handoffs h
    where h.status = 'OPEN' and not exists (select 1 from handoff_persons p where p.handoff_id = h.id and p.status = 'PENDING')`);
  const closed: string[] = [];
  for (const { id } of accounted) {
    const r = await write(db, async (tx) => {
      const settled = await settleHandoff(tx, SYSTEM_ACTOR, id, nowIso);
      // Announced with the change itself: heard once it is committed.
      if (settled.closed) await publishHandoff(tx, id);
      return settled;
    });
    if (r.closed) closed.push(id);
  }

  const before = new Date(now.getTime() - alertMinutes * 60_000).toISOString();
  const raised = await write(db, async (tx) => {
    const overdue = await tx.all<{ id: string; number: string; facility_id: string; created_at: string; pending: number }>(sql`
      select h.id, h.number, h.facility_id, h.created_at,
        (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'PENDING') as pending
      from handoffs h
      where h.status = 'OPEN' and h.created_at < ${before}
        and not exists (select 1 from alerts a where a.kind = 'handoff_overdue' and a.subject_type = 'handoff' and a.subject_id = h.id)
      order by h.created_at`);
    return (await Promise.all(overdue.map(async (h) => {
      const alertId = newId();
      await tx.insert(alerts)
        .values({
          id: alertId,
          kind: 'handoff_overdue',
          facilityId: h.facility_id,
          subjectType: 'handoff',
          subjectId: h.id,
          message: `Serah terima ${h.number} terbuka lebih dari ${alertMinutes} menit; ${h.pending} orang belum dicatat.`,
          detail: { handoff_id: h.id, number: h.number, pending: h.pending, minutes: alertMinutes, since: h.created_at },
          raisedAt: nowIso,
        })
        .run();
      await audit(tx, SYSTEM_ACTOR, { action: 'alert.raise', entity: 'alert', entityId: alertId, at: nowIso, detail: { kind: 'handoff_overdue', handoff_id: h.id } });
      return { alertId, facilityId: h.facility_id };
    })));
  });
  for (const a of raised) hubFor(db).publish({ type: 'alert', alertId: a.alertId, kind: 'handoff_overdue', facilityId: a.facilityId });
  return { closed, alerts: raised.map((a) => a.alertId) };
}

/** Open overdue alerts about handoffs (for tests and the command centre). */
export async function openHandoffAlerts(db: Db, handoffId: string) {
  return await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.kind, 'handoff_overdue'), eq(alerts.subjectId, handoffId)))
    .all();
}

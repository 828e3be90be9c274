import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { alerts, handoffs } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';

/**
 * After a line of a handoff was accounted for, in the same transaction: the
 * first officer who accounts for someone is the receiving party of the BAST,
 * and the handoff closes itself once no one is left pending (DOMAIN.md: "a
 * handoff is closed only when every person is accounted for"); an overdue
 * alert about it is then resolved.
 */
export async function settleHandoff(tx: Tx, actor: Actor, handoffId: string, now: string): Promise<{ pending: number; closed: boolean }> {
  if (actor.type !== 'system') {
    await tx.update(handoffs)
      .set({ receivingOfficerId: actor.id, receivingOfficerName: actor.label })
      .where(and(eq(handoffs.id, handoffId), isNull(handoffs.receivingOfficerId)))
      .run();
  }
  const pending = (await tx.get<{ n: number }>(sql`select count(*) as n from handoff_persons where handoff_id = ${handoffId} and status = 'PENDING'`))!.n;
  if (pending > 0) return { pending, closed: false };
  const closed = (await tx
    .update(handoffs)
    .set({ status: 'CLOSED', closedAt: now })
    .where(and(eq(handoffs.id, handoffId), eq(handoffs.status, 'OPEN')))
    .run()).changes;
  if (closed === 0) return { pending, closed: false };
  const counts = (await tx.get<{ received: number; not_received: number }>(sql`
    select sum(case when status = 'RECEIVED' then 1 else 0 end) as received, sum(case when status = 'NOT_RECEIVED' then 1 else 0 end) as not_received
    from handoff_persons where handoff_id = ${handoffId}`))!;
  await audit(tx, actor, { action: 'handoff.close', entity: 'handoff', entityId: handoffId, at: now, detail: { received: counts.received, not_received: counts.not_received } });
  await tx.update(alerts)
    .set({ resolvedAt: now, resolvedBy: actor.id ?? actor.label })
    .where(and(eq(alerts.kind, 'handoff_overdue'), eq(alerts.subjectType, 'handoff'), eq(alerts.subjectId, handoffId), isNull(alerts.resolvedAt)))
    .run();
  return { pending, closed: true };
}

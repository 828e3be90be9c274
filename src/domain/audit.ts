import { desc, lt } from 'drizzle-orm';
import type { Tx, Db } from '../db/client.ts';
import { auditEvents } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { nowIso } from '../lib/time.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  detail?: Record<string, unknown>;
  at?: string;
}

/**
 * Appends one audit event. Call it inside the transaction of the change it
 * records, so the event exists exactly when the change does.
 */
export async function audit(tx: Tx | Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await auditAll(tx, actor, [entry]);
}

/** Appends several audit events in one statement, in the order given (a household's check-in). */
export async function auditAll(tx: Tx | Db, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await tx.insert(auditEvents)
    .values(entries.map((entry) => ({
      at: entry.at ?? nowIso(),
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      ip: actor.ip,
      detail: entry.detail ?? null,
    })))
    .run();
}

export type AuditEventRow = typeof auditEvents.$inferSelect;

/** The newest audit events first, at most `limit` of them (GET /api/v1/audit; callers check the actor is an admin). */
/** The newest events first; `beforeId`: only those older than it (the next page of a list). */
export async function recentAuditEvents(db: Db, limit: number, beforeId?: number): Promise<AuditEventRow[]> {
  const q = db.select().from(auditEvents);
  return await (beforeId === undefined ? q : q.where(lt(auditEvents.id, beforeId))).orderBy(desc(auditEvents.id)).limit(limit).all();
}

import { and, asc, eq, ne } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { handoffPersons, handoffs, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, forbidden, invalidField, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { maySeePerson } from '../persons/scope.ts';
import { liveRecord } from '../persons/record.ts';
import { nowIso } from '../../lib/time.ts';
import { NotReceivedInput, ReceiveExistingInput } from './input.ts';
import { canAccountHandoff, canViewHandoff, DESK_ROLES } from './scope.ts';
import { settleHandoff } from './settle.ts';
import { publishHandoff } from './events.ts';
import { receiveLine } from './receive.ts';
import { readHandoff, type HandoffDetail, type HandoffLineRow, type HandoffRow } from './read.ts';

/**
 * Accounting for the people of a handoff at the receiving desk. Each person
 * is accounted for exactly once — RECEIVED (linked to the person record made
 * or found at intake) or NOT_RECEIVED with a reason — never deleted (a
 * database trigger refuses that). A second answer for the same person is a
 * conflict (409). Each step is one transaction with its audit event, and the
 * handoff closes itself in it when no one is left pending.
 */
export interface LineRef {
  handoffId: string;
  lineId: string;
}

/** The handoff and the pending line this actor may account for; 404 / 403 / 409 otherwise. */
export async function pendingLine(tx: Tx | Db, actor: Actor, ref: LineRef): Promise<{ h: HandoffRow; line: HandoffLineRow }> {
  requireRole(actor, DESK_ROLES);
  const h = await tx.select().from(handoffs).where(eq(handoffs.id, ref.handoffId)).get();
  if (!h || !canViewHandoff(actor, h)) throw notFound('handoffs.not_found');
  if (!canAccountHandoff(actor, h)) throw forbidden('handoffs.not_your_facility');
  const line = await tx
    .select()
    .from(handoffPersons)
    .where(and(eq(handoffPersons.id, ref.lineId), eq(handoffPersons.handoffId, h.id)))
    .get();
  if (!line) throw notFound('handoffs.line_not_found');
  if (line.status !== 'PENDING') throw conflict('handoffs.already_accounted', { seq: line.seq, status: line.status });
  return { h, line };
}

/**
 * The handoff and the lines still pending of one group the officers wrote
 * down (who came together), in their order; 404 / 403 as pendingLine, 409
 * when no one of the group is left pending.
 */
export async function pendingGroup(tx: Tx | Db, actor: Actor, ref: { handoffId: string; group: string }): Promise<{ h: HandoffRow; lines: HandoffLineRow[] }> {
  requireRole(actor, DESK_ROLES);
  const h = await tx.select().from(handoffs).where(eq(handoffs.id, ref.handoffId)).get();
  if (!h || !canViewHandoff(actor, h)) throw notFound('handoffs.not_found');
  if (!canAccountHandoff(actor, h)) throw forbidden('handoffs.not_your_facility');
  const group = await tx
    .select()
    .from(handoffPersons)
    .where(and(eq(handoffPersons.handoffId, h.id), eq(handoffPersons.groupLabel, ref.group)))
    .orderBy(asc(handoffPersons.seq))
    .all();
  if (!group.length) throw notFound('handoffs.line_not_found');
  const lines = group.filter((l) => l.status === 'PENDING');
  if (!lines.length) throw conflict('handoffs.group_accounted', { group: ref.group });
  return { h, lines };
}

export async function markNotReceived(args: { db: Db; actor: Actor; ref: LineRef; input: unknown }): Promise<HandoffDetail> {
  const { db, actor, ref } = args;
  requireRole(actor, DESK_ROLES);
  const data = parseInput(NotReceivedInput, args.input, actor.lang);
  const now = nowIso();
  await write(db, async (tx) => {
    const { h, line } = await pendingLine(tx, actor, ref);
    await tx.update(handoffPersons)
      .set({ status: 'NOT_RECEIVED', notReceivedReason: data.reason, accountedAt: now, accountedBy: actor.id })
      .where(and(eq(handoffPersons.id, line.id), eq(handoffPersons.status, 'PENDING')))
      .run();
    await audit(tx, actor, {
      action: 'handoff.person_not_received',
      entity: 'handoff',
      entityId: h.id,
      at: now,
      detail: { handoff_person_id: line.id, seq: line.seq, reason: data.reason },
    });
    await settleHandoff(tx, actor, h.id, now);
    // Announced with the change itself: heard once it is committed, never for a rollback.
    await publishHandoff(tx, h.id);
  });
  return await readHandoff({ db, actor, id: ref.handoffId });
}

/**
 * Links a person record made (or found) at intake to a handoff line
 * (POST /api/v1/handoffs/:id/persons/:pid/receive): the line becomes RECEIVED
 * and the person's source becomes satpol_handoff. The person must be one the
 * actor may see; anyone else is "unknown" (nothing about them is confirmed).
 */
export async function receiveExisting(args: { db: Db; actor: Actor; ref: LineRef; input: unknown }): Promise<HandoffDetail> {
  const { db, actor, ref } = args;
  requireRole(actor, DESK_ROLES);
  const data = parseInput(ReceiveExistingInput, args.input, actor.lang);
  const now = nowIso();
  await write(db, async (tx) => {
    const { h, line } = await pendingLine(tx, actor, ref);
    const person = await liveRecord(tx, data.person_id);
    if (!person || !await maySeePerson(tx, actor, person.id)) throw invalidField('person_id', 'handoffs.person_unknown');
    const twice = await tx
      .select({ seq: handoffPersons.seq })
      .from(handoffPersons)
      .where(and(eq(handoffPersons.handoffId, h.id), eq(handoffPersons.personId, person.id), ne(handoffPersons.id, line.id)))
      .get();
    if (twice) throw conflict('handoffs.person_already_on_handoff', { seq: twice.seq });
    if (person.source !== 'satpol_handoff') {
      await tx.update(persons).set({ source: 'satpol_handoff', updatedAt: now, version: person.version + 1 }).where(eq(persons.id, person.id)).run();
    }
    await audit(tx, actor, { action: 'person.handoff_link', entity: 'person', entityId: person.id, at: now, detail: { handoff_id: h.id, handoff_person_id: line.id, facility_id: h.facilityId } });
    await receiveLine(tx, actor, line, person.id, now);
  });
  return await readHandoff({ db, actor, id: ref.handoffId });
}

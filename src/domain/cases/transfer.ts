import { and, desc, eq, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { cases, caseTransfers, persons, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { DomainError, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso, toLocalIso } from '../../lib/time.ts';
import { TransferAnswerInput, TransferInput, TransferRefuseInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanChangeCase, assertCaseOpen, caseOf, caseOwnerOf, CASE_CHANGE_ROLES } from './scope.ts';
import { pendampingFits } from './work.ts';

/**
 * A case handed from one pendamping to another (DOMAIN.md "ATENSI as a
 * process"): asked by whoever works the case, with a reason; the receiving
 * pendamping accepts (the case becomes theirs) or refuses with a reason; the
 * asker may cancel. One asked at a time. A transfer's id opens nothing by
 * itself: the receiver answers only their own, everyone else meets the case's
 * own check.
 */

const refused = (key: string, params?: Record<string, unknown>) => new DomainError('VALIDATION', key, params);

export async function requestTransfer(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(TransferInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    if (!c?.pendampingId) throw refused('cases.transfer_no_pendamping');
    if (input.to_pendamping_id === c.pendampingId) throw new DomainError('VALIDATION', 'error.validation', undefined, [{ path: 'to_pendamping_id', message: 'cases.transfer_same' }]);
    await pendampingFits(tx, input.to_pendamping_id, args.personId, 'to_pendamping_id');
    if (await openTransfer(tx, c.id)) throw refused('cases.transfer_open');
    const at = nowIso();
    const id = newId();
    await tx.insert(caseTransfers).values({ id, caseId: c.id, fromPendampingId: c.pendampingId, toPendampingId: input.to_pendamping_id, reason: input.reason, status: 'requested', requestedAt: at, requestedBy: args.actor.id }).run();
    await audit(tx, args.actor, { action: 'case.transfer_request', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, transfer_id: id, from: c.pendampingId, to: input.to_pendamping_id } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

async function openTransfer(tx: Db | Tx, caseId: string) {
  return await tx.select().from(caseTransfers).where(and(eq(caseTransfers.caseId, caseId), eq(caseTransfers.status, 'requested'))).get() ?? null;
}

/** The transfer of this person's case with this id, or 404; never a door to another case. */
async function transferOf(tx: Tx, personId: string, transferId: string) {
  const row = await tx
    .select({ t: caseTransfers, personId: cases.personId, merged: persons.mergedIntoId })
    .from(caseTransfers)
    .innerJoin(cases, eq(cases.id, caseTransfers.caseId))
    .innerJoin(persons, eq(persons.id, cases.personId))
    .where(eq(caseTransfers.id, transferId))
    .get();
  if (!row || row.personId !== personId || row.merged) throw notFound('cases.transfer_not_found');
  return row.t;
}

type Answer = 'accepted' | 'refused';

/** The receiving pendamping answers: accepted (the case is theirs from now) or refused (with a reason). */
export async function answerTransfer(args: { db: Db; actor: Actor; personId: string; transferId: string; answer: Answer; input: unknown }): Promise<CaseView | null> {
  const input = args.answer === 'refused' ? parseInput(TransferRefuseInput, args.input ?? {}, args.actor.lang) : parseInput(TransferAnswerInput, args.input ?? {}, args.actor.lang);
  return await write(args.db, async (tx) => {
    requireRole(args.actor, ['pendamping']);
    const t = await transferOf(tx, args.personId, args.transferId);
    // Only the receiver: to anyone else the id is a transfer that is not there.
    if (caseOwnerOf(args.actor) !== t.toPendampingId) throw notFound('cases.transfer_not_found');
    if (t.status !== 'requested') throw refused('cases.transfer_not_open', { status: t.status });
    await assertCaseOpen(tx, args.personId);
    const at = nowIso();
    if (args.answer === 'accepted') {
      // Still the right pendamping for the person now (cluster, where they are), and the case still with the asker's pendamping.
      await pendampingFits(tx, t.toPendampingId, args.personId, 'to_pendamping_id');
      const c = (await caseOf(tx, args.personId))!;
      if (c.pendampingId !== t.fromPendampingId) throw refused('cases.transfer_stale');
      await tx.update(cases).set({ pendampingId: t.toPendampingId, assignedAt: at, assignedBy: args.actor.id, updatedAt: at }).where(eq(cases.id, c.id)).run();
    }
    const done = await tx
      .update(caseTransfers)
      .set({ status: args.answer, answeredAt: at, answeredBy: args.actor.id, answerNote: input.note ?? null })
      .where(and(eq(caseTransfers.id, t.id), eq(caseTransfers.status, 'requested')))
      .run();
    if (done.changes !== 1) throw refused('cases.transfer_not_open', { status: t.status });
    await audit(tx, args.actor, { action: `case.transfer_${args.answer === 'accepted' ? 'accept' : 'refuse'}`, entity: 'person', entityId: args.personId, at, detail: { transfer_id: t.id, from: t.fromPendampingId, to: t.toPendampingId } });
    return args.answer === 'accepted' ? await loadCase(tx, args.actor, args.personId) : null;
  });
}

/** The asker (whoever works the case) withdraws a transfer not yet answered. */
export async function cancelTransfer(args: { db: Db; actor: Actor; personId: string; transferId: string }): Promise<CaseView> {
  return await write(args.db, async (tx) => {
    requireRole(args.actor, CASE_CHANGE_ROLES);
    await assertCanChangeCase(tx, args.actor, args.personId);
    const t = await transferOf(tx, args.personId, args.transferId);
    if (t.status !== 'requested') throw refused('cases.transfer_not_open', { status: t.status });
    const at = nowIso();
    await tx.update(caseTransfers).set({ status: 'cancelled', answeredAt: at, answeredBy: args.actor.id }).where(and(eq(caseTransfers.id, t.id), eq(caseTransfers.status, 'requested'))).run();
    await audit(tx, args.actor, { action: 'case.transfer_cancel', entity: 'person', entityId: args.personId, at, detail: { transfer_id: t.id } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** Transfers waiting for this pendamping's answer (their caseload shows them): who, from whom, why. */
export async function incomingTransfers(db: Db, actor: Actor) {
  const owner = caseOwnerOf(actor);
  if (!owner) return [];
  const rows = await db
    .select({ id: caseTransfers.id, personId: cases.personId, residentCode: persons.residentCode, name: persons.name, description: persons.description, reason: caseTransfers.reason, requestedAt: caseTransfers.requestedAt, fromName: sql<string | null>`coalesce(nullif(${users.displayName}, ''), ${users.username})` })
    .from(caseTransfers)
    .innerJoin(cases, eq(cases.id, caseTransfers.caseId))
    .innerJoin(persons, eq(persons.id, cases.personId))
    .leftJoin(users, eq(users.id, caseTransfers.fromPendampingId))
    .where(and(eq(caseTransfers.toPendampingId, owner), eq(caseTransfers.status, 'requested'), sql`${persons.mergedIntoId} is null`))
    .orderBy(desc(caseTransfers.requestedAt))
    .all();
  return rows.map((r) => ({ id: r.id, person_id: r.personId, resident_code: r.residentCode, name: r.name ?? r.description, reason: r.reason, from: r.fromName, requested_at: toLocalIso(r.requestedAt, 'WIB') }));
}

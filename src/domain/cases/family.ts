import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { cases, familyCases, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { DomainError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { FamilyCaseInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanChangeCase, canWorkCase } from './scope.ts';
import { ensureCase } from './work.ts';

/**
 * The family case (DOMAIN.md: "a family case groups the members of one KK"):
 * one per family card. Opening it from one member's case links every member
 * case of that KK (and a member whose case is made later joins it: work.ts
 * ensureCase). Each member keeps their own case and pendamping; the family
 * case carries what concerns the family (its note). Who sees which member is
 * still each case's own rule (read.ts).
 *
 * The note belongs to the whole family: the first one is written by whoever
 * works any member's case, but replacing one already there takes someone who
 * may work the case of every member linked to it (the command centre and
 * admin, who see them all, do; a member's pendamping alone does not), so one
 * member's pendamping never silently overwrites what another's wrote. A
 * refusal changes nothing; a replacement keeps the old note in the audit
 * event (detail.previous_note).
 */
export async function openFamilyCase(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(FamilyCaseInput, args.input ?? {}, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const kk = (await tx.select({ kk: persons.kk }).from(persons).where(eq(persons.id, args.personId)).get())?.kk;
    if (!kk) throw new DomainError('VALIDATION', 'cases.family_no_kk');
    const at = nowIso();
    let family = await tx.select().from(familyCases).where(eq(familyCases.kk, kk)).get();
    let previousNote: string | null | undefined;
    if (!family) {
      await tx.insert(familyCases).values({ id: newId(), kk, note: input.note ?? null, createdAt: at, createdBy: args.actor.id }).run();
      family = (await tx.select().from(familyCases).where(eq(familyCases.kk, kk)).get())!;
    } else if (input.note && input.note !== family.note) {
      if (family.note) await assertMayReplaceFamilyNote(tx, args.actor, family.id);
      previousNote = family.note;
      await tx.update(familyCases).set({ note: input.note }).where(eq(familyCases.id, family.id)).run();
    }
    await ensureCase(tx, args.personId, at);
    const linked = await tx
      .update(cases)
      .set({ familyCaseId: family.id, updatedAt: at })
      .where(and(isNull(cases.familyCaseId), sql`${cases.personId} in (select id from persons where kk = ${kk} and merged_into_id is null)`))
      .run();
    await audit(tx, args.actor, { action: 'case.family', entity: 'person', entityId: args.personId, at, detail: { family_case_id: family.id, linked: linked.changes, ...(previousNote !== undefined ? { previous_note: previousNote } : {}) } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** Every member linked to the family case has a case this actor works (canWorkCase), else the note stays as it is. */
async function assertMayReplaceFamilyNote(tx: Tx, actor: Actor, familyCaseId: string): Promise<void> {
  const members = await tx
    .select({ personId: cases.personId })
    .from(cases)
    .innerJoin(persons, eq(persons.id, cases.personId))
    .where(and(eq(cases.familyCaseId, familyCaseId), isNull(persons.mergedIntoId)))
    .all();
  for (const m of members) {
    if (!await canWorkCase(tx, actor, m.personId)) throw new DomainError('VALIDATION', 'cases.family_note_not_yours');
  }
}

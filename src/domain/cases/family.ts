import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { cases, familyCases, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { DomainError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { FamilyCaseInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanChangeCase } from './scope.ts';
import { ensureCase } from './work.ts';

/**
 * The family case (DOMAIN.md: "a family case groups the members of one KK"):
 * one per family card. Opening it from one member's case links every member
 * case of that KK (and a member whose case is made later joins it: work.ts
 * ensureCase). Each member keeps their own case and pendamping; the family
 * case carries what concerns the family (its note). Who sees which member is
 * still each case's own rule (read.ts).
 */
export async function openFamilyCase(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(FamilyCaseInput, args.input ?? {}, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const kk = (await tx.select({ kk: persons.kk }).from(persons).where(eq(persons.id, args.personId)).get())?.kk;
    if (!kk) throw new DomainError('VALIDATION', 'cases.family_no_kk');
    const at = nowIso();
    let family = await tx.select().from(familyCases).where(eq(familyCases.kk, kk)).get();
    if (!family) {
      await tx.insert(familyCases).values({ id: newId(), kk, note: input.note ?? null, createdAt: at, createdBy: args.actor.id }).run();
      family = (await tx.select().from(familyCases).where(eq(familyCases.kk, kk)).get())!;
    } else if (input.note) {
      await tx.update(familyCases).set({ note: input.note }).where(eq(familyCases.id, family.id)).run();
    }
    await ensureCase(tx, args.personId, at);
    const linked = await tx
      .update(cases)
      .set({ familyCaseId: family.id, updatedAt: at })
      .where(and(isNull(cases.familyCaseId), sql`${cases.personId} in (select id from persons where kk = ${kk} and merged_into_id is null)`))
      .run();
    await audit(tx, args.actor, { action: 'case.family', entity: 'person', entityId: args.personId, at, detail: { family_case_id: family.id, linked: linked.changes } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

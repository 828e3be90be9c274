import { z } from 'zod';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { handoffPersons, persons, referralPersons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, invalidField, notFound } from '../errors.ts';
import { parseInput, text, optionalText } from '../validate.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { assertCanSeePerson, maySeePerson } from '../persons/scope.ts';
import { searchKeyFor } from '../persons/names.ts';
import { personRecord, type PersonRecord } from './view.ts';
import type { PersonRow } from '../persons/record.ts';
import { carryCase } from '../cases/merge.ts';

/** Who may merge two records found to be the same person. */
export const MERGE_ROLES = ['admin', 'command', 'manager'] as const;

export const MergeInput = z.object({
  /** The record to merge into this one: its id or resident code. */
  other: text(64),
  reason: optionalText(300),
});
export type MergeInput = z.infer<typeof MergeInput>;

const pick = <T>(a: T | null, b: T | null): T | null => (a !== null && a !== undefined && a !== '' ? a : b);
const known = <T extends string>(a: T, b: T): T => (a !== 'unknown' ? a : b);

/**
 * Merges `other` into `survivorId`: the survivor keeps its values and takes
 * the other's where its own are blank; needs are the union; stays, handoff
 * lines and referral lines move to the survivor; the other record stays in
 * the database with merged_into_id set (and its own values intact), so
 * nothing from either is lost and old links still resolve.
 *
 * Longer than 80 lines on purpose: one transaction, read top to bottom as the
 * merge happens (who may, which values win, which lines move, the audit);
 * each step depends on the one before.
 */
export async function mergePersons(args: { db: Db; actor: Actor; survivorId: string; input: unknown }): Promise<{ survivor: PersonRecord; merged_id: string }> {
  const { db, actor } = args;
  requireRole(actor, MERGE_ROLES);
  const input = parseInput(MergeInput, args.input, actor.lang);
  const now = nowIso();
  return await write(db, async (tx) => {
    const a = await tx.select().from(persons).where(eq(persons.id, args.survivorId)).get();
    if (!a) throw notFound('residents.not_found');
    await assertCanSeePerson(tx, actor, a.id);
    if (a.mergedIntoId) throw conflict('residents.merge_already_merged', { code: a.residentCode });
    const ref = input.other.trim();
    const b =
      await tx.select().from(persons).where(eq(persons.id, ref)).get() ??
      await tx.select().from(persons).where(eq(persons.residentCode, ref.toUpperCase())).get();
    // A record the actor may not see is "unknown", exactly as a code that does not exist: nothing is confirmed.
    if (!b || !await maySeePerson(tx, actor, b.id)) throw invalidField('other', 'residents.merge_unknown');
    if (b.id === a.id) throw invalidField('other', 'residents.merge_self');
    if (b.mergedIntoId) throw conflict('residents.merge_already_merged', { code: b.residentCode });

    const openA = await tx.select({ id: stays.id }).from(stays).where(and(eq(stays.personId, a.id), isNull(stays.checkedOutAt))).get();
    const openB = await tx.select({ id: stays.id }).from(stays).where(and(eq(stays.personId, b.id), isNull(stays.checkedOutAt))).get();
    // One person, one place: one of the two stays must end first.
    if (openA && openB) throw conflict('residents.merge_both_open');
    const openRef = async (id: string) => await tx.select({ r: referralPersons.referralId }).from(referralPersons).where(and(eq(referralPersons.personId, id), eq(referralPersons.open, true))).get();
    if (await openRef(a.id) && await openRef(b.id)) throw conflict('residents.merge_both_referred');

    // The other record steps aside first, so that its NIK may pass to the survivor.
    await tx.update(persons).set({ mergedIntoId: a.id, updatedAt: now, version: b.version + 1 }).where(eq(persons.id, b.id)).run();

    const merged: Partial<PersonRow> = {
      name: pick(a.name, b.name),
      description: pick(a.description, b.description),
      alias: pick(a.alias, b.alias),
      nik: pick(a.nik, b.nik),
      kk: pick(a.kk, b.kk),
      birthDate: pick(a.birthDate, b.birthDate),
      estimatedAge: a.birthDate || b.birthDate ? a.estimatedAge : pick(a.estimatedAge, b.estimatedAge),
      estimatedAt: a.birthDate || b.birthDate ? a.estimatedAt : pick(a.estimatedAt, b.estimatedAt),
      ktpAddress: pick(a.ktpAddress, b.ktpAddress),
      domicileAddress: pick(a.domicileAddress, b.domicileAddress),
      originWilayahCode: pick(a.originWilayahCode, b.originWilayahCode),
      phone: pick(a.phone, b.phone),
      category: pick(a.category, b.category),
      pregnant: a.pregnant || b.pregnant,
      pregnancyWeeks: pick(a.pregnancyWeeks, b.pregnancyWeeks),
      disabilities: [...new Set([...a.disabilities, ...b.disabilities])],
      wheelchair: a.wheelchair || b.wheelchair,
      chronicIllness: pick(a.chronicIllness, b.chronicIllness),
      needsMedical: a.needsMedical || b.needsMedical,
      unaccompaniedChild: a.unaccompaniedChild || b.unaccompaniedChild,
      traffickingVictim: a.traffickingVictim || b.traffickingVictim,
      dtks: known(a.dtks, b.dtks),
      pkh: known(a.pkh, b.pkh),
      bpnt: known(a.bpnt, b.bpnt),
      consent: a.consent || b.consent,
      consentAt: [a.consentAt, b.consentAt].filter((x): x is string => !!x).sort()[0] ?? null,
      nikOverrideReason: pick(a.nikOverrideReason, b.nikOverrideReason),
      householdId: pick(a.householdId, b.householdId),
    };
    await tx.update(persons)
      .set({ ...merged, searchKey: searchKeyFor(merged.name ?? null, merged.alias ?? null), updatedAt: now, version: a.version + 1 })
      .where(eq(persons.id, a.id))
      .run();

    const movedStays = (await tx.update(stays).set({ personId: a.id }).where(eq(stays.personId, b.id)).run()).changes;
    const movedHandoffLines = (await tx.update(handoffPersons).set({ personId: a.id }).where(eq(handoffPersons.personId, b.id)).run()).changes;
    // A referral that already carries the survivor keeps the other's line: it still resolves through merged_into_id.
    const movedReferralLines = (await tx.run(sql`
      update referral_persons set person_id = ${a.id}
      where person_id = ${b.id}
        and referral_id not in (select referral_id from referral_persons where person_id = ${a.id})`)).changes;
    const movedCase = await carryCase(tx, b.id, a.id, now);

    await audit(tx, actor, {
      action: 'person.merge',
      entity: 'person',
      entityId: a.id,
      at: now,
      detail: {
        merged_id: b.id,
        merged_code: b.residentCode,
        reason: input.reason ?? null,
        moved: { stays: movedStays, handoff_lines: movedHandoffLines, referral_lines: movedReferralLines, case: movedCase },
        // Two different NIKs: the survivor keeps its own; the other stays on the merged record.
        ...(a.nik && b.nik && a.nik !== b.nik ? { nik_differs: true } : {}),
      },
    });
    await audit(tx, actor, { action: 'person.merged_into', entity: 'person', entityId: b.id, at: now, detail: { survivor_id: a.id } });
    const survivor = (await tx.select().from(persons).where(eq(persons.id, a.id)).get())!;
    return { survivor: await personRecord(tx, survivor, { today: wibDate(now) }), merged_id: b.id };
  });
}

import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { handoffPersons, persons, stays, referralPersons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
import { ageOn } from '../persons/age.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { anonymiseCase } from '../cases/work.ts';

export const ANONYMISE_ROLES = ['admin'] as const;

/**
 * UU 27/2022 (PDP): a record no longer needed is anonymised. What identifies the
 * person goes — name, alias, NIK, KK, birth date, addresses, phone, what the
 * officers wrote on a handoff line — while what the statistics need stays: sex,
 * an age in years, needs, PPKS category, province of origin, and every stay,
 * referral and handoff count. Refused while the person is still placed or on
 * the way somewhere. Irreversible, audited, one transaction.
 */
export async function anonymisePerson(args: { db: Db; actor: Actor; personId: string }): Promise<{ id: string; resident_code: string }> {
  const { db, actor } = args;
  requireRole(actor, ANONYMISE_ROLES);
  const now = nowIso();
  return await write(db, async (tx) => {
    const p = await tx.select().from(persons).where(eq(persons.id, args.personId)).get();
    if (!p) throw notFound('residents.not_found');
    if (p.anonymisedAt) throw conflict('residents.already_anonymised');
    if (await tx.select({ id: stays.id }).from(stays).where(and(eq(stays.personId, p.id), isNull(stays.checkedOutAt))).get()) {
      throw conflict('residents.anonymise_open_stay');
    }
    if (await tx.select({ r: referralPersons.referralId }).from(referralPersons).where(and(eq(referralPersons.personId, p.id), eq(referralPersons.open, true))).get()) {
      throw conflict('residents.anonymise_open_referral');
    }
    const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, wibDate(now));
    await tx.update(persons)
      .set({
        name: null,
        alias: null,
        description: null,
        searchKey: '',
        nik: null,
        kk: null,
        birthDate: null,
        estimatedAge: age,
        estimatedAt: age === null ? null : wibDate(now),
        ktpAddress: null,
        domicileAddress: null,
        // The province is enough for statistics; the kab/kota narrows a person down.
        originWilayahCode: p.originWilayahCode ? p.originWilayahCode.slice(0, 2) : null,
        phone: null,
        chronicIllness: null,
        nikOverrideReason: null,
        anonymisedAt: now,
        updatedAt: now,
        version: sql`${persons.version} + 1`,
      })
      .where(eq(persons.id, p.id))
      .run();
    const lines = await tx.select({ id: handoffPersons.id }).from(handoffPersons).where(eq(handoffPersons.personId, p.id)).all();
    if (lines.length) {
      await tx.update(handoffPersons)
        .set({ name: null, description: null, belongings: '', notes: '' })
        .where(inArray(handoffPersons.id, lines.map((l) => l.id)))
        .run();
    }
    await tx.update(stays).set({ note: null, destination: null }).where(eq(stays.personId, p.id)).run();
    await anonymiseCase(tx, p.id);
    await audit(tx, actor, { action: 'person.anonymise', entity: 'person', entityId: p.id, at: now, detail: { handoff_lines: lines.length } });
    return { id: p.id, resident_code: p.residentCode };
  });
}

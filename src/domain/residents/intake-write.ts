import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { isWide } from '../access.ts';
import { audit } from '../audit.ts';
import { newId, newResidentCode } from '../../lib/ids.ts';
import { searchKeyFor } from '../persons/names.ts';
import { dueDateFrom } from '../persons/pregnancy.ts';
import { placeOf } from '../persons/scope.ts';
import type { PersonRow } from '../persons/record.ts';
import type { Checked } from './intake-result.ts';
import { consentGiver, type ConsentFacts } from '../persons/consent.ts';

/* The two writes of an intake member: a new person, or the intake attached to the existing record the officer recognised. */

export interface WriteContext {
  now: string;
  today: string;
  householdId: string | null;
  facilityId: string | null;
  source: PersonRow['source'];
  override: string | null;
}

export async function createPerson(tx: Tx, actor: Actor, c: Checked, w: WriteContext): Promise<PersonRow> {
  const p = c.input;
  const id = newId();
  // A clash of random codes is unlikely (32^6) but the column is unique: draw again.
  let code = newResidentCode();
  while (await tx.get(sql`select 1 as x from persons where resident_code = ${code}`)) code = newResidentCode();
  await tx.insert(persons)
    .values({
      id,
      residentCode: code,
      name: p.name ?? null,
      description: p.description ?? null,
      alias: p.alias ?? null,
      searchKey: searchKeyFor(p.name, p.alias),
      nik: c.nik,
      kk: c.kk,
      sex: p.sex,
      birthDate: p.birth_date ?? null,
      estimatedAge: p.birth_date ? null : (p.estimated_age ?? null),
      estimatedAt: !p.birth_date && p.estimated_age !== undefined ? w.today : null,
      ktpAddress: p.ktp_address ?? null,
      domicileAddress: p.domicile_address ?? null,
      originWilayahCode: c.originWilayahCode,
      phone: p.phone ?? null,
      category: p.category ?? null,
      pregnant: p.pregnant,
      pregnancyWeeks: p.pregnant ? (p.pregnancy_weeks ?? null) : null,
      pregnancyDueDate: p.pregnant && p.pregnancy_weeks !== undefined ? dueDateFrom(p.pregnancy_weeks, w.today) : null,
      disabilities: p.disabilities,
      wheelchair: p.wheelchair,
      chronicIllness: p.chronic_illness ?? null,
      needsMedical: p.needs_medical,
      unaccompaniedChild: p.unaccompanied_child,
      traffickingVictim: p.trafficking_victim,
      napza: p.napza,
      dtks: p.dtks,
      pkh: p.pkh,
      bpnt: p.bpnt,
      consent: consentGiver(consentOf(p)) !== null,
      consentAt: consentGiver(consentOf(p)) !== null ? w.now : null,
      consentBy: consentGiver(consentOf(p)),
      consentByName: consentGiver(consentOf(p)) === 'self' ? null : (p.consent_by_name ?? null),
      nikOverrideReason: w.override,
      householdId: w.householdId,
      source: w.source,
      createdAt: w.now,
      createdBy: actor.id,
      createdAtFacilityId: w.facilityId,
      updatedAt: w.now,
    })
    .run();
  await audit(tx, actor, {
    action: 'person.create',
    entity: 'person',
    entityId: id,
    at: w.now,
    detail: {
      resident_code: code,
      source: w.source,
      facility_id: w.facilityId,
      household_id: w.householdId,
      consent: p.consent,
      // Possible duplicates the officer looked at and said "a new person".
      ...(c.dismissed.length ? { dismissed_duplicates: c.dismissed } : {}),
    },
  });
  return (await tx.select().from(persons).where(eq(persons.id, id)).get())!;
}

/**
 * "Same person": the intake fills and updates the existing record — the
 * name on record stays (a new spelling becomes the alias when there is
 * none), other typed values replace old ones, blanks never erase, needs are
 * only ever added (a need is cleared on purpose, not by an unticked box) —
 * and links it to this facility. No new person is made.
 */
export async function attachIntake(tx: Tx, actor: Actor, c: Checked, w: WriteContext): Promise<PersonRow> {
  const p = c.input;
  const old = c.sameAs!;
  const otherSpelling = p.name && old.name && p.name !== old.name ? p.name : undefined;
  const next = {
    name: old.name ?? p.name ?? null,
    description: p.description ?? old.description,
    alias: p.alias ?? old.alias ?? otherSpelling ?? null,
    nik: c.nik ?? old.nik,
    kk: c.kk ?? old.kk,
    sex: p.sex,
    birthDate: p.birth_date ?? old.birthDate,
    estimatedAge: p.birth_date ? null : p.estimated_age !== undefined ? p.estimated_age : old.estimatedAge,
    estimatedAt: p.birth_date ? null : p.estimated_age !== undefined ? w.today : old.estimatedAt,
    ktpAddress: p.ktp_address ?? old.ktpAddress,
    domicileAddress: p.domicile_address ?? old.domicileAddress,
    originWilayahCode: c.originWilayahCode ?? old.originWilayahCode,
    phone: p.phone ?? old.phone,
    category: p.category ?? old.category,
    pregnant: old.pregnant || p.pregnant,
    pregnancyWeeks: p.pregnant ? (p.pregnancy_weeks ?? old.pregnancyWeeks) : old.pregnancyWeeks,
    pregnancyDueDate: p.pregnant && p.pregnancy_weeks !== undefined ? dueDateFrom(p.pregnancy_weeks, w.today) : old.pregnancyDueDate,
    disabilities: [...new Set([...old.disabilities, ...p.disabilities])],
    wheelchair: old.wheelchair || p.wheelchair,
    chronicIllness: p.chronic_illness ?? old.chronicIllness,
    needsMedical: old.needsMedical || p.needs_medical,
    unaccompaniedChild: old.unaccompaniedChild || p.unaccompanied_child,
    traffickingVictim: old.traffickingVictim || p.trafficking_victim,
    napza: old.napza || p.napza,
    dtks: p.dtks !== 'unknown' ? p.dtks : old.dtks,
    pkh: p.pkh !== 'unknown' ? p.pkh : old.pkh,
    bpnt: p.bpnt !== 'unknown' ? p.bpnt : old.bpnt,
    consent: old.consent || consentGiver(consentOf(p)) !== null,
    consentAt: consentGiver(consentOf(p)) !== null && !old.consent ? w.now : old.consentAt,
    consentBy: old.consent ? old.consentBy : consentGiver(consentOf(p)),
    consentByName: old.consent ? old.consentByName : consentGiver(consentOf(p)) === 'self' ? null : (p.consent_by_name ?? null),
    nikOverrideReason: w.override ?? old.nikOverrideReason,
    householdId: w.householdId ?? old.householdId,
  };
  // A record kept by another facility (the person is there now, or was last) is not rewritten
  // from this desk: typed values fill its blanks and add needs, and never replace what is there.
  const place = await placeOf(tx, old.id);
  const keptElsewhere = !isWide(actor) && place !== null && place.id !== w.facilityId;
  const kept: string[] = [];
  if (keptElsewhere) {
    for (const k of Object.keys(next) as (keyof typeof next)[]) {
      const before = old[k];
      const blank = before === null || before === '' || before === 'unknown';
      if (!blank && typeof before !== 'boolean' && !Array.isArray(before) && JSON.stringify(next[k]) !== JSON.stringify(before)) {
        (next as Record<string, unknown>)[k] = before;
        kept.push(k);
      }
    }
  }
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(old[k]));
  await tx.update(persons)
    .set({ ...next, searchKey: searchKeyFor(next.name, next.alias), updatedAt: w.now, version: old.version + 1 })
    .where(eq(persons.id, old.id))
    .run();
  await audit(tx, actor, {
    action: 'person.intake',
    entity: 'person',
    entityId: old.id,
    at: w.now,
    // facility_id links the person to this desk's facility (see links.ts); field names only, no values.
    detail: { facility_id: w.facilityId, source: w.source, changed, ...(kept.length ? { kept } : {}), previous_household_id: w.householdId ? old.householdId : undefined },
  });
  return (await tx.select().from(persons).where(eq(persons.id, old.id)).get())!;
}

/** The consent typed at intake, as the consent rule reads it (persons/consent.ts). */
function consentOf(p: { consent: boolean; consent_by?: ConsentFacts['consentBy']; consent_by_name?: string | undefined }): ConsentFacts {
  return { consent: p.consent, consentBy: p.consent_by, consentByName: p.consent_by_name };
}

import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { write, type Db, type Tx } from '../../db/client.ts';
import { facilities, households, persons, SEXES, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { isWide, PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, invalidField, noFreePlace, notFound } from '../errors.ts';
import { optionalInt, optionalText, parseInput } from '../validate.ts';
import { newId, newResidentCode } from '../../lib/ids.ts';
import { localDate, nowIso, zoneOf } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { searchKeyFor } from '../persons/names.ts';
import { loadUnitOccupancy } from '../occupancy/compute.ts';
import { newbornUnit } from '../placement/choose-unit.ts';
import { loadRoutingFacilities, toRoutingPerson } from '../routing/load.ts';
import { route } from '../routing/route.ts';
import { personRecord, type PersonRecord } from './view.ts';
import { assignBeds } from '../stays/place.ts';
import { staysInZones, type StayRecord } from '../stays/view.ts';

/** `born_at`: a date (YYYY-MM-DD, the facility's day) or a time with its zone. */
const BornAt = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: 'field.required' })
    .min(1, 'field.required')
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) ? !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) : /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), 'births.bad_born_at'),
);

export const BirthInput = z.object({
  sex: z.enum(SEXES, { error: 'births.sex_required' }),
  born_at: BornAt,
  name: optionalText(120),
  birth_weight_grams: optionalInt(300, 7000),
}).strict();
export type BirthInput = z.infer<typeof BirthInput>;

export interface BirthResult {
  baby: PersonRecord;
  /** The open stays of mother and baby after the birth: the baby's, and the mother's new one when they moved. */
  stays: StayRecord[];
  moved: boolean;
}

/**
 * A birth during a stay (DOMAIN.md "Births"): the baby is a new person in the
 * mother's household, placed in her unit; when her unit takes no newborns (or
 * has no place for one), both move together, in this transaction, to a unit of
 * the same facility that does, else NO_FREE_PLACE (409) naming where there is
 * room. Her pregnancy is cleared. The baby's road to aid (akta, then the KK)
 * starts from its record: a newborn without NIK (cases/aid.ts).
 */
export async function recordBirth(args: { db: Db; actor: Actor; motherId: string; input: unknown }): Promise<BirthResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(BirthInput, args.input, actor.lang);
  const at = nowIso();
  return await write(db, async (tx) => {
    await assertCanSeePerson(tx, actor, args.motherId);
    const mother = (await tx.select().from(persons).where(eq(persons.id, args.motherId)).get())!;
    const stay = await tx.select().from(stays).where(and(eq(stays.personId, mother.id), isNull(stays.checkedOutAt))).get();
    // A desk acts on the people of its own facility: elsewhere the stay is not theirs to see.
    if (stay && !isWide(actor) && stay.facilityId !== actor.facilityId) throw notFound('residents.not_found');
    if (!stay) throw conflict('births.not_in_stay');
    if (!mother.pregnant) throw conflict('births.not_pregnant');
    const facility = (await tx.select().from(facilities).where(eq(facilities.id, stay.facilityId)).get())!;
    const zone = zoneOf(facility.wilayahCode);
    const bornOn = /^\d{4}-\d{2}-\d{2}$/.test(input.born_at) ? input.born_at : localDate(new Date(input.born_at).toISOString(), zone);
    if (bornOn > localDate(at, zone)) throw invalidField('born_at', 'births.born_in_future');

    const units = await loadUnitOccupancy(tx, { facilityId: facility.id });
    const target = newbornUnit(units, stay.unitId, mother.sex);
    if (!target) throw await noRoom(tx, actor, mother, facility, bornOn);

    let householdId = mother.householdId;
    if (!householdId) {
      householdId = newId();
      await tx.insert(households).values({ id: householdId, createdAt: at, createdBy: actor.id, note: null }).run();
    }
    await tx.update(persons)
      .set({ pregnant: false, pregnancyWeeks: null, pregnancyDueDate: null, householdId, updatedAt: at, version: sql`${persons.version} + 1` })
      .where(eq(persons.id, mother.id))
      .run();

    const baby = await createBaby(tx, actor, { mother, input, bornOn, householdId, facilityId: facility.id, at });
    const beds = await assignBeds(tx, target.unit, target.moves ? 2 : 1, undefined);
    const placed: string[] = [];
    const open = async (personId: string, bed: string | null, previous: string | null) => {
      const id = newId();
      placed.push(id);
      await tx.insert(stays)
        .values({ id, personId, householdId, facilityId: facility.id, unitId: target.unit.id, bedLabel: bed, checkedInAt: at, checkedInBy: actor.id, overflow: false, previousStayId: previous })
        .run();
      await audit(tx, actor, { action: previous ? 'stay.transfer_in' : 'stay.check_in', entity: 'stay', entityId: id, at, detail: { person_id: personId, facility_id: facility.id, unit_id: target.unit.id, bed_label: bed, ...(previous ? { previous_stay_id: previous } : { birth: true }) } });
    };
    if (target.moves) {
      await tx.update(stays).set({ checkedOutAt: at, checkedOutBy: actor.id, outcome: 'transferred', destination: target.unit.name, note: 'birth' }).where(eq(stays.id, stay.id)).run();
      await audit(tx, actor, { action: 'stay.transfer_out', entity: 'stay', entityId: stay.id, at, detail: { person_id: mother.id, from_unit_id: stay.unitId, to_unit_id: target.unit.id, birth: true } });
      await open(mother.id, beds[1] ?? null, stay.id);
    } else {
      await tx.update(stays).set({ householdId }).where(eq(stays.id, stay.id)).run();
    }
    await open(baby.id, beds[0] ?? null, null);
    await audit(tx, actor, {
      action: 'person.birth',
      entity: 'person',
      entityId: mother.id,
      at,
      detail: { baby_id: baby.id, baby_resident_code: baby.residentCode, born_on: bornOn, household_id: householdId, unit_id: target.unit.id, moved: target.moves, reason: target.reason.key },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'occupancy', facilityId: facility.id, unitIds: [...new Set([stay.unitId, target.unit.id])] });
    const open2 = await tx.select().from(stays).where(and(inArray(stays.personId, [mother.id, baby.id]), isNull(stays.checkedOutAt))).all();
    return {
      baby: await personRecord(tx, baby, { today: localDate(at, zone) }),
      stays: await staysInZones(tx, open2.filter((s) => placed.includes(s.id))),
      moved: target.moves,
    };
  });
}

async function createBaby(
  tx: Tx,
  actor: Actor,
  c: { mother: typeof persons.$inferSelect; input: BirthInput; bornOn: string; householdId: string; facilityId: string; at: string },
): Promise<typeof persons.$inferSelect> {
  const id = newId();
  let code = newResidentCode();
  while (await tx.get(sql`select 1 as x from persons where resident_code = ${code}`)) code = newResidentCode();
  const name = c.input.name ?? null;
  await tx.insert(persons)
    .values({
      id,
      residentCode: code,
      name,
      description: name ? null : `bayi dari ${c.mother.name ?? c.mother.residentCode}`,
      searchKey: searchKeyFor(name ?? undefined, undefined),
      sex: c.input.sex,
      birthDate: c.bornOn,
      birthWeightGrams: c.input.birth_weight_grams ?? null,
      // The mother's KK, when known, is the family card the baby is to be added to.
      kk: c.mother.kk,
      originWilayahCode: c.mother.originWilayahCode,
      domicileAddress: c.mother.domicileAddress,
      householdId: c.householdId,
      source: 'other',
      createdAt: c.at,
      createdBy: actor.id,
      createdAtFacilityId: c.facilityId,
      updatedAt: c.at,
    })
    .run();
  await audit(tx, actor, { action: 'person.create', entity: 'person', entityId: id, at: c.at, detail: { resident_code: code, source: 'birth', mother_id: c.mother.id, facility_id: c.facilityId, household_id: c.householdId } });
  return (await tx.select().from(persons).where(eq(persons.id, id)).get())!;
}

/**
 * No unit of her facility can take mother and newborn together: say where there
 * is room for the two of them (the routing rules, among the facilities this
 * desk may see), so the desk can refer them.
 */
async function noRoom(tx: Tx, actor: Actor, mother: typeof persons.$inferSelect, facility: typeof facilities.$inferSelect, bornOn: string) {
  const today = localDate(nowIso(), zoneOf(facility.wilayahCode));
  const baby = { ...toRoutingPerson({ ...mother, pregnant: false }, today), id: 'newborn', age: 0, disabilities: [], wheelchair: false };
  const result = route({
    persons: [{ ...toRoutingPerson({ ...mother, pregnant: false }, today) }, baby],
    facilities: await loadRoutingFacilities(tx),
    asker: actor,
    from: { facilityId: facility.id, wilayahCode: facility.wilayahCode, lat: facility.lat, lng: facility.lng },
  });
  const where = result.destinations.slice(0, 3).map((d) => `${d.facility.name} · ${d.unit.name} (${d.unit.free})`);
  return noFreePlace(where.length ? 'births.no_room_here' : 'births.no_room_anywhere', { facility: facility.name, where: where.join('; '), born_on: bornOn, destinations: result.destinations.slice(0, 3).map((d) => ({ facility_id: d.facility.id, facility: d.facility.name, unit_id: d.unit.id, unit: d.unit.name, free: d.unit.free })) });
}

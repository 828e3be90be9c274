import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { OPEN_REFERRAL_STATUSES, persons, referrals, stays, units } from '../../db/schema/index.ts';

export interface PersonInside {
  stay_id: string;
  person_id: string;
  resident_code: string;
  name: string | null;
  description: string | null;
  unit_id: string;
  unit_name: string;
  bed_label: string | null;
  checked_in_at: string;
  overflow: boolean;
}

/** Who is checked in at a facility now (open stays), by unit and bed. Callers check the actor may see people. */
export async function peopleInside(db: Db | Tx, facilityId: string): Promise<PersonInside[]> {
  return await db
    .select({
      stay_id: stays.id,
      person_id: persons.id,
      resident_code: persons.residentCode,
      name: persons.name,
      description: persons.description,
      unit_id: units.id,
      unit_name: units.name,
      bed_label: stays.bedLabel,
      checked_in_at: stays.checkedInAt,
      overflow: stays.overflow,
    })
    .from(stays)
    .innerJoin(persons, eq(persons.id, stays.personId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .where(and(eq(stays.facilityId, facilityId), isNull(stays.checkedOutAt)))
    .orderBy(asc(units.sortOrder), asc(units.name), asc(stays.bedLabel), asc(stays.checkedInAt))
    .all();
}

/** How a person is named in a message: resident code and name (or the description given when the name is unknown). */
export function personLabel(p: Pick<PersonInside, 'resident_code' | 'name' | 'description'>): string {
  const who = p.name ?? p.description;
  return who ? `${p.resident_code} (${who})` : p.resident_code;
}

/** Open referrals (PROPOSED, ACCEPTED, IN_TRANSIT) headed to a facility, and the places they hold. */
export async function openReferralsTo(db: Db | Tx, facilityId: string): Promise<{ count: number; places: number }> {
  const row = await db
    .select({ count: sql<number>`count(*)`, places: sql<number>`coalesce(sum(${referrals.places}), 0)` })
    .from(referrals)
    .where(and(eq(referrals.toFacilityId, facilityId), inArray(referrals.status, [...OPEN_REFERRAL_STATUSES])))
    .get();
  return { count: Number(row?.count ?? 0), places: Number(row?.places ?? 0) };
}

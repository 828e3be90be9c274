import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { facilities, persons, stays, units } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, PEOPLE_ROLES, requireRole } from '../access.ts';
import { notFound } from '../errors.ts';
import { assertCanSeePerson } from '../persons/scope.ts';

/** A stay with its person, facility and unit, for a page that acts on it; the person must be visible. */
export async function stayForAction(db: Db, actor: Actor, stayId: string) {
  requireRole(actor, PEOPLE_ROLES);
  const row = await db
    .select({ stay: stays, person: persons, facilityName: facilities.name, unitName: units.name })
    .from(stays)
    .innerJoin(persons, eq(persons.id, stays.personId))
    .innerJoin(facilities, eq(facilities.id, stays.facilityId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .where(eq(stays.id, stayId))
    .get();
  if (!row) throw notFound('stays.not_found');
  await assertCanSeePerson(db, actor, row.person.id);
  const sharing = row.stay.householdId
    ? await db
        .select({ id: persons.id, name: persons.name, description: persons.description, residentCode: persons.residentCode })
        .from(stays)
        .innerJoin(persons, eq(persons.id, stays.personId))
        .where(and(eq(stays.householdId, row.stay.householdId), eq(stays.unitId, row.stay.unitId), isNull(stays.checkedOutAt), ne(stays.id, row.stay.id)))
        .all()
    : [];
  return { ...row, householdSharing: sharing };
}

/** OPEN facilities the actor may place people in (a transfer's destinations). */
export async function destinationChoices(db: Db, actor: Actor) {
  return (await db
    .select({ id: facilities.id, code: facilities.code, name: facilities.name, kind: facilities.kind, protected: facilities.protected })
    .from(facilities)
    .where(eq(facilities.status, 'OPEN'))
    .orderBy(asc(facilities.code))
    .all())
    .filter((f) => canSeeFacility(actor, f));
}

/**
 * Stays that began and stays that ended at a facility since an instant (UTC
 * ISO): the intake desk's "today" counts. `inn`/`out` are counts.
 */
export async function staysInAndOutSince(db: Db, facilityId: string, sinceUtc: string): Promise<{ inn: number; out: number } | undefined> {
  return await db.get<{ inn: number; out: number }>(sql`
          select (select count(*) from stays where facility_id = ${facilityId} and checked_in_at >= ${sinceUtc}) as inn,
                 (select count(*) from stays where facility_id = ${facilityId} and checked_out_at >= ${sinceUtc}) as out`);
}

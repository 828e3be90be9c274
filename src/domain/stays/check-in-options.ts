import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { persons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, hasRole, isWide, PEOPLE_ROLES, requireRole } from '../access.ts';
import { notFound } from '../errors.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { ageNeeds, ageOn } from '../persons/age.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { loadFacilityOccupancy } from '../occupancy/compute.ts';
import { groupProfile, scarceQuestion, unitRefusal, type UnitReason } from '../placement/choose-unit.ts';
import { CHILD_OVERRIDE_ROLES, isSupervisor, kinOptions, toPlacePerson } from './place.ts';
import { destinationChoices } from './read.ts';
import { freeBedsByUnit, suggestionFor, wherePlaced } from './where.ts';

/** People by id, for a page that works with a few of them (the check-in step); each must be visible. */
export async function personsForPlacement(db: Db, actor: Actor, ids: string[]) {
  requireRole(actor, PEOPLE_ROLES);
  const today = wibDate(nowIso());
  const rows = ids.length ? await db.select().from(persons).where(inArray(persons.id, ids)).all() : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return (await Promise.all(ids.map(async (id) => {
    const p = byId.get(id);
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(db, actor, id);
    const open = await db.select({ id: stays.id }).from(stays).where(and(eq(stays.personId, id), isNull(stays.checkedOutAt))).get();
    const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today);
    return { person: p, age, ageNeeds: ageNeeds(age), openStayId: open?.id ?? null };
  })));
}

/** OPEN facilities a wide role may register or place people at (the same choice as a transfer's destinations); none for a desk bound to its facility. */
export async function facilityChoicesFor(db: Db, actor: Actor) {
  return isWide(actor) ? await destinationChoices(db, actor) : [];
}

/**
 * What a check-in of these people could do, as this actor may see it: the
 * people (and where those already placed are), the facility (the actor's,
 * the one asked for, or — for a wide role — the one that registered them),
 * each of its units with whether it admits the group and why not
 * (placement/choose-unit.ts, the rules the check-in verb applies), its free
 * named beds, and the unit a check-in takes when none is chosen. A read for
 * the check-in page and any other door; reasons are keys, worded by the caller.
 */
export async function checkInOptions(args: { db: Db; actor: Actor; personIds: string[]; facilityId: string | null }) {
  const { db, actor } = args;
  const people = await personsForPlacement(db, actor, args.personIds);
  const group = people.filter((p) => !p.openStayId).map((p) => p.person);
  const isHousehold = group.length > 1 || group.some((p) => p.householdId !== null);
  const placePersons = group.map((p) => toPlacePerson(p, wibDate(nowIso())));
  const profile = groupProfile(placePersons, isHousehold);
  const kin = await kinOptions(db, placePersons);
  const choices = await facilityChoicesFor(db, actor);
  // A wide role placing people registered at a facility (a handoff's, say) starts there.
  const registeredAt = group[0]?.createdAtFacilityId;
  const fid = args.facilityId ?? actor.facilityId ?? (registeredAt && choices.some((c) => c.id === registeredAt) ? registeredAt : null);
  const facility = fid ? (await loadFacilityOccupancy(db, { facilityId: fid }))[0] : undefined;
  const visibleFacility = facility && canSeeFacility(actor, facility) ? facility : undefined;
  const freeBeds = visibleFacility ? await freeBedsByUnit(db, visibleFacility.id, visibleFacility.units.map((u) => u.id)) : new Map<string, string[]>();
  const units = (visibleFacility?.units ?? []).map((u) => {
    const refusal: UnitReason | null = group.length > 0 ? unitRefusal(u, profile, kin) : { key: 'placement.none.no_unit_for_group' };
    return { ...u, admitsGroup: refusal === null, refusal, freeBeds: freeBeds.get(u.id) ?? [] };
  });
  // The same rule the check-in verb applies when no unit is chosen (placement/choose-unit.ts).
  const suggestion = visibleFacility ? await suggestionFor(db, visibleFacility.id, group.map((p) => p.id)) : null;
  // When the household would take most of the only scarce unit meeting its needs, the desk is asked (the check-in verb insists).
  const today = wibDate(nowIso());
  const q = visibleFacility && group.length ? scarceQuestion(visibleFacility.units, group.map((p) => toPlacePerson(p, today)), isHousehold) : null;
  const scarce = q ? { unit: { id: q.unit.id, name: q.unit.name }, size: q.size, free: q.free, elsewhere: q.elsewhere ? { id: q.elsewhere.id, name: q.elsewhere.name } : null } : null;
  return {
    people,
    scarce,
    placed: await wherePlaced(db, actor, people.filter((p) => p.openStayId).map((p) => p.person.id)),
    groupSize: group.length,
    facility: visibleFacility,
    facilityChoices: choices,
    units,
    suggestion,
    supervisor: isSupervisor(actor),
    /** A child alone in the group and this actor is the command centre: may place among adults in an emergency, with a reason. */
    childOverride: profile.loneChild && hasRole(actor, CHILD_OVERRIDE_ROLES),
  };
}

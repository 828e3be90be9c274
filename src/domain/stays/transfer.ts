import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, forbidden, invalidField, noFreePlace, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { translator } from '../../i18n/index.ts';
import { loadRoutingFacilities, toRoutingPerson } from '../routing/load.ts';
import { route } from '../routing/route.ts';
import { describeReason } from '../routing/text.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { assertActsAt, placementFacility } from './facility.ts';
import { TransferInput } from './input.ts';
import { mapStayConstraint, placeGroup, toPlacePerson } from './place.ts';
import { facilityLock, householdLock, personLock, placementLocks, placementWrite, requireLocked } from './locks.ts';
import { staysInZones, type StayRecord } from './view.ts';

/** A transfer stays within a facility; only the command centre (or the system) moves someone to another one directly, with a reason. */
export function movesAcrossFacilities(actor: Actor): boolean {
  return actor.role === 'command' || actor.role === 'system';
}

export interface TransferResult {
  ended: StayRecord[];
  stays: StayRecord[];
  overflow: boolean;
}

/**
 * A transfer between units of one facility in one step: the old stay ends and
 * the new one begins at the same instant, in the same transaction, the new
 * stay pointing back at the old (previous_stay_id). With `household`, the
 * household members who share the unit move too.
 *
 * Another facility is reached through a referral its staff accept (DOMAIN.md).
 * The one exception is the command centre moving someone directly, with a
 * written reason, and still under the destination's rules: the services the
 * group needs, units that admit them, unit features (routing/route.ts).
 */
export async function transfer(args: { db: Db; actor: Actor; stayId: string; input: unknown }): Promise<TransferResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(TransferInput, args.input, actor.lang);
  const at = nowIso();
  try {
    // Locks both facilities, the person and their household only (locks.ts): the household members who move
    // with them share their unit, so their stays are the locked facility's and they are the locked household.
    const scope = async () => {
      const s = await db.select({ facilityId: stays.facilityId, personId: stays.personId, householdId: stays.householdId }).from(stays).where(eq(stays.id, args.stayId)).get();
      if (!s) return [];
      return [...await placementLocks(db, [s.facilityId, input.facility_id], [s.personId]), ...(s.householdId ? [householdLock(s.householdId)] : [])];
    };
    const result = await placementWrite(db, scope, async (tx) => {
      const stay = await tx.select().from(stays).where(eq(stays.id, args.stayId)).get();
      if (!stay) throw notFound('stays.not_found');
      requireLocked(tx, [facilityLock(stay.facilityId), personLock(stay.personId), ...(stay.householdId ? [householdLock(stay.householdId)] : [])]);
      await assertCanSeePerson(tx, actor, stay.personId);
      assertActsAt(actor, stay.facilityId);
      if (stay.checkedOutAt) throw conflict('stays.already_closed');
      const crossFacility = input.facility_id !== undefined && input.facility_id !== stay.facilityId;
      if (crossFacility) {
        if (!movesAcrossFacilities(actor)) throw forbidden('stays.transfer_other_facility');
        if (!input.reason) throw invalidField('reason', 'stays.move_reason_required');
      }
      const facility = await placementFacility(tx, actor, input.facility_id ?? stay.facilityId, { mustAct: false });
      if (facility.id === stay.facilityId && input.unit_id === stay.unitId) throw invalidField('unit_id', 'stays.same_unit');

      const moving = [stay];
      if (input.household && stay.householdId) {
        const others = (await tx
          .select()
          .from(stays)
          .where(and(eq(stays.householdId, stay.householdId), eq(stays.unitId, stay.unitId), isNull(stays.checkedOutAt)))
          .all())
          .filter((s) => s.id !== stay.id);
        moving.push(...others);
      }
      const ids = moving.map((s) => s.id);
      await tx.update(stays).set({ checkedOutAt: at, checkedOutBy: actor.id, outcome: 'transferred', note: input.note ?? null }).where(inArray(stays.id, ids)).run();

      const people = await tx.select().from(persons).where(inArray(persons.id, moving.map((s) => s.personId))).all();
      requireLocked(tx, people.flatMap((p) => (p.householdId ? [householdLock(p.householdId)] : [])));
      const today = wibDate(at);
      let unitId = input.unit_id;
      if (crossFacility) unitId = await destinationUnit(tx, actor, facility.id, people.map((p) => toRoutingPerson(p, today)), unitId);
      const placed = await placeGroup(tx, actor, {
        persons: people.map((p) => toPlacePerson(p, today)),
        facility,
        unitId,
        bedLabel: input.bed_label,
        overflowReason: input.overflow_reason,
        splitReason: input.split_reason,
        at,
        previous: new Map(moving.map((s) => [s.personId, s.id])),
      });
      const destination = facility.id === stay.facilityId ? placed.unit.name : `${facility.name} · ${placed.unit.name}`;
      await tx.update(stays).set({ destination }).where(inArray(stays.id, ids)).run();
      for (const s of moving) {
        await audit(tx, actor, {
          action: 'stay.transfer_out',
          entity: 'stay',
          entityId: s.id,
          at,
          detail: {
            person_id: s.personId,
            from_facility_id: s.facilityId,
            from_unit_id: s.unitId,
            to_facility_id: facility.id,
            to_unit_id: placed.unit.id,
            ...(crossFacility ? { command_move: true, reason: input.reason } : {}),
          },
        });
      }
      const moved = {
        ended: await staysInZones(tx, await tx.select().from(stays).where(inArray(stays.id, ids)).all()),
        stays: await staysInZones(tx, placed.stays),
        overflow: placed.overflow,
      };
      // Announced with the change itself: heard once it is committed, never for a rollback.
      for (const f of new Set([...moved.ended, ...moved.stays].map((s) => s.facility_id))) {
        const unitIds = [...new Set([...moved.ended, ...moved.stays].filter((s) => s.facility_id === f).map((s) => s.unit_id))];
        hubFor(tx).publish({ type: 'occupancy', facilityId: f, unitIds });
      }
      return moved;
    });
    return result;
  } catch (err) {
    return mapStayConstraint(err);
  }
}

/**
 * A command-centre move to another facility: the destination must give every
 * service the group needs and have a unit that takes them (the routing
 * rules, asked of this one facility). Returns the unit to place them in.
 */
async function destinationUnit(tx: Tx, actor: Actor, facilityId: string, group: Awaited<ReturnType<typeof toRoutingPerson>>[], chosen: string | undefined): Promise<string> {
  const dest = (await loadRoutingFacilities(tx)).find((f) => f.id === facilityId)!;
  const result = route({ persons: group, facilities: [dest], asker: actor });
  const first = result.destinations[0];
  if (!first) {
    const why = result.passed_over[0]?.reasons ?? [];
    const t = translator(actor.lang);
    const text = why.map((r) => describeReason(t, r)).join('; ');
    if (why.some((r) => r.key === 'routing.passed.full' || r.key === 'routing.passed.no_accessible_free')) throw noFreePlace('referrals.no_place', { facility: dest.name, why: text });
    throw invalidField('facility_id', 'referrals.destination_unfit', { facility: dest.name, why: text });
  }
  return chosen ?? first.unit.id;
}

import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { parseInput } from '../validate.ts';
import { nowIso, zoneOf } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { placementFacility } from './facility.ts';
import { CheckInInput } from './input.ts';
import { loadPlaceablePersons, mapStayConstraint, placeGroup } from './place.ts';
import { householdLock, placementLocks, placementWrite, requireLocked } from './locks.ts';
import { toStayRecord, type StayRecord } from './view.ts';
import { reasonJson } from '../routing/text.ts';
import { isElderlyHome } from '../routing/route.ts';
import { invalidField } from '../errors.ts';
import { translator } from '../../i18n/index.ts';

export interface CheckInResult {
  stays: StayRecord[];
  facility_id: string;
  unit_id: string;
  unit_name: string;
  overflow: boolean;
  split: boolean;
  /** Why this unit: the placement rule that chose it (placement/choose-unit.ts), or the officer's choice. */
  unit_reason: { code: string; params?: Record<string, string | number>; message: string };
}

/**
 * Check-in of one person or a household together, into one unit of a
 * facility: the free places are read and taken in one transaction that holds
 * the facility (and the persons), so two desks can never be given the same
 * place, and desks at other facilities never wait on it (locks.ts). No free place → NO_FREE_PLACE (409).
 */
export async function checkIn(args: { db: Db; actor: Actor; input: unknown }): Promise<CheckInResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(CheckInInput, args.input, actor.lang);
  const ids = [...new Set([...(input.person_id ? [input.person_id] : []), ...input.person_ids])];
  const at = nowIso();
  try {
    // Locks the facility, the persons and their households only: desks at other facilities go on (locks.ts).
    const scope = () => placementLocks(db, [input.facility_id ?? actor.facilityId], ids);
    const result = await placementWrite(db, scope, async (tx) => {
      for (const id of ids) await assertCanSeePerson(tx, actor, id);
      const facility = await placementFacility(tx, actor, input.facility_id, { mustAct: true });
      const group = await loadPlaceablePersons(tx, ids);
      requireLocked(tx, group.flatMap((p) => (p.householdId ? [householdLock(p.householdId)] : [])));
      // A home for the elderly takes people of 60+ and their household (routing/route.ts isElderlyHome): the desk's check-in too.
      if (isElderlyHome(facility) && !group.some((p) => p.age !== null && p.age >= 60)) throw invalidField('facility_id', 'stays.elderly_home_only', { facility: facility.name });
      const placed = await placeGroup(tx, actor, {
        persons: group,
        facility,
        unitId: input.unit_id,
        bedLabel: input.bed_label,
        overflowReason: input.overflow_reason,
        splitReason: input.split_reason,
        askScarce: true,
        scarceChoice: input.scarce_choice,
        childReason: input.child_reason,
        at,
      });
      const rows = placed.stays;
      // Announced with the change itself: heard once it is committed, never for a rollback.
      hubFor(tx).publish({ type: 'occupancy', facilityId: facility.id, unitIds: [placed.unit.id] });
      return {
        stays: rows.map((r) => toStayRecord(r, zoneOf(facility.wilayahCode))),
        facility_id: facility.id,
        unit_id: placed.unit.id,
        unit_name: placed.unit.name,
        overflow: placed.overflow,
        split: placed.split,
        unit_reason: reasonJson(translator(actor.lang), placed.reason),
      };
    });
    return result;
  } catch (err) {
    return mapStayConstraint(err);
  }
}

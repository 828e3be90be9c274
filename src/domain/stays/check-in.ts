import { inArray } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { parseInput } from '../validate.ts';
import { nowIso, zoneOf } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { placementFacility } from './facility.ts';
import { CheckInInput } from './input.ts';
import { loadPlaceablePersons, mapStayConstraint, placeGroup } from './place.ts';
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
 * facility: the free places are read and taken in one IMMEDIATE transaction,
 * so two desks can never be given the same place. No free place → NO_FREE_PLACE (409).
 */
export async function checkIn(args: { db: Db; actor: Actor; input: unknown }): Promise<CheckInResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(CheckInInput, args.input, actor.lang);
  const ids = [...new Set([...(input.person_id ? [input.person_id] : []), ...input.person_ids])];
  const at = nowIso();
  try {
    const result = await write(db, async (tx) => {
      for (const id of ids) await assertCanSeePerson(tx, actor, id);
      const facility = await placementFacility(tx, actor, input.facility_id, { mustAct: true });
      const group = await loadPlaceablePersons(tx, ids);
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
      const rows = await tx.select().from(stays).where(inArray(stays.id, placed.stayIds)).all();
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

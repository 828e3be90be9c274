import { and, eq, inArray, isNull } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { persons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, invalidField, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../../live/hub.ts';
import { assertCanSeePerson } from '../residents/links.ts';
import { assertActsAt, placementFacility } from './facility.ts';
import { TransferInput } from './input.ts';
import { mapStayConstraint, placeGroup } from './place.ts';
import { toStayRecord, type StayRecord } from './view.ts';

export interface TransferResult {
  ended: StayRecord[];
  stays: StayRecord[];
  overflow: boolean;
}

/**
 * A transfer to another unit or facility in one step: the old stay ends and
 * the new one begins at the same instant, in the same transaction, the new
 * stay pointing back at the old (previous_stay_id). With `household`, the
 * household members who share the unit move too.
 */
export function transfer(args: { db: Db; actor: Actor; stayId: string; input: unknown }): TransferResult {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(TransferInput, args.input, actor.lang);
  const at = nowIso();
  try {
    const result = write(db, (tx) => {
      const stay = tx.select().from(stays).where(eq(stays.id, args.stayId)).get();
      if (!stay) throw notFound('stays.not_found');
      assertCanSeePerson(tx, actor, stay.personId);
      assertActsAt(actor, stay.facilityId);
      if (stay.checkedOutAt) throw conflict('stays.already_closed');
      // The destination may be another facility: the actor acts at the origin; the destination must be open and visible.
      const facility = placementFacility(tx, actor, input.facility_id ?? stay.facilityId, { mustAct: false });
      if (facility.id === stay.facilityId && input.unit_id === stay.unitId) throw invalidField('unit_id', 'stays.same_unit');

      const moving = [stay];
      if (input.household && stay.householdId) {
        const others = tx
          .select()
          .from(stays)
          .where(and(eq(stays.householdId, stay.householdId), eq(stays.unitId, stay.unitId), isNull(stays.checkedOutAt)))
          .all()
          .filter((s) => s.id !== stay.id);
        moving.push(...others);
      }
      const ids = moving.map((s) => s.id);
      tx.update(stays).set({ checkedOutAt: at, checkedOutBy: actor.id, outcome: 'transferred', note: input.note ?? null }).where(inArray(stays.id, ids)).run();

      const people = tx.select().from(persons).where(inArray(persons.id, moving.map((s) => s.personId))).all();
      const placed = placeGroup(tx, actor, {
        persons: people.map((p) => ({ id: p.id, sex: p.sex, residentCode: p.residentCode, householdId: p.householdId })),
        facility,
        unitId: input.unit_id,
        bedLabel: input.bed_label,
        overflowReason: input.overflow_reason,
        splitReason: input.split_reason,
        at,
        previous: new Map(moving.map((s) => [s.personId, s.id])),
      });
      const destination = facility.id === stay.facilityId ? placed.unit.name : `${facility.name} · ${placed.unit.name}`;
      tx.update(stays).set({ destination }).where(inArray(stays.id, ids)).run();
      for (const s of moving) {
        audit(tx, actor, {
          action: 'stay.transfer_out',
          entity: 'stay',
          entityId: s.id,
          at,
          detail: { person_id: s.personId, from_facility_id: s.facilityId, from_unit_id: s.unitId, to_facility_id: facility.id, to_unit_id: placed.unit.id },
        });
      }
      return {
        ended: tx.select().from(stays).where(inArray(stays.id, ids)).all().map(toStayRecord),
        stays: tx.select().from(stays).where(inArray(stays.id, placed.stayIds)).all().map(toStayRecord),
        overflow: placed.overflow,
      };
    });
    for (const f of new Set([...result.ended, ...result.stays].map((s) => s.facility_id))) {
      const unitIds = [...new Set([...result.ended, ...result.stays].filter((s) => s.facility_id === f).map((s) => s.unit_id))];
      hubFor(db).publish({ type: 'occupancy', facilityId: f, unitIds });
    }
    return result;
  } catch (err) {
    return mapStayConstraint(err);
  }
}

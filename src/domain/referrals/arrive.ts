import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { facilities, persons, stays, units } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import { conflict } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { translate } from '../../i18n/index.ts';
import { mapStayConstraint, placeGroup, toPlacePerson } from '../stays/place.ts';
import { wibDate } from '../../lib/time.ts';
import { resolvePersonAlerts } from '../alerts.ts';
import { ArriveReferralInput } from './input.ts';
import { moveReferral, referralPersonIds, type ReferralRow } from './load.ts';
import { takeStep, type StepArgs } from './steps.ts';
import type { ReferralRecord } from './view.ts';

/**
 * They arrived: in one transaction the referral closes (its hold is
 * released), each person's stay at the sending facility ends with the
 * outcome "referred", and they are checked in together at the destination —
 * into the unit that was held, or another the receiving desk chose.
 */
export async function arriveReferral(args: StepArgs): Promise<ReferralRecord> {
  const input = parseInput(ArriveReferralInput, args.input ?? {}, args.actor.lang);
  try {
    return await takeStep(args, 'arrive', ['ACCEPTED', 'IN_TRANSIT'], async (tx, r, now) => await arrive(tx, args, r, now, input));
  } catch (err) {
    return mapStayConstraint(err);
  }
}

async function arrive(tx: Tx, args: StepArgs, r: ReferralRow, now: string, input: ArriveReferralInput) {
  const actor = args.actor;
  const ids = await referralPersonIds(tx, r.id);
  const people = await tx.select().from(persons).where(inArray(persons.id, ids)).all();
  const byId = new Map(people.map((p) => [p.id, p]));
  const group = ids.map((id) => byId.get(id)!).filter(Boolean);

  // Close the referral first: its hold is released, so the places it held are free for the check-in below.
  await moveReferral(tx, r, { status: 'ARRIVED', arrivedAt: now, departedAt: r.departedAt ?? now, closedAt: now, closedBy: actor.id });

  const to = (await tx.select({ id: facilities.id, name: facilities.name }).from(facilities).where(eq(facilities.id, r.toFacilityId)).get())!;
  const unitId = input.unit_id ?? r.toUnitId ?? undefined;
  const unitName = unitId ? ((await tx.select({ name: units.name }).from(units).where(eq(units.id, unitId)).get())?.name ?? '') : '';

  const open = await tx.select().from(stays).where(and(inArray(stays.personId, ids), isNull(stays.checkedOutAt))).all();
  for (const s of open) {
    // Someone moved elsewhere since the referral was made: the desk must sort that out first.
    if (s.facilityId !== r.fromFacilityId) throw conflict('referrals.person_elsewhere', { code: byId.get(s.personId)?.residentCode ?? '' });
  }
  const destination = `${to.name}${unitName ? ` · ${unitName}` : ''}`;
  for (const s of open) {
    await tx.update(stays).set({ checkedOutAt: now, checkedOutBy: actor.id, outcome: 'referred', destination, referralId: r.id }).where(eq(stays.id, s.id)).run();
    await audit(tx, actor, {
      action: 'stay.discharge',
      entity: 'stay',
      entityId: s.id,
      at: now,
      detail: { person_id: s.personId, facility_id: s.facilityId, unit_id: s.unitId, outcome: 'referred', referral_id: r.id },
    });
  }

  const placed = await placeGroup(tx, actor, {
    persons: group.map((p) => toPlacePerson(p, wibDate(now))),
    facility: to,
    unitId,
    bedLabel: input.bed_label,
    // Members of the household left behind were parted from it before the referral; say so on the new stays.
    splitReason: r.splitReason ?? translate('id', 'referrals.split_by_referral'),
    at: now,
    previous: new Map(open.map((s) => [s.personId, s.id])),
    referralId: r.id,
  });
  for (const p of group) await resolvePersonAlerts(tx, actor, p.id, ['nothing_fits', 'referral_refused_twice'], now);

  const occupancy = [{ facilityId: to.id, unitIds: [...new Set([placed.unit.id, ...(r.toUnitId ? [r.toUnitId] : [])])] }];
  for (const s of open) occupancy.push({ facilityId: s.facilityId, unitIds: [s.unitId] });
  return {
    detail: { to_unit_id: placed.unit.id, stay_ids: placed.stayIds, ended_stay_ids: open.map((s) => s.id), overflow: placed.overflow },
    events: { occupancy },
  };
}

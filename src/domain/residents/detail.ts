import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, handoffPersons, handoffs, persons, referralPersons, referrals, stays, units, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { zoneOf } from '../../lib/time.ts';
import { ageNeeds, ageOn } from '../persons/age.ts';
import { maySeePerson } from '../persons/scope.ts';
import type { PersonRow } from '../persons/record.ts';
import { translate } from '../../i18n/index.ts';
import { toStayRecord } from '../stays/view.ts';

/** A stay with the names people read, and whether its facility (or where it led) is protected. */
export async function staysOf(db: Db | Tx, personId: string) {
  return await db
    .select({
      stay: stays,
      facilityName: facilities.name,
      facilityCode: facilities.code,
      facilityProtected: facilities.protected,
      facilityWilayahCode: facilities.wilayahCode,
      unitName: units.name,
      checkedInByName: users.username,
      // The stay that followed (transfer, referral) was at a protected facility: the destination text names it.
      ledToProtected: sql<string | null>`(select nf.id from stays n join facilities nf on nf.id = n.facility_id
        where n.previous_stay_id = ${stays.id} and nf.protected = 1 limit 1)`,
    })
    .from(stays)
    .innerJoin(facilities, eq(facilities.id, stays.facilityId))
    .innerJoin(units, eq(units.id, stays.unitId))
    .leftJoin(users, eq(users.id, stays.checkedInBy))
    .where(eq(stays.personId, personId))
    .orderBy(desc(stays.checkedInAt))
    .all();
}

export type PersonDetail = Awaited<ReturnType<typeof loadDetail>>;

/**
 * A person's history as this actor may see it (DOMAIN.md "Confidentiality
 * across facilities"): a protected facility the actor may not see is never
 * named — nor its units, beds, or a destination text that would name it —
 * in their stays, referrals or handoffs; it reads "a protected facility".
 *
 * Longer than 80 lines on purpose: the masking rule is applied to each part
 * of the history (stays, household, referrals, handoffs, merged records) in one place,
 * so that a reader checks every part against the same two lines above.
 */
export async function loadDetail(tx: Tx, actor: Actor, p: PersonRow, today: string) {
  const hiddenName = translate(actor.lang, 'residents.protected_facility');
  const hidden = (id: string | null, isProtected: boolean | null) => id !== null && !canSeeFacility(actor, { id, protected: isProtected === true });
  const stayRows = (await staysOf(tx, p.id)).map((s) => {
    const masked = hidden(s.stay.facilityId, s.facilityProtected);
    const destinationHidden = masked || (s.ledToProtected !== null && hidden(s.ledToProtected, true));
    return {
      ...s,
      hidden: masked,
      // Its facility's zone; a facility the actor may not know keeps WIB, so its offset does not tell its province.
      zone: masked ? ('WIB' as const) : zoneOf(s.facilityWilayahCode),
      facilityName: masked ? hiddenName : s.facilityName,
      facilityCode: masked ? '' : s.facilityCode,
      unitName: masked ? '' : s.unitName,
      checkedInByName: masked ? null : s.checkedInByName,
      stay: {
        ...s.stay,
        bedLabel: masked ? null : s.stay.bedLabel,
        destination: destinationHidden && s.stay.destination ? hiddenName : s.stay.destination,
        checkedInBy: masked ? null : s.stay.checkedInBy,
        checkedOutBy: masked ? null : s.stay.checkedOutBy,
        note: masked ? null : s.stay.note,
      },
    };
  });
  const openStay = stayRows.find((s) => s.stay.checkedOutAt === null) ?? null;
  const household = p.householdId
    ? (await Promise.all((await tx
        .select()
        .from(persons)
        .where(and(eq(persons.householdId, p.householdId), isNull(persons.mergedIntoId)))
        .orderBy(asc(persons.createdAt))
        .all())
        .filter((m) => m.id !== p.id)
        .map(async (m) => {
          const visible = await maySeePerson(tx, actor, m.id);
          const open = await tx
            .select({ stayId: stays.id, unitId: stays.unitId, unitName: units.name, facilityId: stays.facilityId })
            .from(stays)
            .innerJoin(units, eq(units.id, stays.unitId))
            .where(and(eq(stays.personId, m.id), isNull(stays.checkedOutAt)))
            .get();
          return {
            id: m.id,
            residentCode: m.residentCode,
            // Someone the actor may not see is named by code only, and where they stay is not said.
            name: visible ? (m.name ?? m.description) : null,
            sex: m.sex,
            age: ageOn({ birthDate: m.birthDate, estimatedAge: m.estimatedAge, estimatedAt: m.estimatedAt }, today),
            visible,
            openStay: open && visible ? open : null,
            placedElsewhere: open !== undefined && !visible,
          };
        })))
    : [];
  const fromF = alias(facilities, 'from_f');
  const toF = alias(facilities, 'to_f');
  const referralRows = (await tx
    .select({
      id: referrals.id,
      status: referrals.status,
      reason: referrals.reason,
      proposedAt: referrals.proposedAt,
      fromId: fromF.id,
      fromName: fromF.name,
      fromProtected: fromF.protected,
      toId: toF.id,
      toName: toF.name,
      toProtected: toF.protected,
    })
    .from(referralPersons)
    .innerJoin(referrals, eq(referrals.id, referralPersons.referralId))
    .leftJoin(fromF, eq(fromF.id, referrals.fromFacilityId))
    .innerJoin(toF, eq(toF.id, referrals.toFacilityId))
    .where(eq(referralPersons.personId, p.id))
    .orderBy(desc(referrals.proposedAt))
    .all())
    .map(({ fromId, fromProtected, toId, toProtected, ...r }) => {
      const fromHidden = hidden(fromId, fromProtected);
      const toHidden = hidden(toId, toProtected);
      return {
        ...r,
        // A referral to or from a place the actor may not know is not theirs to open either.
        id: fromHidden || toHidden ? null : r.id,
        fromName: fromHidden ? hiddenName : r.fromName,
        toName: toHidden ? hiddenName : r.toName,
        reason: fromHidden || toHidden ? '' : r.reason,
      };
    });
  const handoffRows = (await tx
    .select({
      handoffId: handoffs.id,
      number: handoffs.number,
      operationNumber: handoffs.operationNumber,
      operationAt: handoffs.operationAt,
      place: handoffs.place,
      leaderName: handoffs.leaderName,
      facilityId: facilities.id,
      facilityName: facilities.name,
      facilityProtected: facilities.protected,
      lineStatus: handoffPersons.status,
      seenNeeds: handoffPersons.needs,
      belongings: handoffPersons.belongings,
      notes: handoffPersons.notes,
    })
    .from(handoffPersons)
    .innerJoin(handoffs, eq(handoffs.id, handoffPersons.handoffId))
    .innerJoin(facilities, eq(facilities.id, handoffs.facilityId))
    .where(eq(handoffPersons.personId, p.id))
    .all())
    .map(({ facilityId, facilityProtected, ...h }) => (hidden(facilityId, facilityProtected) ? { ...h, facilityName: hiddenName } : h));
  const mergedFrom = await tx.select({ id: persons.id, residentCode: persons.residentCode }).from(persons).where(eq(persons.mergedIntoId, p.id)).all();
  const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today);
  return { person: p, age, ageNeeds: ageNeeds(age), stays: stayRows, openStay, household, referrals: referralRows, handoffs: handoffRows, mergedFrom };
}

/** A stay of a person's history as the API serves it: a masked one carries no facility, unit or bed id. */
export function stayAsSeen(s: PersonDetail['stays'][number]) {
  const r = { ...toStayRecord(s.stay, s.zone), facility_name: s.facilityName, unit_name: s.unitName };
  return s.hidden ? { ...r, facility_id: null, unit_id: null, previous_stay_id: null, referral_id: null } : r;
}

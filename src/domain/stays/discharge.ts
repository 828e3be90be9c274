import { and, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { hubFor } from '../events.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { recordJourney } from '../cases/journey.ts';
import { assertActsAt } from './facility.ts';
import { facilityLock, householdLock, personLock, placementLocks, placementWrite, requireLocked } from './locks.ts';
import { DischargeInput } from './input.ts';
import { toStayRecord, type StayRecord } from './view.ts';
import { facilityToday, facilityZone } from '../time-zone.ts';
import { raisePersonAlert, resolvePersonAlerts } from '../alerts.ts';
import { ageOn } from '../persons/age.ts';

/** Ends an open stay with an outcome and, where it has one, a destination. */
/** Outcomes that end care: the person went home, to family or community, or is gone; no destination is needed. */
export const LEFT_CARE_OUTCOMES: readonly string[] = ['reunited', 'returned_home', 'moved_to_lks', 'hospitalised', 'left', 'deceased'];

/** The stay that ended their care, when the person's latest stay closed so (null while placed, or moved on within care). */
export function leftCareBy<S extends { checkedInAt: string; checkedOutAt: string | null; outcome: string | null }>(stays: readonly S[]): S | null {
  const last = [...stays].sort((a, b) => b.checkedInAt.localeCompare(a.checkedInAt))[0];
  return last && last.checkedOutAt !== null && last.outcome !== null && LEFT_CARE_OUTCOMES.includes(last.outcome) ? last : null;
}

export async function discharge(args: { db: Db; actor: Actor; stayId?: string; input: unknown }): Promise<StayRecord> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(DischargeInput, args.input, actor.lang);
  const stayId = args.stayId ?? input.stay_id;
  if (!stayId) throw notFound('stays.not_found');
  const at = nowIso();
  // Locks the stay's facility, person and household only (locks.ts); a stay never changes facility or person.
  const scope = async () => {
    const s = await db.select({ facilityId: stays.facilityId, personId: stays.personId }).from(stays).where(eq(stays.id, stayId)).get();
    return s ? await placementLocks(db, [s.facilityId], [s.personId]) : [];
  };
  const record = await placementWrite(db, scope, async (tx) => {
    const stay = await tx.select().from(stays).where(eq(stays.id, stayId)).get();
    if (!stay) throw notFound('stays.not_found');
    // The household as it is now, not as read before the lock: a check-in of a child of this household must wait for
    // this discharge, or it would still see the parent's open stay in an adults' unit (place.ts membersApart).
    const household = (await tx.select({ h: persons.householdId }).from(persons).where(eq(persons.id, stay.personId)).get())?.h ?? null;
    requireLocked(tx, [facilityLock(stay.facilityId), personLock(stay.personId), ...(household ? [householdLock(household)] : [])]);
    await assertCanSeePerson(tx, actor, stay.personId);
    assertActsAt(actor, stay.facilityId);
    // A stay closed meanwhile (a double submit that slipped past idempotency, another desk first): its person's
    // lock is held, so what was read above is current.
    if (stay.checkedOutAt) throw conflict('stays.already_closed');
    await recordJourney(tx, actor, stay, input.outcome, input);
    await childLeaves(tx, actor, stay, input.outcome, at);
    await audit(tx, actor, {
      action: 'stay.discharge',
      entity: 'stay',
      entityId: stay.id,
      at,
      detail: { person_id: stay.personId, facility_id: stay.facilityId, unit_id: stay.unitId, outcome: input.outcome },
    });
    const zone = await facilityZone(tx, stay.facilityId);
    // Last: closing the stay moves the occupancy version (a trigger), whose row every placement in the country
    // then waits on until COMMIT (PostgreSQL); nothing else runs while it is held.
    const closed = { checkedOutAt: at, checkedOutBy: actor.id, outcome: input.outcome as StayRecord['outcome'], destination: input.destination ?? null, note: input.note ?? null };
    const done = await tx.update(stays).set(closed).where(and(eq(stays.id, stay.id), isNull(stays.checkedOutAt))).run();
    if (done.changes !== 1) throw conflict('stays.already_closed');
    // Announced with the change itself: heard once it is committed, never for a rollback.
    hubFor(tx).publish({ type: 'occupancy', facilityId: stay.facilityId, unitIds: [stay.unitId] });
    return toStayRecord({ ...stay, ...closed }, zone);
  });
  return record;
}

/**
 * A child's stay ends: an exception "among adults" is over (settled by this
 * act), and a child who left (ran away, vanished) is missed at once: a
 * child_left alert for the facility and the command centre, settled only by
 * an act (found and placed again, or a note saying what was done).
 */
async function childLeaves(tx: Tx, actor: Actor, stay: typeof stays.$inferSelect, outcome: string, at: string): Promise<void> {
  await resolvePersonAlerts(tx, actor, stay.personId, ['child_with_adults'], at);
  if (outcome !== 'left') return;
  const p = (await tx.select().from(persons).where(eq(persons.id, stay.personId)).get())!;
  const age = ageOn(p, await facilityToday(tx, stay.facilityId));
  if (age === null || age >= 18) return;
  const a = await raisePersonAlert(tx, actor, {
    kind: 'child_left',
    personId: p.id,
    facilityId: stay.facilityId,
    message: `Anak ${p.residentCode} (${age} th) meninggalkan fasilitas tanpa pamit.`,
    detail: { resident_code: p.residentCode, age, stay_id: stay.id, unit_id: stay.unitId, left_at: at },
    at,
  });
  // Heard once the discharge commits.
  if (a) hubFor(tx).publish({ type: 'alert', alertId: a.id, kind: a.kind, facilityId: a.facilityId });
}

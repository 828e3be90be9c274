import { inArray } from 'drizzle-orm';
import { lockedNames, write, type Db, type Tx } from '../../db/client.ts';
import { persons } from '../../db/schema/index.ts';

/**
 * What a placement verb (check-in, discharge, transfer) touches, as the names
 * its write locks (db/engine.ts WriteScope): on PostgreSQL two desks at two
 * facilities no longer wait on each other, on any instance. The names:
 *
 * - `facility:<id>` for every facility whose units it reads or fills: the free
 *   places, the beds, the unit counters (a unit belongs to one facility).
 * - `person:<id>` for every person it places or discharges: their open stay,
 *   their alerts and case follow-ups.
 * - `household:<id>` for their households: where the other members are (a
 *   household kept together, placement/choose-unit.ts).
 *
 * Everything else such a write reads is changed only by writes that hold the
 * whole database (a facility's status, a unit's capacity, a person's record,
 * referrals' held places), and the database's own guarantees stand behind the
 * rest (one open stay per person, one person per bed: unique indexes).
 */
export const facilityLock = (id: string) => `facility:${id}`;
export const personLock = (id: string) => `person:${id}`;
export const householdLock = (id: string) => `household:${id}`;

/** The names for these facilities and persons, with the persons' households as read now (outside the write). */
export async function placementLocks(db: Db, facilityIds: readonly (string | null | undefined)[], personIds: readonly string[]): Promise<string[]> {
  const households = personIds.length
    ? (await db.select({ h: persons.householdId }).from(persons).where(inArray(persons.id, [...personIds])).all()).map((r) => r.h)
    : [];
  return [
    ...facilityIds.filter((f): f is string => !!f).map(facilityLock),
    ...personIds.map(personLock),
    ...households.filter((h): h is string => h !== null).map(householdLock),
  ];
}

/** Thrown inside a scoped write that finds it touches a name it did not lock (a household changed before the lock was taken): the write is run again. */
class ScopeMoved extends Error {}

/** Inside a placement write: every name given is locked, or the write starts again with what it now reads (placementWrite). */
export function requireLocked(tx: Tx, names: readonly string[]): void {
  const locks = lockedNames(tx);
  if (locks && names.some((n) => !locks.has(n))) throw new ScopeMoved('the write touches what it did not lock');
}

/**
 * A placement write: its names read first (`scope`, outside any lock), then the
 * write holding them. A write that finds it needs another name (requireLocked)
 * rolls back and runs again with the names read anew; a few times at most.
 */
export async function placementWrite<T>(db: Db, scope: () => Promise<string[]>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const locks = await scope();
    try {
      return await write(db, fn, { locks });
    } catch (err) {
      if (!(err instanceof ScopeMoved) || attempt >= 3) throw err;
    }
  }
}

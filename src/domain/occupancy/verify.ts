import { sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { OPEN_REFERRAL_STATUSES } from '../../db/schema/index.ts';
import { hubFor } from '../events.ts';

/**
 * The occupancy counters on units (`occupied`, `held`) are kept by database
 * triggers (db/migrations 0006, db/migrations-pg 0004). These recount them
 * from the stays and referrals themselves: an operator's check (or a
 * housekeeping job) that the triggers and the data agree.
 */
export interface CounterMismatch {
  unit_id: string;
  facility_id: string;
  occupied: number;
  expected_occupied: number;
  held: number;
  expected_held: number;
}

const OPEN = sql.join(
  OPEN_REFERRAL_STATUSES.map((s) => sql`${s}`),
  sql`, `,
);

const RECOUNT = sql`
  select u.id as unit_id, u.facility_id, u.occupied, u.held,
    (select count(*) from stays s where s.unit_id = u.id and s.checked_out_at is null) as expected_occupied,
    (select coalesce(sum(r.places), 0) from referrals r where r.to_unit_id = u.id and r.status in (${OPEN})) as expected_held
  from units u`;

/** Every unit whose stored counters differ from a recount (none when all is well), by unit id. */
export async function verifyOccupancyCounters(db: Db): Promise<CounterMismatch[]> {
  const rows = await db.all<CounterMismatch>(sql`
    select * from (${RECOUNT}) c
    where c.occupied <> c.expected_occupied or c.held <> c.expected_held
    order by c.unit_id`);
  return rows.map((r) => ({
    unit_id: r.unit_id,
    facility_id: r.facility_id,
    occupied: Number(r.occupied),
    expected_occupied: Number(r.expected_occupied),
    held: Number(r.held),
    expected_held: Number(r.expected_held),
  }));
}

/**
 * Sets every unit's counters to a recount and raises the occupancy version
 * (what the migration did when it added them): the repair once
 * `verifyOccupancyCounters` has found a difference. Returns the units fixed.
 */
export async function rebuildOccupancyCounters(db: Db): Promise<CounterMismatch[]> {
  return await write(db, async (tx) => {
    const wrong = await verifyOccupancyCounters(tx);
    for (const w of wrong) {
      await tx.run(sql`update units set occupied = ${w.expected_occupied}, held = ${w.expected_held} where id = ${w.unit_id}`);
    }
    // Written around the triggers, so nothing is stamped with a change version: `structure` tells every
    // instance to read its occupancy model whole (src/domain/occupancy/cache.ts), as after a migration.
    if (wrong.length) await tx.run(sql`update occupancy_version set version = version + 1, structure = structure + 1 where id = 1`);
    const byFacility = new Map<string, string[]>();
    for (const w of wrong) byFacility.set(w.facility_id, [...(byFacility.get(w.facility_id) ?? []), w.unit_id]);
    for (const [facilityId, unitIds] of byFacility) hubFor(tx).publish({ type: 'occupancy', facilityId, unitIds });
    return wrong;
  });
}

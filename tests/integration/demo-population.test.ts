import { describe, it, expect, afterEach } from 'vitest';
import { openTestDatabase } from '../helpers/app.ts';
import { sql } from 'drizzle-orm';
import { type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadUnitOccupancy } from '../../src/domain/occupancy/compute.ts';

/** The invariants the domain verbs keep, checked on the backdated demo history. */
async function checkInvariants(db: Db) {
  const q = async <T>(s: string) => await db.all<T>(sql.raw(s));
  // Every person has a history; nobody has two open stays.
  expect((await q<{ n: number }>(`select count(*) n from persons p where not exists (select 1 from stays s where s.person_id = p.id)`))[0]!.n).toBe(0);
  expect((await q<{ n: number }>(`select count(*) n from (select person_id from stays where checked_out_at is null group by person_id having count(*) > 1) x`))[0]!.n).toBe(0);
  // A transfer ends one stay and begins the next at the same instant, for the same person.
  expect(
    (await q<{ n: number }>(`select count(*) n from stays s join stays p on p.id = s.previous_stay_id
                      where p.checked_out_at is null or p.checked_out_at != s.checked_in_at or p.person_id != s.person_id`))[0]!.n,
  ).toBe(0);
  // No stay ends before it begins.
  expect((await q<{ n: number }>(`select count(*) n from stays where checked_out_at is not null and checked_out_at < checked_in_at`))[0]!.n).toBe(0);
  // No unit holds more than its usable places.
  const over = (await loadUnitOccupancy(db)).filter((u) => u.overflow > 0);
  expect(over).toEqual([]);
  // A closed handoff has nobody pending; a received person is linked to a record.
  expect((await q<{ n: number }>(`select count(*) n from handoff_persons hp join handoffs h on h.id = hp.handoff_id where h.status = 'CLOSED' and hp.status = 'PENDING'`))[0]!.n).toBe(0);
  expect((await q<{ n: number }>(`select count(*) n from handoff_persons where status = 'RECEIVED' and person_id is null`))[0]!.n).toBe(0);
  // Open referrals hold places; each person has at most one.
  expect((await q<{ n: number }>(`select count(*) n from (select person_id from referral_persons where open = 1 group by person_id having count(*) > 1) x`))[0]!.n).toBe(0);
}

async function handledByLatestPlacement(db: Db) {
  return Object.fromEntries(
    (
      await db.all<{ a: string; n: number }>(
        sql.raw(
          `with latest as (select s.person_id, f.kind, row_number() over (partition by s.person_id order by s.checked_in_at desc, s.id desc) rn
                           from stays s join facilities f on f.id = s.facility_id)
           select case when kind = 'TPS' then 'TPS' when kind = 'LKS' then 'LKS' else 'RESIDENTIAL' end as a, count(*) as n from latest where rn = 1 group by a`,
        ),
      )
    ).map((r) => [r.a, r.n]),
  );
}

describe('demo population', () => {
  let db: Db;
  afterEach(async () => {
    await db?.$engine.close();
  });

  it('the default demo keeps every invariant and has people in every kind of place', async () => {
    db = await openTestDatabase();
    const result = await seedDemo(db);
    await checkInvariants(db);
    expect(result.present.TPS).toBeGreaterThan(10);
    expect(result.present.RESIDENTIAL).toBeGreaterThan(3);
    expect(result.present.LKS).toBeGreaterThan(5);
    expect(await handledByLatestPlacement(db)).toEqual({ TPS: 70, RESIDENTIAL: 22, LKS: 48 });
  });

  it('the PWTC demo reads 2,652 / 403 / 2,781 people handled, 5,836 in all', async () => {
    db = await openTestDatabase();
    const result = await seedDemo(db, { scale: 'pwtc' });
    await checkInvariants(db);
    expect(result.persons).toBe(5836);
    expect(await handledByLatestPlacement(db)).toEqual({ TPS: 2652, RESIDENTIAL: 403, LKS: 2781 });
    const facilities = (await db.get<{ n: number }>(sql`select count(*) n from facilities`))!;
    expect(facilities.n).toBeGreaterThanOrEqual(38);
    expect(facilities.n).toBeLessThanOrEqual(45);
    // Busy: the TPS together more than three quarters full.
    expect(result.present.TPS).toBeGreaterThan(1000);
  }, 60_000);
});

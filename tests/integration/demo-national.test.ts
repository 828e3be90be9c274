import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testConfig } from '../helpers/app.ts';
import { buildApp } from '../../src/app.ts';
import { type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import type { NationalResult } from '../../src/demo/national.ts';
import { loadUnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { verifyOccupancyCounters } from '../../src/domain/occupancy/verify.ts';
import { checkNik } from '../../src/domain/persons/nik.ts';
import { isDemoDatabase } from '../../src/domain/demo-flag.ts';
import { DEMO_ACCOUNTS } from '../../src/demo/facilities.ts';

/**
 * The national demo (--scale national) at 1 %: the same shape as the full one
 * (all 38 provinces, a year of people coming and going, written in bulk
 * without the verbs), checked against the invariants the verbs keep.
 */
describe('national demo (1 %)', () => {
  let db: Db;
  let result: NationalResult;
  const q = async <T>(s: string) => await db.all<T>(sql.raw(s));
  const n = async (s: string) => Number((await q<{ n: number }>(s))[0]!.n);

  beforeAll(async () => {
    db = await openTestDatabase();
    result = await seedDemo(db, { scale: 'national', factor: 0.01 });
  }, 120_000);
  afterAll(async () => {
    await db?.$engine.close();
  });

  it('has facilities in every one of the 38 provinces, of every kind, and the counts it reports', async () => {
    const byProvince = await q<{ province: string; n: number }>(
      `select w.code as province, (select count(*) from facilities f where substr(f.wilayah_code, 1, 2) = w.code) as n from wilayah w where w.level = 'provinsi'`,
    );
    expect(byProvince).toHaveLength(38);
    expect(byProvince.filter((p) => Number(p.n) === 0)).toEqual([]);
    const kinds = (await q<{ kind: string }>(`select distinct kind from facilities order by kind`)).map((k) => k.kind);
    expect(kinds).toEqual(['BALAI', 'LKS', 'LOKA', 'PANTI', 'TPS']);
    const features = await q<{ f: string }>(`select distinct features as f from units`);
    for (const feature of ['accessible', 'maternity', 'crib', 'elderly']) expect(features.some((u) => u.f.includes(feature))).toBe(true);
    expect(await n(`select count(*) as n from facilities`)).toBe(result.facilities);
    expect(await n(`select count(*) as n from units`)).toBe(result.units);
    expect(await n(`select count(*) as n from persons`)).toBe(result.persons);
    expect(await n(`select count(*) as n from stays`)).toBe(result.stays);
    expect(result.units).toBeGreaterThanOrEqual(200);
    expect(result.persons).toBeGreaterThan(900);
    expect(await isDemoDatabase(db)).toBe(true);
    expect(await n(`select count(*) as n from users where is_demo = 1`)).toBe(DEMO_ACCOUNTS.length);
  });

  it('has people present now, people gone, people who came back, and referrals in flight', async () => {
    const open = await n(`select count(*) as n from stays where checked_out_at is null`);
    expect(open).toBe(result.present.TPS + result.present.RESIDENTIAL + result.present.LKS);
    expect(open).toBeGreaterThan(100);
    expect(await n(`select count(*) as n from stays where checked_out_at is not null`)).toBeGreaterThan(open);
    expect(await n(`select count(*) as n from (select person_id from stays where previous_stay_id is null group by person_id having count(*) > 1) x`)).toBeGreaterThan(10);
    expect(await n(`select count(*) as n from referrals where status in ('PROPOSED','ACCEPTED','IN_TRANSIT')`)).toBe(result.openReferrals);
    expect(result.openReferrals).toBeGreaterThanOrEqual(3);
    // The history spans the year.
    const span = (await q<{ first: string; last: string }>(`select min(checked_in_at) as first, max(checked_in_at) as last from stays`))[0]!;
    expect(Date.parse(span.last) - Date.parse(span.first)).toBeGreaterThan(300 * 86_400_000);
    // The audit trail the verbs would have written: a person.create per person, a check-in or transfer-in per stay.
    expect(await n(`select count(*) as n from audit_events where action = 'person.create'`)).toBe(result.persons);
    expect(await n(`select count(*) as n from audit_events where action in ('stay.check_in', 'stay.transfer_in')`)).toBe(result.stays);
    expect(await n(`select count(*) as n from audit_events where action = 'stay.discharge'`)).toBe(result.stays - open);
  });

  it('never puts more people in a unit than it has usable places, now or at any moment of the year', async () => {
    const units = await loadUnitOccupancy(db);
    expect(units.filter((u) => u.overflow > 0)).toEqual([]);
    // The occupancy the app computes is the open stays counted by hand.
    const counted = new Map((await q<{ unit_id: string; n: number }>(`select unit_id, count(*) as n from stays where checked_out_at is null group by unit_id`)).map((r) => [r.unit_id, Number(r.n)]));
    for (const u of units) expect(u.occupied).toBe(counted.get(u.id) ?? 0);
    expect(units.reduce((s, u) => s + u.occupied, 0)).toBe(await n(`select count(*) as n from stays where checked_out_at is null`));
    const held = new Map((await q<{ unit_id: string; n: number }>(`select to_unit_id as unit_id, sum(places) as n from referrals where status in ('PROPOSED','ACCEPTED','IN_TRANSIT') group by to_unit_id`)).map((r) => [r.unit_id, Number(r.n)]));
    for (const u of units) expect(u.held).toBe(held.get(u.id) ?? 0);
    expect(await verifyOccupancyCounters(db)).toEqual([]);
    // Nobody in a unit of a facility that is not open, nor in a unit that is blocked or closed.
    expect(await n(`select count(*) as n from stays s join units u on u.id = s.unit_id join facilities f on f.id = s.facility_id where s.checked_out_at is null and (f.status != 'OPEN' or u.status != 'AVAILABLE')`)).toBe(0);
    // Every week of the year: the stays running at that moment fit their unit.
    const usable = new Map((await q<{ id: string; usable: number }>(`select id, capacity - blocked as usable from units`)).map((u) => [u.id, Number(u.usable)]));
    const spans = await q<{ unit_id: string; i: string; o: string | null }>(`select unit_id, checked_in_at as i, checked_out_at as o from stays`);
    const now = Date.now();
    for (let t = now - 365 * 86_400_000; t <= now; t += 7 * 86_400_000) {
      const at = new Date(t).toISOString();
      const inUnit = new Map<string, number>();
      for (const s of spans) if (s.i <= at && (s.o === null || s.o > at)) inUnit.set(s.unit_id, (inUnit.get(s.unit_id) ?? 0) + 1);
      for (const [unit, count] of inUnit) expect(count, `${unit} at ${at}`).toBeLessThanOrEqual(usable.get(unit)!);
    }
  });

  it('keeps the verbs’ rules: one open stay a person, units that admit them, beds once, transfers at one instant', async () => {
    expect(await n(`select count(*) as n from (select person_id from stays where checked_out_at is null group by person_id having count(*) > 1) x`)).toBe(0);
    expect(await n(`select count(*) as n from persons p where not exists (select 1 from stays s where s.person_id = p.id)`)).toBe(0);
    expect(await n(`select count(*) as n from stays where checked_out_at is not null and checked_out_at < checked_in_at`)).toBe(0);
    expect(
      await n(`select count(*) as n from stays s join stays p on p.id = s.previous_stay_id where p.checked_out_at is null or p.checked_out_at != s.checked_in_at or p.person_id != s.person_id`),
    ).toBe(0);
    // A person's stays never overlap.
    expect(await n(`select count(*) as n from stays a join stays b on a.person_id = b.person_id and a.id < b.id where a.checked_in_at < coalesce(b.checked_out_at, '9999') and b.checked_in_at < coalesce(a.checked_out_at, '9999')`)).toBe(0);
    // Men's units hold men, women's units women, family units households.
    expect(
      await n(`select count(*) as n from stays s join units u on u.id = s.unit_id join persons p on p.id = s.person_id
               where (u.admits = 'male' and p.sex != 'L') or (u.admits = 'female' and p.sex != 'P') or (u.admits = 'family' and s.household_id is null)`),
    ).toBe(0);
    // Maternity units are for pregnant women and households with a small child.
    expect(
      await n(`select count(*) as n from stays s join units u on u.id = s.unit_id join persons p on p.id = s.person_id
               where u.features like '%maternity%' and p.pregnant = 0 and s.household_id is null`),
    ).toBe(0);
    // A bed is given once at a time (the database refuses otherwise; said here so a change to the seed is caught).
    expect(await n(`select count(*) as n from (select unit_id, bed_label from stays where checked_out_at is null and bed_label is not null group by unit_id, bed_label having count(*) > 1) x`)).toBe(0);
    // A household moves together.
    expect(await n(`select count(*) as n from (select household_id, checked_in_at from stays where household_id is not null group by household_id, checked_in_at having count(distinct unit_id) > 1) x`)).toBe(0);
    expect(await n(`select count(*) as n from households h where (select count(*) from persons p where p.household_id = h.id) < 2`)).toBe(0);
    // Open referrals hold places for one person each, never someone with another.
    expect(await n(`select count(*) as n from (select person_id from referral_persons where open = 1 group by person_id having count(*) > 1) x`)).toBe(0);
    expect(await n(`select count(*) as n from handoff_persons hp join handoffs h on h.id = hp.handoff_id where h.status = 'CLOSED' and hp.status = 'PENDING'`)).toBe(0);
  });

  it('gives people unique resident codes, valid NIKs of their kab/kota (some none) and varied needs', async () => {
    expect(await n(`select count(distinct resident_code) as n from persons`)).toBe(result.persons);
    const people = await q<{ nik: string | null; origin_wilayah_code: string; sex: 'L' | 'P'; birth_date: string | null }>(`select nik, origin_wilayah_code, sex, birth_date from persons`);
    const withNik = people.filter((p) => p.nik);
    expect(withNik.length).toBeGreaterThan(people.length * 0.15);
    expect(withNik.length).toBeLessThan(people.length * 0.8);
    const wilayah = new Set((await q<{ code: string }>(`select code from wilayah`)).map((w) => w.code));
    for (const p of withNik) {
      const check = checkNik(p.nik!, { isKnownWilayah: (c) => wilayah.has(c), birthDate: p.birth_date, sex: p.sex });
      expect(check.errors, p.nik!).toEqual([]);
      expect(check.warnings, p.nik!).toEqual([]);
      expect(p.nik!.slice(0, 4)).toBe(p.origin_wilayah_code.replace('.', ''));
    }
    const needs = (await q<{ pregnant: number; wheelchair: number; disabled: number; elderly: number; children: number; women: number; households: number }>(
      `select sum(pregnant) as pregnant, sum(wheelchair) as wheelchair, sum(case when disabilities != '[]' then 1 else 0 end) as disabled,
              sum(case when coalesce(estimated_age, 0) >= 60 or birth_date < '1966' then 1 else 0 end) as elderly,
              sum(case when estimated_age < 18 then 1 else 0 end) as children, sum(case when sex = 'P' then 1 else 0 end) as women,
              count(distinct household_id) as households from persons`,
    ))[0]!;
    for (const [k, v] of Object.entries(needs)) expect(Number(v), k).toBeGreaterThan(5);
  });

  it('serves: the app starts on it and is ready', async () => {
    const app = await buildApp(testConfig(), { db, logger: false });
    try {
      await app.ready();
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
    } finally {
      // The app's onClose would close the shared database: closed in afterAll instead.
      await app.close().catch(() => undefined);
    }
  });
});

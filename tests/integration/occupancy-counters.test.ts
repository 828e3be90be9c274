import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq, isNull, sql } from 'drizzle-orm';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, write, type Db } from '../../src/db/client.ts';
import { OPEN_REFERRAL_STATUSES, persons, referralPersons, referrals, stays, units } from '../../src/db/schema/index.ts';
import { loadUnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { occupancyVersion } from '../../src/domain/occupancy/cache.ts';
import { rebuildOccupancyCounters, verifyOccupancyCounters } from '../../src/domain/occupancy/verify.ts';
import { expireReferrals } from '../../src/domain/referrals/index.ts';
import { TEST_ENGINE, makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
import { PG_ADMIN_URL } from '../helpers/pg.ts';
import { rng } from '../helpers/random.ts';


/**
 * The occupancy counters on units (`occupied`, `held`) are kept by database
 * triggers. After a random mix of the real verbs, through the API, they must
 * equal a count from scratch of open stays and open referral holds, and the
 * occupancy version must have risen with every change.
 */
describe(`occupancy counters kept by triggers (${TEST_ENGINE})`, () => {
  let app: FastifyInstance;
  let db: Db;
  let admin: Call;
  const unitsByFacility = new Map<string, string[]>();

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    admin = bearer(app, await makeToken(db, 'admin'));
    for (const kind of ['TPS', 'TPS', 'BALAI'] as const) {
      const f = await makeFacility(db, { kind, wilayahCode: kind === 'BALAI' ? '31.74' : '31.71' });
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await makeUnit(db, f.id, { name: `Ruang ${i}`, capacity: 5, admits: 'any' })).id);
      unitsByFacility.set(f.id, ids);
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Counts from scratch, in JavaScript, from every stay and referral row. */
  async function fromScratch() {
    const open = new Set<string>(OPEN_REFERRAL_STATUSES);
    const counts = new Map<string, { occupied: number; held: number }>();
    for (const u of await db.select({ id: units.id }).from(units).all()) counts.set(u.id, { occupied: 0, held: 0 });
    for (const s of await db.select({ unitId: stays.unitId, out: stays.checkedOutAt }).from(stays).all()) if (s.out === null) counts.get(s.unitId)!.occupied++;
    for (const r of await db.select({ unitId: referrals.toUnitId, status: referrals.status, places: referrals.places }).from(referrals).all()) {
      if (r.unitId && open.has(r.status)) counts.get(r.unitId)!.held += r.places;
    }
    return counts;
  }

  async function stored() {
    const rows = await db.select({ id: units.id, occupied: units.occupied, held: units.held }).from(units).all();
    return new Map(rows.map((r) => [r.id, { occupied: Number(r.occupied), held: Number(r.held) }]));
  }

  it('equal a count from scratch after a random mix of check-in, discharge, transfer, referral steps, merge, anonymise and capacity changes', async () => {
    const random = rng(20261206);
    const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);
    const facilityIds = [...unitsByFacility.keys()];
    const done = new Map<string, number>();
    const ok = (verb: string, status: number) => {
      expect(status, verb).toBeLessThan(500);
      if (status < 300) done.set(verb, (done.get(verb) ?? 0) + 1);
    };
    let serial = 0;
    const register = async (n: number) => {
      const res = await admin('POST', '/api/v1/residents', {
        persons: Array.from({ length: n }, (_, i) => ({ name: `Warga Hitung ${++serial}`, sex: i % 2 ? 'P' : 'L', estimated_age: 25 + (serial % 30) })),
        confirm_new: true,
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { persons: { id: string }[] }).persons.map((p) => p.id);
    };
    const openStays = async () => await db.select().from(stays).where(isNull(stays.checkedOutAt)).all();
    const referralsIn = async (statuses: readonly string[]) => (await db.select().from(referrals).all()).filter((r) => statuses.includes(r.status));

    const verbs: Record<string, () => Promise<void>> = {
      checkIn: async () => {
        const ids = await register(random() < 0.3 ? 2 : 1);
        const facilityId = pick(facilityIds)!;
        const res = await admin('POST', '/api/v1/stays', { person_ids: ids, facility_id: facilityId, unit_id: pick(unitsByFacility.get(facilityId)!) });
        ok('checkIn', res.statusCode);
      },
      discharge: async () => {
        const s = pick(await openStays());
        if (s) ok('discharge', (await admin('POST', `/api/v1/stays/${s.id}/discharge`, { outcome: 'left' })).statusCode);
      },
      transfer: async () => {
        const s = pick(await openStays());
        if (!s) return;
        const to = unitsByFacility.get(s.facilityId)!.find((u) => u !== s.unitId)!;
        ok('transfer', (await admin('POST', `/api/v1/stays/${s.id}/transfer`, { unit_id: to, split_reason: 'Dipindah untuk uji hitungan' })).statusCode);
      },
      propose: async () => {
        const s = pick(await openStays());
        if (!s) return;
        const to = pick(facilityIds.filter((f) => f !== s.facilityId))!;
        const res = await admin('POST', '/api/v1/referrals', { person_id: s.personId, to_facility_id: to, reason: 'Uji hitungan', alone: true, split_reason: 'Uji hitungan' });
        ok('propose', res.statusCode);
      },
      accept: async () => {
        const r = pick(await referralsIn(['PROPOSED']));
        if (r) ok('accept', (await admin('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode);
      },
      refuse: async () => {
        const r = pick(await referralsIn(['PROPOSED', 'ACCEPTED']));
        if (r) ok('refuse', (await admin('POST', `/api/v1/referrals/${r.id}/refuse`, { reason: 'Penuh untuk uji' })).statusCode);
      },
      depart: async () => {
        const r = pick(await referralsIn(['ACCEPTED']));
        if (r) ok('depart', (await admin('POST', `/api/v1/referrals/${r.id}/depart`, {})).statusCode);
      },
      arrive: async () => {
        const r = pick(await referralsIn(['ACCEPTED', 'IN_TRANSIT']));
        if (r) ok('arrive', (await admin('POST', `/api/v1/referrals/${r.id}/arrive`, {})).statusCode);
      },
      cancel: async () => {
        const r = pick(await referralsIn(OPEN_REFERRAL_STATUSES));
        if (r) ok('cancel', (await admin('POST', `/api/v1/referrals/${r.id}/cancel`, { reason: 'Batal untuk uji' })).statusCode);
      },
      expire: async () => {
        const r = pick(await referralsIn(['PROPOSED', 'ACCEPTED']));
        if (!r) return;
        await write(db, async (tx) => {
          await tx.update(referrals).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(referrals.id, r.id)).run();
        });
        if ((await expireReferrals(db)).length) done.set('expire', (done.get('expire') ?? 0) + 1);
      },
      merge: async () => {
        // A record with an open stay absorbs a duplicate whose stays have ended: the stays move to the survivor.
        const s = pick(await openStays());
        const all = await db.select({ id: persons.id, merged: persons.mergedIntoId }).from(persons).all();
        const busy = new Set((await openStays()).map((x) => x.personId));
        const other = pick(all.filter((p) => !busy.has(p.id) && !p.merged && p.id !== s?.personId));
        if (s && other) ok('merge', (await admin('POST', `/api/v1/residents/${s.personId}/merge`, { other: other.id, reason: 'Orang yang sama' })).statusCode);
      },
      anonymise: async () => {
        const busy = new Set((await openStays()).map((x) => x.personId));
        for (const r of await db.select().from(referralPersons).where(eq(referralPersons.open, true)).all()) busy.add(r.personId);
        const p = pick((await db.select({ id: persons.id }).from(persons).all()).filter((x) => !busy.has(x.id)));
        if (p) ok('anonymise', (await admin('POST', `/api/v1/residents/${p.id}/anonymise`, {})).statusCode);
      },
      capacity: async () => {
        const unitId = pick([...unitsByFacility.values()].flat())!;
        const unit = await admin('GET', `/api/v1/units/${unitId}`);
        const [u] = await loadUnitOccupancy(db, { unitId });
        const capacity = u!.occupied + u!.held + Math.floor(random() * 4);
        const res = await admin('PATCH', `/api/v1/units/${unitId}`, { version: unit.json().version, capacity: Math.max(1, capacity), reason: 'Uji hitungan' });
        ok('capacity', res.statusCode);
      },
    };
    const weights: [string, number][] = [
      ['checkIn', 6],
      ['discharge', 2],
      ['transfer', 2],
      ['propose', 4],
      ['accept', 3],
      ['refuse', 1],
      ['depart', 2],
      ['arrive', 2],
      ['cancel', 1],
      ['expire', 1],
      ['merge', 1],
      ['anonymise', 1],
      ['capacity', 2],
    ];
    const total = weights.reduce((n, [, w]) => n + w, 0);
    let before = await stored();
    let version = await occupancyVersion(db);
    for (let step = 0; step < 140; step++) {
      let x = random() * total;
      const verb = weights.find(([, w]) => (x -= w) < 0)![0];
      await verbs[verb]!();
      const expected = await fromScratch();
      const now = await stored();
      expect(now, `after step ${step} (${verb})`).toEqual(expected);
      const nextVersion = await occupancyVersion(db);
      if (JSON.stringify([...now]) !== JSON.stringify([...before])) expect(nextVersion, `version after ${verb}`).toBeGreaterThan(version);
      expect(nextVersion).toBeGreaterThanOrEqual(version);
      before = now;
      version = nextVersion;
    }
    // The mix did exercise every verb, and the people did move.
    expect([...done.keys()].sort()).toEqual(weights.map(([v]) => v).sort());
    expect([...(await stored()).values()].some((c) => c.occupied > 0)).toBe(true);
    expect(await verifyOccupancyCounters(db)).toEqual([]);
  });

  it('verifyOccupancyCounters names a unit whose counters were changed behind the triggers; rebuild sets them right', async () => {
    const unitId = unitsByFacility.values().next().value![0]!;
    const [u] = await loadUnitOccupancy(db, { unitId });
    await write(db, async (tx) => {
      await tx.run(sql`update units set occupied = occupied + 3, held = held + 1 where id = ${unitId}`);
    });
    const wrong = await verifyOccupancyCounters(db);
    expect(wrong).toEqual([
      expect.objectContaining({ unit_id: unitId, occupied: u!.occupied + 3, expected_occupied: u!.occupied, held: u!.held + 1, expected_held: u!.held }),
    ]);
    const v = await occupancyVersion(db);
    expect((await rebuildOccupancyCounters(db)).map((w) => w.unit_id)).toEqual([unitId]);
    expect(await verifyOccupancyCounters(db)).toEqual([]);
    expect(await occupancyVersion(db)).toBeGreaterThan(v);
    expect((await loadUnitOccupancy(db, { unitId }))[0]!.occupied).toBe(u!.occupied);
  });

  it('raises the version when a unit or facility changes what the occupancy document says, not when nothing moved', async () => {
    const unitId = unitsByFacility.values().next().value![0]!;
    const v0 = await occupancyVersion(db);
    await write(db, async (tx) => {
      await tx.update(units).set({ name: 'Ruang Baru' }).where(eq(units.id, unitId)).run();
    });
    const v1 = await occupancyVersion(db);
    expect(v1).toBeGreaterThan(v0);
    await write(db, async (tx) => {
      await tx.update(units).set({ statusReason: 'catatan saja' }).where(eq(units.id, unitId)).run();
      await tx.update(stays).set({ note: 'catatan' }).where(isNull(stays.checkedOutAt)).run();
    });
    expect(await occupancyVersion(db)).toBe(v1);
    // A rolled-back change leaves the version where it was.
    await expect(
      write(db, async (tx) => {
        await tx.update(units).set({ name: 'Batal' }).where(eq(units.id, unitId)).run();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await occupancyVersion(db)).toBe(v1);
  });
});

/**
 * The migration that adds the counters fills them from the rows already there:
 * a database migrated up to the migration before, with people staying and
 * places held, has the right counters once migrated on.
 */
describe(`the counters' migration backfills existing rows (${TEST_ENGINE})`, () => {
  const ROWS = [
    `insert into wilayah (code, name, level, province_code) values ('31.71', 'Kota Jakarta Pusat', 'kabkota', '31')`,
    `insert into facilities (id, code, kind, name, wilayah_code, created_at, updated_at) values ('f1', 'F-1', 'TPS', 'TPS Satu', '31.71', 'x', 'x')`,
    `insert into units (id, facility_id, name, capacity, created_at) values ('u1', 'f1', 'A', 10, 'x')`,
    `insert into units (id, facility_id, name, capacity, created_at) values ('u2', 'f1', 'B', 10, 'x')`,
    ...['p1', 'p2', 'p3', 'p4'].map((p) => `insert into persons (id, resident_code, sex, created_at, updated_at) values ('${p}', '${p}', 'L', 'x', 'x')`),
    `insert into stays (id, person_id, facility_id, unit_id, checked_in_at) values ('s1', 'p1', 'f1', 'u1', 'x')`,
    `insert into stays (id, person_id, facility_id, unit_id, checked_in_at) values ('s2', 'p2', 'f1', 'u1', 'x')`,
    `insert into stays (id, person_id, facility_id, unit_id, checked_in_at, checked_out_at) values ('s3', 'p3', 'f1', 'u1', 'x', 'y')`,
    `insert into stays (id, person_id, facility_id, unit_id, checked_in_at) values ('s4', 'p4', 'f1', 'u2', 'x')`,
    `insert into referrals (id, to_facility_id, to_unit_id, reason, status, places, proposed_at, expires_at) values ('r1', 'f1', 'u2', 'x', 'ACCEPTED', 3, 'x', 'x')`,
    `insert into referrals (id, to_facility_id, to_unit_id, reason, status, places, proposed_at, expires_at) values ('r2', 'f1', 'u2', 'x', 'REFUSED', 5, 'x', 'x')`,
    `insert into referrals (id, to_facility_id, to_unit_id, reason, status, places, proposed_at, expires_at) values ('r3', 'f1', 'u1', 'x', 'IN_TRANSIT', 1, 'x', 'x')`,
  ];
  const EXPECTED = [
    { id: 'u1', occupied: 2, held: 1 },
    { id: 'u2', occupied: 1, held: 3 },
  ];

  /** A copy of a migrations folder whose journal stops before the entry tagged `stopAt`. */
  function truncatedFolder(from: string, stopAt: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-mig-'));
    cpSync(from, dir, { recursive: true });
    const path = join(dir, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === stopAt);
    expect(at).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, at);
    writeFileSync(path, JSON.stringify(journal));
    return dir;
  }

  it.skipIf(TEST_ENGINE !== 'sqlite')('on SQLite', async () => {
    const conn = new Database(':memory:');
    try {
      const before = truncatedFolder(MIGRATIONS_FOLDER, '0006_occupancy_counters');
      migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: before });
      rmSync(before, { recursive: true, force: true });
      for (const q of ROWS) conn.prepare(q).run();
      migrateSqlite(drizzleSqlite({ client: conn }), { migrationsFolder: MIGRATIONS_FOLDER });
      expect(conn.prepare('select id, occupied, held from units order by id').all()).toEqual(EXPECTED);
      expect(conn.prepare('select version from occupancy_version').all()).toEqual([{ version: 1 }]);
      // And the triggers run from then on.
      conn.prepare(`update stays set checked_out_at = 'z' where id = 's1'`).run();
      expect(conn.prepare(`select occupied from units where id = 'u1'`).get()).toEqual({ occupied: 1 });
      expect(conn.prepare('select version from occupancy_version').get()).toEqual({ version: 2 });
    } finally {
      conn.close();
    }
  });

  it.skipIf(TEST_ENGINE !== 'postgres')('on PostgreSQL', async () => {
    const name = `singgah_mig_${randomBytes(5).toString('hex')}`;
    const adminPool = new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1 });
    await adminPool.query(`create database "${name}" template template0 encoding 'UTF8'`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const before = truncatedFolder(PG_MIGRATIONS_FOLDER, '0003_occupancy_counters');
      await migratePg(drizzlePg({ client: pool }), { migrationsFolder: before });
      rmSync(before, { recursive: true, force: true });
      for (const q of ROWS) await pool.query(q);
      await migratePg(drizzlePg({ client: pool }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      expect((await pool.query('select id, occupied::int as occupied, held::int as held from units order by id')).rows).toEqual(EXPECTED);
      await pool.query(`update stays set checked_out_at = 'z' where id = 's1'`);
      expect((await pool.query(`select occupied::int as occupied from units where id = 'u1'`)).rows).toEqual([{ occupied: 1 }]);
      expect((await pool.query('select version::int as version from occupancy_version')).rows).toEqual([{ version: 2 }]);
    } finally {
      await pool.end();
      await adminPool.query(`drop database if exists "${name}" with (force)`);
      await adminPool.end();
    }
  });
});

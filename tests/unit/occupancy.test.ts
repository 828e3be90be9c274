import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { openTestDatabase } from '../helpers/app.ts';
import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { persons, referrals, stays, type UnitFeature } from '../../src/db/schema/index.ts';
import {
  unitCounts,
  loadLevel,
  summarise,
  loadUnitOccupancy,
  loadFacilityOccupancy,
  type FacilityOccupancy,
} from '../../src/domain/occupancy/compute.ts';
import { makeFacility, makeUnit } from '../helpers/factories.ts';
import { nowIso } from '../../src/lib/time.ts';

const unit = (o: Partial<Parameters<typeof unitCounts>[0]> = {}) =>
  unitCounts({ capacity: 10, blocked: 0, status: 'AVAILABLE', admits: 'any', features: [], occupied: 0, held: 0, ...o });

describe('unitCounts: capacity − blocked = usable; free = usable − occupied − held', () => {
  it('an empty available unit is all free', () => {
    const c = unit();
    expect(c).toMatchObject({ capacity: 10, blocked: 0, usable: 10, occupied: 0, held: 0, free: 10, overflow: 0 });
  });

  it('blocked places are not free', () => {
    const c = unit({ blocked: 3, occupied: 2 });
    expect(c).toMatchObject({ capacity: 10, blocked: 3, usable: 7, occupied: 2, free: 5 });
  });

  it('blocked never counts more than the capacity', () => {
    expect(unit({ capacity: 4, blocked: 9 })).toMatchObject({ blocked: 4, usable: 0, free: 0 });
  });

  it('a BLOCKED unit is blocked whole', () => {
    const c = unit({ status: 'BLOCKED', blocked: 1 });
    expect(c).toMatchObject({ capacity: 10, blocked: 10, usable: 0, free: 0 });
  });

  it('a CLOSED unit counts no capacity at all', () => {
    const c = unit({ status: 'CLOSED', blocked: 2 });
    expect(c).toMatchObject({ capacity: 0, blocked: 0, usable: 0, free: 0 });
  });

  it('places held by open referrals are not free', () => {
    const c = unit({ occupied: 4, held: 3 });
    expect(c).toMatchObject({ occupied: 4, held: 3, free: 3, overflow: 0 });
  });

  it('use beyond usable is an overflow and free stays at zero', () => {
    const c = unit({ capacity: 5, blocked: 1, occupied: 5, held: 1 });
    expect(c).toMatchObject({ usable: 4, free: 0, overflow: 2 });
  });

  it('counts free places by feature', () => {
    const features: UnitFeature[] = ['accessible', 'crib'];
    const c = unit({ features, occupied: 6 });
    expect(c.free_by_feature).toEqual({ accessible: 4, maternity: 0, crib: 4, elderly: 0 });
  });

  it('counts free places by who may stay', () => {
    expect(unit({ admits: 'female', occupied: 1 }).free_by_admits).toEqual({ male: 0, female: 9, family: 0 });
    expect(unit({ admits: 'male' }).free_by_admits).toEqual({ male: 10, female: 0, family: 0 });
    expect(unit({ admits: 'family', held: 2 }).free_by_admits).toEqual({ male: 0, female: 0, family: 8 });
    expect(unit({ admits: 'any', blocked: 2 }).free_by_admits).toEqual({ male: 8, female: 8, family: 8 });
  });

  it('a full or blocked unit offers no free place for any feature', () => {
    expect(unit({ features: ['maternity'], occupied: 10 }).free_by_feature.maternity).toBe(0);
    expect(unit({ features: ['maternity'], status: 'BLOCKED' }).free_by_feature.maternity).toBe(0);
  });
});

describe('loadLevel: the command centre colour of (occupied + held) / usable', () => {
  it.each([
    [null, 'none'],
    [0, 'ok'],
    [0.849, 'ok'],
    [0.85, 'amber'],
    [0.949, 'amber'],
    [0.95, 'red'],
    [1, 'red'],
    [1.01, 'overflow'],
    [Infinity, 'overflow'],
  ] as const)('%s → %s', (load, level) => {
    expect(loadLevel(load)).toBe(level);
  });
});

describe('summarise', () => {
  const facility = (id: string, kind: FacilityOccupancy['kind'], wilayah: string, status: FacilityOccupancy['status'], c: Parameters<typeof unitCounts>[0]) => {
    const counts = unitCounts(c);
    return { id, code: id, name: id, kind, wilayah_code: wilayah, status, protected: false, load: null, units: [], ...counts } satisfies FacilityOccupancy;
  };

  it('totals OPEN facilities by kind, wilayah and overall, and leaves STANDBY and CLOSED out of the totals', () => {
    const base = { blocked: 0, status: 'AVAILABLE' as const, admits: 'any' as const, features: [] as UnitFeature[], held: 0 };
    const s = summarise([
      facility('a', 'TPS', '31.71', 'OPEN', { ...base, capacity: 10, occupied: 4 }),
      facility('b', 'TPS', '31.72', 'OPEN', { ...base, capacity: 20, occupied: 5, held: 2 }),
      facility('c', 'BALAI', '31.71', 'OPEN', { ...base, capacity: 8, blocked: 2, occupied: 1 }),
      facility('d', 'TPS', '31.71', 'STANDBY', { ...base, capacity: 100, occupied: 0 }),
      facility('e', 'LKS', '31.73', 'CLOSED', { ...base, capacity: 50, occupied: 0 }),
    ]);
    expect(s.total).toMatchObject({ capacity: 38, blocked: 2, usable: 36, occupied: 10, held: 2, free: 24 });
    expect(s.by_kind.TPS).toMatchObject({ capacity: 30, occupied: 9, held: 2, free: 19 });
    expect(s.by_kind.BALAI).toMatchObject({ capacity: 8, usable: 6, free: 5 });
    expect(s.by_kind.LKS).toBeUndefined();
    expect(s.by_wilayah['31.71']).toMatchObject({ capacity: 18, free: 11 });
    expect(s.by_wilayah['31.72']).toMatchObject({ free: 13 });
    expect(s.by_wilayah['31.73']).toBeUndefined();
    expect(s.facilities).toHaveLength(5);
  });
});

describe('loadUnitOccupancy and loadFacilityOccupancy count open stays and open referrals by query', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await db.$engine.close();
  });

  async function person() {
    const id = randomUUID();
    const now = nowIso();
    await write(db, async (tx) => {
      await tx.insert(persons).values({ id, residentCode: `SGH-${id.slice(0, 6).toUpperCase()}`, sex: 'L', createdAt: now, updatedAt: now }).run();
    });
    return id;
  }
  async function stay(facilityId: string, unitId: string, o: { out?: boolean } = {}) {
    const personId = await person();
    await write(db, async (tx) => {
      await tx.insert(stays).values({ id: randomUUID(), personId, facilityId, unitId, checkedInAt: nowIso(), checkedOutAt: o.out ? nowIso() : null }).run();
    });
  }
  async function referral(facilityId: string, unitId: string, places: number, status: (typeof referrals.$inferInsert)['status']) {
    const now = nowIso();
    await write(db, async (tx) => {
      await tx.insert(referrals).values({ id: randomUUID(), toFacilityId: facilityId, toUnitId: unitId, reason: 'uji', status, places, proposedAt: now, expiresAt: now }).run();
    });
  }

  it('occupied counts open stays only; held counts PROPOSED, ACCEPTED and IN_TRANSIT referrals only', async () => {
    const f = await makeFacility(db, { kind: 'BALAI' });
    const u = await makeUnit(db, f.id, { capacity: 10, features: ['maternity'], admits: 'female' });
    await stay(f.id, u.id);
    await stay(f.id, u.id);
    await stay(f.id, u.id, { out: true });
    await referral(f.id, u.id, 2, 'PROPOSED');
    await referral(f.id, u.id, 1, 'ACCEPTED');
    await referral(f.id, u.id, 1, 'IN_TRANSIT');
    await referral(f.id, u.id, 5, 'REFUSED');
    await referral(f.id, u.id, 5, 'CANCELLED');
    await referral(f.id, u.id, 5, 'EXPIRED');
    await referral(f.id, u.id, 5, 'ARRIVED');
    const [o] = await loadUnitOccupancy(db, { unitId: u.id });
    expect(o).toMatchObject({ occupied: 2, held: 4, free: 4, usable: 10 });
    expect(o!.free_by_feature.maternity).toBe(4);
    expect(o!.free_by_admits).toEqual({ male: 0, female: 4, family: 0 });
  });

  it('a facility sums its units, and its load is (occupied + held) / usable', async () => {
    const f = await makeFacility(db);
    const a = await makeUnit(db, f.id, { capacity: 10, blocked: 2 });
    const b = await makeUnit(db, f.id, { capacity: 10, status: 'CLOSED' });
    await makeUnit(db, f.id, { capacity: 4, status: 'BLOCKED' });
    for (let i = 0; i < 6; i++) await stay(f.id, a.id);
    await referral(f.id, a.id, 1, 'ACCEPTED');
    const [o] = await loadFacilityOccupancy(db, { facilityId: f.id });
    expect(o).toMatchObject({ capacity: 14, blocked: 6, usable: 8, occupied: 6, held: 1, free: 1 });
    expect(o!.load).toBeCloseTo(7 / 8);
    expect(loadLevel(o!.load)).toBe('amber');
    expect(o!.units.map((u) => u.id)).toContain(b.id);
  });

  it('a facility with people but nothing usable is an overflow', async () => {
    const f = await makeFacility(db);
    const u = await makeUnit(db, f.id, { capacity: 1 });
    await stay(f.id, u.id);
    await stay(f.id, u.id);
    const [o] = await loadFacilityOccupancy(db, { facilityId: f.id });
    expect(o).toMatchObject({ usable: 1, occupied: 2, free: 0, overflow: 1 });
    expect(loadLevel(o!.load)).toBe('overflow');
  });
});

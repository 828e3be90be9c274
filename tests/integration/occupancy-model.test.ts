import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { referrals, stays } from '../../src/db/schema/index.ts';
import { cachedOccupancy, occupancyModelStats, occupancyVersion } from '../../src/domain/occupancy/cache.ts';
import { loadFacilityOccupancy, summarise } from '../../src/domain/occupancy/compute.ts';
import { startTwoInstances, TEST_ENGINE } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
import { rng } from '../helpers/random.ts';

/**
 * Work per change (issue 27): each instance's occupancy model is patched by
 * the rows a change stamped (`change_version`), and read whole only when
 * units or facilities are added, removed or re-ordered. After a random mix of
 * the real verbs, made through one instance, the model of both instances must
 * equal a full recount from the database, and a check-in must have re-read
 * one unit, not the country.
 */
describe(`the occupancy model is patched per change and equals a full recount (${TEST_ENGINE})`, () => {
  let a: FastifyInstance;
  let dbA: Db;
  let dbB: Db;
  let close: () => Promise<void>;
  let admin: Call;
  const unitsByFacility = new Map<string, string[]>();
  let hallId = '';

  beforeAll(async () => {
    ({ a, dbA, dbB, close } = await startTwoInstances());
    admin = bearer(a, await makeToken(dbA, 'admin'));
    const plan = [
      { kind: 'TPS', wilayahCode: '31.71' },
      { kind: 'TPS', wilayahCode: '31.71', protected: true },
      { kind: 'BALAI', wilayahCode: '31.74' },
      { kind: 'LKS', wilayahCode: '32.73' },
    ] as const;
    for (const p of plan) {
      const f = await makeFacility(dbA, p);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await makeUnit(dbA, f.id, { name: `Ruang ${i}`, capacity: 4, admits: 'any', features: i ? ['accessible'] : [] })).id);
      unitsByFacility.set(f.id, ids);
    }
    // A hall nobody is placed in, opened, stood by and closed at will (a facility with people inside stays open).
    const hall = await makeFacility(dbA, { kind: 'TPS', wilayahCode: '33.74', status: 'STANDBY' });
    hallId = hall.id;
    unitsByFacility.set(hall.id, [(await makeUnit(dbA, hall.id, { name: 'Aula', capacity: 30 })).id]);
  });

  afterAll(async () => {
    await close?.();
  });

  it('after a random mix of verbs, on both instances, with check-ins re-reading one unit each', async () => {
    const random = rng(20261207);
    const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);
    const facilityIds = () => [...unitsByFacility.keys()].filter((f) => f !== hallId);
    const everyUnit = () => [...unitsByFacility.values()].flat();
    const done = new Map<string, number>();
    const ok = (verb: string, status: number) => {
      expect(status, verb).toBeLessThan(500);
      if (status < 300) done.set(verb, (done.get(verb) ?? 0) + 1);
      return status < 300;
    };
    let serial = 0;
    const register = async () => {
      const res = await admin('POST', '/api/v1/residents', { persons: [{ name: `Warga Model ${++serial}`, sex: serial % 2 ? 'P' : 'L', estimated_age: 30 }], confirm_new: true });
      expect(res.statusCode).toBe(201);
      return (res.json() as { persons: { id: string }[] }).persons[0]!.id;
    };
    const openStays = async () => await dbA.select().from(stays).where(isNull(stays.checkedOutAt)).all();
    const referralsIn = async (statuses: readonly string[]) => (await dbA.select().from(referrals).all()).filter((r) => statuses.includes(r.status));
    const version = async (path: string) => (await admin('GET', path)).json().version as number;
    /** Verbs that add or re-order units or facilities: the one case the model is read whole. */
    const structural = new Set(['addUnit', 'renameFacility']);

    const verbs: Record<string, () => Promise<boolean>> = {
      checkIn: async () => {
        const id = await register();
        const facilityId = pick(facilityIds())!;
        return ok('checkIn', (await admin('POST', '/api/v1/stays', { person_id: id, facility_id: facilityId, unit_id: pick(unitsByFacility.get(facilityId)!) })).statusCode);
      },
      discharge: async () => {
        const s = pick(await openStays());
        return !!s && ok('discharge', (await admin('POST', `/api/v1/stays/${s.id}/discharge`, { outcome: 'left' })).statusCode);
      },
      transfer: async () => {
        const s = pick(await openStays());
        if (!s) return false;
        const to = unitsByFacility.get(s.facilityId)!.find((u) => u !== s.unitId)!;
        return ok('transfer', (await admin('POST', `/api/v1/stays/${s.id}/transfer`, { unit_id: to })).statusCode);
      },
      propose: async () => {
        const s = pick(await openStays());
        if (!s) return false;
        const to = pick(facilityIds().filter((f) => f !== s.facilityId))!;
        return ok('propose', (await admin('POST', '/api/v1/referrals', { person_id: s.personId, to_facility_id: to, reason: 'Uji model', alone: true, split_reason: 'Uji model' })).statusCode);
      },
      accept: async () => {
        const r = pick(await referralsIn(['PROPOSED']));
        return !!r && ok('accept', (await admin('POST', `/api/v1/referrals/${r.id}/accept`, {})).statusCode);
      },
      arrive: async () => {
        const r = pick(await referralsIn(['ACCEPTED', 'IN_TRANSIT']));
        return !!r && ok('arrive', (await admin('POST', `/api/v1/referrals/${r.id}/arrive`, {})).statusCode);
      },
      cancel: async () => {
        const r = pick(await referralsIn(['PROPOSED', 'ACCEPTED', 'IN_TRANSIT']));
        return !!r && ok('cancel', (await admin('POST', `/api/v1/referrals/${r.id}/cancel`, { reason: 'Batal untuk uji' })).statusCode);
      },
      capacity: async () => {
        const unitId = pick(everyUnit())!;
        return ok('capacity', (await admin('PATCH', `/api/v1/units/${unitId}`, { version: await version(`/api/v1/units/${unitId}`), capacity: 2 + Math.floor(random() * 5), reason: 'Uji model' })).statusCode);
      },
      blockUnit: async () => {
        const unitId = pick(everyUnit())!;
        const blocked = random() < 0.5;
        const body = blocked ? { status: 'BLOCKED', status_reason: 'Atap bocor' } : { status: 'AVAILABLE' };
        return ok('blockUnit', (await admin('PATCH', `/api/v1/units/${unitId}`, { version: await version(`/api/v1/units/${unitId}`), ...body })).statusCode);
      },
      // Opening and closing moves a facility in and out of the totals (and an area out of the lists).
      facilityStatus: async () => {
        const status = pick(['OPEN', 'OPEN', 'STANDBY', 'CLOSED'] as const)!;
        return ok('facilityStatus', (await admin('POST', `/api/v1/facilities/${hallId}/status`, { status, reason: 'Uji model' })).statusCode);
      },
      protect: async () => {
        const facilityId = pick([...unitsByFacility.keys()])!;
        return ok('protect', (await admin('PATCH', `/api/v1/facilities/${facilityId}`, { version: await version(`/api/v1/facilities/${facilityId}`), protected: random() < 0.5 })).statusCode);
      },
      addUnit: async () => {
        const facilityId = pick(facilityIds())!;
        const res = await admin('POST', `/api/v1/facilities/${facilityId}/units`, { name: `Ruang Tambahan ${++serial}`, capacity: 3 });
        if (res.statusCode < 300) unitsByFacility.get(facilityId)!.push(res.json().id);
        return ok('addUnit', res.statusCode);
      },
      renameFacility: async () => {
        const facilityId = pick([...unitsByFacility.keys()])!;
        return ok('renameFacility', (await admin('PATCH', `/api/v1/facilities/${facilityId}`, { version: await version(`/api/v1/facilities/${facilityId}`), name: `Fasilitas Model ${++serial}` })).statusCode);
      },
    };
    const weights: [string, number][] = [
      ['checkIn', 8],
      ['discharge', 2],
      ['transfer', 2],
      ['propose', 3],
      ['accept', 2],
      ['arrive', 2],
      ['cancel', 1],
      ['capacity', 2],
      ['blockUnit', 2],
      ['facilityStatus', 2],
      ['protect', 1],
      ['addUnit', 1],
      ['renameFacility', 1],
    ];
    const total = weights.reduce((n, [, w]) => n + w, 0);
    const dbs = { A: dbA, B: dbB };
    // Each instance holds its model from the start.
    for (const db of Object.values(dbs)) await cachedOccupancy(db);
    const expectedFull = { A: occupancyModelStats(dbA).fullLoads, B: occupancyModelStats(dbB).fullLoads };
    let checkInsSeen = 0;
    for (let step = 0; step < 120; step++) {
      let x = random() * total;
      const verb = weights.find(([, w]) => (x -= w) < 0)![0];
      const before = { A: occupancyModelStats(dbA), B: occupancyModelStats(dbB) };
      const changed = await verbs[verb]!();
      const recount = summarise(await loadFacilityOccupancy(dbA));
      for (const [name, db] of Object.entries(dbs) as ['A' | 'B', Db][]) {
        const model = await cachedOccupancy(db);
        expect(model.version, `instance ${name}, step ${step} (${verb})`).toBe(await occupancyVersion(db));
        expect(model.summary, `instance ${name}, step ${step} (${verb})`).toEqual(recount);
        // The areas and kinds listed, in the order a full read lists them.
        expect(Object.keys(model.summary.by_wilayah).sort(), `${name} ${step}`).toEqual(Object.keys(recount.by_wilayah).sort());
        const after = occupancyModelStats(db);
        if (changed && structural.has(verb)) expectedFull[name] += 1;
        expect(after.fullLoads, `instance ${name}: whole reads after step ${step} (${verb})`).toBe(expectedFull[name]);
        if (changed && verb === 'checkIn') {
          // One check-in: one unit row re-read, nothing else.
          expect(after.patches - before[name].patches).toBe(1);
          expect(after.rowsPatched - before[name].rowsPatched).toBe(1);
          checkInsSeen += 1;
        }
      }
    }
    expect([...done.keys()].sort()).toEqual(weights.map(([v]) => v).sort());
    expect(checkInsSeen).toBeGreaterThan(10);
    expect(occupancyModelStats(dbB).patches).toBeGreaterThan(50);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { TEST_ENGINE, startTwoInstances, makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility, type Unit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
interface Doc {
  as_of: string;
  total: Record<string, unknown> & { capacity?: number; occupied?: number; free: number };
  by_kind: Record<string, { capacity?: number; free: number }>;
  by_wilayah: Record<string, { capacity?: number; free: number }>;
  facilities: { id: string; kind: string; wilayah_code: string; capacity?: number; occupied?: number; free: number }[];
}

let serial = 0;
async function checkIn(desk: Call, unitId: string) {
  const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: `Warga Etag ${++serial}`, sex: 'L', estimated_age: 30 }], confirm_new: true });
  expect(reg.statusCode).toBe(201);
  const res = await desk('POST', '/api/v1/stays', { person_id: reg.json().persons[0].id, unit_id: unitId });
  expect(res.statusCode).toBe(201);
}

/**
 * GET /api/v1/occupancy (issue 14): an ETag on every answer, 304 while nothing
 * changed, filters, and a cache of serialised answers that never hands one
 * caller's view to another.
 */
describe(`GET /api/v1/occupancy: ETag, filters and the answer cache (${TEST_ENGINE})`, () => {
  let app: FastifyInstance;
  let db: Db;
  let command: Call;
  let display: Call;
  let satpol: Call;
  let tpsDesk: Call;
  let managerP1: Call;
  let managerP2: Call;
  let tps: Facility;
  let tpsUnit: Unit;
  let balai: Facility;
  let p1: Facility;
  let p2: Facility;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    tpsUnit = await makeUnit(db, tps.id, { capacity: 10, admits: 'any' });
    balai = await makeFacility(db, { kind: 'BALAI', wilayahCode: '32.73' });
    await makeUnit(db, balai.id, { capacity: 20, admits: 'any' });
    // Two safe houses: each is known to its own manager and to the wide roles only.
    p1 = await makeFacility(db, { kind: 'LKS', wilayahCode: '31.74', protected: true });
    await makeUnit(db, p1.id, { capacity: 7, admits: 'female' });
    p2 = await makeFacility(db, { kind: 'LKS', wilayahCode: '31.74', protected: true });
    await makeUnit(db, p2.id, { capacity: 3, admits: 'female' });
    command = bearer(app, await makeToken(db, 'command'));
    display = bearer(app, await makeToken(db, 'display'));
    satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    tpsDesk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    managerP1 = bearer(app, await makeToken(db, 'manager', { facility: p1.id }));
    managerP2 = bearer(app, await makeToken(db, 'manager', { facility: p2.id }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers with an ETag, and 304 without a body to If-None-Match while nothing changed', async () => {
    const first = await command('GET', '/api/v1/occupancy');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"\d+-[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await command('GET', '/api/v1/occupancy');
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe(first.body);
    const notModified = await command('GET', '/api/v1/occupancy', undefined, { 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers.etag).toBe(etag);
    // Among others in the list, and strong or weak alike; a different one gets the document.
    expect((await command('GET', '/api/v1/occupancy', undefined, { 'if-none-match': `"x", ${etag.slice(2)}` })).statusCode).toBe(304);
    const other = await command('GET', '/api/v1/occupancy', undefined, { 'if-none-match': 'W/"1-nothing"' });
    expect(other.statusCode).toBe(200);
    expect(other.body).toBe(first.body);
  });

  it('changes the ETag when someone checks in, and then answers the new figures', async () => {
    const before = await command('GET', '/api/v1/occupancy');
    const occupiedBefore = (before.json() as Doc).facilities.find((f) => f.id === tps.id)!.occupied!;
    await checkIn(tpsDesk, tpsUnit.id);
    const after = await command('GET', '/api/v1/occupancy', undefined, { 'if-none-match': before.headers.etag as string });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect((after.json() as Doc).facilities.find((f) => f.id === tps.id)!.occupied).toBe(occupiedBefore + 1);
    expect((await command('GET', '/api/v1/occupancy', undefined, { 'if-none-match': after.headers.etag as string })).statusCode).toBe(304);
  });

  it('narrows by kind and by wilayah (province or kab/kota), totals counted over what is left', async () => {
    const byKind = (await command('GET', '/api/v1/occupancy?kind=BALAI')).json() as Doc;
    expect(byKind.facilities.map((f) => f.id)).toEqual([balai.id]);
    expect(byKind.total.capacity).toBe(20);
    expect(Object.keys(byKind.by_kind)).toEqual(['BALAI']);
    const province = (await command('GET', '/api/v1/occupancy?wilayah=31')).json() as Doc;
    expect(province.facilities.map((f) => f.id).sort()).toEqual([tps.id, p1.id, p2.id].sort());
    expect(province.total.capacity).toBe(10 + 7 + 3);
    expect(Object.keys(province.by_wilayah).sort()).toEqual(['31.71', '31.74']);
    const kabkota = (await command('GET', '/api/v1/occupancy?wilayah=31.71')).json() as Doc;
    expect(kabkota.facilities.map((f) => f.id)).toEqual([tps.id]);
    const both = await command('GET', '/api/v1/occupancy?kind=TPS&kind=BALAI&wilayah=32&wilayah=31.71');
    expect(((both.json() as Doc).facilities.map((f) => f.id) as string[]).sort()).toEqual([tps.id, balai.id].sort());
    // The same filters in another order are the same answer.
    const reordered = await command('GET', '/api/v1/occupancy?wilayah=31.71&wilayah=32&kind=BALAI&kind=TPS');
    expect(reordered.headers.etag).toBe(both.headers.etag);
    const unfiltered = await command('GET', '/api/v1/occupancy');
    expect(new Set([unfiltered.headers.etag, both.headers.etag, (await command('GET', '/api/v1/occupancy?kind=BALAI')).headers.etag]).size).toBe(3);
  });

  it('refuses a bad filter with a 422 naming the field', async () => {
    for (const [query, path] of [
      ['kind=HOTEL', ['kind.0']],
      ['kind=TPS&kind=tps', ['kind.1']],
      ['wilayah=3171', ['wilayah.0']],
      ['wilayah=31.7', ['wilayah.0']],
      ['wilayah=99.99', ['wilayah.0']],
      // Each unknown code named where it stands in the query.
      ['wilayah=99.99&wilayah=31.71&wilayah=98', ['wilayah.0', 'wilayah.2']],
    ] as const) {
      const res = await command('GET', `/api/v1/occupancy?${query}`);
      expect(res.statusCode, query).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json() as { errors: { path: string; message: string }[] };
      expect(body.errors.map((e) => e.path), query).toEqual(path);
      expect(body.errors.every((e) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
    }
  });

  it("never gives a caller another scope's cached answer", async () => {
    // The wide view first, so every later view is asked of a warm cache.
    const wide = (await command('GET', '/api/v1/occupancy')).json() as Doc;
    expect(wide.facilities.map((f) => f.id)).toEqual(expect.arrayContaining([p1.id, p2.id]));
    const seen = async (call: Call, query = '') => {
      const res = await call('GET', `/api/v1/occupancy${query}`);
      expect(res.statusCode).toBe(200);
      return { etag: res.headers.etag as string, doc: res.json() as Doc, ids: (res.json() as Doc).facilities.map((f) => f.id) };
    };
    for (let round = 0; round < 2; round++) {
      const m1 = await seen(managerP1);
      expect(m1.ids).toContain(p1.id);
      expect(m1.ids).not.toContain(p2.id);
      const m2 = await seen(managerP2);
      expect(m2.ids).toContain(p2.id);
      expect(m2.ids).not.toContain(p1.id);
      expect(m2.etag).not.toBe(m1.etag);
      const desk = await seen(tpsDesk);
      expect(desk.ids).not.toContain(p1.id);
      expect(desk.ids).not.toContain(p2.id);
      const wall = await seen(display);
      expect(wall.ids).not.toContain(p1.id);
      expect(wall.ids).not.toContain(p2.id);
      const street = await seen(satpol);
      expect(street.ids).not.toContain(p1.id);
      // Satpol PP see free places only, even after a full view of the same version was cached.
      expect(Object.keys(street.doc.total).sort()).toEqual(['free', 'free_by_admits', 'free_by_feature']);
      expect(street.doc.facilities.every((f) => f.capacity === undefined)).toBe(true);
      expect(new Set([m1.etag, m2.etag, desk.etag, wall.etag, street.etag, (await seen(command)).etag]).size).toBe(6);
      // A 304 for one view's ETag is never given to another view.
      expect((await managerP2('GET', '/api/v1/occupancy', undefined, { 'if-none-match': m1.etag })).statusCode).toBe(200);
      // Under a wilayah filter a safe house the caller may not see counts in no total (it would say where it is).
      const area = await seen(display, '?wilayah=31.74');
      expect(area.ids).toEqual([]);
      expect(area.doc.total.capacity).toBe(0);
      expect(area.doc.by_kind).toEqual({});
      const own = await seen(managerP1, '?wilayah=31.74');
      expect(own.ids).toEqual([p1.id]);
      expect(own.doc.total.capacity).toBe(7);
      // Without one, the national totals still count it (as they always did), the area breakdown does not.
      const wallAll = await seen(display);
      expect(wallAll.doc.total.capacity).toBe(wide.total.capacity);
      expect(wallAll.doc.by_wilayah['31.74']).toBeUndefined();
    }
  });

  it('sends the same answer gzipped to a caller that accepts it, compressed once per version', async () => {
    const plain = await command('GET', '/api/v1/occupancy');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    const zipped = await command('GET', '/api/v1/occupancy', undefined, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    const refused = await command('GET', '/api/v1/occupancy', undefined, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
  });
});

/** Several instances over one database: the version is read from the database, so each sees the other's changes. */
describe(`GET /api/v1/occupancy across two instances over one ${TEST_ENGINE} database`, () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ a, b, close } = await startTwoInstances());
  });

  afterAll(async () => close?.());

  it('a check-in through instance A changes the ETag instance B answers', async () => {
    const f = await makeFacility(a.db, { kind: 'TPS', wilayahCode: '31.71' });
    const unit = await makeUnit(a.db, f.id, { capacity: 5, admits: 'any' });
    const token = await makeToken(a.db, 'intake', { facility: f.id });
    const commandToken = await makeToken(a.db, 'command');
    const viaA = bearer(a, commandToken);
    const viaB = bearer(b, commandToken);
    const fromB = await viaB('GET', '/api/v1/occupancy');
    const fromA = await viaA('GET', '/api/v1/occupancy');
    // The same version and view give the same ETag on every instance, so either may answer 304.
    expect(fromA.headers.etag).toBe(fromB.headers.etag);
    expect((await viaB('GET', '/api/v1/occupancy', undefined, { 'if-none-match': fromA.headers.etag as string })).statusCode).toBe(304);
    await checkIn(bearer(a, token), unit.id);
    const after = await viaB('GET', '/api/v1/occupancy', undefined, { 'if-none-match': fromB.headers.etag as string });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(fromB.headers.etag);
    expect((after.json() as Doc).facilities.find((x) => x.id === f.id)!.occupied).toBe(1);
  });
});

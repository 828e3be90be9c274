import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { LiveSocket, addStayAndAnnounce } from '../helpers/live-socket.ts';
import { makeFacility, makeUnit, makeUser, makeToken, type Facility, type Unit } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';

let app: FastifyInstance;
let db: Db;
let base: string;
let tps: Facility;
let zone: Unit;
let secret: Facility;
let other: Facility;

const addStay = (facilityId: string, unitId: string) => addStayAndAnnounce(db, facilityId, unitId);

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Uji Live', wilayahCode: '31.71' });
  zone = await makeUnit(db, tps.id, { capacity: 10, admits: 'any', features: ['accessible'] });
  secret = await makeFacility(db, { kind: 'BALAI', name: 'Rumah Aman Rahasia', protected: true });
  await makeUnit(db, secret.id, { capacity: 5, admits: 'female' });
  other = await makeFacility(db, { kind: 'LKS', name: 'LKS Lain' });
  await makeUnit(db, other.id, { capacity: 7 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/live`;
});
afterAll(async () => app.close());

describe('GET /api/v1/live', () => {
  it('refuses an unauthenticated upgrade and a bad token', async () => {
    await expect(LiveSocket.open(base)).rejects.toMatchObject({ status: 401 });
    await expect(LiveSocket.open(`${base}?token=sgh_nope`)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a browser session from another origin, accepts our own', async () => {
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    const host = new URL(base).host;
    await expect(LiveSocket.open(base, { cookie: b.cookieHeader, origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(LiveSocket.open(base, { cookie: b.cookieHeader })).rejects.toMatchObject({ status: 403 });
    const ok = await LiveSocket.open(base, { cookie: b.cookieHeader, origin: `http://${host}` });
    expect((await ok.next(0)).type).toBe('snapshot');
    ok.close();
  });

  it('sends a snapshot, then one message per committed change with seq rising by one', async () => {
    const c = await LiveSocket.open(`${base}?token=${await makeToken(db, 'command')}`);
    const snap = await c.next(0);
    expect(snap).toMatchObject({ type: 'snapshot' });
    const n = snap.seq as number;
    const occ = snap.occupancy as { total: { occupied: number; free: number }; facilities: { id: string }[] };
    const before = occ.total;
    expect(occ.facilities.map((f) => f.id)).toContain(secret.id); // command may know protected places
    await addStay(tps.id, zone.id);
    const m1 = await c.next(1);
    expect(m1).toMatchObject({ type: 'occupancy', seq: n + 1, facility_id: tps.id, unit_id: zone.id });
    expect((m1.total as { occupied: number }).occupied).toBe(before.occupied + 1);
    expect((m1.facility as { free: number; free_by_feature: { accessible: number } }).free_by_feature.accessible).toBe(
      (m1.facility as { free: number }).free,
    );
    await addStay(tps.id, zone.id);
    expect(await c.next(2)).toMatchObject({ type: 'occupancy', seq: n + 2 });
    c.close();
  });

  it('a display hears numbers and never a protected facility or a name', async () => {
    const c = await LiveSocket.open(`${base}?token=${await makeToken(db, 'display')}`);
    const snap = await c.next(0);
    const text = JSON.stringify(snap);
    expect(text).not.toContain(secret.id);
    expect(text).not.toContain('Rumah Aman Rahasia');
    await addStay(secret.id, (await db.query.units.findFirst({ where: (u, { eq }) => eq(u.facilityId, secret.id) }))!.id);
    const m = await c.next(1);
    expect(m).toMatchObject({ type: 'occupancy', facility_id: null });
    expect(JSON.stringify(m)).not.toContain(secret.id);
    await addStay(tps.id, zone.id);
    const m2 = await c.next(2);
    expect(JSON.stringify(m2)).not.toContain('Siti');
    c.close();
  });

  it('Satpol PP hear free counts only', async () => {
    const c = await LiveSocket.open(`${base}?token=${await makeToken(db, 'satpol', { wilayah: '31.71' })}`);
    const snap = (await c.next(0)).occupancy as { total: Record<string, unknown>; facilities: Record<string, unknown>[] };
    expect(Object.keys(snap.total).sort()).toEqual(['free', 'free_by_admits', 'free_by_feature']);
    expect(snap.facilities.every((f) => !('occupied' in f) && !('units' in f))).toBe(true);
    await addStay(tps.id, zone.id);
    const m = await c.next(1);
    expect(m.facility).not.toHaveProperty('occupied');
    c.close();
  });

  it('a facility account hears its own facility only', async () => {
    const c = await LiveSocket.open(`${base}?token=${await makeToken(db, 'intake', { facility: tps.id })}`);
    const snap = (await c.next(0)).occupancy as { facilities: { id: string }[] };
    expect(snap.facilities.map((f) => f.id)).toEqual([tps.id]);
    await addStay(other.id, (await db.query.units.findFirst({ where: (u, { eq }) => eq(u.facilityId, other.id) }))!.id);
    await addStay(tps.id, zone.id);
    const m = await c.next(1);
    expect(m).toMatchObject({ facility_id: tps.id, seq: ((await c.next(0)).seq as number) + 1 });
    c.close();
  });

  it('sends nothing for a refused check-in, then exactly one message for the next committed one', async () => {
    const small = await makeFacility(db, { kind: 'TPS', name: 'GOR Kecil' });
    const one = await makeUnit(db, small.id, { capacity: 1, admits: 'any' });
    const call = bearer(app, await makeToken(db, 'intake', { facility: small.id }));
    const register = async () =>
      ((await call('POST', '/api/v1/residents', { persons: [{ description: 'laki-laki ±30 th', sex: 'L', estimated_age: 30, consent: true }], confirm_new: true })).json() as { persons: { id: string }[] })
        .persons[0]!.id;
    const [a, b2] = [await register(), await register()];
    const c = await LiveSocket.open(`${base}?token=${await makeToken(db, 'command')}`);
    // `seq` is the audience's (every command socket hears the same bytes): counted from this socket's snapshot.
    const n = (await c.next(0)).seq as number;
    expect((await call('POST', '/api/v1/stays', { person_id: a, unit_id: one.id })).statusCode).toBe(201);
    expect(await c.next(1)).toMatchObject({ type: 'occupancy', seq: n + 1, facility_id: small.id });
    const refused = await call('POST', '/api/v1/stays', { person_id: b2, unit_id: one.id });
    expect(refused.statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.frames).toHaveLength(2);
    await addStay(tps.id, zone.id);
    expect(await c.next(2)).toMatchObject({ type: 'occupancy', seq: n + 2, facility_id: tps.id });
    c.close();
  });

  it('works through injectWS as well', async () => {
    const token = await makeToken(db, 'command');
    let resolveFirst: (m: Record<string, unknown>) => void;
    const firstMessage = new Promise<Record<string, unknown>>((r) => (resolveFirst = r));
    const ws = await app.injectWS(`/api/v1/live?token=${token}`, {}, {
      onInit: (socket) => socket.once('message', (d) => resolveFirst(JSON.parse(String(d)))),
    });
    const first = await firstMessage;
    expect(first.type).toBe('snapshot');
    ws.terminate();
  });
});

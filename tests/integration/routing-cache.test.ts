import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';

/**
 * Routing reads the facilities from the per-version occupancy cache (issue 14):
 * what changes an answer must raise the version, or a wall would route by
 * yesterday's facts. A facility's services are not occupancy, yet routing
 * depends on them.
 */
let app: FastifyInstance;
let db: Db;

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
});
afterAll(async () => app?.close());

describe('routing from the per-version cache', () => {
  it('sees a service added to a facility, and a place taken, at the next question', async () => {
    const tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, tps.id, { capacity: 10 });
    const balai = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.71', services: [] });
    const ward = await makeUnit(db, balai.id, { capacity: 1, admits: 'female', features: ['maternity'] });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    const admin = bearer(app, await makeToken(db, 'admin'));
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Ibu Sari', sex: 'P', estimated_age: 25, pregnant: true, pregnancy_weeks: 30 }], confirm_new: true });
    expect(reg.statusCode, reg.body).toBe(201);
    const personId = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    expect((await desk('POST', '/api/v1/stays', { person_id: personId })).statusCode).toBe(201);

    type Routing = { destinations: { facility: { id: string } }[]; passed_over: { facility: { id: string }; reasons: { code: string }[] }[] };
    const ask = async () => (await desk('GET', `/api/v1/routing?person_id=${personId}`)).json() as Routing;
    let r = await ask();
    expect(r.destinations.map((d) => d.facility.id)).not.toContain(balai.id);
    expect(r.passed_over.find((p) => p.facility.id === balai.id)?.reasons.map((x) => x.code)).toContain('routing.passed.missing_service');

    const f = (await admin('GET', `/api/v1/facilities/${balai.id}`)).json() as { facility?: { version: number }; version?: number };
    const version = f.facility?.version ?? f.version;
    const patch = await admin('PATCH', `/api/v1/facilities/${balai.id}`, { version, services: ['maternity'] });
    expect(patch.statusCode, patch.body).toBe(200);
    r = await ask();
    expect(r.destinations.map((d) => d.facility.id)).toContain(balai.id);

    // The one maternity place is taken by someone else: the next answer knows.
    const other = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Ibu Rina', sex: 'P', estimated_age: 28, pregnant: true, pregnancy_weeks: 20 }], confirm_new: true });
    const otherId = (other.json() as { persons: { id: string }[] }).persons[0]!.id;
    const manager = bearer(app, await makeToken(db, 'command'));
    const placed = await manager('POST', '/api/v1/stays', { person_id: otherId, facility_id: balai.id, unit_id: ward.id });
    expect(placed.statusCode, placed.body).toBe(201);
    r = await ask();
    expect(r.destinations.map((d) => d.facility.id)).not.toContain(balai.id);
  });
});

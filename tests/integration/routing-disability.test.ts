import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
interface Reason { code: string; params?: Record<string, unknown> }
interface Routing { destinations: { facility: { id: string }; reasons: Reason[] }[]; passed_over: { facility: { id: string }; reasons: Reason[] }[] }

describe('routing by disability type and by a home\'s age (DOMAIN.md "Disability types")', () => {
  let app: FastifyInstance;
  let db: Db;
  let desk: Call;
  let command: Call;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Uji', wilayahCode: '31.73' });
    await makeUnit(db, tps.id, { admits: 'male', capacity: 20 });
    const homes = {
      daksa: await makeFacility(db, { kind: 'PANTI', name: 'Panti Sosial Bina Daksa Uji', wilayahCode: '31.73', services: ['disability_physical', 'wheelchair_access', 'medical'], clusters: ['disabilitas'] }),
      laras: await makeFacility(db, { kind: 'PANTI', name: 'Panti Sosial Bina Laras Uji', wilayahCode: '31.71', services: ['disability_mental', 'medical'], clusters: ['disabilitas'] }),
      netra: await makeFacility(db, { kind: 'PANTI', name: 'Panti Sosial Bina Netra Uji', wilayahCode: '31.74', services: ['disability_sensory'], clusters: ['disabilitas'] }),
      werdha: await makeFacility(db, { kind: 'PANTI', name: 'Panti Sosial Tresna Werdha Uji', wilayahCode: '31.73', services: ['elderly', 'medical', 'disability_physical'], clusters: ['lansia'] }),
      lks: await makeFacility(db, { kind: 'LKS', name: 'LKS Uji', wilayahCode: '31.75' }),
    };
    for (const [k, f] of Object.entries(homes)) {
      ids[k] = f.id;
      await makeUnit(db, f.id, { admits: 'male', capacity: 10 });
    }
    desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    command = bearer(app, await makeToken(db, 'command'));
  });
  afterAll(async () => app.close());

  async function routeFor(person: Record<string, unknown>): Promise<Routing> {
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ sex: 'L', ...person }], confirm_new: true });
    expect(reg.statusCode, reg.body).toBe(201);
    const res = await command('GET', `/api/v1/routing?person_id=${reg.json().persons[0].id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Routing;
  }
  const passedWhy = (r: Routing, id: string) => r.passed_over.find((p) => p.facility.id === id)?.reasons ?? [];

  it('routes a psychosocial disability (mental) to a disability_mental home, and says why the Bina Daksa was passed over', async () => {
    const r = await routeFor({ name: 'Agus ODGJ', estimated_age: 38, disabilities: ['mental'] });
    expect(r.destinations[0]?.facility.id).toBe(ids.laras);
    expect(r.destinations.map((d) => d.facility.id)).not.toContain(ids.daksa);
    expect(r.destinations[0]!.reasons).toContainEqual(expect.objectContaining({ code: 'routing.reason.service', params: expect.objectContaining({ service: 'disability_mental' }) }));
    expect(passedWhy(r, ids.daksa!)).toContainEqual(expect.objectContaining({ code: 'routing.passed.missing_service', params: expect.objectContaining({ service: 'disability_mental' }) }));
  });

  it('routes a blind man to a sensory home, never to a Bina Daksa', async () => {
    const r = await routeFor({ name: 'Darto', estimated_age: 45, disabilities: ['sensorik'] });
    expect(r.destinations.map((d) => d.facility.id)).toEqual([ids.netra]);
  });

  it('a person of two types needs a home that serves both: none here, said plainly', async () => {
    const r = await routeFor({ name: 'Yanto', estimated_age: 30, disabilities: ['mental', 'fisik'] });
    expect(r.destinations).toEqual([]);
  });

  it('never offers men of 35 and 40 a Tresna Werdha, and says which rule passed it over; a man of 70 is offered it', async () => {
    for (const age of [35, 40]) {
      const r = await routeFor({ name: `Pria ${age}`, estimated_age: age });
      expect(r.destinations.map((d) => d.facility.id), `age ${age}`).not.toContain(ids.werdha);
      expect(passedWhy(r, ids.werdha!).map((x) => x.code)).toContain('routing.passed.elderly_home');
    }
    // The home's own desk cannot check a man of 40 in either; a man of 70 with his son of 40 it takes.
    const homeDesk = bearer(app, await makeToken(db, 'intake', { facility: ids.werdha }));
    const reg = await homeDesk('POST', '/api/v1/residents', { persons: [{ name: 'Pria 40 di panti', sex: 'L', estimated_age: 40 }], confirm_new: true });
    const refused = await homeDesk('POST', '/api/v1/stays', { person_id: reg.json().persons[0].id });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ path: 'facility_id', message: expect.stringContaining('panti lansia') });
    const family = await homeDesk('POST', '/api/v1/residents', { persons: [{ name: 'Mbah Darmo', sex: 'L', estimated_age: 72 }, { name: 'Darmo Muda', sex: 'L', estimated_age: 40 }], confirm_new: true });
    const together = await homeDesk('POST', '/api/v1/stays', { person_ids: family.json().persons.map((p: { id: string }) => p.id) });
    expect(together.statusCode, together.body).toBe(201);

    const old = await routeFor({ name: 'Mbah Karto', estimated_age: 70 });
    expect(old.destinations[0]?.facility.id).toBe(ids.werdha);
    expect(old.destinations[0]!.reasons.map((x) => x.code)).toContain('routing.reason.elderly_home');
  });
});

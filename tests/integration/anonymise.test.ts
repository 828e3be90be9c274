import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents, persons, stays } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer, type Call } from '../helpers/session.ts';

let app: FastifyInstance;
let db: Db;
let desk: Call;
let unitId: string;
beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  const tps = await makeFacility(db, { kind: 'TPS' });
  unitId = (await makeUnit(db, tps.id, { capacity: 10 })).id;
  desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
});
afterAll(async () => app.close());

async function placed(name: string, nik: string) {
  const reg = await desk('POST', '/api/v1/residents', { persons: [{ name, sex: 'P', nik, birth_date: '1990-08-17', ktp_address: 'Jl. Melati 3', phone: '0812000111', consent: true }], confirm_new: true });
  expect(reg.statusCode).toBe(201);
  const id = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
  const stay = await desk('POST', '/api/v1/stays', { person_id: id, unit_id: unitId });
  expect(stay.statusCode).toBe(201);
  return { id, stayId: (stay.json() as { stays: { id: string }[] }).stays[0]!.id };
}

describe('anonymising a record (UU 27/2022)', () => {
  it('is refused while the person is still placed, and changes nothing', async () => {
    const { id } = await placed('Kartini Wulandari', '3171015708900001');
    const admin = bearer(app, await makeToken(db, 'admin'));
    const res = await admin('POST', `/api/v1/residents/${id}/anonymise`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('masih menginap');
    expect((await db.select().from(persons).where(eq(persons.id, id)).get())!.name).toBe('Kartini Wulandari');
  });

  it('erases what identifies the person, keeps what the statistics need, and is audited', async () => {
    const { id, stayId } = await placed('Ratna Sari Dewi', '3171015708900002');
    expect((await desk('POST', `/api/v1/stays/${stayId}/discharge`, { outcome: 'returned_home', destination: 'Kab. Brebes' })).statusCode).toBeLessThan(300);
    const a = await makeUser(db, 'admin');
    const b = await signedIn(app, a.username, a.password);
    await b.get(`/residents/${id}`);
    const unconfirmed = await b.post(`/residents/${id}/anonymise`, {});
    expect(unconfirmed.statusCode).toBe(409);
    expect((await db.select().from(persons).where(eq(persons.id, id)).get())!.anonymisedAt).toBeNull();
    const res = await b.post(`/residents/${id}/anonymise`, { confirm: 'on' });
    expect(res.statusCode).toBe(303);
    const p = (await db.select().from(persons).where(eq(persons.id, id)).get())!;
    expect(p).toMatchObject({ name: null, nik: null, birthDate: null, ktpAddress: null, phone: null, searchKey: '', sex: 'P' });
    expect(p.estimatedAge).toBeGreaterThanOrEqual(35);
    expect(p.anonymisedAt).not.toBeNull();
    expect(await db.select().from(stays).where(eq(stays.personId, id)).all()).toHaveLength(1);
    expect((await db.select().from(auditEvents).where(eq(auditEvents.action, 'person.anonymise')).all()).map((e) => e.entityId)).toContain(id);
    // The name finds nobody any more.
    const search = await desk('GET', '/api/v1/residents?q=Ratna%20Sari');
    expect(JSON.stringify(search.json())).not.toContain(id);
    const page = await b.get(`/residents/${id}`);
    expect(page.body).toContain('id="anonymised"');
    expect(page.body).not.toContain('Ratna');
  });

  it('is for administrators only', async () => {
    const command = bearer(app, await makeToken(db, 'command'));
    expect((await command('POST', '/api/v1/residents/whoever/anonymise', {})).statusCode).toBe(403);
    expect((await desk('POST', '/api/v1/residents/whoever/anonymise', {})).statusCode).toBe(403);
  });
});

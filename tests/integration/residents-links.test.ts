import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { handoffPersons, handoffs, persons, referralPersons, referrals, stays } from '../../src/db/schema/index.ts';
import { nowIso } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser, type Call } from '../helpers/session.ts';

/** Who may see a person follows their links to facilities; transfers and merges from the pages. */
describe('person links: handoff, referral, transfer and merge', () => {
  let app: FastifyInstance;
  let db: Db;
  let tps: Facility;
  let balai: Facility;
  let tpsDesk: Call;
  let balaiDesk: Call;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Tanah Abang' });
    balai = await makeFacility(db, { kind: 'BALAI', name: 'Sentra Handayani', services: ['maternity'] });
    await makeUnit(db, tps.id, { name: 'Zona A', capacity: 10 });
    await makeUnit(db, balai.id, { name: 'Wisma Melati', capacity: 10, admits: 'female', features: ['maternity'] });
    tpsDesk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    balaiDesk = bearer(app, await makeToken(db, 'intake', { facility: balai.id }));
  });
  afterAll(async () => app.close());

  it('receives a person from a Satpol PP handoff line and shows where they came from', async () => {
    const handoffId = randomUUID();
    const lineId = randomUUID();
    await write(db, async (tx) => {
      await tx.insert(handoffs)
        .values({ id: handoffId, number: 'HO-3171-20260315-0001', operationNumber: 'OP-12', operationAt: nowIso(), place: 'Kolong jembatan Tanah Abang', wilayahCode: '31.71', leaderName: 'Budi Hartono', facilityId: tps.id, createdAt: nowIso() })
        .run();
      await tx.insert(handoffPersons).values({ id: lineId, handoffId, seq: 1, sex: 'L', approxAge: 40, description: 'kaos merah', belongings: 'tas ransel' }).run();
    });

    const res = await tpsDesk('POST', '/api/v1/residents', { persons: [{ description: 'laki-laki ±40 th, kaos merah', sex: 'L', estimated_age: 40 }], handoff_person_id: lineId });
    expect(res.statusCode).toBe(201);
    const p = res.json().persons[0];
    expect(p.source).toBe('satpol_handoff');
    const line = (await db.select().from(handoffPersons).where(eq(handoffPersons.id, lineId)).get())!;
    expect(line).toMatchObject({ status: 'RECEIVED', personId: p.id });
    const read = (await tpsDesk('GET', `/api/v1/residents/${p.id}`)).json();
    expect(read.handoffs).toEqual([expect.objectContaining({ number: 'HO-3171-20260315-0001', status: 'RECEIVED' })]);

    // A line is received once; another facility's line is not this desk's.
    const again = await tpsDesk('POST', '/api/v1/residents', { persons: [{ description: 'lagi', sex: 'L' }], handoff_person_id: lineId, confirm_new: true });
    expect(again.statusCode).toBe(409);
    const fromBalai = await balaiDesk('POST', '/api/v1/residents', { persons: [{ description: 'x', sex: 'L' }], handoff_person_id: lineId });
    expect(fromBalai.statusCode).toBe(422);
  });

  it('lets the facility a person is headed to see them once a referral names it', async () => {
    const made = await tpsDesk('POST', '/api/v1/residents', { persons: [{ name: 'Lestari Ningsih', sex: 'P', pregnant: true, pregnancy_weeks: 30 }] });
    const id = made.json().persons[0].id;
    expect((await balaiDesk('GET', `/api/v1/residents/${id}`)).statusCode).toBe(404);
    const refId = randomUUID();
    await write(db, async (tx) => {
      await tx.insert(referrals)
        .values({ id: refId, fromFacilityId: tps.id, toFacilityId: balai.id, reason: 'ibu hamil 30 minggu', status: 'PROPOSED', places: 1, proposedAt: nowIso(), expiresAt: nowIso() })
        .run();
      await tx.insert(referralPersons).values({ referralId: refId, personId: id }).run();
    });
    const seen = await balaiDesk('GET', `/api/v1/residents/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().referrals).toEqual([expect.objectContaining({ status: 'PROPOSED', to_facility: 'Sentra Handayani' })]);
    // A refused referral never brought them there.
    await write(db, async (tx) => {
      await tx.update(referrals).set({ status: 'REFUSED' }).where(eq(referrals.id, refId)).run();
    });
    expect((await balaiDesk('GET', `/api/v1/residents/${id}`)).statusCode).toBe(404);
  });

  it('the command centre moves someone from the page to another facility in one step, with a reason', async () => {
    const admin = await makeUser(db, 'command');
    const b: Browser = await signedIn(app, admin.username, admin.password);
    const made = await tpsDesk('POST', '/api/v1/residents', { persons: [{ name: 'Yuni Astuti', sex: 'P', estimated_age: 27, pregnant: true }] });
    const id = made.json().persons[0].id;
    const stay = (await tpsDesk('POST', '/api/v1/stays', { person_id: id })).json().stays[0];
    const page = await b.get(`/stays/${stay.id}/transfer?facility=${balai.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Wisma Melati');
    const melati = (await db.select().from(stays).where(eq(stays.id, stay.id)).get())!;
    expect(melati.checkedOutAt).toBeNull();
    const unitId = /name="unit_id" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await b.post(`/stays/${stay.id}/transfer`, { facility_id: balai.id, unit_id: unitId, reason: 'Dipindah atas koordinasi pusat komando', idempotency_key: 'transfer-page-0001' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/residents/${id}`);
    const open = (await db.select().from(stays).where(and(eq(stays.personId, id), isNull(stays.checkedOutAt))).get())!;
    expect(open).toMatchObject({ facilityId: balai.id, previousStayId: stay.id });
    const old = (await db.select().from(stays).where(eq(stays.id, stay.id)).get())!;
    expect(old).toMatchObject({ outcome: 'transferred', destination: 'Sentra Handayani · Wisma Melati' });
    // The balai's desk now sees her.
    expect((await balaiDesk('GET', `/api/v1/residents/${id}`)).statusCode).toBe(200);
  });

  it('merges from the page; the other record keeps its values and points to the survivor', async () => {
    const manager = await makeUser(db, 'manager', { facilityId: tps.id });
    const b = await signedIn(app, manager.username, manager.password);
    const a = (await tpsDesk('POST', '/api/v1/residents', { persons: [{ name: 'Teguh Prakoso', sex: 'L', estimated_age: 50 }] })).json().persons[0];
    const c = (await tpsDesk('POST', '/api/v1/residents', { persons: [{ name: 'Teguh Prakosa', sex: 'L', estimated_age: 52, phone: '0812000111', confirm_new: true }] })).json().persons[0];
    const page = await b.get(`/residents/${a.id}`);
    expect(page.body).toContain('id="merge-form"');
    const res = await b.post(`/residents/${a.id}/merge`, { other: c.resident_code, reason: 'dobel saat penertiban', confirm: 'on', idempotency_key: 'merge-page-00001' });
    expect(res.statusCode).toBe(303);
    expect(await db.select().from(persons).where(eq(persons.id, c.id)).get()).toMatchObject({ mergedIntoId: a.id, name: 'Teguh Prakosa' });
    expect(await db.select().from(persons).where(eq(persons.id, a.id)).get()).toMatchObject({ name: 'Teguh Prakoso', phone: '0812000111' });
    const self = await b.post(`/residents/${a.id}/merge`, { other: a.resident_code, idempotency_key: 'merge-page-00002' });
    expect(self.statusCode).toBe(422);
    // The old record's page leads to the survivor.
    const old = await b.get(`/residents/${c.id}`);
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toBe(`/residents/${a.id}`);
  });
});

import { describe, it, expect } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { write } from '../../src/db/client.ts';
import { idempotencyKeys, unitChanges, units } from '../../src/db/schema/index.ts';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';
import { housekeep } from '../../src/plugins/housekeeping.ts';
import { requestHash } from '../../src/plugins/idempotency.ts';

const t = useTestApp();

describe('a double submit does its work once', () => {
  it('an htmx form repeated with one key changes once, keeps no page body, and refreshes the page', async () => {
    const balai = await makeFacility(t.db, { kind: 'BALAI' });
    const u = await makeUnit(t.db, balai.id, { capacity: 6 });
    const m = await makeUser(t.db, 'manager', { facilityId: balai.id });
    const b = await signedIn(t.app, m.username, m.password);
    await b.get(`/facilities/${balai.id}`);
    const form = { edit: 'block', version: '1', blocked: '2', block_reason: 'Kasur rusak', idempotency_key: 'block-two-beds-0001' };
    const headers = { 'hx-request': 'true', 'hx-current-url': `http://localhost/facilities/${balai.id}` };
    const first = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers });
    expect(first.statusCode).toBe(200);
    const again = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['hx-refresh']).toBe('true');
    expect((await t.db.select().from(units).where(eq(units.id, u.id)).get())!.blocked).toBe(2);
    expect((await t.db.select().from(unitChanges).where(eq(unitChanges.unitId, u.id)).all()).filter((c) => c.field === 'blocked')).toHaveLength(1);
    const stored = (await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'block-two-beds-0001')).get())!;
    expect(stored.body).toBe('');
    expect(stored.location).toBe(`/facilities/${balai.id}`);
    // Without htmx, the repeat goes back to the page it came from.
    const plain = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers: { referer: `http://localhost/facilities/${balai.id}` } });
    expect(plain.statusCode).toBe(303);
    expect(plain.headers.location).toBe(`/facilities/${balai.id}`);
  });

  it('an API call repeated with one Idempotency-Key gets the same JSON answer', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const call = bearer(t.app, await makeToken(t.db, 'intake', { facility: tps.id }));
    const body = { persons: [{ name: 'Ujang Suparman', sex: 'L', estimated_age: 50, consent: true }], confirm_new: true };
    const a = await call('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-ujang-0001' });
    const bb = await call('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-ujang-0001' });
    expect(bb.headers['idempotent-replayed']).toBe('true');
    expect(bb.statusCode).toBe(a.statusCode);
    expect(bb.json()).toEqual(a.json());
    expect((await t.db.get<{ n: number }>(sql`select count(*) as n from persons where name = 'Ujang Suparman'`))!.n).toBe(1);
  });

  it('one key with 100 different bodies saves one and refuses 99 with 422, nothing more saved', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const call = bearer(t.app, await makeToken(t.db, 'intake', { facility: tps.id }));
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call('POST', '/api/v1/residents', { persons: [{ name: `Tamu Kunci ${i}`, sex: 'L', estimated_age: 30 + (i % 40), consent: true }], confirm_new: true }, { 'idempotency-key': 'one-key-many-bodies' }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422)).toHaveLength(99);
    const refused = answers.find((a) => a.statusCode === 422)!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().errors[0].path).toBe('idempotency_key');
    expect((await t.db.get<{ n: number }>(sql`select count(*) as n from persons where name like 'Tamu Kunci %'`))!.n).toBe(1);
    // The first body again is the earlier answer.
    const first = answers.find((a) => a.statusCode === 201)!;
    const name = first.json().persons[0].name as string;
    const i = Number(name.split(' ').pop());
    const again = await call('POST', '/api/v1/residents', { persons: [{ name, sex: 'L', estimated_age: 30 + (i % 40), consent: true }], confirm_new: true }, { 'idempotency-key': 'one-key-many-bodies' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a key reused on another endpoint is a 422 and that work is not done', async () => {
    const balai = await makeFacility(t.db, { kind: 'BALAI' });
    const u1 = await makeUnit(t.db, balai.id, { capacity: 6 });
    const u2 = await makeUnit(t.db, balai.id, { capacity: 6 });
    const call = bearer(t.app, await makeToken(t.db, 'admin'));
    const key = { 'idempotency-key': 'shared-key-endpoints' };
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const made = await call('POST', `/api/v1/facilities/${tps.id}/units`, { name: 'Zona A', capacity: 5 }, key);
    expect(made.statusCode).toBe(201);
    const other = await call('POST', `/api/v1/facilities/${balai.id}/units`, { name: 'Zona A', capacity: 5 }, key);
    expect(other.statusCode).toBe(422);
    expect((await t.db.select().from(units).where(eq(units.facilityId, balai.id)).all()).map((u) => u.id).sort()).toEqual([u1.id, u2.id].sort());
  });

  it('a page form sent again with the same key and other fields is refused and changes nothing', async () => {
    const balai = await makeFacility(t.db, { kind: 'BALAI' });
    const u = await makeUnit(t.db, balai.id, { capacity: 6 });
    const m = await makeUser(t.db, 'manager', { facilityId: balai.id });
    const b = await signedIn(t.app, m.username, m.password);
    await b.get(`/facilities/${balai.id}`);
    const form = { edit: 'block', version: '1', blocked: '2', block_reason: 'Kasur rusak', idempotency_key: 'page-key-two-bodies' };
    expect((await b.post(`/facilities/${balai.id}/units/${u.id}`, form)).statusCode).toBeLessThan(400);
    const changed = await b.post(`/facilities/${balai.id}/units/${u.id}`, { ...form, version: '2', blocked: '5' });
    expect(changed.statusCode).toBe(422);
    expect(changed.body).toContain('Kunci permintaan ini sudah dipakai');
    expect((await t.db.select().from(units).where(eq(units.id, u.id)).get())!.blocked).toBe(2);
  });

  it('an intake that needs a decision keeps its key free: the same save sent again asks again, never "saved"', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const desk = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, desk.username, desk.password);
    await b.get('/intake');
    const person = { 'persons.0.name': 'Sumarni Kunci', 'persons.0.sex': 'P', 'persons.0.estimated_age': '52', 'persons.0.consent': 'on' };
    expect((await b.post('/intake', { ...person, step: 'save', idempotency_key: 'intake-first-0001' })).statusCode).toBe(303);
    // The same woman typed again offline, queued with its key; its replay is asked about her.
    const queued = { ...person, step: 'save', idempotency_key: 'intake-queued-0001' };
    const first = await b.post('/intake', queued, { headers: { referer: 'http://localhost/intake' } });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('id="needs-decision"');
    expect(await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'intake-queued-0001')).get()).toBeUndefined();
    // Its answer was lost: the replay with the same key asks again (before, a redirect the queue took for "saved").
    const again = await b.post('/intake', queued, { headers: { referer: 'http://localhost/intake' } });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body).toContain('id="needs-decision"');
    // Decided with the same key: saved once, and that answer is the key's.
    const decided = { ...queued, 'persons.0.decision': 'new' };
    expect((await b.post('/intake', decided)).statusCode).toBe(303);
    const replay = await b.post('/intake', decided);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await t.db.get<{ n: number }>(sql`select count(*) as n from persons where name = 'Sumarni Kunci'`))!.n).toBe(2);
  });

  it('a key still being processed is a 409 with Retry-After (the device queue sends it again later), and runs nothing', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS' });
    const desk = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, desk.username, desk.password);
    await b.get('/intake');
    const queued = { 'persons.0.name': 'Parmi Diproses', 'persons.0.sex': 'P', 'persons.0.estimated_age': '47', 'persons.0.consent': 'on', _owner: desk.id, step: 'save' };
    // The first send of this key is still running (its answer lost on the way): its reservation is there.
    await write(t.db, async (tx) => {
      await tx.insert(idempotencyKeys)
        .values({ actorKey: `user:${desk.id}`, key: 'intake-running-0001', method: 'POST', path: 'POST /intake', requestHash: requestHash(queued), statusCode: 0, body: '', createdAt: new Date().toISOString() })
        .run();
    });
    const replay = await b.post('/intake', { ...queued, idempotency_key: 'intake-running-0001' });
    expect(replay.statusCode).toBe(409);
    expect(Number(replay.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.db.get<{ n: number }>(sql`select count(*) as n from persons where name = 'Parmi Diproses'`))!.n).toBe(0);
    // A 409 that asks for a decision says no such thing: the queue shows it to the officer.
    const unit = await makeUnit(t.db, tps.id, { capacity: 2 });
    const m = await makeUser(t.db, 'manager', { facilityId: tps.id });
    const mb = await signedIn(t.app, m.username, m.password);
    await mb.get(`/facilities/${tps.id}`);
    const stale = await mb.post(`/facilities/${tps.id}/units/${unit.id}`, { edit: 'block', version: '99', blocked: '1', block_reason: 'Kasur rusak' });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['retry-after']).toBeUndefined();
  });

  it('adding a person row to the field form keeps no key: the save that follows may use it', async () => {
    const satpol = await makeUser(t.db, 'satpol', { wilayahCode: '31.71' });
    const b = await signedIn(t.app, satpol.username, satpol.password);
    await b.get('/handoffs/new');
    const add = await b.post('/handoffs', { step: 'add_person', 'persons.0.name': 'Budi', idempotency_key: 'handoff-add-0001' });
    expect(add.statusCode).toBe(200);
    expect(await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'handoff-add-0001')).get()).toBeUndefined();
  });

  it('a malformed key is a 400, not a silent second write', async () => {
    const call = bearer(t.app, await makeToken(t.db, 'admin'));
    const res = await call('POST', '/api/v1/residents', {}, { 'idempotency-key': 'bad key with spaces' });
    expect(res.statusCode).toBe(400);
  });

  it('housekeeping removes keys older than a day and expired sessions', async () => {
    await write(t.db, async (tx) => {
      await tx.insert(idempotencyKeys)
        .values({ actorKey: 'user:x', key: 'old-key-000001', method: 'POST', path: '/x', statusCode: 201, body: '{}', createdAt: new Date(Date.now() - 25 * 3600_000).toISOString() })
        .run();
    });
    const done = await housekeep(t.db);
    expect(done.keys).toBeGreaterThanOrEqual(1);
    expect(await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'old-key-000001')).get()).toBeUndefined();
  });
});

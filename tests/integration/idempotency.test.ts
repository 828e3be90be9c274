import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { idempotencyKeys, unitChanges, units } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';
import { housekeep } from '../../src/plugins/housekeeping.ts';

let app: FastifyInstance;
let db: Db;
beforeAll(async () => ({ app, db } = await makeTestApp()));
afterAll(async () => app.close());

describe('a double submit does its work once', () => {
  it('an htmx form repeated with one key changes once, keeps no page body, and refreshes the page', async () => {
    const balai = makeFacility(db, { kind: 'BALAI' });
    const u = makeUnit(db, balai.id, { capacity: 6 });
    const m = await makeUser(db, 'manager', { facilityId: balai.id });
    const b = await signedIn(app, m.username, m.password);
    await b.get(`/facilities/${balai.id}`);
    const form = { edit: 'block', version: '1', blocked: '2', block_reason: 'Kasur rusak', idempotency_key: 'block-two-beds-0001' };
    const headers = { 'hx-request': 'true', 'hx-current-url': `http://localhost/facilities/${balai.id}` };
    const first = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers });
    expect(first.statusCode).toBe(200);
    const again = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['hx-refresh']).toBe('true');
    expect(db.select().from(units).where(eq(units.id, u.id)).get()!.blocked).toBe(2);
    expect(db.select().from(unitChanges).where(eq(unitChanges.unitId, u.id)).all().filter((c) => c.field === 'blocked')).toHaveLength(1);
    const stored = db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'block-two-beds-0001')).get()!;
    expect(stored.body).toBe('');
    expect(stored.location).toBe(`/facilities/${balai.id}`);
    // Without htmx, the repeat goes back to the page it came from.
    const plain = await b.post(`/facilities/${balai.id}/units/${u.id}`, form, { headers: { referer: `http://localhost/facilities/${balai.id}` } });
    expect(plain.statusCode).toBe(303);
    expect(plain.headers.location).toBe(`/facilities/${balai.id}`);
  });

  it('an API call repeated with one Idempotency-Key gets the same JSON answer', async () => {
    const tps = makeFacility(db, { kind: 'TPS' });
    const call = bearer(app, makeToken(db, 'intake', { facility: tps.id }));
    const body = { persons: [{ name: 'Ujang Suparman', sex: 'L', estimated_age: 50, consent: true }], confirm_new: true };
    const a = await call('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-ujang-0001' });
    const bb = await call('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-ujang-0001' });
    expect(bb.headers['idempotent-replayed']).toBe('true');
    expect(bb.statusCode).toBe(a.statusCode);
    expect(bb.json()).toEqual(a.json());
    expect(db.get<{ n: number }>(sql`select count(*) as n from persons where name = 'Ujang Suparman'`)!.n).toBe(1);
  });

  it('a malformed key is a 400, not a silent second write', async () => {
    const call = bearer(app, makeToken(db, 'admin'));
    const res = await call('POST', '/api/v1/residents', {}, { 'idempotency-key': 'bad key with spaces' });
    expect(res.statusCode).toBe(400);
  });

  it('housekeeping removes keys older than a day and expired sessions', () => {
    db.insert(idempotencyKeys)
      .values({ actorKey: 'user:x', key: 'old-key-000001', method: 'POST', path: '/x', statusCode: 201, body: '{}', createdAt: new Date(Date.now() - 25 * 3600_000).toISOString() })
      .run();
    const done = housekeep(db);
    expect(done.keys).toBeGreaterThanOrEqual(1);
    expect(db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'old-key-000001')).get()).toBeUndefined();
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';

/*
 * The door of /api/v1 (INTERFACES.md "JSON API"): a JSON body field the endpoint does not know is a
 * 422 naming it, never dropped; a list cut at its limit says so with `next`; a problem the caller
 * must decide is in the one catalogue of errors.
 */
let app: FastifyInstance;
let db: Db;
let tps: Facility;

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
  await makeUnit(db, tps.id, { capacity: 20 });
});
afterAll(async () => app.close());

const count = async (table: string) => (await db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;

function handoffBody(person: Record<string, unknown>) {
  return {
    operation: {
      number: 'SPT/001/SATPOL/XII/2026',
      at: new Date(Date.now() - 3600_000).toISOString(),
      place: 'Kolong Flyover Senen',
      wilayah_code: '31.71',
      team: 'Regu A',
      leader_name: 'Hendra Saputra',
      leader_nip: '19800101 200501 1 001',
    },
    facility_id: tps.id,
    persons: [{ name: 'Siti Aminah', sex: 'P', approx_age: 27, ...person }],
  };
}

describe('an unknown field in a JSON body', () => {
  it('is a 422 naming it, and nothing is saved (a need sent as its own field is not lost)', async () => {
    const satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    const res = await satpol('POST', '/api/v1/handoffs', handoffBody({ pregnant: true }));
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', errors: [{ path: 'persons.0.pregnant' }] });
    expect(res.json().errors[0].message).toBeTruthy();
    expect(await count('handoffs')).toBe(0);
    // At the top as well, in the caller's language.
    const top = await satpol('POST', '/api/v1/handoffs?lang=en', { ...handoffBody({ needs: ['pregnant'] }), urgent: true });
    expect(top.statusCode).toBe(422);
    expect(top.json().errors).toEqual([{ path: 'urgent', message: 'Unknown field.' }]);
    // The same body without it is saved, with its need.
    const ok = await satpol('POST', '/api/v1/handoffs', handoffBody({ needs: ['pregnant'] }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().persons[0].needs).toEqual(['pregnant']);
  });

  it('is refused on every kind of body, while the transport\'s own idempotency_key is not', async () => {
    const intake = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    const person = { name: 'Budi Santoso', sex: 'L', estimated_age: 35, consent: true };
    const nested = await intake('POST', '/api/v1/residents', { persons: [{ ...person, shoe_size: 42 }] });
    expect(nested.statusCode).toBe(422);
    expect(nested.json().errors.map((e: { path: string }) => e.path)).toEqual(['persons.0.shoe_size']);
    const keyed = await intake('POST', '/api/v1/residents', { persons: [person], idempotency_key: 'door-test-0001' });
    expect(keyed.statusCode).toBe(201);
    const id = keyed.json().persons[0].id as string;
    // A correction (PATCH) and a step with an empty body alike.
    const patch = await intake('PATCH', `/api/v1/residents/${id}`, { version: 1, alias: 'Budi', nickname: 'B' });
    expect(patch.statusCode).toBe(422);
    expect(patch.json().errors.map((e: { path: string }) => e.path)).toEqual(['nickname']);
  });

  it('in a form post is still the form\'s own business (hidden fields are not refused)', async () => {
    const user = await makeUser(db, 'intake', { facilityId: tps.id });
    const desk = await signedIn(app, user.username, user.password);
    await desk.get('/intake');
    const res = await desk.post('/intake', { step: 'save', 'persons.0.name': 'Rahmat Hidayat', 'persons.0.sex': 'L', 'persons.0.estimated_age': '30', 'persons.0.consent': 'on', 'persons.0.some_hidden_field': 'x' });
    expect(res.statusCode).toBeLessThan(400);
    expect((await db.get<{ n: number }>(sql`select count(*) as n from persons where name = 'Rahmat Hidayat'`))!.n).toBe(1);
  });
});

describe('a list cut at its limit', () => {
  it('says so with next, and ?after= gives the rest, each once', async () => {
    const satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    for (const name of ['Ani', 'Bayu', 'Citra']) expect((await satpol('POST', '/api/v1/handoffs', handoffBody({ name }))).statusCode).toBe(201);
    const all = (await satpol('GET', '/api/v1/handoffs')).json();
    expect(all.next).toBeNull();
    const ids: string[] = all.handoffs.map((h: { id: string }) => h.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let url = '/api/v1/handoffs?limit=2';
    for (;;) {
      const page = (await satpol('GET', url)).json() as { handoffs: { id: string }[]; next: string | null };
      expect(page.handoffs.length).toBeLessThanOrEqual(2);
      seen.push(...page.handoffs.map((h) => h.id));
      if (!page.next) break;
      url = `/api/v1/handoffs?limit=2&after=${page.next}`;
    }
    expect(seen).toEqual(ids);
  });

  it('pages the audit log by its own order, and refuses a cursor it did not make', async () => {
    const admin = bearer(app, await makeToken(db, 'admin'));
    const first = (await admin('GET', '/api/v1/audit?limit=2')).json() as { events: { id: string }[]; next: string };
    expect(first.events).toHaveLength(2);
    expect(first.next).toEqual(expect.any(String));
    const second = (await admin('GET', `/api/v1/audit?limit=2&after=${first.next}`)).json() as { events: { id: string }[] };
    expect(Number(second.events[0]!.id)).toBeLessThan(Number(first.events[1]!.id));
    const bad = await admin('GET', '/api/v1/audit?after=nonsense');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'after' })]);
    expect((await admin('GET', '/api/v1/audit?limit=0')).json().errors).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it('for residents and referrals too', async () => {
    const intake = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    for (const name of ['Dewi Lestari', 'Dewi Sartika']) {
      expect((await intake('POST', '/api/v1/residents', { persons: [{ name, sex: 'P', estimated_age: 30, consent: true }] })).statusCode).toBe(201);
    }
    const page = (await intake('GET', '/api/v1/residents?q=dewi&limit=1')).json();
    expect(page.residents).toHaveLength(1);
    const rest = (await intake('GET', `/api/v1/residents?q=dewi&limit=1&after=${page.next}`)).json();
    expect(rest.residents).toHaveLength(1);
    expect(rest.residents[0].id).not.toBe(page.residents[0].id);
    expect((await intake('GET', '/api/v1/referrals')).json()).toEqual({ referrals: [], next: null });
  });
});

describe('a decision the caller must make', () => {
  it('is a 409 of the catalogue, with what to decide', async () => {
    expect(ERROR_CODES.NEEDS_DECISION).toBe(409);
    const intake = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    const person = { name: 'Slamet Riyadi', sex: 'L', estimated_age: 50, consent: true };
    expect((await intake('POST', '/api/v1/residents', { persons: [person] })).statusCode).toBe(201);
    const again = await intake('POST', '/api/v1/residents', { persons: [person] });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toMatchObject({ type: '/problems/needs-decision', status: 409, code: 'NEEDS_DECISION', duplicates: expect.any(Array), nik_warnings: [] });
  });
});

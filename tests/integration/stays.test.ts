import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents, stays } from '../../src/db/schema/index.ts';
import { loadUnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';

async function register(call: Call, persons: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/v1/residents', { persons, confirm_new: true, ...extra });
  if (res.statusCode !== 201) throw new Error(`intake failed: ${res.statusCode} ${res.body}`);
  return res.json() as { persons: { id: string; resident_code: string }[]; household_id: string | null };
}

const mother = { name: 'Sri Wahyuni', sex: 'P', estimated_age: 32 };
const son = { name: 'Bayu', sex: 'L', birth_date: '2021-02-01' };
const daughter = { name: 'Putri', sex: 'P', birth_date: '2017-07-09' };

describe('stays: check-in, households, capacity, discharge, transfer', () => {
  let app: FastifyInstance;
  let db: Db;
  let facility: Facility;
  let intake: Call;
  let manager: Call;
  let otherIntake: Call;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    facility = await makeFacility(db, { kind: 'TPS' });
    const other = await makeFacility(db, { kind: 'TPS' });
    intake = bearer(app, await makeToken(db, 'intake', { facility: facility.id }));
    manager = bearer(app, await makeToken(db, 'manager', { facility: facility.id }));
    otherIntake = bearer(app, await makeToken(db, 'intake', { facility: other.id }));
  });
  afterAll(async () => app.close());

  it('places a household together in a unit that admits families, never in a women-only zone', async () => {
    const women = await makeUnit(db, facility.id, { name: 'Zona Perempuan', admits: 'female', capacity: 10, bedLabelPattern: null });
    const family = await makeUnit(db, facility.id, { name: 'Wisma Keluarga', admits: 'family', capacity: 4, bedLabelPattern: 'K-{n}' });
    const h = await register(intake, [mother, son, daughter]);
    expect(h.household_id).not.toBeNull();
    const ids = h.persons.map((p) => p.id);

    const refused = await intake('POST', '/api/v1/stays', { person_ids: ids, unit_id: women.id });
    expect(refused.statusCode).toBe(422);

    const res = await intake('POST', '/api/v1/stays', { person_ids: ids });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.unit_id).toBe(family.id);
    expect(body.stays).toHaveLength(3);
    expect(new Set(body.stays.map((s: { unit_id: string }) => s.unit_id))).toEqual(new Set([family.id]));
    expect(body.stays.map((s: { bed_label: string }) => s.bed_label).sort()).toEqual(['K-1', 'K-2', 'K-3']);
    expect(body.stays.every((s: { household_id: string }) => s.household_id === h.household_id)).toBe(true);
  });

  it('refuses a household together when no unit has room for all of them: nobody is placed', async () => {
    const f = await makeFacility(db, { kind: 'TPS' });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    await makeUnit(db, f.id, { name: 'Keluarga kecil', admits: 'family', capacity: 2 });
    await makeUnit(db, f.id, { name: 'Zona Perempuan', admits: 'female', capacity: 10 });
    const h = await register(desk, [mother, son, daughter]);
    const res = await desk('POST', '/api/v1/stays', { person_ids: h.persons.map((p) => p.id) });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'NO_FREE_PLACE', status: 409 });
    expect(res.json().detail).toMatch(/3/);
    expect(await db.select().from(stays).where(eq(stays.facilityId, f.id)).all()).toEqual([]);

    // Placing only the mother would split the household: only on purpose, with a reason.
    const alone = await desk('POST', '/api/v1/stays', { person_id: h.persons[0]!.id });
    expect(alone.statusCode).toBe(422);
    expect(alone.json().errors[0].path).toBe('split_reason');
    const split = await desk('POST', '/api/v1/stays', { person_id: h.persons[0]!.id, split_reason: 'Anak dirawat di puskesmas dulu' });
    expect(split.statusCode).toBe(201);
    expect(split.json().stays[0].split_reason).toBe('Anak dirawat di puskesmas dulu');
  });

  it('gives exactly 50 of 200 simultaneous check-ins for 50 free places; the rest get a clear 409', { timeout: 120_000 }, async () => {
    const f = await makeFacility(db, { kind: 'TPS' });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    const unit = await makeUnit(db, f.id, { name: 'GOR Aula', capacity: 50, admits: 'any' });
    const people: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await register(desk, [{ name: `Warga Uji ${i}`, sex: i % 2 ? 'L' : 'P', estimated_age: 20 + (i % 40) }]);
      people.push(r.persons[0]!.id);
    }
    const results = await Promise.all(people.map((id) => desk('POST', '/api/v1/stays', { person_id: id, unit_id: unit.id })));
    const created = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 409);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) {
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json()).toMatchObject({ code: 'NO_FREE_PLACE', status: 409, type: '/problems/no-free-place' });
      expect(r.json().detail).toContain('GOR Aula');
    }
    const open = await db.select().from(stays).where(and(eq(stays.unitId, unit.id), isNull(stays.checkedOutAt))).all();
    expect(open).toHaveLength(50);
    const [occ] = await loadUnitOccupancy(db, { unitId: unit.id });
    expect(occ!.occupied).toBe(open.length);
    expect(occ!.free).toBe(0);
  });

  it('does a repeated POST with one Idempotency-Key once', async () => {
    const unit = await makeUnit(db, facility.id, { capacity: 10 });
    const r = await register(intake, [{ name: 'Slamet Riyadi', sex: 'L', estimated_age: 50 }]);
    const key = 'retry-check-in-0001';
    const first = await intake('POST', '/api/v1/stays', { person_id: r.persons[0]!.id, unit_id: unit.id }, { 'idempotency-key': key });
    const second = await intake('POST', '/api/v1/stays', { person_id: r.persons[0]!.id, unit_id: unit.id }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await db.select().from(stays).where(eq(stays.personId, r.persons[0]!.id)).all()).toHaveLength(1);
    // Without the key, the same check-in again is a conflict: one open stay per person.
    const third = await intake('POST', '/api/v1/stays', { person_id: r.persons[0]!.id, unit_id: unit.id });
    expect(third.statusCode).toBe(409);
    expect(third.json().code).toBe('CONFLICT');
    // Found by the check itself, which names the person and the way on (not only by the database's unique index).
    expect(third.json().detail).toBe(`${r.persons[0]!.resident_code} sudah menempati tempat. Pindahkan atau pulangkan dulu.`);
  });

  it('does a repeated intake with one Idempotency-Key once', async () => {
    const body = { persons: [{ name: 'Ahmad Dahlan Ganda', sex: 'L', estimated_age: 40 }], confirm_new: true };
    const a = await intake('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-retry-0001' });
    const b = await intake('POST', '/api/v1/residents', body, { 'idempotency-key': 'intake-retry-0001' });
    expect(a.statusCode).toBe(201);
    expect(b.json().persons[0].id).toBe(a.json().persons[0].id);
  });

  it('lets a supervisor allow an overflow with a written reason; an intake officer may not', async () => {
    const unit = await makeUnit(db, facility.id, { capacity: 1 });
    const [x, y] = (await register(intake, [{ name: 'Penuh Satu', sex: 'L' }])).persons.concat((await register(intake, [{ name: 'Penuh Dua', sex: 'L' }])).persons);
    expect((await intake('POST', '/api/v1/stays', { person_id: x!.id, unit_id: unit.id })).statusCode).toBe(201);
    const byIntake = await intake('POST', '/api/v1/stays', { person_id: y!.id, unit_id: unit.id, overflow_reason: 'Hujan deras' });
    expect(byIntake.statusCode).toBe(403);
    const bySupervisor = await manager('POST', '/api/v1/stays', { person_id: y!.id, unit_id: unit.id, overflow_reason: 'Hujan deras, malam' });
    expect(bySupervisor.statusCode).toBe(201);
    expect(bySupervisor.json().stays[0]).toMatchObject({ overflow: true, overflow_reason: 'Hujan deras, malam' });
    const [occ] = await loadUnitOccupancy(db, { unitId: unit.id });
    expect(occ!.overflow).toBe(1);
  });

  it('discharges with an outcome and destination, and transfers in one step', async () => {
    const a = await makeUnit(db, facility.id, { name: 'Ruang A', capacity: 5 });
    const b = await makeUnit(db, facility.id, { name: 'Ruang B', capacity: 5 });
    const [p] = (await register(intake, [{ name: 'Hendra Gunawan', sex: 'L', estimated_age: 35 }])).persons;
    const stay = (await intake('POST', '/api/v1/stays', { person_id: p!.id, unit_id: a.id })).json().stays[0];

    const bad = await intake('POST', `/api/v1/stays/${stay.id}/discharge`, { outcome: 'returned_home' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].path).toBe('destination');

    const moved = await intake('POST', `/api/v1/stays/${stay.id}/transfer`, { unit_id: b.id });
    expect(moved.statusCode).toBe(201);
    const { ended, stays: next } = moved.json();
    expect(ended[0]).toMatchObject({ id: stay.id, outcome: 'transferred' });
    expect(next[0]).toMatchObject({ unit_id: b.id, previous_stay_id: stay.id, checked_out_at: null });
    expect(ended[0].checked_out_at).toBe(next[0].checked_in_at);

    const done = await intake('POST', `/api/v1/stays/${next[0].id}/discharge`, { outcome: 'returned_home', destination: 'Kab. Brebes', note: 'Tiket bus dari Dinsos' });
    expect(done.statusCode).toBe(200);
    expect(done.json().stay).toMatchObject({ outcome: 'returned_home', destination: 'Kab. Brebes' });
    const again = await intake('POST', `/api/v1/stays/${next[0].id}/discharge`, { outcome: 'left' });
    expect(again.statusCode).toBe(409);
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, next[0].id)).orderBy(auditEvents.id).all()).map((e) => e.action);
    expect(actions).toEqual(['stay.transfer_in', 'stay.discharge']);
  });

  it('keeps another facility\'s desk out: it cannot place, see or discharge people it has no link to', async () => {
    const unit = await makeUnit(db, facility.id, { capacity: 5 });
    const [p] = (await register(intake, [{ name: 'Wahyu Hidayat', sex: 'L' }])).persons;
    expect((await otherIntake('GET', `/api/v1/residents/${p!.id}`)).statusCode).toBe(404);
    expect((await otherIntake('POST', '/api/v1/stays', { person_id: p!.id })).statusCode).toBe(404);
    expect((await otherIntake('POST', '/api/v1/stays', { person_id: p!.id, facility_id: facility.id, unit_id: unit.id })).statusCode).toBe(404);
    const stay = (await intake('POST', '/api/v1/stays', { person_id: p!.id, unit_id: unit.id })).json().stays[0];
    expect((await otherIntake('POST', `/api/v1/stays/${stay.id}/discharge`, { outcome: 'left' })).statusCode).toBe(404);
  });
});

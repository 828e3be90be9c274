import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents, stays } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
import { dueDateFrom, weeksOn } from '../../src/domain/persons/pregnancy.ts';

/** A pregnant woman registered and checked in to `unitId` at the desk's facility. */
async function pregnantInUnit(desk: Call, unitId: string, weeks = 38) {
  const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: `Ibu ${Math.random().toString(36).slice(2, 8)}`, sex: 'P', estimated_age: 27, pregnant: true, pregnancy_weeks: weeks }], confirm_new: true });
  expect(reg.statusCode).toBe(201);
  const mother = reg.json().persons[0] as { id: string; needs: { pregnancy_weeks: number; pregnancy_due_date: string } };
  const stay = await desk('POST', '/api/v1/stays', { person_id: mother.id, unit_id: unitId });
  expect(stay.statusCode, stay.body).toBe(201);
  return mother;
}

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

describe('a birth during a stay: mother and newborn together', () => {
  let app: FastifyInstance;
  let db: Db;
  let balai: Facility;
  let desk: Call;
  let otherDesk: Call;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    balai = await makeFacility(db, { kind: 'BALAI', services: ['maternity', 'early_childhood', 'medical'], clusters: ['anak'] });
    const other = await makeFacility(db, { kind: 'TPS' });
    desk = bearer(app, await makeToken(db, 'intake', { facility: balai.id }));
    otherDesk = bearer(app, await makeToken(db, 'intake', { facility: other.id }));
  });
  afterAll(async () => app.close());

  it('pregnancy weeks typed at intake give a due date; the record shows the weeks as of today', async () => {
    expect(dueDateFrom(34, '2026-12-07')).toBe('2027-01-18');
    expect(weeksOn('2027-01-18', '2026-12-07')).toBe(34);
    expect(weeksOn('2027-01-18', '2026-12-21')).toBe(36);
    const unit = await makeUnit(db, balai.id, { name: 'Ruang Bersalin A', admits: 'female', features: ['maternity', 'crib'] });
    const mother = await pregnantInUnit(desk, unit.id, 34);
    expect(mother.needs.pregnancy_weeks).toBe(34);
    expect(mother.needs.pregnancy_due_date).toBe(dueDateFrom(34, today()));
    // A correction with the weeks as shown keeps the due date; other weeks give a new one.
    const read = async () => (await desk('GET', `/api/v1/residents/${mother.id}`)).json().resident;
    let r = await read();
    expect((await desk('PATCH', `/api/v1/residents/${mother.id}`, { pregnancy_weeks: 34, phone: '0812-1', version: r.version })).statusCode).toBe(200);
    expect((await read()).needs.pregnancy_due_date).toBe(dueDateFrom(34, today()));
    r = await read();
    expect((await desk('PATCH', `/api/v1/residents/${mother.id}`, { pregnancy_weeks: 30, version: r.version })).statusCode).toBe(200);
    expect((await read()).needs).toMatchObject({ pregnancy_weeks: 30, pregnancy_due_date: dueDateFrom(30, today()) });
  });

  it('places the baby, a new person of her household, in her unit, clears her pregnancy, and audits it', async () => {
    const unit = await makeUnit(db, balai.id, { name: 'Ruang Ibu dan Bayi', admits: 'female', features: ['maternity', 'crib'], capacity: 4, bedLabelPattern: 'IB-{n}' });
    const mother = await pregnantInUnit(desk, unit.id);
    // A boy stays with his mother in a women's maternity unit: his sex is not asked.
    const res = await desk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'L', born_at: today(), birth_weight_grams: 3100 });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.moved).toBe(false);
    expect(body.baby).toMatchObject({ sex: 'L', birth_date: today(), age: 0, birth_weight_grams: 3100 });
    expect(body.stays).toHaveLength(1);
    expect(body.stays[0]).toMatchObject({ person_id: body.baby.id, unit_id: unit.id, bed_label: 'IB-2' });

    const record = (await desk('GET', `/api/v1/residents/${mother.id}`)).json();
    expect(record.resident.needs).toMatchObject({ pregnant: false, pregnancy_weeks: null, pregnancy_due_date: null });
    expect(record.household.map((m: { id: string; unit_id: string }) => [m.id, m.unit_id])).toContainEqual([body.baby.id, unit.id]);
    expect(body.baby.household_id).toBe(record.resident.household_id);
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'person.birth'), eq(auditEvents.entityId, mother.id))).all();
    expect(events).toHaveLength(1);

    // Once born, she is no longer pregnant: a second birth is refused.
    const again = await desk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'P', born_at: today() });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/tidak tercatat hamil/);
  });

  it('moves mother and baby together, in one step, when her unit takes no newborns', async () => {
    const f = await makeFacility(db, { kind: 'BALAI', services: ['maternity', 'early_childhood'] });
    const d = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    const ward = await makeUnit(db, f.id, { name: 'Zona Perempuan', admits: 'female', capacity: 10 });
    await makeUnit(db, f.id, { name: 'Wisma Keluarga Penuh', admits: 'family', features: ['crib'], capacity: 2 });
    const maternity = await makeUnit(db, f.id, { name: 'Ruang Ibu dan Bayi', admits: 'female', features: ['maternity', 'crib'], capacity: 6 });
    const mother = await pregnantInUnit(d, ward.id);
    const res = await d('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'P', born_at: `${today()}T03:15:00+07:00`, name: 'Putri' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.moved).toBe(true);
    expect(body.baby).toMatchObject({ name: 'Putri', sex: 'P' });
    const open = await db.select().from(stays).where(and(eq(stays.facilityId, f.id), isNull(stays.checkedOutAt))).all();
    expect(open.map((s) => [s.personId, s.unitId]).sort()).toEqual([[mother.id, maternity.id], [body.baby.id, maternity.id]].sort());
    const ended = await db.select().from(stays).where(and(eq(stays.personId, mother.id), eq(stays.unitId, ward.id))).get();
    expect(ended).toMatchObject({ outcome: 'transferred' });
    expect(open.find((s) => s.personId === mother.id)!.previousStayId).toBe(ended!.id);
  });

  it('answers 409 saying where there is room when no unit of her facility takes them together, and changes nothing', async () => {
    const f = await makeFacility(db, { kind: 'BALAI', services: ['maternity', 'early_childhood'], wilayahCode: '31.74' });
    const d = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
    const ward = await makeUnit(db, f.id, { name: 'Zona Perempuan', admits: 'female', capacity: 10 });
    await makeUnit(db, f.id, { name: 'Ruang Bayi Penuh', admits: 'female', features: ['maternity', 'crib'], capacity: 1 });
    const elsewhere = await makeFacility(db, { kind: 'BALAI', name: 'Balai Ibu Sejahtera', services: ['maternity', 'early_childhood'] });
    await makeUnit(db, elsewhere.id, { name: 'Ruang Ibu dan Bayi', admits: 'female', features: ['maternity', 'crib'], capacity: 6 });
    // The only unit with a cot has one place: not enough for mother and baby together.
    const mother = await pregnantInUnit(d, ward.id);

    const res = await d('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'L', born_at: today() });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NO_FREE_PLACE' });
    expect(res.json().detail).toContain('Balai Ibu Sejahtera · Ruang Ibu dan Bayi');
    const still = (await d('GET', `/api/v1/residents/${mother.id}`)).json();
    expect(still.resident.needs.pregnant).toBe(true);
    expect(still.household).toEqual([]);
  });

  it('refuses what is not a birth to record: not pregnant (409), bad input (422), another facility\'s desk (404)', async () => {
    const unit = await makeUnit(db, balai.id, { name: 'Ruang Ibu', admits: 'female', features: ['maternity', 'crib'] });
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Bukan Hamil', sex: 'P', estimated_age: 30 }], confirm_new: true });
    const notPregnant = reg.json().persons[0].id as string;
    await desk('POST', '/api/v1/stays', { person_id: notPregnant, unit_id: unit.id, split_reason: 'x' });
    expect((await desk('POST', `/api/v1/residents/${notPregnant}/birth`, { sex: 'L', born_at: today() })).statusCode).toBe(409);

    const mother = await pregnantInUnit(desk, unit.id);
    const bad = await desk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'X', born_at: 'kemarin', birth_weight_grams: 12 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['birth_weight_grams', 'born_at', 'sex']);
    const future = await desk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'L', born_at: '2999-01-01' });
    expect(future.statusCode).toBe(422);
    const unknownField = await desk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'L', born_at: today(), twins: true });
    expect(unknownField.statusCode).toBe(422);

    const foreign = await otherDesk('POST', `/api/v1/residents/${mother.id}/birth`, { sex: 'L', born_at: today() });
    expect(foreign.statusCode).toBe(404);
    expect((await desk('GET', `/api/v1/residents/${mother.id}`)).json().resident.needs.pregnant).toBe(true);
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents, persons } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';

describe('residents API: intake, duplicates, NIK, reading, merge', () => {
  let app: FastifyInstance;
  let db: Db;
  let intakeA: Call;
  let intakeB: Call;
  let command: Call;
  let manager: Call;
  let satpol: Call;
  let facilityA: Facility;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    facilityA = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    const facilityB = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.72' });
    await makeUnit(db, facilityA.id, { capacity: 20, admits: 'any' });
    intakeA = bearer(app, await makeToken(db, 'intake', { facility: facilityA.id }));
    intakeB = bearer(app, await makeToken(db, 'intake', { facility: facilityB.id }));
    manager = bearer(app, await makeToken(db, 'manager', { facility: facilityA.id }));
    command = bearer(app, await makeToken(db, 'command'));
    satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
  });
  afterAll(async () => app.close());

  it('registers one person with a resident code, the folded search key, consent time and age needs', async () => {
    const res = await intakeA('POST', '/api/v1/residents', {
      persons: [{ name: 'Hj. Siti Aminah', sex: 'P', estimated_age: 67, consent: true, nik: '3171015205580003', birth_date: '1958-05-12' }],
      source: 'outreach',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const p = body.persons[0];
    expect(p.resident_code).toMatch(/^SGH-[0-9A-Z]{6}$/);
    expect(p.nik).toBe('3171********0003');
    expect(p.age_needs).toEqual(['elderly']);
    expect(p.consent).toBe(true);
    expect(p.consent_at).toMatch(/\+07:00$/);
    expect(p.source).toBe('outreach');
    const row = (await db.select().from(persons).where(eq(persons.id, p.id)).get())!;
    expect(row.searchKey).toBe('siti aminah');
    expect(row.createdAtFacilityId).toBe(facilityA.id);
  });

  it('refuses impossible NIK values beside the field (422)', async () => {
    const res = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Budi', sex: 'L', nik: '3171013205850001' }] });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().errors).toEqual([{ path: 'persons.0.nik', message: expect.stringContaining('tidak mungkin') }]);
  });

  it('asks before saving when the NIK disagrees with the birth date, and records the override', async () => {
    const person = { name: 'Agus Salim', sex: 'L', nik: '3171011205850011', birth_date: '1986-05-12' };
    const ask = await intakeA('POST', '/api/v1/residents', { persons: [person] });
    expect(ask.statusCode).toBe(409);
    expect(ask.json()).toMatchObject({ code: 'NEEDS_DECISION', nik_warnings: [{ index: 0, code: 'nik.birth_date_mismatch', blocking: true, path: 'persons.0.nik' }] });
    expect(await db.select().from(persons).where(eq(persons.nik, '3171011205850011')).get()).toBeUndefined();

    const ok = await intakeA('POST', '/api/v1/residents', { persons: [{ ...person, nik_override_reason: 'KTP lama, tanggal salah cetak' }] });
    expect(ok.statusCode).toBe(201);
    const id = ok.json().persons[0].id;
    expect(ok.json().persons[0].nik_override_reason).toBe('KTP lama, tanggal salah cetak');
    const events = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, id)).orderBy(auditEvents.id).all()).map((e) => e.action);
    expect(events).toContain('person.nik_override');
  });

  it('warns but saves a NIK whose kab/kota code is not in today\'s list', async () => {
    const res = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Yohanes', sex: 'L', nik: '3199011205850001' }] });
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([expect.objectContaining({ code: 'nik.unknown_kabkota', blocking: false })]);
  });

  it('finds spelling variants as possible duplicates; the caller decides same_as or confirm_new', async () => {
    const first = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Muhammad Rizki', sex: 'L', estimated_age: 30 }] });
    expect(first.statusCode).toBe(201);
    const original = first.json().persons[0];

    const again = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Moch. Rizky', sex: 'L', estimated_age: 33, phone: '08123456789' }] });
    expect(again.statusCode).toBe(409);
    const dup = again.json();
    expect(dup.code).toBe('NEEDS_DECISION');
    expect(dup.duplicates[0].candidates.map((c: { id: string }) => c.id)).toContain(original.id);

    // Same person: the intake fills the existing record; no new person.
    const count = (await db.select().from(persons).all()).length;
    const same = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Moch. Rizky', sex: 'L', estimated_age: 33, phone: '08123456789', same_as: original.id }] });
    expect(same.statusCode).toBe(201);
    expect(same.json().attached).toEqual([original.id]);
    expect((await db.select().from(persons).all()).length).toBe(count);
    expect((await db.select().from(persons).where(eq(persons.id, original.id)).get())!.phone).toBe('08123456789');

    // A different man of the same name, twenty years older, is not even a candidate.
    const older = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Muhamad Rizki', sex: 'L', estimated_age: 58 }] });
    expect(older.statusCode).toBe(201);

    // confirm_new proceeds past possible duplicates.
    const newOne = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Muhamad Rizki', sex: 'L', estimated_age: 31, confirm_new: true }] });
    expect(newOne.statusCode).toBe(201);
    expect(newOne.json().attached).toEqual([]);
  });

  it('treats the same NIK as a certain match that "new" cannot pass', async () => {
    const nik = '3171014407900021';
    const a = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Dewi Lestari', sex: 'P', nik }] });
    expect(a.statusCode).toBe(201);
    const b = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Dewi L.', sex: 'P', nik }] });
    expect(b.statusCode).toBe(409);
    expect(b.json().duplicates[0].candidates[0]).toMatchObject({ certain: true, nik_masked: '3171********0021' });
    const c = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Dewi L.', sex: 'P', nik, confirm_new: true }] });
    expect(c.statusCode).toBe(422);
  });

  it('searches by name variant, resident code and NIK, only among people the caller may see', async () => {
    const made = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Soekarno Djojo', alias: 'Karno', sex: 'L', nik: '3171010101600001' }] });
    const p = made.json().persons[0];
    const byName = await intakeA('GET', '/api/v1/residents?q=' + encodeURIComponent('sukarno'));
    expect(byName.json().residents.map((r: { id: string }) => r.id)).toContain(p.id);
    const byCode = await intakeA('GET', '/api/v1/residents?q=' + p.resident_code.slice(4));
    expect(byCode.json().residents.map((r: { id: string }) => r.id)).toContain(p.id);
    const byNik = await intakeA('GET', '/api/v1/residents?q=3171010101600001');
    expect(byNik.json().residents.map((r: { id: string }) => r.id)).toEqual([p.id]);
    expect(byNik.json().residents[0].nik_masked).toBe('3171********0001');
    const byAlias = await intakeA('GET', '/api/v1/residents?q=karno');
    expect(byAlias.json().residents.map((r: { id: string }) => r.id)).toContain(p.id);
    // Another facility's desk does not find them.
    const elsewhere = await intakeB('GET', '/api/v1/residents?q=sukarno');
    expect(elsewhere.json().residents).toEqual([]);
    const wide = await command('GET', '/api/v1/residents?q=sukarno');
    expect(wide.json().residents.map((r: { id: string }) => r.id)).toContain(p.id);
  });

  it('audits reading a record and revealing a NIK; another facility gets 404; satpol 403', async () => {
    const made = await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Rina Wati', sex: 'P', nik: '3171015003950002' }] });
    const id = made.json().persons[0].id;
    const read = await intakeA('GET', `/api/v1/residents/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().resident.nik).toBe('3171********0002');
    const reveal = await intakeA('POST', `/api/v1/residents/${id}/reveal-nik`, {});
    expect(reveal.statusCode).toBe(200);
    expect(reveal.json().nik).toBe('3171015003950002');
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, id)).orderBy(auditEvents.id).all()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['person.create', 'person.read', 'person.reveal_nik']));

    expect((await intakeB('GET', `/api/v1/residents/${id}`)).statusCode).toBe(404);
    expect((await intakeB('POST', `/api/v1/residents/${id}/reveal-nik`, {})).statusCode).toBe(404);
    expect((await satpol('GET', `/api/v1/residents/${id}`)).statusCode).toBe(403);
    expect((await satpol('POST', '/api/v1/residents', { persons: [{ name: 'X', sex: 'L' }] })).statusCode).toBe(403);
    expect((await command('GET', `/api/v1/residents/${id}`)).statusCode).toBe(200);
  });

  it('merges two records of the same person: nothing lost, stays move, the merged one points to the survivor', async () => {
    const unit = await makeUnit(db, facilityA.id, { capacity: 5 });
    const a = (await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Joko Susilo', sex: 'L', estimated_age: 45 }] })).json().persons[0];
    const b = (
      await intakeA('POST', '/api/v1/residents', { persons: [{ name: 'Djoko Soesilo', sex: 'L', estimated_age: 44, nik: '3171010505800009', phone: '0811111111', confirm_new: true }] })
    ).json().persons[0];
    const stay = await intakeA('POST', '/api/v1/stays', { person_id: b.id, unit_id: unit.id });
    expect(stay.statusCode).toBe(201);

    expect((await intakeA('POST', `/api/v1/residents/${a.id}/merge`, { other: b.resident_code })).statusCode).toBe(403);
    const merged = await manager('POST', `/api/v1/residents/${a.id}/merge`, { other: b.resident_code, reason: 'sama orang' });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().survivor).toMatchObject({ id: a.id, name: 'Joko Susilo', phone: '0811111111', nik: '3171********0009' });
    const loser = (await db.select().from(persons).where(eq(persons.id, b.id)).get())!;
    expect(loser.mergedIntoId).toBe(a.id);
    expect(loser.name).toBe('Djoko Soesilo');
    const read = (await intakeA('GET', `/api/v1/residents/${a.id}`)).json();
    expect(read.stays).toHaveLength(1);
    expect(read.merged_from).toEqual([b.id]);
    // The old id still resolves, to the survivor.
    const old = (await intakeA('GET', `/api/v1/residents/${b.id}`)).json();
    expect(old.resident.id).toBe(a.id);
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, a.id)).orderBy(auditEvents.id).all()).map((e) => e.action);
    expect(actions).toContain('person.merge');
  });
});

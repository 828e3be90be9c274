import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents, persons, stays } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, type Facility, type Unit } from '../helpers/factories.ts';
import { Browser, signedIn } from '../helpers/session.ts';

const HX = { 'hx-request': 'true', 'hx-request-type': 'partial' };

/** The form fields of a household intake, as the page's form sends them. */
function householdForm(key: string) {
  return {
    idempotency_key: key,
    source: 'walk_in',
    household: 'on',
    'persons.0.name': 'Ibu Ratna Sari',
    'persons.0.sex': 'P',
    'persons.0.estimated_age': '29',
    'persons.0.pregnant': 'on',
    'persons.0.pregnancy_weeks': '20',
    'persons.0.consent': 'on',
    'persons.1.name': 'Dimas',
    'persons.1.sex': 'L',
    'persons.1.birth_date': '2022-03-04',
    'persons.2.name': 'Ayu',
    'persons.2.sex': 'P',
    'persons.2.birth_date': '2016-08-17',
    step: 'save',
  };
}

describe('intake desk pages', () => {
  let app: FastifyInstance;
  let db: Db;
  let desk: Browser;
  let facility: Facility;
  let family: Unit;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    facility = await makeFacility(db, { kind: 'TPS', name: 'GOR Cempaka Putih' });
    await makeUnit(db, facility.id, { name: 'Zona Laki-laki', admits: 'male', capacity: 30 });
    family = await makeUnit(db, facility.id, { name: 'Zona Keluarga', admits: 'family', capacity: 12, bedLabelPattern: 'K-{n}' });
    const u = await makeUser(db, 'intake', { facilityId: facility.id });
    desk = await signedIn(app, u.username, u.password);
  });
  afterAll(async () => app.close());

  it('shows the intake form with every field a desk needs, with CSRF and an idempotency key', async () => {
    const res = await desk.get('/intake');
    expect(res.statusCode).toBe(200);
    for (const f of ['name', 'alias', 'description', 'sex', 'birth_date', 'estimated_age', 'nik', 'kk', 'category', 'phone', 'pregnant', 'pregnancy_weeks', 'disabilities', 'wheelchair', 'chronic_illness', 'needs_medical', 'unaccompanied_child', 'trafficking_victim', 'ktp_address', 'domicile_address', 'origin_wilayah_code', 'dtks', 'pkh', 'bpnt', 'consent']) {
      expect(res.body).toContain(`name="persons.0.${f}"`);
    }
    expect(res.body).toContain('name="idempotency_key"');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).not.toMatch(/ style=|<script>|hx-on/);
  });

  it('adds and removes members in place: a full page without JS, the form alone for htmx', async () => {
    const plain = await desk.post('/intake', { step: 'add_member', 'persons.0.name': 'Ratna', 'persons.0.sex': 'P' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toContain('<html');
    expect(plain.body).toContain('name="persons.1.name"');
    expect(plain.body).toContain('value="Ratna"');
    const hx = await desk.post('/intake', { step: 'add_member', 'persons.0.name': 'Ratna', 'persons.1.name': 'Dimas' }, { headers: HX });
    expect(hx.body.trim().startsWith('<form id="intake-form"')).toBe(true);
    expect(hx.body).toContain('name="persons.2.name"');
    expect(hx.body).toContain('name="household" checked');
    const removed = await desk.post('/intake', { step: 'remove:0', 'persons.0.name': 'Salah', 'persons.1.name': 'Dimas' }, { headers: HX });
    expect(removed.body).toContain('value="Dimas"');
    expect(removed.body).not.toContain('value="Salah"');
    expect(removed.body).not.toContain('name="persons.1.name"');
  });

  it('re-renders the form with each error beside its field (422)', async () => {
    const res = await desk.post('/intake', { 'persons.0.nik': '12345', step: 'save' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Isi nama, atau ciri-ciri');
    expect(res.body).toContain('Pilih jenis kelamin');
    expect(res.body).toContain('NIK harus 16 angka');
  });

  it('registers a household once even when the form is submitted twice, then places it together', async () => {
    const form = householdForm('household-form-0001');
    const first = await desk.post('/intake', form);
    const second = await desk.post('/intake', form);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    const loc = String(first.headers.location);
    expect(loc).toMatch(/^\/intake\/check-in\?p=/);
    expect(await db.select().from(persons).where(eq(persons.name, 'Ibu Ratna Sari')).all()).toHaveLength(1);
    const mother = (await db.select().from(persons).where(eq(persons.name, 'Ibu Ratna Sari')).get())!;
    expect(mother.searchKey).toBe('ratna sari');
    expect(mother.consentAt).not.toBeNull();
    expect(mother.householdId).not.toBeNull();

    const page = await desk.get(loc);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Zona Keluarga');
    expect(page.body).toContain('Anak usia dini');
    // The men's zone does not take this household.
    expect(page.body).toMatch(/Zona Laki-laki[\s\S]*Tidak untuk kelompok ini/);
    const ids = [...loc.matchAll(/p=([^&]+)/g)].map((m) => decodeURIComponent(m[1]!));
    const res = await desk.post('/intake/check-in', { idempotency_key: 'checkin-form-0001', facility_id: facility.id, unit_id: family.id, person_ids: ids, all: ids });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/residents/${ids[0]}`);
    const open = await db.select().from(stays).where(and(eq(stays.unitId, family.id), isNull(stays.checkedOutAt))).all();
    expect(open.map((s) => s.personId).sort()).toEqual([...ids].sort());

    const person = await desk.get(`/residents/${ids[0]}`);
    expect(person.body).toContain('GOR Cempaka Putih');
    expect(person.body).toContain('Zona Keluarga');
    expect(person.body).toContain('Ibu hamil');
    expect(person.body).toContain('20 minggu');
    expect(person.body).toContain('Dimas');
  });

  it('shows possible duplicates with masked NIK and attaches the intake to the chosen record', async () => {
    const created = await desk.post('/intake', { 'persons.0.name': 'Muhammad Rizki', 'persons.0.sex': 'L', 'persons.0.estimated_age': '25', 'persons.0.nik': '3171010203990005', step: 'save' });
    expect(created.statusCode).toBe(303);
    const original = (await db.select().from(persons).where(eq(persons.name, 'Muhammad Rizki')).get())!;
    const again = await desk.post('/intake', { 'persons.0.name': 'Moch. Rizky', 'persons.0.sex': 'L', 'persons.0.estimated_age': '27', step: 'save' });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('id="needs-decision"');
    expect(again.body).toContain(original.residentCode);
    expect(again.body).toContain('3171********0005');
    expect(again.body).not.toContain('3171010203990005');
    const chosen = await desk.post('/intake', { 'persons.0.name': 'Moch. Rizky', 'persons.0.sex': 'L', 'persons.0.estimated_age': '27', 'persons.0.alias': 'Kiki', 'persons.0.decision': original.id, step: 'save' });
    expect(chosen.statusCode).toBe(303);
    expect(chosen.headers.location).toBe(`/intake/check-in?p=${original.id}`);
    expect((await db.select().from(persons).where(eq(persons.id, original.id)).get())!.alias).toBe('Kiki');
  });

  it('asks to keep a NIK that disagrees with the sex, with a reason, and records it', async () => {
    const base = { 'persons.0.name': 'Wulan Sari', 'persons.0.sex': 'P', 'persons.0.nik': '3171011205850031', step: 'save' };
    const ask = await desk.post('/intake', base);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('NIK menunjukkan jenis kelamin L');
    expect(ask.body).toContain('name="persons.0.nik_keep"');
    const noReason = await desk.post('/intake', { ...base, 'persons.0.nik_keep': 'on' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('Tulis alasan');
    const kept = await desk.post('/intake', { ...base, 'persons.0.nik_keep': 'on', 'persons.0.nik_override_reason': 'Salah ketik di Dukcapil' });
    expect(kept.statusCode).toBe(303);
    const p = (await db.select().from(persons).where(eq(persons.name, 'Wulan Sari')).get())!;
    expect(p.nikOverrideReason).toBe('Salah ketik di Dukcapil');
  });

  it('finds people as you type (a fragment for htmx) and by a plain GET', async () => {
    const hx = await desk.get('/residents?q=ratna', HX);
    expect(hx.body.trim().startsWith('<div id="results"')).toBe(true);
    expect(hx.body).toContain('Ibu Ratna Sari');
    const plain = await desk.get('/residents?q=rizky');
    expect(plain.body).toContain('<html');
    expect(plain.body).toContain('Muhammad Rizki');
  });

  it('masks the NIK until asked; asking is audited and shows it', async () => {
    const p = (await db.select().from(persons).where(eq(persons.name, 'Muhammad Rizki')).get())!;
    const page = await desk.get(`/residents/${p.id}`);
    expect(page.body).toContain('3171********0005');
    expect(page.body).not.toContain('3171010203990005');
    const shown = await desk.post(`/residents/${p.id}/reveal-nik`, { idempotency_key: 'reveal-nik-00001' }, { headers: HX });
    expect(shown.statusCode).toBe(200);
    expect(shown.body.trim().startsWith('<div id="id-numbers"')).toBe(true);
    expect(shown.body).toContain('3171010203990005');
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, p.id)).orderBy(auditEvents.id).all()).map((e) => e.action);
    expect(actions).toContain('person.reveal_nik');
    expect(actions).toContain('person.read');
  });

  it('prints a card with the resident code as an inline SVG QR code', async () => {
    const p = (await db.select().from(persons).where(eq(persons.name, 'Dimas')).get())!;
    const res = await desk.get(`/residents/${p.id}/card`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<svg class="qr"');
    expect(res.body).toContain(p.residentCode);
    expect(res.body).not.toMatch(/ style=/);
  });

  it('discharges one child from the person page; a missing destination is an error beside the field', async () => {
    const child = (await db.select().from(persons).where(eq(persons.name, 'Ayu')).get())!;
    const stay = (await db.select().from(stays).where(and(eq(stays.personId, child.id), isNull(stays.checkedOutAt))).get())!;
    const bad = await desk.post(`/stays/${stay.id}/discharge`, { outcome: 'reunited', idempotency_key: 'discharge-bad-001' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Tulis tujuannya');
    const ok = await desk.post(`/stays/${stay.id}/discharge`, { outcome: 'reunited', destination: 'Nenek di Depok', idempotency_key: 'discharge-ok-0001' });
    expect(ok.statusCode).toBe(303);
    expect((await db.select().from(stays).where(eq(stays.id, stay.id)).get())!.outcome).toBe('reunited');
    const page = await desk.get(`/residents/${child.id}`);
    expect(page.body).toContain('Kembali ke keluarga');
    expect(page.body).toContain('Nenek di Depok');
  });

  it('shows the intake officer home with quick links and today\'s counts', async () => {
    const home = await desk.get('/');
    expect(home.body).toContain('href="/intake"');
    expect(home.body).toContain('hx-get="/intake/summary"');
    const summary = await desk.get('/intake/summary', HX);
    expect(summary.statusCode).toBe(200);
    expect(summary.body).toContain('id="intake-summary"');
    expect(summary.body).toContain('masuk hari ini');
  });

  it('keeps people from those who may not see them', async () => {
    const p = (await db.select().from(persons).where(eq(persons.name, 'Dimas')).get())!;
    const other = await makeFacility(db, { kind: 'TPS' });
    const stranger = await makeUser(db, 'intake', { facilityId: other.id });
    const b = await signedIn(app, stranger.username, stranger.password);
    expect((await b.get(`/residents/${p.id}`)).statusCode).toBe(404);
    expect((await b.get(`/residents/${p.id}/card`)).statusCode).toBe(404);
    expect((await b.get('/residents?q=dimas')).body).not.toContain('Dimas</strong>');
    const satpolUser = await makeUser(db, 'satpol', { wilayahCode: '31.71' });
    const s = await signedIn(app, satpolUser.username, satpolUser.password);
    expect((await s.get('/residents')).statusCode).toBe(403);
    expect((await s.get(`/residents/${p.id}`)).statusCode).toBe(403);
    expect((await s.get('/intake')).statusCode).toBe(403);
  });
});

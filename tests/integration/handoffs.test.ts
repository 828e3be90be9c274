import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { alerts, auditEvents, handoffPersons, handoffs, persons, users } from '../../src/db/schema/index.ts';
import { hubFor, type HubEvent } from '../../src/domain/events.ts';
import { runHandoffChecks } from '../../src/domain/handoffs/overdue.ts';
import { handoffOriginOf } from '../../src/domain/handoffs/origin.ts';
import { intakePrefill } from '../../src/domain/handoffs/intake-prefill.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { HANDOFF_NUMBER_RE } from '../../src/domain/handoffs/number.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser } from '../helpers/session.ts';

/** A WIB datetime-local an hour ago, as a phone's field sends it. */
function anHourAgoLocal(): string {
  return new Date(Date.now() + 6 * 3600_000).toISOString().slice(0, 16);
}

function handoffBody(facilityId: string, o: { wilayah?: string; persons?: unknown[] } = {}) {
  return {
    operation: {
      number: 'SPT/045/SATPOL/XI/2026',
      at: new Date(Date.now() - 3600_000).toISOString(),
      place: 'Kolong Flyover Senen',
      wilayah_code: o.wilayah ?? '31.71',
      team: 'Regu B',
      leader_name: 'Hendra Saputra',
      leader_nip: '19800101 200501 1 001',
    },
    facility_id: facilityId,
    persons: o.persons ?? [
      { name: 'Siti Aminah', sex: 'P', approx_age: 27, needs: ['pregnant'], belongings: 'tas ransel' },
      { description: 'laki-laki, kaos merah, bertopi', sex: 'L', approx_age: 40, notes: 'tidak mau menyebut nama' },
    ],
  };
}

const count = async (db: Db, table: 'handoffs' | 'handoff_persons') => (await db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;

describe('Satpol PP handoffs', () => {
  let app: FastifyInstance;
  let db: Db;
  let tps: Facility;
  let other: Facility;
  let satpolToken: string;
  let intakeToken: string;
  let satpol: Browser;
  let satpolJu: Browser;
  let desk: Browser;
  let events: HubEvent[];

  beforeEach(async () => {
    ({ app, db } = await makeTestApp());
    tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71', name: 'GOR Uji Cempaka' });
    await makeUnit(db, tps.id, { capacity: 20 });
    other = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.72' });
    await makeUnit(db, other.id, { capacity: 5 });
    satpolToken = await makeToken(db, 'satpol', { wilayah: '31.71' });
    intakeToken = await makeToken(db, 'intake', { facility: tps.id });
    const s = await makeUser(db, 'satpol', { wilayahCode: '31.71' });
    const s2 = await makeUser(db, 'satpol', { wilayahCode: '31.72' });
    const i = await makeUser(db, 'intake', { facilityId: tps.id });
    await write(db, async (tx) => {
      await tx.update(users).set({ displayName: 'Rina Petugas', staffNumber: '19900202 201501 2 002' }).where(eq(users.id, i.id)).run();
    });
    satpol = await signedIn(app, s.username, s.password);
    satpolJu = await signedIn(app, s2.username, s2.password);
    desk = await signedIn(app, i.username, i.password);
    events = [];
    hubFor(db).subscribe((e) => {
      events.push(e);
    });
  });
  afterEach(async () => app.close());

  const submit = (body: unknown, headers: Record<string, string> = {}) => bearer(app, satpolToken)('POST', '/api/v1/handoffs', body, headers);

  describe('submitting', () => {
    it('saves one handoff with a number said on the phone, unique and counted per kab/kota and WIB day', async () => {
      const res = await submit(handoffBody(tps.id));
      expect(res.statusCode).toBe(201);
      const h = res.json();
      const today = wibDate(new Date().toISOString()).replaceAll('-', '');
      expect(h.number).toBe(`HO-3171-${today}-0001`);
      expect(h.number).toMatch(HANDOFF_NUMBER_RE);
      expect(res.headers.location).toBe(`/api/v1/handoffs/${h.id}`);
      expect(h.status).toBe('OPEN');
      expect(h.counts).toEqual({ total: 2, pending: 2, received: 0, not_received: 0 });
      expect(h.persons.map((p: { seq: number; status: string }) => [p.seq, p.status])).toEqual([
        [1, 'PENDING'],
        [2, 'PENDING'],
      ]);
      expect(h.operation.at).toMatch(/\+07:00$/);
      // The submitter never sees a person record, not even its id.
      expect(h.persons[0]).not.toHaveProperty('person_id');

      const second = (await submit(handoffBody(tps.id, { wilayah: '3171' }))).json();
      expect(second.number).toBe(`HO-3171-${today}-0002`);
      const admin = await makeUser(db, 'admin');
      const ab = await signedIn(app, admin.username, admin.password);
      const ju = await ab.api('POST', '/api/v1/handoffs', handoffBody(other.id, { wilayah: '31.72' }));
      expect(ju.statusCode).toBe(201);
      expect(ju.json().number).toBe(`HO-3172-${today}-0001`);
      const numbers = (await db.select({ n: handoffs.number }).from(handoffs).all()).map((r) => r.n);
      expect(new Set(numbers).size).toBe(3);
      // Published after commit, with how many are still pending.
      expect(events.filter((e) => e.type === 'handoff')).toHaveLength(3);
      expect(events[0]).toMatchObject({ type: 'handoff', status: 'OPEN', pending: 2, facilityId: tps.id, wilayahCode: '31.71' });
    });

    it('refuses a closed, standby or protected facility with a field error, and changes nothing', async () => {
      const closed = await makeFacility(db, { wilayahCode: '31.71', status: 'CLOSED' });
      const standby = await makeFacility(db, { wilayahCode: '31.71', status: 'STANDBY' });
      const hidden = await makeFacility(db, { wilayahCode: '31.71', protected: true });
      for (const f of [closed, standby, hidden]) {
        const res = await submit(handoffBody(f.id));
        expect(res.statusCode).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.json().errors).toEqual([{ path: 'facility_id', message: expect.any(String) }]);
      }
      expect((await submit(handoffBody(closed.id))).json().errors[0].message).toMatch(/tutup/);
      // Even the command centre, who may know a protected facility, cannot hand people to it.
      const command = await makeToken(db, 'command');
      const res = await bearer(app, command)('POST', '/api/v1/handoffs', handoffBody(hidden.id));
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatchObject({ path: 'facility_id' });
      expect(await count(db, 'handoffs')).toBe(0);
      expect(await count(db, 'handoff_persons')).toBe(0);

      // The field form shows the message beside the facility and keeps what was typed.
      await satpol.get('/handoffs/new');
      const form = await satpol.post('/handoffs', {
        step: 'save',
        'operation.number': 'OPS/7',
        'operation.at': anHourAgoLocal(),
        'operation.place': 'Stasiun Senen',
        'operation.wilayah_code': '31.71',
        'operation.leader_name': 'Pak Budi',
        facility_id: closed.id,
        'persons.0.name': 'Wawan',
        'persons.0.sex': 'L',
      });
      expect(form.statusCode).toBe(422);
      expect(form.body).toContain('Fasilitas ini sudah tutup');
      expect(form.body).toContain('value="Wawan"');
      expect(await count(db, 'handoffs')).toBe(0);
      // The form never offers a closed, standby or protected facility.
      const page = await satpol.get('/handoffs/new');
      expect(page.body).toContain(tps.id);
      for (const f of [closed, standby, hidden]) expect(page.body).not.toContain(f.id);
    });

    it('answers bad input with one clear message per field, and saves nothing', async () => {
      const res = await submit({
        operation: { number: '', at: '2026-13-45T99:00', place: ' ', wilayah_code: '31.71', leader_name: '', leader_nip: 'NIP-abc' },
        facility_id: tps.id,
        persons: [{ sex: 'L', needs: ['pregnant'] }, { name: 'Ani', sex: 'X' }, { name: 'Tua', sex: 'L', approx_age: 300 }],
      });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const body = res.json();
      expect(body.type).toBe('/problems/validation');
      const paths = body.errors.map((e: { path: string }) => e.path).sort();
      expect(paths).toEqual(
        [
          'operation.at',
          'operation.leader_name',
          'operation.leader_nip',
          'operation.number',
          'operation.place',
          'persons.0.name',
          'persons.0.needs',
          'persons.1.sex',
          'persons.2.approx_age',
        ].sort(),
      );
      for (const e of body.errors) expect(e.message).not.toMatch(/^(handoffs|field)\./);
      expect(body.errors.find((e: { path: string }) => e.path === 'persons.0.name').message).toBe('Isi nama atau ciri-ciri.');

      const future = await submit({ ...handoffBody(tps.id), operation: { ...handoffBody(tps.id).operation, at: new Date(Date.now() + 86_400_000).toISOString() } });
      expect(future.json().errors).toEqual([{ path: 'operation.at', message: 'Waktu operasi tidak boleh di masa depan.' }]);
      const none = await submit({ ...handoffBody(tps.id), persons: [] });
      expect(none.json().errors).toEqual([{ path: 'persons', message: 'Tambahkan setidaknya satu orang.' }]);
      const province = await submit(handoffBody(tps.id, { wilayah: '31' }));
      expect(province.json().errors).toEqual([{ path: 'operation.wilayah_code', message: expect.stringMatching(/kabupaten\/kota/) }]);
      const en = await bearer(app, satpolToken)('POST', '/api/v1/handoffs?lang=en', { ...handoffBody(tps.id), facility_id: undefined });
      expect(en.json().errors).toEqual([{ path: 'facility_id', message: 'Choose the receiving facility.' }]);
      const malformed = await app.inject({ method: 'POST', url: '/api/v1/handoffs', headers: { authorization: `Bearer ${satpolToken}`, 'content-type': 'application/json' }, payload: '{"operation":' });
      expect(malformed.statusCode).toBe(400);
      expect(await count(db, 'handoffs')).toBe(0);
      expect(await count(db, 'handoff_persons')).toBe(0);

      // The field form: each message beside its field.
      const form = await satpol.post('/handoffs', { step: 'save', 'operation.at': anHourAgoLocal(), facility_id: tps.id, 'persons.0.needs': 'pregnant' });
      expect(form.statusCode).toBe(422);
      expect(form.body).toMatch(/id="f-operation-number"[^>]*aria-invalid="true"/);
      expect(form.body).toContain('Isi nama atau ciri-ciri.');
      expect(form.body).toContain('Pilih jenis kelamin.');
      expect(await count(db, 'handoffs')).toBe(0);
    });

    it('lets a Satpol PP token hand over only from operations in its own wilayah', async () => {
      const res = await submit(handoffBody(other.id, { wilayah: '31.72' }));
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await count(db, 'handoffs')).toBe(0);
      // Bound to a province: any of its kab/kota.
      const dki = await makeToken(db, 'satpol', { wilayah: '31' });
      expect((await bearer(app, dki)('POST', '/api/v1/handoffs', handoffBody(other.id, { wilayah: '31.72' }))).statusCode).toBe(201);
      expect((await bearer(app, dki)('POST', '/api/v1/handoffs', handoffBody(other.id, { wilayah: '32.75' }))).statusCode).toBe(403);
    });

    it('does its work once when the same submit arrives twice (Idempotency-Key, and the form key)', async () => {
      // A retry sends the very same body (the key now names account + endpoint + body).
      const body = handoffBody(tps.id);
      const a = await submit(body, { 'idempotency-key': 'drop-retry-0001' });
      const b = await submit(body, { 'idempotency-key': 'drop-retry-0001' });
      expect(a.statusCode).toBe(201);
      expect(b.statusCode).toBe(201);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.json().number).toBe(a.json().number);
      expect(await count(db, 'handoffs')).toBe(1);

      const form = {
        step: 'save',
        idempotency_key: 'form-key-000000042',
        'operation.number': 'OPS/9',
        'operation.at': anHourAgoLocal(),
        'operation.place': 'Pasar Baru',
        'operation.wilayah_code': '31.71',
        'operation.leader_name': 'Pak Joko',
        facility_id: tps.id,
        'persons.0.description': 'perempuan lansia, kerudung hijau',
        'persons.0.sex': 'P',
        'persons.0.needs': 'elderly',
      };
      const first = await satpol.post('/handoffs', form);
      const again = await satpol.post('/handoffs', form);
      expect(first.statusCode).toBe(303);
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe(first.headers.location);
      expect(first.headers.location).toMatch(/\?submitted=form-key-000000042$/);
      expect(await count(db, 'handoffs')).toBe(2);
    });

    it('adds and removes persons in place, without saving', async () => {
      const htmx = { headers: { 'hx-request': 'true', 'hx-request-type': 'partial' } };
      const added = await satpol.post('/handoffs', { step: 'add_person', 'persons.0.name': 'Budi', 'persons.0.sex': 'L' }, htmx);
      expect(added.statusCode).toBe(200);
      expect(added.body.startsWith('<form id="handoff-form"')).toBe(true);
      expect(added.body).toContain('id="person-1"');
      expect(added.body).toContain('value="Budi"');
      const removed = await satpol.post('/handoffs', { step: 'remove:0', 'persons.0.name': 'Budi', 'persons.1.name': 'Ani' }, htmx);
      expect(removed.body).not.toContain('id="person-1"');
      expect(removed.body).toContain('value="Ani"');
      // Without JavaScript the same buttons give the whole page.
      const page = await satpol.post('/handoffs', { step: 'add_person' });
      expect(page.body).toContain('<html');
      expect(await count(db, 'handoffs')).toBe(0);
    });
  });

  describe('what each side sees', () => {
    it('a Satpol PP account sees only its unit’s handoffs, and never a person record', async () => {
      const mine = (await satpol.api('POST', '/api/v1/handoffs', handoffBody(tps.id))).json();
      const theirs = (await satpolJu.api('POST', '/api/v1/handoffs', handoffBody(other.id, { wilayah: '31.72' }))).json();
      expect(mine.number).toMatch(/^HO-3171-/);

      const list = (await satpol.api('GET', '/api/v1/handoffs')).json();
      expect(list.handoffs.map((h: { id: string }) => h.id)).toEqual([mine.id]);
      expect((await satpol.api('GET', `/api/v1/handoffs/${theirs.id}`)).statusCode).toBe(404);
      expect((await satpol.get(`/handoffs/${theirs.id}`)).statusCode).toBe(404);
      expect((await satpol.get(`/handoffs/${theirs.id}/bast`)).statusCode).toBe(404);
      const page = await satpol.get('/handoffs');
      expect(page.body).toContain(mine.number);
      expect(page.body).not.toContain(theirs.number);
      // The token of the same unit sees what its officers submitted from the browser.
      expect((await bearer(app, satpolToken)('GET', `/api/v1/handoffs/${mine.id}`)).statusCode).toBe(200);

      // No person records, by page or API.
      expect((await satpol.get('/residents')).statusCode).toBe(403);
      expect((await satpol.api('GET', '/api/v1/residents')).statusCode).toBe(403);
      expect((await bearer(app, satpolToken)('GET', '/api/v1/residents?q=siti')).statusCode).toBe(403);
      // Nor can they account for anyone.
      const line = mine.persons[0].id;
      expect((await satpol.api('POST', `/api/v1/handoffs/${mine.id}/persons/${line}/not-received`, { reason: 'x' })).statusCode).toBe(403);

      // After the desk received someone, the officers see the status — not who the person became.
      const reg = (await bearer(app, intakeToken)('POST', '/api/v1/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', estimated_age: 27, pregnant: true }] })).json();
      const personId = reg.persons[0].id;
      await bearer(app, intakeToken)('POST', `/api/v1/handoffs/${mine.id}/persons/${line}/receive`, { person_id: personId });
      const seen = (await satpol.api('GET', `/api/v1/handoffs/${mine.id}`)).json();
      expect(seen.persons[0].status).toBe('RECEIVED');
      expect(JSON.stringify(seen)).not.toContain(personId);
      expect(JSON.stringify(seen)).not.toContain(reg.persons[0].resident_code);
      const html = await satpol.get(`/handoffs/${mine.id}`);
      expect(html.body).toContain('Diterima');
      expect(html.body).not.toContain(personId);
      expect(html.body).not.toContain(reg.persons[0].resident_code);
      expect(html.body).not.toContain('/receive');
    });

    it('the desk sees the handoffs coming to its own facility only', async () => {
      const toUs = (await submit(handoffBody(tps.id))).json();
      const dki = await makeToken(db, 'satpol', { wilayah: '31' });
      const elsewhere = (await bearer(app, dki)('POST', '/api/v1/handoffs', handoffBody(other.id, { wilayah: '31.72' }))).json();
      const list = (await desk.api('GET', '/api/v1/handoffs?status=open')).json();
      expect(list.handoffs.map((h: { id: string }) => h.id)).toEqual([toUs.id]);
      expect((await desk.get(`/handoffs/${elsewhere.id}`)).statusCode).toBe(404);
      expect((await desk.api('POST', `/api/v1/handoffs/${elsewhere.id}/persons/${elsewhere.persons[0].id}/not-received`, { reason: 'x' })).statusCode).toBe(404);
      const notice = await desk.get('/handoffs/incoming');
      expect(notice.body).toContain(toUs.number);
      expect(notice.body).not.toContain(elsewhere.number);
      expect((await desk.api('GET', '/api/v1/handoffs?status=maybe')).statusCode).toBe(422);
    });
  });

  describe('accounting for each person', () => {
    it('receives or marks not received exactly once per person, and closes the handoff when none are left', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      const [first, second] = h.persons as { id: string }[];
      const desktop = bearer(app, intakeToken);

      const noReason = await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${second!.id}/not-received`, { reason: '  ' });
      expect(noReason.statusCode).toBe(422);
      expect(noReason.json().errors).toEqual([{ path: 'reason', message: 'Wajib diisi.' }]);

      const nr = await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${second!.id}/not-received`, { reason: 'Dijemput keluarga sebelum tiba' });
      expect(nr.statusCode).toBe(200);
      expect(nr.json().status).toBe('OPEN');
      expect(nr.json().counts).toMatchObject({ pending: 1, not_received: 1 });
      const twice = await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${second!.id}/not-received`, { reason: 'lagi' });
      expect(twice.statusCode).toBe(409);
      expect(twice.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${second!.id}/receive`, { person_id: 'whoever' })).statusCode).toBe(409);

      const reg = (await desktop('POST', '/api/v1/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', estimated_age: 27, pregnant: true }] })).json();
      const personId = reg.persons[0].id as string;
      const unknown = await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${first!.id}/receive`, { person_id: 'nobody' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().errors[0].path).toBe('person_id');
      const before = events.length;
      const rec = await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${first!.id}/receive`, { person_id: personId });
      expect(rec.statusCode).toBe(200);
      const closed = rec.json();
      expect(closed.status).toBe('CLOSED');
      expect(closed.closed_at).toMatch(/\+07:00$/);
      expect(closed.counts).toEqual({ total: 2, pending: 0, received: 1, not_received: 1 });
      expect(closed.persons[0]).toMatchObject({ status: 'RECEIVED', person_id: personId, resident_code: reg.persons[0].resident_code });
      expect(closed.persons[1]).toMatchObject({ status: 'NOT_RECEIVED', not_received_reason: 'Dijemput keluarga sebelum tiba', person_id: null });
      expect(closed.receiving_officer.name).toMatch(/^token:/);
      expect(events.slice(before)).toContainEqual(expect.objectContaining({ type: 'handoff', handoffId: h.id, status: 'CLOSED', pending: 0 }));
      expect((await desktop('POST', `/api/v1/handoffs/${h.id}/persons/${first!.id}/receive`, { person_id: personId })).statusCode).toBe(409);

      const actions = (await db.select({ a: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.entity, 'handoff'), eq(auditEvents.entityId, h.id))).all()).map((r) => r.a);
      expect(actions).toEqual(['handoff.submit', 'handoff.person_not_received', 'handoff.person_received', 'handoff.close']);
    });

    it('links the received person both ways: the line names the person, the person shows the handoff and came by Satpol PP', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      const reg = (await bearer(app, intakeToken)('POST', '/api/v1/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', estimated_age: 27 }] })).json();
      const personId = reg.persons[0].id as string;
      expect((await db.select({ s: persons.source }).from(persons).where(eq(persons.id, personId)).get())!.s).toBe('walk_in');
      await bearer(app, intakeToken)('POST', `/api/v1/handoffs/${h.id}/persons/${h.persons[0].id}/receive`, { person_id: personId });

      expect((await db.select({ p: handoffPersons.personId }).from(handoffPersons).where(eq(handoffPersons.id, h.persons[0].id)).get())!.p).toBe(personId);
      expect((await db.select({ s: persons.source }).from(persons).where(eq(persons.id, personId)).get())!.s).toBe('satpol_handoff');
      const origin = await handoffOriginOf(db, personId);
      expect(origin).toHaveLength(1);
      expect(origin[0]).toMatchObject({ handoffId: h.id, number: h.number, operationNumber: 'SPT/045/SATPOL/XI/2026', seq: 1, belongings: 'tas ransel' });
      const record = (await bearer(app, intakeToken)('GET', `/api/v1/residents/${personId}`)).json();
      expect(record.handoffs).toEqual([expect.objectContaining({ id: h.id, number: h.number, status: 'RECEIVED' })]);
      const page = await desk.get(`/residents/${personId}`);
      expect(page.body).toContain(h.number);
      const hpage = await desk.get(`/handoffs/${h.id}`);
      expect(hpage.body).toContain(`/residents/${personId}`);
    });

    it('receives at the desk through the intake form filled from the officers’ notes, with the duplicate check', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      const [siti, man] = h.persons as { id: string }[];
      const form = await desk.get(`/handoffs/${h.id}/persons/${siti!.id}/receive`);
      expect(form.statusCode).toBe(200);
      expect(form.body).toMatch(/name="persons\.0\.name" value="Siti Aminah"/);
      expect(form.body).toMatch(/name="persons\.0\.sex" value="P" checked/);
      expect(form.body).toMatch(/name="persons\.0\.estimated_age"[^>]*value="27"/);
      expect(form.body).toMatch(/name="persons\.0\.pregnant"[^>]*checked/);
      expect(form.body).toContain('tas ransel');

      // The same prefill, for an intake form that takes ?handoff_person=ID.
      const deskActor: Actor = { type: 'user', id: 'desk', label: 'desk', role: 'intake', facilityId: tps.id, wilayahCode: null, ip: null, lang: 'id' };
      expect((await intakePrefill({ db, actor: deskActor, handoffPersonId: siti!.id })).member).toMatchObject({ name: 'Siti Aminah', sex: 'P', estimated_age: '27', pregnant: 'on' });
      await expect(intakePrefill({ db, actor: { ...deskActor, facilityId: other.id }, handoffPersonId: siti!.id })).rejects.toThrow();

      const saved = await desk.post(`/handoffs/${h.id}/persons/${siti!.id}/receive`, { 'persons.0.name': 'Siti Aminah', 'persons.0.sex': 'P', 'persons.0.estimated_age': '27', 'persons.0.pregnant': 'on', 'persons.0.consent': 'on' });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe(`/handoffs/${h.id}#hp-${siti!.id}`);
      const line = (await db.select().from(handoffPersons).where(eq(handoffPersons.id, siti!.id)).get())!;
      expect(line.status).toBe('RECEIVED');
      const person = (await db.select().from(persons).where(eq(persons.id, line.personId!)).get())!;
      expect(person).toMatchObject({ name: 'Siti Aminah', source: 'satpol_handoff', pregnant: true, createdAtFacilityId: tps.id });
      // Receiving again is refused, and nothing more is made.
      const again = await desk.post(`/handoffs/${h.id}/persons/${siti!.id}/receive`, { 'persons.0.name': 'Siti Aminah', 'persons.0.sex': 'P' });
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('sudah dicatat');
      expect((await db.get<{ n: number }>(sql`select count(*) as n from persons`))!.n).toBe(1);

      // A second handoff brings a woman who may already be known: the intake asks first, saves nothing.
      const h2 = (await submit(handoffBody(tps.id, { persons: [{ name: 'Siti Aminah', sex: 'P', approx_age: 27 }] }))).json();
      const ask = await desk.post(`/handoffs/${h2.id}/persons/${h2.persons[0].id}/receive`, { 'persons.0.name': 'Siti Aminah', 'persons.0.sex': 'P', 'persons.0.estimated_age': '27' });
      expect(ask.statusCode).toBe(200);
      expect(ask.body).toContain('id="needs-decision"');
      expect(ask.body).toContain(person.residentCode);
      expect((await db.select().from(handoffPersons).where(eq(handoffPersons.id, h2.persons[0].id)).get())!.status).toBe('PENDING');
      const same = await desk.post(`/handoffs/${h2.id}/persons/${h2.persons[0].id}/receive`, { 'persons.0.name': 'Siti Aminah', 'persons.0.sex': 'P', 'persons.0.decision': person.id });
      expect(same.statusCode).toBe(303);
      expect((await db.select().from(handoffPersons).where(eq(handoffPersons.id, h2.persons[0].id)).get())!.personId).toBe(person.id);
      expect((await db.select().from(handoffs).where(eq(handoffs.id, h2.id)).get())!.status).toBe('CLOSED');
      expect((await handoffOriginOf(db, person.id)).map((o) => o.number)).toEqual([h.number, h2.number]);

      // "Not received" needs a reason, shown beside that person.
      const empty = await desk.post(`/handoffs/${h.id}/persons/${man!.id}/not-received`, { reason: '' });
      expect(empty.statusCode).toBe(422);
      expect(empty.body).toContain('Wajib diisi.');
      const nr = await desk.post(`/handoffs/${h.id}/persons/${man!.id}/not-received`, { reason: 'Melarikan diri saat turun dari truk' });
      expect(nr.statusCode).toBe(303);
      const closed = (await db.select().from(handoffs).where(eq(handoffs.id, h.id)).get())!;
      expect(closed.status).toBe('CLOSED');
      expect(closed.closedAt).not.toBeNull();
    });

    it('nobody deletes a person from a handoff: there is no route, and the database refuses', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      const admin = await makeToken(db, 'admin');
      for (const url of [`/api/v1/handoffs/${h.id}/persons/${h.persons[0].id}`, `/api/v1/handoffs/${h.id}`]) {
        const res = await app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${admin}` } });
        expect(res.statusCode).toBe(404);
      }
      await expect(write(db, (tx) => tx.delete(handoffPersons).where(eq(handoffPersons.id, h.persons[0].id)).run())).rejects.toThrow(/never deleted/);
      expect(await count(db, 'handoff_persons')).toBe(2);
    });
  });

  describe('the command centre and the BAST', () => {
    it('raises one alert for a handoff open too long, and resolves it when the handoff closes', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      expect((await runHandoffChecks(db, 120)).alerts).toEqual([]);
      const later = new Date(Date.now() + 121 * 60_000);
      const first = await runHandoffChecks(db, 120, later);
      expect(first.alerts).toHaveLength(1);
      expect(events).toContainEqual({ type: 'alert', alertId: first.alerts[0], kind: 'handoff_overdue', facilityId: tps.id });
      expect((await runHandoffChecks(db, 120, later)).alerts).toEqual([]);
      const alert = (await db.select().from(alerts).where(eq(alerts.id, first.alerts[0]!)).get())!;
      expect(alert).toMatchObject({ kind: 'handoff_overdue', subjectType: 'handoff', subjectId: h.id, facilityId: tps.id, resolvedAt: null });
      expect(alert.message).toContain(h.number);

      for (const p of h.persons) await bearer(app, intakeToken)('POST', `/api/v1/handoffs/${h.id}/persons/${p.id}/not-received`, { reason: 'tidak sampai' });
      expect((await db.select().from(alerts).where(eq(alerts.id, first.alerts[0]!)).get())!.resolvedAt).not.toBeNull();
    });

    it('closes a handoff at once when its last person is received through POST /residents', async () => {
      const h = (await submit(handoffBody(tps.id, { persons: [{ name: 'Joko', sex: 'L' }] }))).json();
      const reg = await bearer(app, intakeToken)('POST', '/api/v1/residents', { persons: [{ name: 'Joko', sex: 'L' }], handoff_person_id: h.persons[0].id });
      expect(reg.statusCode).toBe(201);
      expect((await db.select().from(handoffs).where(eq(handoffs.id, h.id)).get())!.status).toBe('CLOSED');
    });

    it('the periodic check closes a handoff left open with everyone accounted for (a safety net)', async () => {
      const h = (await submit(handoffBody(tps.id, { persons: [{ name: 'Darmo', sex: 'L' }] }))).json();
      await write(db, async (tx) => {
        await tx.update(handoffPersons).set({ status: 'NOT_RECEIVED', notReceivedReason: 'pergi', accountedAt: new Date().toISOString() }).where(eq(handoffPersons.handoffId, h.id)).run();
      });
      expect((await db.select().from(handoffs).where(eq(handoffs.id, h.id)).get())!.status).toBe('OPEN');
      expect((await runHandoffChecks(db, 120)).closed).toEqual([h.id]);
      expect((await db.select().from(handoffs).where(eq(handoffs.id, h.id)).get())!.status).toBe('CLOSED');
    });

    it('prints a BAST in Bahasa Indonesia with both parties, every person, the totals and signature lines, and no NIK', async () => {
      const h = (await submit(handoffBody(tps.id))).json();
      const reg = (await desk.api('POST', '/api/v1/residents', { persons: [{ name: 'Siti Aminah', sex: 'P', nik: '3171014708970001', estimated_age: 27 }] })).json();
      await desk.api('POST', `/api/v1/handoffs/${h.id}/persons/${h.persons[0].id}/receive`, { person_id: reg.persons[0].id });
      await desk.api('POST', `/api/v1/handoffs/${h.id}/persons/${h.persons[1].id}/not-received`, { reason: 'Dibawa ke RSUD Tarakan' });
      const res = await desk.get(`/handoffs/${h.id}/bast?lang=en`);
      expect(res.statusCode).toBe(200);
      const b = res.body;
      expect(b).toContain('BERITA ACARA SERAH TERIMA');
      expect(b).toContain('print-bast.css');
      expect(b).toContain(h.number);
      expect(b).toContain('Hendra Saputra');
      expect(b).toContain('19800101 200501 1 001');
      expect(b).toContain('Rina Petugas');
      expect(b).toContain('19900202 201501 2 002');
      expect(b).toContain('GOR Uji Cempaka');
      expect(b).toContain('Siti Aminah');
      expect(b).toContain('laki-laki, kaos merah, bertopi');
      expect(b).toContain('Dibawa ke RSUD Tarakan');
      expect(b).toMatch(/Jumlah yang diterima<\/td><td>:<\/td><td><strong id="bast-received">1<\/strong>/);
      expect(b).toMatch(/Jumlah yang tidak diterima<\/td><td>:<\/td><td><strong id="bast-not-received">1<\/strong>/);
      expect(b).toContain('Yang menyerahkan');
      expect(b).toContain('Yang menerima');
      expect(b).not.toContain('3171014708970001');
      expect(b).not.toContain('BELUM FINAL');

      expect((await satpol.get(`/handoffs/${h.id}/bast`)).statusCode).toBe(200);
      const command = await makeUser(db, 'command');
      expect((await (await signedIn(app, command.username, command.password)).get(`/handoffs/${h.id}/bast`)).statusCode).toBe(200);
      const display = await makeUser(db, 'display');
      expect((await (await signedIn(app, display.username, display.password)).get(`/handoffs/${h.id}/bast`)).statusCode).toBe(403);
      const elsewhere = await makeUser(db, 'intake', { facilityId: other.id });
      expect((await (await signedIn(app, elsewhere.username, elsewhere.password)).get(`/handoffs/${h.id}/bast`)).statusCode).toBe(404);
    });
  });
});

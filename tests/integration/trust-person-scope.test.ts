import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { persons, referralPersons, referrals } from '../../src/db/schema/index.ts';
import { nowIso } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser, type Facility, type Unit } from '../helpers/factories.ts';
import { bearer, signedIn, type Call } from '../helpers/session.ts';

/**
 * Issue 11, findings 1–3, reproduced as the attacker did and now refused:
 * an intake desk at one TPS tries to take over, probe or locate people at
 * another TPS and at a protected balai.
 */
describe('who sees which person and place', () => {
  let app: FastifyInstance;
  let db: Db;
  let koja: Facility;
  let tpsB: Facility;
  let balai: Facility;
  let balaiUnit: Unit;
  let kojaDesk: Call;
  let deskB: Call;
  let balaiDesk: Call;
  let command: Call;
  const woman = { name: 'Ratna Sari Dewi', sex: 'P', nik: '3175054506900004', estimated_age: 35, phone: '081200000001' };
  let womanId: string;
  let womanCode: string;
  const man = { name: 'Bambang Sutrisno', sex: 'L', nik: '3171011203800007', estimated_age: 45, phone: '081300000002', alias: 'Pak Bambang' };
  let manId: string;
  let manCode: string;

  const row = async (id: string) => (await db.select().from(persons).where(eq(persons.id, id)).get())!;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    koja = await makeFacility(db, { kind: 'TPS', name: 'GOR Koja Uji', wilayahCode: '31.72' });
    tpsB = await makeFacility(db, { kind: 'TPS', name: 'GOR Tanah Abang Uji', wilayahCode: '31.71' });
    balai = await makeFacility(db, { kind: 'BALAI', name: 'Balai Rahasia Mulya', wilayahCode: '31.75', protected: true, services: ['women_protection'] });
    await makeUnit(db, koja.id, { capacity: 10 });
    await makeUnit(db, tpsB.id, { capacity: 10 });
    balaiUnit = await makeUnit(db, balai.id, { name: 'Wisma Rahasia', capacity: 10, admits: 'any', bedLabelPattern: 'R-{n}' });
    kojaDesk = bearer(app, await makeToken(db, 'intake', { facility: koja.id }));
    deskB = bearer(app, await makeToken(db, 'intake', { facility: tpsB.id }));
    balaiDesk = bearer(app, await makeToken(db, 'intake', { facility: balai.id }));
    command = bearer(app, await makeToken(db, 'command'));

    const w = await balaiDesk('POST', '/api/v1/residents', { persons: [woman] });
    expect(w.statusCode).toBe(201);
    womanId = w.json().persons[0].id;
    womanCode = w.json().persons[0].resident_code;
    expect((await balaiDesk('POST', '/api/v1/stays', { person_id: womanId, unit_id: balaiUnit.id })).statusCode).toBe(201);

    const m = await deskB('POST', '/api/v1/residents', { persons: [man] });
    expect(m.statusCode).toBe(201);
    manId = m.json().persons[0].id;
    manCode = m.json().persons[0].resident_code;
    expect((await deskB('POST', '/api/v1/stays', { person_id: manId })).statusCode).toBe(201);
  });
  afterAll(async () => app.close());

  describe('finding 1: record takeover through same_as', () => {
    it('refuses same_as to a woman at a protected balai: nothing attached, nothing readable', async () => {
      const before = await row(womanId);
      const res = await kojaDesk('POST', '/api/v1/residents', { persons: [{ ...woman, nik: undefined, phone: '089999999999', same_as: womanId }] });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'persons.0.same_as' })]);
      expect(res.body).not.toContain(balai.name);
      expect(await row(womanId)).toEqual(before);
      expect((await kojaDesk('GET', `/api/v1/residents/${womanId}`)).statusCode).toBe(404);
      expect((await kojaDesk('POST', `/api/v1/residents/${womanId}/reveal-nik`, {})).statusCode).toBe(404);
    });

    it("refuses same_as to another TPS's person: phone, address and alias stay theirs", async () => {
      const before = await row(manId);
      const res = await kojaDesk('POST', '/api/v1/residents', {
        persons: [{ name: man.name, sex: 'L', estimated_age: 45, phone: '089999999999', domicile_address: 'Jl. Palsu 1', alias: 'Penyusup', same_as: manId }],
      });
      expect(res.statusCode).toBe(422);
      expect(await row(manId)).toEqual(before);
      expect((await kojaDesk('GET', `/api/v1/residents/${manId}`)).statusCode).toBe(404);
    });

    it('refuses same_as to a visible record that the duplicate check did not offer for this intake', async () => {
      const own = (await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Slamet Riyadi', sex: 'L', estimated_age: 50 }] })).json().persons[0];
      const res = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Wulan Sari', sex: 'P', estimated_age: 20, phone: '081199998888', same_as: own.id }] });
      expect(res.statusCode).toBe(422);
      expect((await row(own.id)).phone).toBeNull();
      expect((await row(own.id)).sex).toBe('L');
    });

    it('attaches to an offered, visible record; one kept by another facility only has its blanks filled', async () => {
      // Registered at Koja, now staying at TPS B: Koja still sees him, but B keeps his record.
      const p = (await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Joko Widodo Santoso', sex: 'L', estimated_age: 40, phone: '0812777' }] })).json().persons[0];
      expect((await command('POST', '/api/v1/stays', { person_id: p.id, facility_id: tpsB.id })).statusCode).toBe(201);
      const ask = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Joko Widodo Santoso', sex: 'L', estimated_age: 41, phone: '0899000' }] });
      expect(ask.statusCode).toBe(409);
      const offered = ask.json().duplicates[0].candidates;
      expect(offered[0]).toMatchObject({ in_scope: true, id: p.id, facility_name: tpsB.name });
      const res = await kojaDesk('POST', '/api/v1/residents', {
        persons: [{ name: 'Joko Widodo Santoso', sex: 'L', estimated_age: 41, phone: '0899000', domicile_address: 'Kolong tol Koja', same_as: p.id }],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().attached).toEqual([p.id]);
      expect(await row(p.id)).toMatchObject({ phone: '0812777', domicileAddress: 'Kolong tol Koja', estimatedAge: 40 });
    });
  });

  it('answers a merge with a record the manager may not see exactly as one that does not exist', async () => {
    const manager = bearer(app, await makeToken(db, 'manager', { facility: koja.id }));
    const own = (await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Sutarman Hadi', sex: 'L', estimated_age: 61 }] })).json().persons[0];
    const hidden = await manager('POST', `/api/v1/residents/${own.id}/merge`, { other: womanCode });
    const unknown = await manager('POST', `/api/v1/residents/${own.id}/merge`, { other: 'SGH-ZZZZZZ' });
    expect(hidden.statusCode).toBe(422);
    expect(hidden.json().errors).toEqual(unknown.json().errors);
    expect((await row(womanId)).mergedIntoId).toBeNull();
  });

  describe('finding 2: the duplicate check is not an oracle', () => {
    it("tells another TPS's desk only that a similar person is at that TPS", async () => {
      const res = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Bambang Sutrisna', sex: 'L', estimated_age: 44 }] });
      expect(res.statusCode).toBe(409);
      const candidates = res.json().duplicates[0].candidates;
      expect(candidates).toEqual([{ in_scope: false, certain: false, facility_name: tpsB.name }]);
      for (const secret of [manId, manCode, man.name, man.alias, '3171********0007', man.phone]) expect(res.body).not.toContain(secret);
      // Not attachable either.
      const attach = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Bambang Sutrisna', sex: 'L', estimated_age: 44, same_as: manId }] });
      expect(attach.statusCode).toBe(422);
    });

    it('never shows a person at a protected facility as a candidate', async () => {
      const before = (await db.select().from(persons).all()).length;
      const res = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Ratna Sari Dewi', sex: 'P', estimated_age: 35 }] });
      // Nobody to decide about: a new record is made, and nothing of her or the balai is said.
      expect(res.statusCode).toBe(201);
      expect((await db.select().from(persons).all()).length).toBe(before + 1);
      for (const secret of [womanId, womanCode, balai.name, balai.id]) expect(res.body).not.toContain(secret);
      // The balai's own desk and the command centre still see her as a candidate.
      const own = await balaiDesk('POST', '/api/v1/residents', { persons: [{ name: 'Ratna Sari Dewi', sex: 'P', estimated_age: 35 }] });
      expect(own.json().duplicates[0].candidates.map((c: { id?: string }) => c.id)).toContain(womanId);
      const wide = await command('POST', '/api/v1/residents', { persons: [{ name: 'Ratna Sari Dewi', sex: 'P', estimated_age: 35 }] });
      expect(wide.json().duplicates[0].candidates.map((c: { id?: string }) => c.id)).toContain(womanId);
    });

    it('a typed NIK never says who holds it; a protected holder is not even placed', async () => {
      const atB = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Orang Lain', sex: 'L', nik: man.nik }] });
      expect(atB.statusCode).toBe(422);
      expect(atB.json().errors).toEqual([{ path: 'persons.0.nik', message: expect.stringContaining(tpsB.name) }]);
      for (const secret of [manId, manCode, man.name]) expect(atB.body).not.toContain(secret);

      const atBalai = await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Orang Lain', sex: 'P', nik: woman.nik, confirm_new: true }] });
      expect(atBalai.statusCode).toBe(422);
      for (const secret of [womanId, womanCode, woman.name, balai.name]) expect(atBalai.body).not.toContain(secret);

      // The same through a correction of one's own record.
      const own = (await kojaDesk('POST', '/api/v1/residents', { persons: [{ name: 'Karyo Utomo', sex: 'L' }] })).json().persons[0];
      const edit = await kojaDesk('PATCH', `/api/v1/residents/${own.id}`, { version: 1, nik: woman.nik, nik_override_reason: 'KTP' });
      expect(edit.statusCode).toBe(422);
      for (const secret of [womanId, womanCode, woman.name, balai.name]) expect(edit.body).not.toContain(secret);
      // And search finds nobody.
      const search = await kojaDesk('GET', `/api/v1/residents?q=${woman.nik}`);
      expect(search.json().residents).toEqual([]);
    });

    it('shows out-of-scope candidates on the intake form as a sentence, with nothing to choose', async () => {
      const user = await makeUser(db, 'intake', { facilityId: koja.id });
      const b = await signedIn(app, user.username, user.password);
      await b.get('/intake');
      const res = await b.post('/intake', { 'persons.0.name': 'Bambang Sutrisna', 'persons.0.sex': 'L', 'persons.0.estimated_age': '44', idempotency_key: randomUUID() });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(tpsB.name);
      expect(res.body).not.toContain(manId);
      expect(res.body).not.toContain(manCode);
      expect(res.body).not.toMatch(/name="persons\.0\.decision" value="(?!new)/);
    });
  });

  describe('finding 3: a protected facility is never named to another facility', () => {
    it('hides a person whose place is a protected facility from the TPS that knew them', async () => {
      const p = (await deskB('POST', '/api/v1/residents', { persons: [{ name: 'Sulastri Handayani', sex: 'P', estimated_age: 22 }] })).json().persons[0];
      const stay = (await deskB('POST', '/api/v1/stays', { person_id: p.id })).json().stays[0];
      expect((await deskB('GET', `/api/v1/residents/${p.id}`)).statusCode).toBe(200);
      expect((await command('POST', `/api/v1/stays/${stay.id}/transfer`, { facility_id: balai.id, unit_id: balaiUnit.id, reason: 'perlindungan korban' })).statusCode).toBe(201);
      expect((await deskB('GET', `/api/v1/residents/${p.id}`)).statusCode).toBe(404);
      expect((await deskB('GET', '/api/v1/residents?q=sulastri')).json().residents).toEqual([]);
      const page = await signedIn(app, (await makeUser(db, 'intake', { facilityId: tpsB.id })).username, 'correct-horse-battery');
      expect((await page.get(`/residents/${p.id}`)).statusCode).toBe(404);
      expect((await page.get(`/residents/${p.id}/card`)).statusCode).toBe(404);
      // Back at the TPS later: seen again, and the balai is "a protected facility" in every line.
      const open = (await command('GET', `/api/v1/residents/${p.id}`)).json().stays.find((s: { checked_out_at: string | null }) => s.checked_out_at === null);
      expect((await command('POST', `/api/v1/stays/${open.id}/transfer`, { facility_id: tpsB.id, reason: 'kembali ke TPS' })).statusCode).toBe(201);
      const seen = await deskB('GET', `/api/v1/residents/${p.id}`);
      expect(seen.statusCode).toBe(200);
      for (const secret of [balai.name, balai.id, balaiUnit.name, balaiUnit.id, 'R-1']) expect(seen.body).not.toContain(secret);
      const masked = seen.json().stays.find((s: { facility_id: string | null }) => s.facility_id === null);
      expect(masked).toMatchObject({ facility_name: 'fasilitas terlindungi', unit_id: null, bed_label: null });
      const html = await page.get(`/residents/${p.id}`);
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain('fasilitas terlindungi');
      for (const secret of [balai.name, balaiUnit.name, 'R-1']) expect(html.body).not.toContain(secret);
      // The command centre sees it all.
      expect((await command('GET', `/api/v1/residents/${p.id}`)).body).toContain(balai.name);
    });

    it('names a protected destination of a referral as "a protected facility"', async () => {
      const p = (await deskB('POST', '/api/v1/residents', { persons: [{ name: 'Yuliani Prasetya', sex: 'P', estimated_age: 19, trafficking_victim: true }] })).json().persons[0];
      expect((await deskB('POST', '/api/v1/stays', { person_id: p.id })).statusCode).toBe(201);
      const refId = randomUUID();
      await write(db, async (tx) => {
        await tx.insert(referrals)
          .values({ id: refId, fromFacilityId: tpsB.id, toFacilityId: balai.id, toUnitId: balaiUnit.id, reason: 'korban TPPO', status: 'ACCEPTED', places: 1, proposedAt: nowIso(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
          .run();
        await tx.insert(referralPersons).values({ referralId: refId, personId: p.id }).run();
      });
      const seen = await deskB('GET', `/api/v1/residents/${p.id}`);
      expect(seen.statusCode).toBe(200);
      expect(seen.json().referrals).toEqual([expect.objectContaining({ to_facility: 'fasilitas terlindungi' })]);
      for (const secret of [balai.name, balai.id, balaiUnit.name]) expect(seen.body).not.toContain(secret);
      const ref = await deskB('GET', `/api/v1/referrals/${refId}`);
      expect(ref.json().referral.to_facility).toEqual({ id: null, code: null, name: null, kind: null });
      for (const secret of [balai.name, balai.id, balaiUnit.id, balaiUnit.name]) expect(ref.body).not.toContain(secret);
      // The desk may still cancel it; the event that frees the balai's held place still names the balai internally.
      const { hubFor } = await import('../../src/domain/events.ts');
      const heard: { type: string; toFacilityId?: string }[] = [];
      const stop = hubFor(db).subscribe((e) => void heard.push(e as { type: string; toFacilityId?: string }));
      const cancel = await deskB('POST', `/api/v1/referrals/${refId}/cancel`, { reason: 'keluarga menjemput' });
      stop();
      expect(heard.find((e) => e.type === 'referral')?.toFacilityId).toBe(balai.id);
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.body).not.toContain(balai.id);
    });
  });

  describe('item 10: a protected facility is not located by totals or alerts', () => {
    it('leaves protected places out of by_wilayah for those who may not see them; totals still count them', async () => {
      const display = bearer(app, await makeToken(db, 'display'));
      for (const call of [display, kojaDesk]) {
        const o = (await call('GET', '/api/v1/occupancy')).json();
        expect(o.by_wilayah['31.75']).toBeUndefined();
        expect(JSON.stringify(o)).not.toContain(balai.id);
        // The whole picture still holds the balai's places.
        const visibleCapacity = Object.values(o.by_wilayah as Record<string, { capacity: number }>).reduce((a, c) => a + c.capacity, 0);
        expect(o.total.capacity).toBe(visibleCapacity + balaiUnit.capacity);
      }
      const own = (await balaiDesk('GET', '/api/v1/occupancy')).json();
      expect(own.by_wilayah['31.75'].capacity).toBe(balaiUnit.capacity);
      const wide = (await command('GET', '/api/v1/occupancy')).json();
      expect(wide.by_wilayah['31.75'].capacity).toBe(balaiUnit.capacity);
    });

    it("sends the wall an alert without a protected facility's id", async () => {
      const { alertFor } = await import('../../src/domain/occupancy/view.ts');
      const { loadFacilityOccupancy } = await import('../../src/domain/occupancy/compute.ts');
      const facilities = await loadFacilityOccupancy(db);
      const wall = { type: 'user', id: 'x', label: 'wall', role: 'display', facilityId: null, wilayahCode: null, ip: null, lang: 'id' } as const;
      const cmd = { ...wall, role: 'command' } as const;
      expect(alertFor(wall, { alertId: 'a1', kind: 'nothing_fits', facilityId: balai.id }, facilities)).toEqual({ id: 'a1', kind: 'nothing_fits', facility_id: null });
      expect(alertFor(wall, { alertId: 'a2', kind: 'nothing_fits', facilityId: tpsB.id }, facilities).facility_id).toBe(tpsB.id);
      expect(alertFor(cmd, { alertId: 'a3', kind: 'nothing_fits', facilityId: balai.id }, facilities).facility_id).toBe(balai.id);
    });
  });
});

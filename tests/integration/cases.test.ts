import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { auditEvents, stays, units } from '../../src/db/schema/index.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, placedThroughApi as placed, signedIn, type Browser, type Call } from '../helpers/session.ts';

const dayOffset = (n: number) => wibDate(new Date(Date.now() + n * 86_400_000).toISOString());

const pakDarmo = { name: 'Darmo', sex: 'L', estimated_age: 68, category: 'gelandangan' };

describe('ATENSI case work through the API', () => {
  let app: FastifyInstance;
  let db: Db;
  let intake: Call;
  let manager: Call;
  let otherManager: Call;
  let command: Call;
  let lansia: Browser;
  let tuna: Browser;
  const ids: Record<string, string> = {};
  let darmo: { id: string; stayId: string };

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, f.id, { capacity: 20 });
    const g = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.74' });
    await makeUnit(db, g.id, { capacity: 20 });
    ids.f = f.id;
    ids.g = g.id;
    intake = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
    otherManager = bearer(app, await makeToken(db, 'manager', { facility: g.id }));
    command = bearer(app, await makeToken(db, 'command'));
    const pl = await makeUser(db, 'pendamping', { facilityId: f.id, cluster: 'lansia' });
    const pt = await makeUser(db, 'pendamping', { wilayahCode: '31.71', cluster: 'tuna_sosial' });
    const po = await makeUser(db, 'pendamping', { wilayahCode: '31.74', cluster: 'lansia' });
    ids.lansia = pl.id;
    ids.tuna = pt.id;
    ids.otherLansia = po.id;
    lansia = await signedIn(app, pl.username, pl.password);
    tuna = await signedIn(app, pt.username, pt.password);
    darmo = await placed(intake, pakDarmo);
  });
  afterAll(async () => app.close());

  it('derives the cluster (60+ → lansia before the category) and shows the road to aid', async () => {
    const res = await manager('GET', `/api/v1/residents/${darmo.id}/case`);
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.cluster).toMatchObject({ cluster: 'lansia', derived: 'lansia', override: null });
    expect(c.pendamping).toBeNull();
    expect(c.plan).toEqual([]);
    expect(c.aid.steps.map((s: { code: string }) => s.code)).toEqual(['adminduk']);
    expect(c.aid.steps[0].next_step).toMatch(/Dukcapil/);
  });

  it('lets only the manager of the facility or the command centre assign, a pendamping of the cluster who works there', async () => {
    const body = { pendamping_id: ids.lansia };
    expect((await intake('POST', `/api/v1/residents/${darmo.id}/case/assign`, body)).statusCode).toBe(403);
    expect((await otherManager('POST', `/api/v1/residents/${darmo.id}/case/assign`, body)).statusCode).toBe(404);
    const wrongCluster = await manager('POST', `/api/v1/residents/${darmo.id}/case/assign`, { pendamping_id: ids.tuna });
    expect(wrongCluster.statusCode).toBe(422);
    expect(wrongCluster.json().errors[0].path).toBe('pendamping_id');
    expect((await manager('POST', `/api/v1/residents/${darmo.id}/case/assign`, { pendamping_id: ids.otherLansia })).statusCode).toBe(422);
    expect((await manager('POST', `/api/v1/residents/${darmo.id}/case/assign`, { pendamping_id: 'nobody' })).statusCode).toBe(422);
    const ok = await manager('POST', `/api/v1/residents/${darmo.id}/case/assign`, body);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().pendamping).toMatchObject({ id: ids.lansia, cluster: 'lansia' });
    const audited = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'case.assign'), eq(auditEvents.entityId, darmo.id))).all();
    expect(audited).toHaveLength(1);
  });

  it('shows a pendamping their own cases only, and no person record outside them', async () => {
    expect((await lansia.api('GET', `/api/v1/residents/${darmo.id}/case`)).statusCode).toBe(200);
    const other = await tuna.api('GET', `/api/v1/residents/${darmo.id}/case`);
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    // The full record stays with the roles that work at the facility.
    expect((await lansia.api('GET', `/api/v1/residents/${darmo.id}`)).statusCode).toBe(403);
    const mine = await lansia.api('GET', '/api/v1/cases');
    expect(mine.json().cases.map((c: { person_id: string }) => c.person_id)).toEqual([darmo.id]);
    expect((await tuna.api('GET', '/api/v1/cases')).json().cases).toEqual([]);
  });

  it('refuses a plan item with a bad menu (422 problem+json naming the field) and keeps a good plan', async () => {
    const bad = await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/plan`, { items: [{ menu: 'rekreasi', service: 'Jalan-jalan', goal: 'Senang' }] });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'items.0.menu' })]);
    const ok = await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/plan`, {
      items: [
        { menu: 'bantuan', service: 'Perekaman KTP-el di Dukcapil', goal: 'Punya NIK', due: dayOffset(14) },
        { menu: 'dukungan_keluarga', service: 'Penelusuran keluarga', goal: 'Kembali ke keluarga' },
      ],
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().plan.map((i: { menu: string }) => i.menu)).toEqual(['bantuan', 'dukungan_keluarga']);
  });

  it('records services given (who, when, what) by those who may change the case only', async () => {
    const res = await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'perawatan', service: 'Pemeriksaan tekanan darah', note: 'Normal' });
    expect(res.statusCode).toBe(201);
    expect(res.json().services[0]).toMatchObject({ menu: 'perawatan', service: 'Pemeriksaan tekanan darah', note: 'Normal' });
    expect(res.json().services[0].given_by).toMatch(/^pendamping-/);
    expect((await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'terapi', service: 'x', given_at: '2999-01-01' })).statusCode).toBe(422);
    expect((await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'hiburan', service: 'x' })).statusCode).toBe(422);
    expect((await tuna.api('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'terapi', service: 'x' })).statusCode).toBe(404);
    expect((await intake('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'terapi', service: 'x' })).statusCode).toBe(403);
    expect((await manager('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'terapi', service: 'Konseling', given_at: `${dayOffset(-2)}T10:00:00+07:00` })).statusCode).toBe(201);
  });

  it('puts an overdue follow-up on the worklist, and takes it off when done', async () => {
    const add = await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/follow-ups`, { due: dayOffset(-3), kind: 'visit', note: 'Dicatat terlambat' });
    expect(add.statusCode).toBe(201);
    const fu = add.json().follow_ups.find((f: { kind: string }) => f.kind === 'visit');
    expect(fu.state).toBe('overdue');
    expect((await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/follow-ups`, { due: '2026-02-30', kind: 'visit' })).statusCode).toBe(422);

    const listed = (await lansia.api('GET', '/api/v1/worklists/follow-ups')).json().entries;
    expect(listed).toEqual([expect.objectContaining({ id: fu.id, person_id: darmo.id, state: 'overdue', days_overdue: 3 })]);
    expect((await manager('GET', '/api/v1/worklists/follow-ups')).json().entries.map((e: { id: string }) => e.id)).toContain(fu.id);
    expect((await otherManager('GET', '/api/v1/worklists/follow-ups')).json().entries).toEqual([]);
    expect((await tuna.api('GET', '/api/v1/worklists/follow-ups')).json().entries).toEqual([]);
    const csv = await lansia.api('GET', '/api/v1/worklists/follow-ups?format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('Darmo');

    expect((await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/follow-ups/${fu.id}/done`, { outcome: 'maybe' })).statusCode).toBe(422);
    const done = await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/follow-ups/${fu.id}/done`, { outcome: 'needs_support', note: 'Perlu kursi roda' });
    expect(done.statusCode).toBe(200);
    expect(done.json().follow_ups.find((f: { id: string }) => f.id === fu.id)).toMatchObject({ state: 'done', outcome: 'needs_support' });
    expect((await lansia.api('GET', '/api/v1/worklists/follow-ups')).json().entries).toEqual([]);
    expect((await lansia.api('POST', `/api/v1/residents/${darmo.id}/case/follow-ups/${fu.id}/done`, { outcome: 'done' })).statusCode).toBe(409);
  });

  it('lists placed people on the aid worklist with the next step, and exports the DTKS proposals', async () => {
    const withNik = await placed(intake, {
      name: 'Siti Aminah',
      sex: 'P',
      birth_date: '1980-05-12',
      nik: '3171055205800003',
      kk: '3171050101090001',
      ktp_address: 'Desa Sukamaju, Brebes',
      domicile_address: 'Kolong Tol Wiyoto Wiyono, Jakarta Utara',
      category: 'pemulung',
      consent: true,
    });
    const aid = (await manager('GET', '/api/v1/worklists/aid')).json().entries as { person_id: string; steps: { code: string; next_step: string }[] }[];
    const d = aid.find((e) => e.person_id === darmo.id)!;
    expect(d.steps.map((s) => s.code)).toEqual(['adminduk']);
    const s = aid.find((e) => e.person_id === withNik.id)!;
    // DTKS unknown: checked by NIK at the Dinsos first; the outcome opens the proposal.
    expect(s.steps.map((x) => x.code)).toEqual(['dtks_check', 'domicile']);
    expect((await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-proposal`, {})).statusCode).toBe(409);
    expect((await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-check`, { outcome: 'maybe' })).statusCode).toBe(422);
    expect((await manager('POST', `/api/v1/residents/${darmo.id}/case/dtks-check`, { outcome: 'no' })).statusCode).toBe(409);
    const checked = await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-check`, { outcome: 'no' });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().aid).toMatchObject({ dtks: 'no', domicile: 'elsewhere', nik_region: '31.71', lives_in: '31.71' });
    expect(checked.json().aid.steps.map((x: { code: string }) => x.code)).toEqual(['dtks', 'domicile']);
    expect((await otherManager('GET', '/api/v1/worklists/aid')).json().entries).toEqual([]);
    expect((await lansia.api('GET', '/api/v1/worklists/aid')).json().entries.map((e: { person_id: string }) => e.person_id)).toEqual([darmo.id]);
    expect((await manager('GET', '/api/v1/worklists/aid?step=adminduk')).json().entries.map((e: { person_id: string }) => e.person_id)).toEqual([darmo.id]);

    const csv = await command('GET', '/api/v1/worklists/dtks?format=csv');
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('NIK');
    expect(lines[0]).toContain('No. KK');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('3171055205800003');
    expect(lines[1]).toContain('3171050101090001');
    expect(lines[1]).toContain('1980-05-12');
    expect(lines[1]).toContain('31.71');
    const xlsx = await command('GET', '/api/v1/worklists/dtks?format=xlsx');
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await db.select().from(auditEvents).where(eq(auditEvents.action, 'worklist.dtks_export')).all()).length).toBe(2);

    const proposed = await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-proposal`, {});
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json().aid.steps.map((x: { code: string }) => x.code)).toEqual(['dtks_proposed', 'domicile']);
    expect((await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-proposal`, {})).statusCode).toBe(409);
    expect((await manager('POST', `/api/v1/residents/${darmo.id}/case/dtks-proposal`, {})).statusCode).toBe(409);
  });

  it('overrides a cluster only with a reason, audited', async () => {
    const p = await placed(intake, { name: 'Joko', sex: 'L', estimated_age: 35 });
    expect((await manager('GET', `/api/v1/residents/${p.id}/case`)).json().cluster.cluster).toBeNull();
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(422);
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/cluster`, { cluster: 'napza' })).statusCode).toBe(422);
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/cluster`, { cluster: 'kriminal', reason: 'x' })).statusCode).toBe(422);
    const set = await manager('POST', `/api/v1/residents/${p.id}/case/cluster`, { cluster: 'tuna_sosial', reason: 'Tidur di jalan sejak PHK' });
    expect(set.statusCode).toBe(200);
    expect(set.json().cluster).toMatchObject({ cluster: 'tuna_sosial', derived: null, override: { reason: 'Tidur di jalan sejak PHK' } });
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(200);
    expect(await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'case.cluster'), eq(auditEvents.entityId, p.id))).all()).toHaveLength(1);
  });

  it('gives one cluster for a person everywhere: the override, else the derived one (the person record, the caseload, the person page)', async () => {
    // 68 and homeless: derived lansia; the case worker sets tuna_sosial by hand.
    const p = await placed(intake, { name: 'Sastro', sex: 'L', estimated_age: 68, category: 'gelandangan' });
    expect((await manager('GET', `/api/v1/residents/${p.id}`)).json().resident.cluster).toBe('lansia');
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/cluster`, { cluster: 'tuna_sosial', reason: 'Hidup di jalan, bukan karena usia' })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(200);
    expect((await manager('GET', `/api/v1/residents/${p.id}`)).json().resident.cluster).toBe('tuna_sosial');
    expect((await manager('GET', `/api/v1/residents/${p.id}/case`)).json().cluster).toMatchObject({ cluster: 'tuna_sosial', derived: 'lansia' });
    const listed = (await tuna.api('GET', '/api/v1/cases')).json().cases.find((c: { person_id: string }) => c.person_id === p.id);
    expect(listed.cluster).toBe('tuna_sosial');
    const edited = await manager('PATCH', `/api/v1/residents/${p.id}`, { version: 1, phone: '0812000111' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().resident.cluster).toBe('tuna_sosial');
  });

  it('lets a pendamping assigned by the command centre work a case at a protected facility, and nobody else outside it', async () => {
    const shelter = await makeFacility(db, { kind: 'BALAI', wilayahCode: '31.71', protected: true, name: 'Rumah Aman X' });
    await makeUnit(db, shelter.id, { capacity: 5 });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: shelter.id }));
    const p = await placed(desk, { name: 'Rina', sex: 'P', estimated_age: 24, trafficking_victim: true });
    expect((await tuna.api('GET', `/api/v1/residents/${p.id}/case`)).statusCode).toBe(404);
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(404);
    expect((await command('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(200);
    const c = await tuna.api('GET', `/api/v1/residents/${p.id}/case`);
    expect(c.statusCode).toBe(200);
    // Assigned, they work the case; where she is stays with those who work there (one rule: canSeeFacility).
    expect(c.json().stay).toMatchObject({ facility_id: null, facility_name: null });
    expect((await manager('GET', `/api/v1/residents/${p.id}/case`)).statusCode).toBe(404);
    expect((await manager('GET', '/api/v1/worklists/aid')).json().entries.map((e: { person_id: string }) => e.person_id)).not.toContain(p.id);

    // A case that follows someone into the safe house later does not name it to their pendamping.
    const q = await placed(intake, { name: 'Dewi', sex: 'P', estimated_age: 22, trafficking_victim: true });
    expect((await manager('POST', `/api/v1/residents/${q.id}/case/assign`, { pendamping_id: ids.tuna })).statusCode).toBe(200);
    const unit = (await db.select().from(units).where(eq(units.facilityId, shelter.id)).get())!;
    const later = new Date(Date.now() + 60_000).toISOString();
    await write(db, async (tx) => {
      await tx.update(stays).set({ checkedOutAt: later, outcome: 'referred', destination: 'rujukan' }).where(eq(stays.id, q.stayId)).run();
      await tx.insert(stays).values({ id: `moved-${q.id}`, personId: q.id, facilityId: shelter.id, unitId: unit.id, checkedInAt: later }).run();
    });
    const moved = (await tuna.api('GET', `/api/v1/residents/${q.id}/case`)).json();
    expect(moved.stay).toMatchObject({ open: true, facility_id: null, facility_name: null });
    const entry = (list: { person_id: string; facility_name: string | null }[]) => list.find((e) => e.person_id === q.id)!;
    expect(entry((await tuna.api('GET', '/api/v1/cases')).json().cases).facility_name).toBeNull();
    expect(entry((await tuna.api('GET', '/api/v1/worklists/aid')).json().entries).facility_name).toBeNull();
    expect((await command('GET', `/api/v1/residents/${q.id}/case`)).json().stay.facility_name).toBe('Rumah Aman X');
  });

  it('carries the merged-away record’s case to the survivor: moved whole, or joined to the survivor’s', async () => {
    const survivor = await placed(intake, { name: 'Sukirman', sex: 'L', estimated_age: 50 });
    const register = async (name: string) => (await intake('POST', '/api/v1/residents', { persons: [{ name, sex: 'L', estimated_age: 50 }], confirm_new: true })).json().persons[0].id as string;
    const other = await register('Kirman');
    expect((await manager('POST', `/api/v1/residents/${other}/case/assessment`, { needs: 'KTP hilang', wishes: 'Pulang ke Klaten' })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${other}/case/plan`, { items: [{ menu: 'bantuan', service: 'Urus KTP', goal: 'Punya NIK' }] })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${other}/case/services`, { menu: 'bantuan', service: 'Makan' })).statusCode).toBe(201);
    expect((await manager('POST', `/api/v1/residents/${survivor.id}/merge`, { other, reason: 'Orang yang sama' })).statusCode).toBe(200);
    const c = (await manager('GET', `/api/v1/residents/${survivor.id}/case`)).json();
    expect(c.assessment).toMatchObject({ needs: 'KTP hilang', wishes: 'Pulang ke Klaten' });
    expect(c.plan.map((i: { service: string }) => i.service)).toEqual(['Urus KTP']);
    expect(c.services.map((x: { service: string }) => x.service)).toEqual(['Makan']);

    // Both with a case: the survivor keeps its own assessment and takes the other's plan and services after its own.
    const third = await register('Sukir');
    expect((await manager('POST', `/api/v1/residents/${third}/case/assessment`, { needs: 'Lain', wishes: 'Lain' })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${third}/case/plan`, { items: [{ menu: 'terapi', service: 'Konseling', goal: 'Tenang' }] })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${survivor.id}/merge`, { other: third })).statusCode).toBe(200);
    const both = (await manager('GET', `/api/v1/residents/${survivor.id}/case`)).json();
    expect(both.assessment.needs).toBe('KTP hilang');
    expect(both.plan.map((i: { service: string }) => i.service)).toEqual(['Urus KTP', 'Konseling']);
    expect(await db.all(sql`select id from cases where person_id in (${other}, ${third})`)).toEqual([]);
  });

  it('gives a pendamping token no one else’s cases, and keeps satpol and display out', async () => {
    const token = bearer(app, await makeToken(db, 'pendamping', { wilayah: '31.71' }));
    expect((await token('GET', '/api/v1/cases')).json().cases).toEqual([]);
    expect((await token('GET', `/api/v1/residents/${darmo.id}/case`)).statusCode).toBe(404);
    // A pendamping token made for a pendamping account works on that account's cases, and only those.
    const pl = (await db.all<{ username: string }>(sql`select username from users where id = ${ids.lansia}`))[0]!.username;
    const own = bearer(app, await makeToken(db, 'pendamping', { account: pl }));
    const mine = (await lansia.api('GET', '/api/v1/cases')).json().cases.map((c: { person_id: string }) => c.person_id);
    expect(mine).toContain(darmo.id);
    expect((await own('GET', '/api/v1/cases')).json().cases.map((c: { person_id: string }) => c.person_id)).toEqual(mine);
    expect((await own('GET', `/api/v1/residents/${darmo.id}/case`)).statusCode).toBe(200);
    expect((await own('POST', `/api/v1/residents/${darmo.id}/case/services`, { menu: 'bantuan', service: 'Air minum' })).statusCode).toBe(201);
    expect((await own('GET', '/api/v1/worklists/aid')).json().entries.map((e: { person_id: string }) => e.person_id)).toContain(darmo.id);
    const other = bearer(app, await makeToken(db, 'pendamping', { account: ids.otherLansia }));
    expect((await other('GET', `/api/v1/residents/${darmo.id}/case`)).statusCode).toBe(404);
    // The account disabled, its token answers nothing.
    await write(db, async (tx) => await tx.run(sql`update users set disabled_at = ${new Date().toISOString()} where id = ${ids.otherLansia}`));
    expect((await other('GET', '/api/v1/cases')).statusCode).toBe(401);
    await write(db, async (tx) => await tx.run(sql`update users set disabled_at = null where id = ${ids.otherLansia}`));
    expect((await other('GET', '/api/v1/cases')).statusCode).toBe(200);
    await expect(makeToken(db, 'intake', { facility: ids.f, account: pl })).rejects.toThrow();
    await expect(makeToken(db, 'pendamping', { account: 'nobody-here' })).rejects.toThrow();
    const satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    expect((await satpol('GET', `/api/v1/residents/${darmo.id}/case`)).statusCode).toBe(403);
    expect((await satpol('GET', '/api/v1/worklists/aid')).statusCode).toBe(403);
  });

  it('makes pemulangan a journey: destination, family contact, escort, date, and a follow-up after arrival that outlives the stay', async () => {
    const p = await placed(intake, { name: 'Karsih', sex: 'P', estimated_age: 71, origin_wilayah_code: '33.29' });
    await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.lansia });
    const half = await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, { outcome: 'returned_home', destination: 'Brebes', family_contact: 'Anak: 0812-1111-2222' });
    expect(half.statusCode).toBe(422);
    expect(half.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['date', 'destination_wilayah_code', 'escort']);
    const wrongOutcome = await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, { outcome: 'left', destination_wilayah_code: '33.29', family_contact: 'x', escort: 'y', date: dayOffset(-10) });
    expect(wrongOutcome.statusCode).toBe(422);
    const badArea = await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, { outcome: 'returned_home', destination: 'Brebes', destination_wilayah_code: '99.99', family_contact: 'x', escort: 'y', date: dayOffset(-10) });
    expect(badArea.statusCode).toBe(422);
    const ok = await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, {
      outcome: 'returned_home',
      destination: 'Kab. Brebes',
      destination_wilayah_code: '33.29',
      family_contact: 'Anak: 0812-1111-2222',
      escort: 'Pekerja sosial Dinsos',
      date: dayOffset(-10),
    });
    expect(ok.statusCode).toBe(200);
    const c = (await lansia.api('GET', `/api/v1/residents/${p.id}/case`)).json();
    expect(c.stay).toMatchObject({ open: false, outcome: 'returned_home', journey: { destination_wilayah_code: '33.29', escort: 'Pekerja sosial Dinsos', date: dayOffset(-10) } });
    expect(c.follow_ups).toEqual([expect.objectContaining({ kind: 'after_arrival', due: dayOffset(-3), state: 'overdue', stay_id: p.stayId })]);
    const listed = (await lansia.api('GET', '/api/v1/worklists/follow-ups')).json().entries;
    expect(listed).toEqual([expect.objectContaining({ person_id: p.id, kind: 'after_arrival', after_discharge: true })]);
    // Work goes on after discharge: the pendamping records the visit, the facility's manager still sees the case.
    const fid = c.follow_ups[0].id;
    expect((await lansia.api('POST', `/api/v1/residents/${p.id}/case/follow-ups/${fid}/done`, { outcome: 'still_home', note: 'Tinggal bersama anak' })).statusCode).toBe(200);
    expect((await manager('GET', `/api/v1/residents/${p.id}/case`)).statusCode).toBe(200);
    // Gone home, still on the pendamping's aid worklist; off the facility's, which lists placed people.
    expect((await lansia.api('GET', '/api/v1/worklists/aid')).json().entries.map((e: { person_id: string }) => e.person_id)).toContain(p.id);
    expect((await manager('GET', '/api/v1/worklists/aid')).json().entries.map((e: { person_id: string }) => e.person_id)).not.toContain(p.id);

  });

  it('clears what the case says in words when the person is anonymised, keeping the counts', async () => {
    const p = await placed(intake, { name: 'Wagiman', sex: 'L', estimated_age: 66 });
    await manager('POST', `/api/v1/residents/${p.id}/case/assessment`, { needs: 'Riwayat stroke', wishes: 'Pulang ke Wonogiri' });
    await manager('POST', `/api/v1/residents/${p.id}/case/services`, { menu: 'perawatan', service: 'Fisioterapi', note: 'Di RS Persahabatan' });
    await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, { outcome: 'returned_home', destination: 'Wonogiri', destination_wilayah_code: '33.12', family_contact: 'Adik: 0815', escort: 'Peksos', date: dayOffset(-1) });
    const admin = bearer(app, await makeToken(db, 'admin'));
    expect((await admin('POST', `/api/v1/residents/${p.id}/anonymise`, {})).statusCode).toBe(200);
    const c = (await admin('GET', `/api/v1/residents/${p.id}/case`)).json();
    expect(c.assessment).toMatchObject({ needs: null, wishes: null });
    expect(c.services).toEqual([expect.objectContaining({ menu: 'perawatan', note: null })]);
    expect(c.services[0].service).not.toContain('Fisioterapi');
    expect(c.stay.journey).toMatchObject({ destination_wilayah_code: '33.12', family_contact: '—' });
    expect(c.follow_ups).toHaveLength(1);
  });
});

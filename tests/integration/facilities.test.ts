import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { auditEvents } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, type Facility } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';
import {
  countAudit,
  countFacilities,
  facilityRow,
  fieldError,
  insertReferral,
  insertStay,
  checkOut,
  problem,
  setReferralStatus,
} from './facilities-fixtures.ts';

/** Facilities through the JSON API: create, change, status, who sees what, filters, occupancy. */
describe('facilities API', () => {
  let app: FastifyInstance;
  let db: Db;
  let admin: Call;
  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    admin = bearer(app, await makeToken(db, 'admin'));
  });
  afterAll(async () => app.close());

  const valid = (o: Record<string, unknown> = {}) => ({
    code: `BALAI-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'BALAI',
    name: 'Sentra Mulya Jaya',
    wilayah_code: '31.75',
    address: 'Jl. Tat Twam Asi No. 47, Pasar Rebo',
    lat: -6.3,
    lng: 106.86,
    contact_name: 'Ibu Sari',
    contact_phone: '+62 21 840 1234',
    operator: 'Kemensos',
    services: ['maternity', 'early_childhood'],
    clusters: ['anak'],
    ...o,
  });

  describe('create (admin)', () => {
    it('creates a facility on STANDBY with who and when, audited', async () => {
      const before = await countAudit(db, 'facility.create');
      const res = await admin('POST', '/api/v1/facilities', valid({ code: 'balai-mj-01' }));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        code: 'BALAI-MJ-01',
        kind: 'BALAI',
        wilayah_code: '31.75',
        wilayah_name: 'Kota Administrasi Jakarta Timur',
        status: 'STANDBY',
        services: ['maternity', 'early_childhood'],
        clusters: ['anak'],
        protected: false,
        version: 1,
      });
      expect(body.status_changed_by).toMatch(/^token:/);
      expect(body.status_changed_at).toMatch(/\+07:00$/);
      expect(res.headers.location).toBe(`/api/v1/facilities/${body.id}`);
      expect(await countAudit(db, 'facility.create')).toBe(before + 1);
    });

    it('accepts the wilayah by name and the facility can start OPEN', async () => {
      const res = await admin('POST', '/api/v1/facilities', valid({ wilayah_code: 'Jakarta Barat', kind: 'TPS', status: 'OPEN', lat: null, lng: null }));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ wilayah_code: '31.73', status: 'OPEN', lat: null, lng: null });
    });

    it.each([
      ['an unknown wilayah code', { wilayah_code: '99.99' }, 'wilayah_code', 'Kode wilayah tidak dikenal.'],
      ['a province instead of a kab/kota', { wilayah_code: '31' }, 'wilayah_code', 'Pilih kabupaten/kota, bukan provinsi.'],
      ['a wilayah name that matches nothing', { wilayah_code: 'Atlantis' }, 'wilayah_code', 'Kode wilayah tidak dikenal.'],
      ['an unknown kind', { kind: 'HOTEL' }, 'kind', 'Isian tidak sah.'],
      ['a missing name', { name: '  ' }, 'name', 'Wajib diisi.'],
      ['a bad code', { code: 'a b' }, 'code', 'Huruf besar, angka, titik, garis bawah atau tanda hubung; 2–40 karakter.'],
      ['an unknown service', { services: ['spa'] }, 'services.0', 'Isian tidak sah.'],
      ['coordinates outside Indonesia (swapped)', { lat: 106.8, lng: -6.2 }, 'lat', 'Di luar wilayah Indonesia — apakah lintang dan bujur tertukar?'],
      ['a latitude without a longitude', { lng: undefined }, 'lng', 'Isi lintang dan bujur bersama-sama.'],
      ['a bad phone', { contact_phone: 'call me' }, 'contact_phone', 'Nomor telepon tidak sah (angka, boleh diawali +).'],
      ['a protected flag that is not a yes or no', { protected: 'maybe' }, 'protected', 'Isian tidak sah.'],
      ['an initial status of CLOSED', { status: 'CLOSED' }, 'status', 'Isian tidak sah.'],
    ])('refuses %s with a field message, and changes nothing', async (_label, patch, path, message) => {
      const facilitiesBefore = await countFacilities(db);
      const auditBefore = await countAudit(db);
      const res = await admin('POST', '/api/v1/facilities', valid(patch));
      expect(res.statusCode).toBe(422);
      const body = problem(res);
      expect(body.status).toBe(422);
      expect(fieldError(body, path)).toBe(message);
      expect(await countFacilities(db)).toBe(facilitiesBefore);
      expect(await countAudit(db)).toBe(auditBefore);
    });

    it('refuses a code another facility has', async () => {
      await makeFacility(db, { code: 'TPS-GOR-TAKEN' });
      const res = await admin('POST', '/api/v1/facilities', valid({ code: 'tps-gor-taken' }));
      expect(res.statusCode).toBe(422);
      expect(fieldError(problem(res), 'code')).toBe('Kode ini sudah dipakai fasilitas lain.');
    });

    it('answers in English when asked', async () => {
      const res = await admin('POST', '/api/v1/facilities?lang=en', valid({ wilayah_code: '99.99' }));
      expect(fieldError(problem(res), 'wilayah_code')).toBe('Unknown area code.');
    });

    it.each(['command', 'manager', 'intake', 'satpol', 'display'] as const)('refuses a %s (403) and creates nothing', async (role) => {
      const f = await makeFacility(db);
      const call = bearer(app, await makeToken(db, role, role === 'manager' || role === 'intake' ? { facility: f.id } : role === 'satpol' ? { wilayah: '31.71' } : {}));
      const before = await countFacilities(db);
      const res = await call('POST', '/api/v1/facilities', valid());
      expect(res.statusCode).toBe(403);
      expect(await countFacilities(db)).toBe(before);
    });
  });

  describe('change (admin PATCH)', () => {
    it('changes details, bumps the version and audits what changed', async () => {
      const f = await makeFacility(db, { kind: 'PANTI', services: [] });
      const res = await admin('PATCH', `/api/v1/facilities/${f.id}`, {
        version: 1,
        name: 'Panti Sosial Bina Insan',
        services: ['elderly', 'medical'],
        protected: true,
        wilayah_code: '31.74',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Panti Sosial Bina Insan', services: ['elderly', 'medical'], protected: true, wilayah_code: '31.74', version: 2 });
      const event = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, f.id)).orderBy(desc(auditEvents.id)).get())!;
      expect(event.action).toBe('facility.update');
      expect(event.detail).toMatchObject({ changes: { name: { to: 'Panti Sosial Bina Insan' }, protected: { from: false, to: true } } });
    });

    it('a stale version is a 409 and changes nothing', async () => {
      const f = await makeFacility(db, { name: 'Asli' });
      expect((await admin('PATCH', `/api/v1/facilities/${f.id}`, { version: 1, name: 'Pertama' })).statusCode).toBe(200);
      const res = await admin('PATCH', `/api/v1/facilities/${f.id}`, { version: 1, name: 'Kedua' });
      expect(res.statusCode).toBe(409);
      expect(problem(res).detail).toBe('Data ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.');
      expect(await facilityRow(db, f.id)).toMatchObject({ name: 'Pertama', version: 2 });
    });

    it('needs a version, refuses a status (it has its own action) and an unknown wilayah', async () => {
      const f = await makeFacility(db, { name: 'Tetap' });
      const noVersion = problem(await admin('PATCH', `/api/v1/facilities/${f.id}`, { name: 'X' }));
      expect(fieldError(noVersion, 'version')).toBe('Wajib diisi.');
      const withStatus = problem(await admin('PATCH', `/api/v1/facilities/${f.id}`, { version: 1, status: 'CLOSED' }));
      expect(fieldError(withStatus, 'status')).toBe('Status diubah dengan tombol Buka/Siaga/Tutup, bukan di sini.');
      const badWilayah = problem(await admin('PATCH', `/api/v1/facilities/${f.id}`, { version: 1, wilayah_code: '31.99' }));
      expect(fieldError(badWilayah, 'wilayah_code')).toBe('Kode wilayah tidak dikenal.');
      expect(await facilityRow(db, f.id)).toMatchObject({ name: 'Tetap', status: 'OPEN', wilayahCode: '31.71', version: 1 });
    });

    it('a manager may not change facility details, even their own (403)', async () => {
      const f = await makeFacility(db, { name: 'Milik manajer' });
      const manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
      const res = await manager('PATCH', `/api/v1/facilities/${f.id}`, { version: 1, name: 'Diubah' });
      expect(res.statusCode).toBe(403);
      expect((await facilityRow(db, f.id)).name).toBe('Milik manajer');
    });

    it('an unknown facility is a 404', async () => {
      expect((await admin('PATCH', '/api/v1/facilities/nope', { version: 1, name: 'X' })).statusCode).toBe(404);
    });
  });

  describe('status: STANDBY → OPEN → CLOSED as one action', () => {
    it("the facility's manager opens it; who and when are kept and audited", async () => {
      const f = await makeFacility(db, { status: 'STANDBY' });
      const manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
      const res = await manager('POST', `/api/v1/facilities/${f.id}/status`, { status: 'OPEN', reason: 'Operasi penertiban malam ini' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'OPEN', version: 2 });
      const row = await facilityRow(db, f.id);
      expect(row.statusChangedBy).toMatch(/^token:/);
      expect(row.statusChangedAt).not.toBeNull();
      const event = (await db.select().from(auditEvents).where(eq(auditEvents.entityId, f.id)).orderBy(desc(auditEvents.id)).get())!;
      expect(event).toMatchObject({ action: 'facility.status', detail: { from: 'STANDBY', to: 'OPEN', reason: 'Operasi penertiban malam ini' } });
    });

    it('refuses to close while people are checked in, and names them', async () => {
      const f = await makeFacility(db, { kind: 'TPS', name: 'GOR Cempaka Putih' });
      const u = await makeUnit(db, f.id, { capacity: 20 });
      const a = await insertStay(db, f.id, u.id, { name: 'Siti Aminah', code: 'SGH-AAA111' });
      const b = await insertStay(db, f.id, u.id, { description: 'laki-laki, ±40 th, kaos merah', code: 'SGH-BBB222' });
      const auditBefore = await countAudit(db);
      const res = await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'CLOSED' });
      expect(res.statusCode).toBe(409);
      const detail = problem(res).detail;
      expect(detail).toContain('GOR Cempaka Putih masih menampung 2 orang');
      expect(detail).toContain('SGH-AAA111 (Siti Aminah)');
      expect(detail).toContain('SGH-BBB222 (laki-laki, ±40 th, kaos merah)');
      // Standby would hide them from every count just the same.
      expect((await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'STANDBY' })).statusCode).toBe(409);
      expect(await facilityRow(db, f.id)).toMatchObject({ status: 'OPEN', version: 1 });
      expect(await countAudit(db)).toBe(auditBefore);

      // Once they have left, it closes.
      await checkOut(db, a.stayId);
      expect((await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'CLOSED' })).statusCode).toBe(409);
      await checkOut(db, b.stayId);
      const closed = await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'CLOSED' });
      expect(closed.statusCode).toBe(200);
      expect(closed.json().status).toBe('CLOSED');
    });

    it('refuses to close while open referrals hold places there', async () => {
      const f = await makeFacility(db, { kind: 'BALAI', name: 'Balai Handayani' });
      const u = await makeUnit(db, f.id, { capacity: 10 });
      const r = await insertReferral(db, f.id, u.id, 3, 'IN_TRANSIT');
      const res = await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'CLOSED' });
      expect(res.statusCode).toBe(409);
      expect(problem(res).detail).toBe(
        'Balai Handayani masih ditunggu 1 rujukan terbuka yang menahan 3 tempat. Selesaikan atau batalkan rujukan itu dulu.',
      );
      expect((await facilityRow(db, f.id)).status).toBe('OPEN');
      await setReferralStatus(db, r, 'CANCELLED');
      expect((await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'CLOSED' })).statusCode).toBe(200);
    });

    it('refuses the status it already has, an unknown status and a stale version', async () => {
      const f = await makeFacility(db);
      expect((await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'OPEN' })).statusCode).toBe(409);
      const bad = await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'HALF_OPEN' });
      expect(bad.statusCode).toBe(422);
      expect(fieldError(problem(bad), 'status')).toBe('Isian tidak sah.');
      expect((await admin('POST', `/api/v1/facilities/${f.id}/status`, { status: 'STANDBY', version: 7 })).statusCode).toBe(409);
      expect(await facilityRow(db, f.id)).toMatchObject({ status: 'OPEN', version: 1 });
    });

    it("another facility's manager may not change it (403); intake and command may not at all", async () => {
      const mine = await makeFacility(db);
      const theirs = await makeFacility(db, { status: 'STANDBY' });
      const manager = bearer(app, await makeToken(db, 'manager', { facility: mine.id }));
      expect((await manager('POST', `/api/v1/facilities/${theirs.id}/status`, { status: 'OPEN' })).statusCode).toBe(403);
      const intake = bearer(app, await makeToken(db, 'intake', { facility: theirs.id }));
      expect((await intake('POST', `/api/v1/facilities/${theirs.id}/status`, { status: 'OPEN' })).statusCode).toBe(403);
      const command = bearer(app, await makeToken(db, 'command'));
      expect((await command('POST', `/api/v1/facilities/${theirs.id}/status`, { status: 'OPEN' })).statusCode).toBe(403);
      expect((await facilityRow(db, theirs.id)).status).toBe('STANDBY');
    });
  });
});

describe('who sees which facility, and how much', () => {
  let app: FastifyInstance;
  let db: Db;
  let open: Facility;
  let safeHouse: Facility;
  let other: Facility;
  const tokens: Record<string, Call> = {};

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    open = await makeFacility(db, { kind: 'TPS', name: 'GOR Terbuka', wilayahCode: '31.71' });
    safeHouse = await makeFacility(db, { kind: 'LKS', name: 'Rumah Aman Melati', wilayahCode: '31.74', protected: true, services: ['women_protection'] });
    other = await makeFacility(db, { kind: 'BALAI', name: 'Balai Lain', wilayahCode: '31.72' });
    const u1 = await makeUnit(db, open.id, { capacity: 10 });
    await insertStay(db, open.id, u1.id, { name: 'Budi Santoso', code: 'SGH-OPEN01' });
    const u2 = await makeUnit(db, safeHouse.id, { capacity: 6, admits: 'female' });
    await insertStay(db, safeHouse.id, u2.id, { name: 'Korban Rahasia', code: 'SGH-SAFE01' });
    await makeUnit(db, other.id, { capacity: 4 });
    tokens.admin = bearer(app, await makeToken(db, 'admin'));
    tokens.command = bearer(app, await makeToken(db, 'command'));
    tokens.display = bearer(app, await makeToken(db, 'display'));
    tokens.satpol = bearer(app, await makeToken(db, 'satpol', { wilayah: '31.71' }));
    tokens.intakeOpen = bearer(app, await makeToken(db, 'intake', { facility: open.id }));
    tokens.managerOther = bearer(app, await makeToken(db, 'manager', { facility: other.id }));
    tokens.managerSafe = bearer(app, await makeToken(db, 'manager', { facility: safeHouse.id }));
    tokens.intakeSafe = bearer(app, await makeToken(db, 'intake', { facility: safeHouse.id }));
  });
  afterAll(async () => app.close());

  const names = (res: { json(): { facilities: { name: string }[] } }) => res.json().facilities.map((f) => f.name).sort();

  it('a protected facility is listed only for admin, command and its own staff', async () => {
    expect(names(await tokens.admin!('GET', '/api/v1/facilities'))).toContain('Rumah Aman Melati');
    expect(names(await tokens.command!('GET', '/api/v1/facilities'))).toContain('Rumah Aman Melati');
    expect(names(await tokens.managerSafe!('GET', '/api/v1/facilities'))).toContain('Rumah Aman Melati');
    expect(names(await tokens.intakeSafe!('GET', '/api/v1/facilities'))).toContain('Rumah Aman Melati');
    for (const who of ['satpol', 'intakeOpen', 'managerOther'] as const) {
      const res = await tokens[who]!('GET', '/api/v1/facilities');
      expect(res.statusCode).toBe(200);
      expect(names(res)).toEqual(['Balai Lain', 'GOR Terbuka']);
    }
  });

  it('a protected facility is a 404 (not a 403) for those who may not know it, on the API and the page', async () => {
    for (const who of ['satpol', 'intakeOpen', 'managerOther'] as const) {
      const res = await tokens[who]!('GET', `/api/v1/facilities/${safeHouse.id}`);
      expect(res.statusCode).toBe(404);
      expect(problem(res).status).toBe(404);
    }
    // A manager (who may add units somewhere) learns nothing either: 404, not 403.
    expect((await tokens.managerOther!('POST', `/api/v1/facilities/${safeHouse.id}/units`, { name: 'X', capacity: 2 })).statusCode).toBe(404);
    expect((await tokens.managerOther!('POST', `/api/v1/facilities/${safeHouse.id}/status`, { status: 'CLOSED' })).statusCode).toBe(404);
    expect((await tokens.managerSafe!('GET', `/api/v1/facilities/${safeHouse.id}`)).statusCode).toBe(200);
  });

  it('the occupancy leaves the protected facility out of the list for display and satpol but counts it in the totals', async () => {
    for (const who of ['display', 'satpol'] as const) {
      const res = await tokens[who]!('GET', '/api/v1/occupancy');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['as_of', 'by_kind', 'by_wilayah', 'facilities', 'total']);
      expect(body.facilities.map((f: { name: string }) => f.name)).not.toContain('Rumah Aman Melati');
      expect(body.total.free).toBe(18);
      expect(body.by_kind.LKS.free).toBe(5);
      expect(JSON.stringify(body)).not.toContain('Korban Rahasia');
    }
    // The wall display gets every figure; Satpol PP where there is room.
    const display = (await tokens.display!('GET', '/api/v1/occupancy')).json();
    expect(display.total).toMatchObject({ capacity: 20, occupied: 2, free: 18 });
    expect(display.facilities[0].units.length).toBeGreaterThan(0);
    const satpol = (await tokens.satpol!('GET', '/api/v1/occupancy')).json();
    expect(satpol.total.occupied).toBeUndefined();
    const admin = (await tokens.admin!('GET', '/api/v1/occupancy')).json();
    const safe = admin.facilities.find((f: { name: string }) => f.name === 'Rumah Aman Melati');
    expect(safe).toMatchObject({ protected: true, capacity: 6, occupied: 1, free: 5 });
    expect(safe.units[0]).toMatchObject({ admits: 'female', capacity: 6, free: 5, free_by_admits: { female: 5, male: 0 } });
  });

  it('Satpol PP and another facility’s intake see free places only; staff of the facility see every figure', async () => {
    const satpol = (await tokens.satpol!('GET', '/api/v1/facilities')).json();
    const gor = satpol.facilities.find((f: { name: string }) => f.name === 'GOR Terbuka');
    expect(gor.occupancy).toEqual({ free: 9, free_by_feature: { accessible: 0, maternity: 0, crib: 0, elderly: 0 }, free_by_admits: { male: 9, female: 9, family: 9 } });
    const detail = (await tokens.satpol!('GET', `/api/v1/facilities/${open.id}`)).json();
    expect(detail.people).toBeUndefined();
    expect(detail.units[0].capacity).toBeUndefined();
    expect(detail.units[0].occupancy).toEqual(gor.occupancy);

    const own = (await tokens.intakeOpen!('GET', `/api/v1/facilities/${open.id}`)).json();
    expect(own.occupancy).toMatchObject({ capacity: 10, occupied: 1, free: 9, level: 'ok' });
    expect(own.people.map((p: { resident_code: string }) => p.resident_code)).toEqual(['SGH-OPEN01']);
    const elsewhere = (await tokens.intakeOpen!('GET', `/api/v1/facilities/${other.id}`)).json();
    expect(elsewhere.occupancy.occupied).toBeUndefined();
    expect(elsewhere.people).toBeUndefined();
  });

  it('only admin, command and the facility’s own staff see who is there', async () => {
    const byAdmin = (await tokens.admin!('GET', `/api/v1/facilities/${open.id}`)).json();
    expect(byAdmin.people[0]).toMatchObject({ resident_code: 'SGH-OPEN01', name: 'Budi Santoso' });
    expect((await tokens.command!('GET', `/api/v1/facilities/${safeHouse.id}`)).json().people[0].name).toBe('Korban Rahasia');
    const byOtherManager = (await tokens.managerOther!('GET', `/api/v1/facilities/${open.id}`)).json();
    expect(byOtherManager.people).toBeUndefined();
    expect(byOtherManager.occupancy.occupied).toBe(1);
  });

  it('the wall display may read occupancy but not the facility list', async () => {
    expect((await tokens.display!('GET', '/api/v1/facilities')).statusCode).toBe(403);
    expect((await tokens.display!('GET', '/api/v1/occupancy')).statusCode).toBe(200);
  });
});

describe('facility list filters and occupancy', () => {
  let app: FastifyInstance;
  let db: Db;
  let call: Call;
  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    call = bearer(app, await makeToken(db, 'command'));
    const tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Pusat', wilayahCode: '31.71' });
    await makeUnit(db, tps.id, { capacity: 50, admits: 'male' });
    const full = await makeUnit(db, tps.id, { capacity: 2, admits: 'female' });
    await insertStay(db, tps.id, full.id);
    await insertStay(db, tps.id, full.id);
    const balai = await makeFacility(db, { kind: 'BALAI', name: 'Balai Ibu', wilayahCode: '31.75', services: ['maternity'] });
    const mat = await makeUnit(db, balai.id, { capacity: 4, features: ['maternity', 'crib'], admits: 'female' });
    await insertReferral(db, balai.id, mat.id, 1, 'PROPOSED');
    const standby = await makeFacility(db, { kind: 'LKS', name: 'LKS Siaga', wilayahCode: '32.01', status: 'STANDBY' });
    await makeUnit(db, standby.id, { capacity: 30, features: ['accessible'], admits: 'family' });
  });
  afterAll(async () => app.close());

  const names = async (query: string) => {
    const res = await call('GET', `/api/v1/facilities${query}`);
    expect(res.statusCode).toBe(200);
    return res.json().facilities.map((f: { name: string }) => f.name).sort();
  };

  it('filters by kind, status, wilayah (kab/kota or province) and name', async () => {
    expect(await names('')).toEqual(['Balai Ibu', 'GOR Pusat', 'LKS Siaga']);
    expect(await names('?kind=TPS')).toEqual(['GOR Pusat']);
    expect(await names('?kind=TPS&kind=LKS')).toEqual(['GOR Pusat', 'LKS Siaga']);
    expect(await names('?status=STANDBY')).toEqual(['LKS Siaga']);
    expect(await names('?wilayah=31.75')).toEqual(['Balai Ibu']);
    expect(await names('?wilayah=31')).toEqual(['Balai Ibu', 'GOR Pusat']);
    expect(await names('?q=gor')).toEqual(['GOR Pusat']);
  });

  it('filters by a free place for a need: feature or who may stay', async () => {
    expect(await names('?need=maternity')).toEqual(['Balai Ibu']);
    expect(await names('?need=female')).toEqual(['Balai Ibu']); // the TPS's women's zone is full
    expect(await names('?need=male')).toEqual(['GOR Pusat']);
    expect(await names('?need=accessible&need=family')).toEqual(['LKS Siaga']);
    expect(await names('?need=elderly')).toEqual([]);
  });

  it('each facility carries its occupancy', async () => {
    const res = await call('GET', '/api/v1/facilities?kind=BALAI');
    expect(res.json().facilities[0].occupancy).toMatchObject({ capacity: 4, usable: 4, occupied: 0, held: 1, free: 3, free_by_feature: { maternity: 3, crib: 3 } });
    expect(res.json().as_of).toMatch(/\+07:00$/);
  });

  it('a bad filter is a 422 naming the filter', async () => {
    const res = await call('GET', '/api/v1/facilities?kind=HOTEL&need=sauna');
    expect(res.statusCode).toBe(422);
    const body = problem(res);
    expect(fieldError(body, 'kind.0')).toBe('Isian tidak sah.');
    expect(fieldError(body, 'need.0')).toBe('Isian tidak sah.');
  });

  it('GET /occupancy totals OPEN facilities by kind and wilayah, with units', async () => {
    const body = (await call('GET', '/api/v1/occupancy')).json();
    expect(body.total).toMatchObject({ capacity: 56, occupied: 2, held: 1, free: 53 });
    expect(body.by_kind).toHaveProperty('TPS');
    expect(body.by_kind).not.toHaveProperty('LKS'); // on standby
    expect(body.by_wilayah['31.71']).toMatchObject({ capacity: 52, occupied: 2, free: 50, free_by_admits: { male: 50, female: 0 } });
    const gor = body.facilities.find((f: { name: string }) => f.name === 'GOR Pusat');
    expect(gor.units).toHaveLength(2);
    expect(gor.units.find((u: { capacity: number }) => u.capacity === 2)).toMatchObject({ occupied: 2, free: 0 });
  });

  it('the wilayah search finds kab/kota by name or code', async () => {
    const byName = (await call('GET', '/api/v1/wilayah?q=jakarta%20timur')).json().wilayah;
    expect(byName).toEqual([{ code: '31.75', name: 'Kota Administrasi Jakarta Timur', province_code: '31', province_name: 'Daerah Khusus Ibukota Jakarta' }]);
    const byCode = (await call('GET', '/api/v1/wilayah?q=31.7')).json().wilayah.map((w: { code: string }) => w.code);
    expect(byCode).toEqual(['31.71', '31.72', '31.73', '31.74', '31.75']);
  });
});

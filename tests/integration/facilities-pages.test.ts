import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, type Facility, type Unit } from '../helpers/factories.ts';
import { signedIn, type Browser } from '../helpers/session.ts';
import { changesOf, countAudit, countFacilities, countUnits, facilityRow, insertStay, unitRow } from './facilities-fixtures.ts';

/** The block of HTML from the label (or form) that holds the named field to its end: "the error beside its field". */
function labelOf(html: string, name: string): string {
  const at = html.indexOf(`name="${name}"`);
  if (at < 0) throw new Error(`no field ${name}`);
  const start = html.lastIndexOf('<label', at);
  const end = html.indexOf('</label>', at);
  return html.slice(start, end + '</label>'.length);
}
function formById(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) throw new Error(`no form #${id}`);
  return html.slice(html.lastIndexOf('<form', at), html.indexOf('</form>', at) + 7);
}
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]?.trim();
const htmx = { 'hx-request': 'true', 'hx-request-type': 'partial' };

describe('facility pages', () => {
  let app: FastifyInstance;
  let db: Db;
  let balai: Facility;
  let tps: Facility;
  let safeHouse: Facility;
  let wisma: Unit;
  let admin: Browser;
  let manager: Browser;
  let otherManager: Browser;
  let satpol: Browser;
  let intakeTps: Browser;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    balai = await makeFacility(db, { kind: 'BALAI', name: 'Sentra Handayani', wilayahCode: '31.75', services: ['maternity', 'early_childhood'] });
    tps = await makeFacility(db, { kind: 'TPS', name: 'GOR Cempaka Putih', wilayahCode: '31.71' });
    safeHouse = await makeFacility(db, { kind: 'LKS', name: 'Rumah Aman Anggrek', wilayahCode: '31.74', protected: true });
    wisma = await makeUnit(db, balai.id, { name: 'Wisma Melati', capacity: 12, features: ['maternity', 'crib'], admits: 'female', bedLabelPattern: 'M-{n}' });
    await insertStay(db, balai.id, wisma.id, { name: 'Siti Rahayu', code: 'SGH-SITI01', bed: 'M-1' });
    await makeUnit(db, tps.id, { name: 'Zona A Laki-laki', capacity: 80, admits: 'male' });
    await makeUnit(db, safeHouse.id, { name: 'Kamar 1', capacity: 4 });
    const users = {
      admin: await makeUser(db, 'admin'),
      manager: await makeUser(db, 'manager', { facilityId: balai.id }),
      otherManager: await makeUser(db, 'manager', { facilityId: tps.id }),
      satpol: await makeUser(db, 'satpol', { wilayahCode: '31.71' }),
      intakeTps: await makeUser(db, 'intake', { facilityId: tps.id }),
    };
    admin = await signedIn(app, users.admin.username, users.admin.password);
    manager = await signedIn(app, users.manager.username, users.manager.password);
    otherManager = await signedIn(app, users.otherManager.username, users.otherManager.password);
    satpol = await signedIn(app, users.satpol.username, users.satpol.password);
    intakeTps = await signedIn(app, users.intakeTps.username, users.intakeTps.password);
  });
  afterAll(async () => app.close());

  describe('the list', () => {
    it('lists what the role may see, with free counts, and filters as a plain GET form', async () => {
      const all = await admin.get('/facilities');
      expect(all.statusCode).toBe(200);
      expect(all.body).toContain('Sentra Handayani');
      expect(all.body).toContain('Rumah Aman Anggrek');
      expect(all.body).toContain('<form id="facility-filter"');
      expect(all.body).toMatch(/method="get" action="\/facilities"/);

      const filtered = await admin.get('/facilities?kind=BALAI&need=maternity');
      expect(filtered.body).toContain('Sentra Handayani');
      expect(filtered.body).not.toContain('GOR Cempaka Putih');
      expect(filtered.body).toMatch(/<option value="BALAI" selected>/);
      const none = await admin.get('/facilities?need=elderly');
      expect(none.body).toContain('Tidak ada fasilitas yang cocok dengan saringan ini.');
    });

    it("a manager reaches their own facility from home and from the list", async () => {
      expect((await manager.get('/')).body).toContain(`id="home-own-facility" href="/facilities/${balai.id}"`);
      expect((await manager.get('/facilities')).body).toContain(`id="own-facility" href="/facilities/${balai.id}"`);
    });

    it('an htmx filter request gets the list region alone', async () => {
      const res = await admin.get('/facilities?kind=TPS', htmx);
      expect(res.statusCode).toBe(200);
      expect(res.body.trimStart()).toMatch(/^<div id="facility-list"/);
      expect(res.body).not.toContain('<html');
      expect(res.body).toContain('GOR Cempaka Putih');
      expect(res.body).not.toContain('Sentra Handayani');
      expect(String(res.headers.vary)).toContain('HX-Request');
    });

    it('Satpol PP sees free places only and never the protected facility', async () => {
      const res = await satpol.get('/facilities');
      expect(res.body).toContain('GOR Cempaka Putih');
      expect(res.body).not.toContain('Rumah Aman Anggrek');
      expect(res.body).not.toContain('class="bar"');
      expect(res.body).toContain('80</strong> kosong');
    });

    it('a bad filter says so beside the filter (422)', async () => {
      const res = await admin.get('/facilities?kind=HOTEL');
      expect(res.statusCode).toBe(422);
      expect(labelOf(res.body, 'kind')).toContain('<span class="field-error">Isian tidak sah.</span>');
    });
  });

  describe('one facility', () => {
    it('shows units, occupancy and who is there to the admin', async () => {
      const res = await admin.get(`/facilities/${balai.id}`);
      expect(res.statusCode).toBe(200);
      expect(textOf(res.body, 'facility-free')).toBe('11');
      expect(textOf(res.body, 'facility-occupied')).toBe('1');
      expect(res.body).toContain('Wisma Melati');
      expect(res.body).toContain('Tempat tidur: M-1 … M-12');
      expect(res.body).toContain('<rect class="occ" width="8.3"');
      expect(res.body).toContain('id="people"');
      expect(res.body).toContain('SGH-SITI01');
      expect(res.body).toContain('Siti Rahayu');
      expect(res.body).toContain('Perawatan ibu hamil, Pengasuhan anak usia dini');
      expect(res.body).toContain('href="/facilities/' + balai.id + '/edit"');
    });

    it("the facility's manager sees people and the unit forms; another manager sees numbers but no people and no forms", async () => {
      const own = await manager.get(`/facilities/${balai.id}`);
      expect(own.body).toContain('SGH-SITI01');
      expect(own.body).toContain(`id="unit-${wisma.id}-block"`);
      expect(own.body).toContain('id="add-unit"');
      expect(own.body).toContain('id="status-form"');
      expect(own.body).not.toContain('/edit"'); // facility details are the admin's

      const other = await otherManager.get(`/facilities/${balai.id}`);
      expect(other.statusCode).toBe(200);
      expect(textOf(other.body, 'facility-occupied')).toBe('1');
      expect(other.body).not.toContain('SGH-SITI01');
      expect(other.body).not.toContain(`id="unit-${wisma.id}-block"`);
      expect(other.body).not.toContain('id="status-form"');
    });

    it("Satpol PP and another facility's intake see free places only", async () => {
      for (const b of [satpol, intakeTps]) {
        const res = await b.get(`/facilities/${balai.id}`);
        expect(res.statusCode).toBe(200);
        expect(textOf(res.body, 'facility-free')).toBe('11');
        expect(res.body).not.toContain('id="facility-occupied"');
        expect(res.body).not.toContain('SGH-SITI01');
        expect(res.body).not.toContain('id="people"');
        expect(res.body).not.toContain('Riwayat perubahan');
      }
    });

    it('a protected facility is a 404 page for those who may not know it', async () => {
      for (const b of [satpol, intakeTps, otherManager]) {
        const res = await b.get(`/facilities/${safeHouse.id}`);
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('Rumah Aman Anggrek');
      }
      expect((await admin.get(`/facilities/${safeHouse.id}`)).statusCode).toBe(200);
    });

    it('uses no inline script, no inline style and no hx-on (the CSP forbids them)', async () => {
      for (const url of ['/facilities', `/facilities/${balai.id}`, '/facilities/new', `/facilities/${balai.id}/edit`]) {
        const body = (await admin.get(url)).body;
        expect(body).not.toMatch(/style="/);
        expect(body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
        expect(body).not.toMatch(/hx-on/);
        expect(body).not.toMatch(/hx-trigger="[^"]*\[/);
        // A control named like a form property (form.form, form.action…) breaks htmx's form handling in the browser.
        expect(body).not.toMatch(/<(input|select|button|textarea)[^>]*\sname="(form|action|method|submit|elements|id)"/);
      }
    });

    it('speaks English when asked', async () => {
      const res = await admin.get(`/facilities/${balai.id}?lang=en`);
      expect(res.body).toContain('Who is here');
      expect(res.body).toContain('Maternity care');
      await admin.get('/facilities?lang=id');
    });
  });

  describe('inline unit editing', () => {
    it('a manager blocks two places with htmx: the region comes back with the free count two lower', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Kenanga', capacity: 6 });
      const before = textOf((await manager.get(`/facilities/${balai.id}`)).body, 'facility-free');
      const res = await manager.post(
        `/facilities/${balai.id}/units/${u.id}`,
        { edit: 'block', version: '1', blocked: '2', block_reason: 'Kasur rusak' },
        { headers: htmx },
      );
      expect(res.statusCode).toBe(200);
      expect(res.body.trimStart()).toMatch(/^<div id="facility-main"/);
      expect(Number(textOf(res.body, 'facility-free'))).toBe(Number(before) - 2);
      expect(res.body).toContain('Unit Wisma Kenanga disimpan.');
      expect(res.body).toContain('Diblokir: Kasur rusak');
      expect(await unitRow(db, u.id)).toMatchObject({ blocked: 2, blockReason: 'Kasur rusak', version: 2 });
      expect(await changesOf(db, u.id)).toMatchObject([{ field: 'blocked', fromValue: '0', toValue: '2', reason: 'Kasur rusak' }]);
    });

    it('without JavaScript the same form redirects back to the page, which says it was saved', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Dahlia', capacity: 6 });
      const res = await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'capacity', version: '1', capacity: '9', reason: 'Kasur tambahan' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/facilities/${balai.id}#unit-${u.id}`);
      const page = await manager.get(`/facilities/${balai.id}`);
      expect(page.body).toContain('Unit Wisma Dahlia disimpan.');
      expect((await unitRow(db, u.id)).capacity).toBe(9);
    });

    it('a bad capacity re-renders the form with the message beside the field (422) and changes nothing', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Tulip', capacity: 6 });
      await insertStay(db, balai.id, u.id);
      await insertStay(db, balai.id, u.id);
      for (const [capacity, message] of [
        ['-5', 'Kapasitas minimal 1. Untuk menutup unit, ubah statusnya.'],
        ['5000', 'Paling banyak 1000 tempat per unit; bagi ruang besar menjadi beberapa zona.'],
        ['1', 'Kapasitas tidak boleh kurang dari 2 tempat yang sedang terpakai (2 ditempati, 0 ditahan rujukan).'],
      ] as const) {
        for (const headers of [htmx, {}]) {
          const res = await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'capacity', version: '1', capacity }, { headers });
          expect(res.statusCode).toBe(422);
          const field = labelOf(formById(res.body, `unit-${u.id}-capacity`), 'capacity');
          expect(field).toContain('aria-invalid="true"');
          expect(field).toContain(`value="${capacity}"`);
          expect(field).toContain(`<span class="field-error" id="unit-${u.id}-capacity-err">${message}</span>`);
        }
      }
      expect(await unitRow(db, u.id)).toMatchObject({ capacity: 6, version: 1 });
      expect(await changesOf(db, u.id)).toEqual([]);
    });

    it('blocking without a reason says so beside the reason field', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Anyelir', capacity: 6 });
      const res = await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'block', version: '1', blocked: '2', block_reason: '' }, { headers: htmx });
      expect(res.statusCode).toBe(422);
      expect(labelOf(formById(res.body, `unit-${u.id}-block`), 'block_reason')).toContain('Sebutkan alasan tempat diblokir.');
      expect((await unitRow(db, u.id)).blocked).toBe(0);
    });

    it('a stale form says the unit changed (409) and keeps the newer figures', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Seruni', capacity: 6 });
      expect((await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'capacity', version: '1', capacity: '7' })).statusCode).toBe(303);
      const res = await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'block', version: '1', blocked: '1', block_reason: 'x' }, { headers: htmx });
      expect(res.statusCode).toBe(409);
      expect(formById(res.body, `unit-${u.id}-block`)).toContain('Data ini baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.');
      expect(await unitRow(db, u.id)).toMatchObject({ capacity: 7, blocked: 0, version: 2 });
    });

    it('the details form treats unticked features as none', async () => {
      const u = await makeUnit(db, balai.id, { name: 'Wisma Mawar', capacity: 4, features: ['crib', 'maternity'] });
      const res = await manager.post(`/facilities/${balai.id}/units/${u.id}`, { edit: 'details', version: '1', name: 'Wisma Mawar', admits: 'family', features: 'elderly', bed_label_pattern: '' });
      expect(res.statusCode).toBe(303);
      expect(await unitRow(db, u.id)).toMatchObject({ features: ['elderly'], admits: 'family', bedLabelPattern: null });
    });

    it('a manager of another facility gets a 403 and nothing changes; so does intake', async () => {
      for (const b of [otherManager, intakeTps]) {
        const res = await b.post(`/facilities/${balai.id}/units/${wisma.id}`, { edit: 'capacity', version: String((await unitRow(db, wisma.id)).version), capacity: '30' });
        expect(res.statusCode).toBe(403);
      }
      expect((await unitRow(db, wisma.id)).capacity).toBe(12);
      const add = await otherManager.post(`/facilities/${balai.id}/units`, { name: 'Kamar Asing', capacity: '3' });
      expect(add.statusCode).toBe(403);
    });

    it('adds a unit, or says what is wrong beside the field', async () => {
      const before = await countUnits(db);
      const bad = await manager.post(`/facilities/${balai.id}/units`, { name: '', capacity: '-1', admits: 'female' }, { headers: htmx });
      expect(bad.statusCode).toBe(422);
      const form = formById(bad.body, 'add-unit');
      expect(labelOf(form, 'name')).toContain('Wajib diisi.');
      expect(labelOf(form, 'capacity')).toContain('Kapasitas minimal 1.');
      expect(await countUnits(db)).toBe(before);

      const ok = await manager.post(`/facilities/${balai.id}/units`, { name: 'Kamar Bayi', capacity: '4', admits: 'female', features: ['crib', 'maternity'] }, { headers: htmx });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('Unit Kamar Bayi ditambahkan.');
      expect(await countUnits(db)).toBe(before + 1);
    });
  });

  describe('opening, standby and closing', () => {
    it('closing with people inside is refused and names them; nothing changes', async () => {
      const auditBefore = await countAudit(db);
      const res = await manager.post(`/facilities/${balai.id}/status`, { status: 'CLOSED', version: String((await facilityRow(db, balai.id)).version) });
      expect(res.statusCode).toBe(409);
      const message = /id="status-error">([^<]*)</.exec(res.body)?.[1] ?? '';
      expect(message).toContain('Sentra Handayani masih menampung');
      expect(message).toContain('SGH-SITI01 (Siti Rahayu)');
      expect((await facilityRow(db, balai.id)).status).toBe('OPEN');
      expect(await countAudit(db)).toBe(auditBefore);
    });

    it('the manager stands an empty facility by and opens it again, each as one action', async () => {
      const hall = await makeFacility(db, { kind: 'TPS', name: 'GOR Kosong' });
      const user = await makeUser(db, 'manager', { facilityId: hall.id });
      const b = await signedIn(app, user.username, user.password);
      const res = await b.post(`/facilities/${hall.id}/status`, { status: 'STANDBY', version: '1' });
      expect(res.statusCode).toBe(303);
      expect((await b.get(`/facilities/${hall.id}`)).body).toContain('Status GOR Kosong sekarang: Siaga.');
      expect(await facilityRow(db, hall.id)).toMatchObject({ status: 'STANDBY', statusChangedBy: user.username });
      expect((await b.post(`/facilities/${hall.id}/status`, { status: 'OPEN', version: '2' })).statusCode).toBe(303);
      expect((await facilityRow(db, hall.id)).status).toBe('OPEN');
    });
  });

  describe('the admin’s facility forms', () => {
    it('re-renders the new-facility form with each error beside its field (422) and creates nothing', async () => {
      const before = await countFacilities(db);
      const res = await admin.post('/facilities', {
        name: 'GOR Baru',
        code: 'TPS-GOR-BARU',
        kind: 'TPS',
        wilayah_code: '99.99',
        lat: '-6.2',
        lng: '',
        contact_phone: 'abc',
        services: ['medical'],
      });
      expect(res.statusCode).toBe(422);
      const wilayah = labelOf(res.body, 'wilayah_code');
      expect(wilayah).toContain('aria-invalid="true"');
      expect(wilayah).toContain('<span class="field-error" id="err-wilayah_code">Kode wilayah tidak dikenal.</span>');
      expect(labelOf(res.body, 'lng')).toContain('Isi lintang dan bujur bersama-sama.');
      expect(labelOf(res.body, 'contact_phone')).toContain('Nomor telepon tidak sah');
      expect(labelOf(res.body, 'name')).toContain('value="GOR Baru"');
      expect(res.body).toMatch(/name="services" value="medical" checked/);
      expect(await countFacilities(db)).toBe(before);
    });

    it('creates a facility from the form (wilayah typed by name) and lands on its page', async () => {
      const res = await admin.post('/facilities', { name: 'GOR Tanah Abang', code: 'tps-gor-ta', kind: 'TPS', wilayah_code: 'Jakarta Pusat', status: 'OPEN', protected: 'on' });
      expect(res.statusCode).toBe(303);
      const page = await admin.get(res.headers.location as string);
      expect(page.body).toContain('Fasilitas GOR Tanah Abang dibuat.');
      expect(page.body).toContain('Kota Administrasi Jakarta Pusat (31.71)');
      expect(page.body).toContain('Dilindungi');
    });

    it('edits details; unticked services become none; a stale form is a 409 with the message on the form', async () => {
      const f = await makeFacility(db, { name: 'Panti Lama', services: ['elderly', 'medical'] });
      const form = (await admin.get(`/facilities/${f.id}/edit`)).body;
      expect(labelOf(form, 'name')).toContain('value="Panti Lama"');
      const res = await admin.post(`/facilities/${f.id}/edit`, { version: '1', name: 'Panti Werdha Budi Mulia', code: f.code, kind: 'PANTI', wilayah_code: '31.72', services: 'elderly' });
      expect(res.statusCode).toBe(303);
      expect(await facilityRow(db, f.id)).toMatchObject({ name: 'Panti Werdha Budi Mulia', kind: 'PANTI', wilayahCode: '31.72', services: ['elderly'], protected: false, version: 2 });
      const stale = await admin.post(`/facilities/${f.id}/edit`, { version: '1', name: 'Lagi', code: f.code, kind: 'PANTI', wilayah_code: '31.72' });
      expect(stale.statusCode).toBe(409);
      expect(stale.body).toContain('Data ini baru saja diubah orang lain.');
      expect((await facilityRow(db, f.id)).name).toBe('Panti Werdha Budi Mulia');
    });

    it('offers kab/kota as the name is typed', async () => {
      // The wilayah picker every form shares (views/partials/wilayah/picker.eta), asked as the facility form asks it.
      const form = await admin.get('/facilities/new');
      expect(form.body).toContain('hx-get="/wilayah/options"');
      const res = await admin.get('/wilayah/options?wilayah_code=jakarta%20sel');
      expect(res.body).toContain('<option value="31.74" label="Kota Administrasi Jakarta Selatan — Daerah Khusus Ibukota Jakarta (31.74)"></option>');
      expect(res.body).not.toContain('<html');
    });
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import type { Db } from '../../src/db/client.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, placedThroughApi as placed, signedIn, type Browser, type Call } from '../helpers/session.ts';
const dayOffset = (n: number) => wibDate(new Date(Date.now() + n * 86_400_000).toISOString());

/** Services by cluster and menu, DTKS proposals, pemulangan and follow-up outcomes; small cells suppressed in exports. */
describe('the case work report', () => {
  let app: FastifyInstance;
  let db: Db;
  let manager: Call;
  // Reports are pages (a session); the writes go through the API.
  let commandPage: Browser;
  let managerPage: Browser;
  let otherManagerPage: Browser;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'PANTI', wilayahCode: '31.75' });
    await makeUnit(db, f.id, { capacity: 30 });
    const g = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, g.id, { capacity: 30 });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
    const c = await makeUser(db, 'command');
    const m = await makeUser(db, 'manager', { facilityId: f.id });
    const o = await makeUser(db, 'manager', { facilityId: g.id });
    commandPage = await signedIn(app, c.username, c.password);
    managerPage = await signedIn(app, m.username, m.password);
    otherManagerPage = await signedIn(app, o.username, o.password);
    // Four elderly people given the same service, one of them twice; one more given therapy.
    const elders = [];
    for (const name of ['Sarno', 'Sarmi', 'Paijo', 'Tukiyem']) elders.push(await placed(desk, { name, sex: 'L', estimated_age: 70 }));
    for (const e of elders) expect((await manager('POST', `/api/v1/residents/${e.id}/case/services`, { menu: 'perawatan', service: 'Cek kesehatan' })).statusCode).toBe(201);
    await manager('POST', `/api/v1/residents/${elders[0]!.id}/case/services`, { menu: 'perawatan', service: 'Cek kesehatan lagi' });
    await manager('POST', `/api/v1/residents/${elders[1]!.id}/case/services`, { menu: 'terapi', service: 'Senam' });
    const withNik = await placed(desk, { name: 'Siti', sex: 'P', birth_date: '1950-05-12', nik: '3171055205500003' });
    // DTKS unknown: checked at the Dinsos first (not in it), then proposed.
    expect((await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-check`, { outcome: 'no' })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${withNik.id}/case/dtks-proposal`, {})).statusCode).toBe(201);
    // A pemulangan with its journey, followed up after arrival: still at home.
    const home = elders[3]!;
    await desk('POST', `/api/v1/stays/${home.stayId}/discharge`, { outcome: 'returned_home', destination: 'Klaten', destination_wilayah_code: '33.10', family_contact: 'Anak', escort: 'Peksos', date: dayOffset(-8) });
    const fu = (await manager('GET', `/api/v1/residents/${home.id}/case`)).json().follow_ups[0];
    await manager('POST', `/api/v1/residents/${home.id}/case/follow-ups/${fu.id}/done`, { outcome: 'still_home' });
  });
  afterAll(async () => app.close());

  const q = `from=${dayOffset(-1)}&to=${dayOffset(0)}`;

  it('counts services by cluster and menu, with small cells written <3 in the CSV', async () => {
    const csv = await commandPage.get(`/reports/casework.csv?table=services&${q}`);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Klaster,Menu ATENSI,Orang,Layanan');
    expect(lines).toContain('Lanjut usia,Perawatan sosial,4,5');
    expect(lines).toContain('Lanjut usia,Terapi,<3,<3');
  });

  it('counts DTKS proposals, pemulangan with their follow-ups, and follow-up outcomes', async () => {
    const page = await commandPage.get(`/reports/casework?${q}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="casework-dtks"[\s\S]*<td class="suppressed"[^>]*>1\*<\/td>/);
    const journeys = (await commandPage.get(`/reports/casework.csv?table=journeys&${q}`)).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(journeys).toContain('Dipulangkan ke daerah asal,<3,<3,<3,<3,0');
    const fus = (await commandPage.get(`/reports/casework.csv?table=follow-ups&${q}`)).body;
    expect(fus).toContain('Setelah tiba di rumah,masih di rumah,<3');
    const xlsx = await commandPage.get(`/reports/casework.xlsx?${q}`);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(xlsx.headers['content-disposition']).toBe(`attachment; filename="singgah-kerja-kasus-${dayOffset(-1)}_${dayOffset(0)}.xlsx"`);
    // Like every report's workbook, it says which period and which area its figures cover.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const info = wb.getWorksheet('Info')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1, 3));
    expect(info.map((r) => r[0])).toEqual(expect.arrayContaining(['Periode', 'Cakupan', 'Dibuat']));
    expect(info.find((r) => r[0] === 'Cakupan')![1]).toBe('Semua fasilitas');
  });

  it("keeps a manager to their own facility's people", async () => {
    const other = (await otherManagerPage.get(`/reports/casework.csv?table=services&${q}`)).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(other).toHaveLength(1);
    const own = (await managerPage.get(`/reports/casework?${q}`)).body;
    expect(own).toContain('&lt;3');
  });
});

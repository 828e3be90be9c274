import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser } from '../helpers/session.ts';

const dayOffset = (n: number) => wibDate(new Date(Date.now() + n * 86_400_000).toISOString());

/** The pendamping's pages work without JavaScript: real forms, a redirect back, errors beside their fields. */
describe('case pages', () => {
  let app: FastifyInstance;
  let db: Db;
  let pendamping: Browser;
  let managerPage: Browser;
  let personId: string;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'PANTI', wilayahCode: '31.75', name: 'Panti Uji Lansia' });
    await makeUnit(db, f.id, { capacity: 10 });
    const desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    const res = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Mbah Sarno', sex: 'L', estimated_age: 74 }], confirm_new: true });
    personId = res.json().persons[0].id;
    await desk('POST', '/api/v1/stays', { person_id: personId });
    const p = await makeUser(db, 'pendamping', { facilityId: f.id, cluster: 'lansia', username: 'pendamping.uji' });
    const m = await makeUser(db, 'manager', { facilityId: f.id });
    pendamping = await signedIn(app, p.username, p.password);
    managerPage = await signedIn(app, m.username, m.password);
    const assign = await managerPage.get(`/cases/${personId}`);
    expect(assign.body).toContain('pendamping.uji');
    const done = await managerPage.post(`/cases/${personId}/assign`, { pendamping_id: p.id, return_to: `/cases/${personId}` });
    expect(done.statusCode).toBe(303);
  });
  afterAll(async () => app.close());

  it('shows the caseload with the person, what stands between them and aid, and quick forms', async () => {
    const res = await pendamping.get('/cases');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Mbah Sarno');
    expect(res.body).toContain('Rekam di Dukcapil');
    expect(res.body).toContain(`action="/cases/${personId}/services"`);
    expect(res.body).toContain(`action="/cases/${personId}/follow-ups"`);
  });

  it('records a service from the caseload without JavaScript, and re-renders the card with errors on bad input', async () => {
    const bad = await pendamping.post(`/cases/${personId}/services`, { menu: '', service: '', return_to: '/cases' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/class="field-error">Pilih layanan dari katalog ATENSI/);
    const ok = await pendamping.post(`/cases/${personId}/services`, { service: 'pangan', note: 'Paket sembako', return_to: '/cases' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cases');
    const after = await pendamping.get('/cases');
    expect(after.body).toContain('Layanan dicatat.');
    const page = await pendamping.get(`/cases/${personId}`);
    expect(page.body).toContain('Paket sembako');
    expect(page.body).toContain('Bantuan pangan');
  });

  it('returns just the card to htmx', async () => {
    const res = await pendamping.post(`/cases/${personId}/follow-ups`, { kind: 'visit', due: dayOffset(-1), return_to: '/cases' }, { headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.body.trim().startsWith(`<li class="case-card case-overdue" id="case-${personId}"`)).toBe(true);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('1 terlambat');
    expect(res.body).toMatch(/id="case-stats" hx-swap-oob="true"/);
  });

  it('works the case page: plan item, assessment, follow-up done, and lists the overdue follow-up on /worklists until then', async () => {
    const bad = await pendamping.post(`/cases/${personId}/plan`, { menu: 'lainnya', service: 'x', goal: 'y', return_to: `/cases/${personId}` });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/field-error">Menu harus/);
    expect((await pendamping.post(`/cases/${personId}/plan`, { menu: 'terapi', service: 'terapi_fisik', note: 'Senam lansia', goal: 'Bugar', return_to: `/cases/${personId}` })).statusCode).toBe(303);
    expect((await pendamping.post(`/cases/${personId}/assessment`, { needs: 'Kacamata baca', wishes: 'Pulang ke Klaten', return_to: `/cases/${personId}` })).statusCode).toBe(303);
    const page = await pendamping.get(`/cases/${personId}`);
    expect(page.body).toContain('Senam lansia');
    expect(page.body).toContain('Pulang ke Klaten');
    const lists = await pendamping.get('/worklists');
    expect(lists.statusCode).toBe(200);
    expect(lists.body).toMatch(/id="follow-up-table"[\s\S]*Mbah Sarno/);
    const fid = /action="\/cases\/[^/]+\/follow-ups\/([^/]+)\/done"/.exec(page.body)![1]!;
    expect((await pendamping.post(`/cases/${personId}/follow-ups/${fid}/done`, { outcome: 'done', return_to: `/cases/${personId}` })).statusCode).toBe(303);
    expect((await pendamping.get('/worklists')).body).not.toContain('id="follow-up-table"');
  });

  it('shows the case on the person page for those who may see it', async () => {
    const res = await managerPage.get(`/cases/${personId}/summary`, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('pendamping.uji');
    const person = await managerPage.get(`/residents/${personId}`);
    expect(person.body).toContain(`hx-get="/cases/${personId}/summary"`);
  });

  it('lets the admin add a pendamping with a cluster from the admin page', async () => {
    const a = await makeUser(db, 'admin');
    const admin = await signedIn(app, a.username, a.password);
    const page = await admin.get('/admin');
    expect(page.body).toContain('<option value="pendamping">');
    const missing = await admin.post('/admin/users', { username: 'wati.lu', role: 'pendamping', wilayah: '31.75' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toMatch(/field-error">Pendamping harus punya klaster/);
    const ok = await admin.post('/admin/users', { username: 'wati.lu', role: 'pendamping', wilayah: '31.75', cluster: 'lansia' });
    expect(ok.statusCode).toBe(303);
    expect((await admin.get('/admin')).body).toMatch(/wati\.lu[\s\S]*?Pendamping · Lanjut usia · 31\.75/);
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, placedThroughApi as placed, signedIn, type Browser, type Call } from '../helpers/session.ts';

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
    // The case-work report is its readers' (REPORT_ROLES): its link is offered to a manager, not to a pendamping.
    expect(lists.body).not.toContain('href="/reports/casework"');
    expect((await managerPage.get('/worklists')).body).toContain('href="/reports/casework"');
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

/**
 * A page offers a case's forms to whom the domain lets work the case
 * (src/domain/cases/scope.ts canWorkCase, canChangeCase) and to nobody else:
 * the page asks, it does not decide (issue 26 follow-up).
 */
describe('case pages offer what the domain allows', () => {
  let app: FastifyInstance;
  let db: Db;
  let desk: Call;
  let own: Browser;
  let other: Browser;
  let bali: Browser;
  let managerPage: Browser;
  let intakePage: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71', name: 'TPS Uji Keluarga' });
    await makeUnit(db, f.id, { capacity: 20 });
    desk = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    const a = await makeUser(db, 'pendamping', { facilityId: f.id, cluster: 'lansia' });
    const b = await makeUser(db, 'pendamping', { wilayahCode: '31.71', cluster: 'lansia' });
    const d = await makeUser(db, 'pendamping', { wilayahCode: '51.71', cluster: 'lansia' });
    const m = await makeUser(db, 'manager', { facilityId: f.id });
    const i = await makeUser(db, 'intake', { facilityId: f.id });
    Object.assign(ids, { own: a.id, other: b.id, bali: d.id });
    own = await signedIn(app, a.username, a.password);
    other = await signedIn(app, b.username, b.password);
    bali = await signedIn(app, d.username, d.password);
    managerPage = await signedIn(app, m.username, m.password);
    intakePage = await signedIn(app, i.username, i.password);
  });
  afterAll(async () => app.close());

  async function elder(name: string, pendampingId: string, extra: Record<string, unknown> = {}) {
    const p = await placed(desk, { name, sex: 'L', estimated_age: 72, ...extra });
    expect((await managerPage.post(`/cases/${p.id}/assign`, { pendamping_id: pendampingId, return_to: `/cases/${p.id}` })).statusCode).toBe(303);
    return p;
  }
  const forms = (body: string, personId: string) => [...body.matchAll(new RegExp(`action="/cases/${personId}/([a-z-]+)"`, 'g'))].map((m) => m[1]).sort();
  const home = (stayId: string, code: string, place: string, days: number) =>
    desk('POST', `/api/v1/stays/${stayId}/discharge`, { outcome: 'returned_home', destination: place, destination_wilayah_code: code, family_contact: 'Anak: 0812', escort: 'Peksos', date: dayOffset(-days) });

  it('shows a case\'s forms to its pendamping and the manager, none to the intake desk or to a pendamping who only owns a follow-up', async () => {
    const p = await elder('Pak Karto', ids.own!, { birth_date: '1950-05-12', nik: '3171051205500004', dtks: 'no', consent: true, origin_wilayah_code: '51.71' });
    const working = ['assessment', 'close', 'cluster', 'dtks-proposal', 'evaluation', 'follow-ups', 'outside-referrals', 'plan', 'services', 'transfers'];
    for (const who of [own, managerPage]) {
      const page = await who.get(`/cases/${p.id}`);
      expect(page.statusCode).toBe(200);
      expect(forms(page.body, p.id)).toEqual(expect.arrayContaining(working));
    }
    // The assign form offers exactly whom the domain accepts: the elder's cluster, working where he is (not Bali's pendamping).
    const offered = [...(await managerPage.get(`/cases/${p.id}`)).body.matchAll(/<option value="([^"]+)"[^>]*>[^<]*\(/g)].map((m) => m[1]);
    expect(offered).toEqual(expect.arrayContaining([ids.own, ids.other]));
    expect(offered).not.toContain(ids.bali);
    const read = await intakePage.get(`/cases/${p.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toContain('Pak Karto');
    expect(forms(read.body, p.id)).toEqual([]);
    // Another pendamping does not see the case at all.
    expect((await other.get(`/cases/${p.id}`)).statusCode).toBe(404);

    // Home to Denpasar: Bali's pendamping owns the follow-up after arrival, sees the case, completes that follow-up and nothing else.
    expect((await home(p.stayId, '51.71', 'Denpasar', 2)).statusCode).toBe(200);
    const seen = await bali.get(`/cases/${p.id}`);
    expect(seen.statusCode).toBe(200);
    expect(forms(seen.body, p.id)).toEqual([]);
    expect(seen.body).toMatch(new RegExp(`action="/cases/${p.id}/follow-ups/[^/"]+/done"`));
    expect((await bali.post(`/cases/${p.id}/services`, { service: 'pangan', return_to: `/cases/${p.id}` })).statusCode).toBe(403);
    expect(forms((await own.get(`/cases/${p.id}`)).body, p.id)).toEqual(expect.arrayContaining(working));

    // The aid worklist's "proposed to DTKS" button, per row: the case's own pendamping has it, Bali's (who sees the row through the follow-up) does not.
    const row = (body: string) => new RegExp(`<tr data-code="[^"]+">\\s*<td><a href="/cases/${p.id}"[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '';
    const ownRow = row((await own.get('/worklists')).body);
    expect(ownRow).toContain(`action="/cases/${p.id}/dtks-proposal"`);
    const baliRow = row((await bali.get('/worklists')).body);
    expect(baliRow).toContain('Pak Karto');
    expect(baliRow).not.toContain('dtks-proposal');
    expect((await bali.api('GET', '/api/v1/worklists/aid')).json().entries.find((e: { person_id: string }) => e.person_id === p.id)).toMatchObject({ may_change: false });
    expect((await own.api('GET', '/api/v1/worklists/aid')).json().entries.find((e: { person_id: string }) => e.person_id === p.id)).toMatchObject({ may_change: true });

    // Placed again, and home again to Brebes (no pendamping there in Singgah): the new letter takes a typed contact,
    // offered to the case's pendamping and the manager, not to Bali's pendamping, who still sees the case.
    const again = await desk('POST', '/api/v1/stays', { person_id: p.id });
    expect(again.statusCode).toBe(201);
    const stay2 = again.json().stays[0].id as string;
    expect((await home(stay2, '33.29', 'Brebes', 1)).statusCode).toBe(200);
    const contactForm = `action="/stays/${stay2}/handover/contact"`;
    for (const who of [own, managerPage]) {
      const letter = await who.get(`/stays/${stay2}/handover`);
      expect(letter.statusCode).toBe(200);
      expect(letter.body).toContain(contactForm);
    }
    const baliLetter = await bali.get(`/stays/${stay2}/handover`);
    expect(baliLetter.statusCode).toBe(200);
    expect(baliLetter.body).toContain('Pak Karto');
    expect(baliLetter.body).not.toContain(contactForm);
    expect((await bali.post(`/stays/${stay2}/handover/contact`, { contact: 'Pak Kades' })).statusCode).toBe(403);
    const intakeLetter = await intakePage.get(`/stays/${stay2}/handover`);
    expect(intakeLetter.statusCode).toBe(200);
    expect(intakeLetter.body).not.toContain(contactForm);
  });

  it('keeps the family note from another member\'s pendamping: the form refuses in words, the note stays', async () => {
    const kk = '3171010101020021';
    const father = await elder('Pak Sastro', ids.own!, { kk });
    const mother = await elder('Bu Sastro', ids.other!, { kk, sex: 'P' });
    // Both pages offer the family form while no family case exists.
    const stale = await other.get(`/cases/${mother.id}`);
    expect(stale.body).toContain('id="family-form"');
    expect((await own.post(`/cases/${father.id}/family`, { note: 'Anak sulung di Klaten', return_to: `/cases/${father.id}` })).statusCode).toBe(303);
    const note = async () => (await db.all<{ note: string | null }>(sql`select note from family_cases where kk = ${kk}`))[0]?.note;
    expect(await note()).toBe('Anak sulung di Klaten');

    // The mother's pendamping sends the form from the page opened before: refused beside the note, nothing changed.
    const refused = await other.post(`/cases/${mother.id}/family`, { note: 'Tidak ada anak', return_to: `/cases/${mother.id}` });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(/id="form-problem">Catatan keluarga ini sudah ditulis\. Hanya yang menangani kasus setiap anggota keluarga/);
    expect(await note()).toBe('Anak sulung di Klaten');
    expect((await other.get(`/cases/${mother.id}`)).body).toContain('Anak sulung di Klaten');

    // The manager works both cases: may replace it.
    expect((await managerPage.post(`/cases/${mother.id}/family`, { note: 'Anak sulung di Solo', return_to: `/cases/${mother.id}` })).statusCode).toBe(303);
    expect(await note()).toBe('Anak sulung di Solo');
  });
});

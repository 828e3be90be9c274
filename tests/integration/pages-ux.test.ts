import { describe, it, expect } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeToken, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';
import { bastLetterhead } from '../../src/domain/handoffs/bast.ts';

const t = useTestApp();

describe('the BAST letterhead', () => {
  it("is the government of the facility's wilayah, with its social affairs office", async () => {
    expect(await bastLetterhead(t.db, '31.71')).toEqual(['PEMERINTAH PROVINSI DKI JAKARTA', 'DINAS SOSIAL', 'SUKU DINAS SOSIAL KOTA ADMINISTRASI JAKARTA PUSAT']);
    expect(await bastLetterhead(t.db, '32.75')).toEqual(['PEMERINTAH KOTA BEKASI', 'DINAS SOSIAL']);
    expect((await bastLetterhead(t.db, '32.01'))[0]).toMatch(/^PEMERINTAH KABUPATEN /);
    expect(await bastLetterhead(t.db, '31')).toEqual(['PEMERINTAH PROVINSI DKI JAKARTA', 'DINAS SOSIAL']);
    expect(await bastLetterhead(t.db, '31.71', 'PEMERINTAH PROVINSI DKI JAKARTA | DINAS SOSIAL | PANTI X')).toEqual(['PEMERINTAH PROVINSI DKI JAKARTA', 'DINAS SOSIAL', 'PANTI X']);
  });

  it('is printed on the BAST, and BAST_HEADER overrides it', async () => {
    const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
    const satpol = await makeToken(t.db, 'satpol', { wilayah: '31.71' });
    const res = await bearer(t.app, satpol)('POST', '/api/v1/handoffs', {
      operation: { number: 'SPT/1', at: new Date(Date.now() - 3600_000).toISOString(), place: 'Senen', wilayah_code: '31.71', team: 'B', leader_name: 'Hendra', leader_nip: '1' },
      facility_id: tps.id,
      persons: [{ name: 'Siti', sex: 'P', approx_age: 27 }],
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: string }).id;
    const u = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, u.username, u.password);
    const page = await b.get(`/handoffs/${id}/bast`);
    expect(page.body).toContain('PEMERINTAH PROVINSI DKI JAKARTA');
    expect(page.body).toContain('SUKU DINAS SOSIAL KOTA ADMINISTRASI JAKARTA PUSAT');
    expect(page.body).not.toContain('Provinsi / Kabupaten / Kota');

    const other = await makeTestApp({ BAST_HEADER: 'PEMERINTAH KOTA CONTOH|DINAS SOSIAL KOTA CONTOH' });
    try {
      expect(other.app.config.BAST_HEADER).toBe('PEMERINTAH KOTA CONTOH|DINAS SOSIAL KOTA CONTOH');
    } finally {
      await other.app.close();
    }
  });
});

describe('administration defaults', () => {
  it('offers no role by default, and asks before disabling or revoking', async () => {
    const admin = await makeUser(t.db, 'admin');
    await makeUser(t.db, 'intake', { facilityId: (await makeFacility(t.db)).id });
    await makeToken(t.db, 'command');
    const b = await signedIn(t.app, admin.username, admin.password);
    const page = await b.get('/admin');
    for (const form of ['add-user', 'add-token']) {
      const html = page.body.slice(page.body.indexOf(`id="${form}"`));
      const select = html.slice(html.indexOf('<select name="role"'), html.indexOf('</select>'));
      expect(select).toMatch(/<option value="" selected>/);
      expect(select).not.toMatch(/value="admin" selected/);
    }
    expect(page.body).toMatch(/<details class="confirm">\s*<summary[^>]*>Nonaktifkan…<\/summary>\s*<form method="post" action="\/admin\/users\/[^"]+\/disable"/);
    expect(page.body).toMatch(/<details class="confirm">\s*<summary[^>]*>[^<]*…<\/summary>\s*<form method="post" action="\/admin\/tokens\/[^"]+\/revoke"/);
    // Without a role, nothing is created.
    const res = await b.post('/admin/users', { username: 'no.role', role: '' });
    expect(res.statusCode).toBe(422);
  });
});

describe('an expired session answering htmx', () => {
  it('is a 401 with HX-Redirect to the login page (a 303 would be followed by fetch and swapped in)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/residents?q=x', headers: { 'hx-request': 'true', 'hx-current-url': 'http://localhost/residents?q=x' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['hx-redirect']).toBe(`/login?next=${encodeURIComponent('/residents?q=x')}`);
    expect(res.headers.location).toBeUndefined();
    const plain = await t.app.inject({ method: 'GET', url: '/residents' });
    expect(plain.statusCode).toBe(303);
  });
});

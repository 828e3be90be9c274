import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { users, sessions, auditEvents, apiTokens } from '../../src/db/schema/index.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeUser, makeToken, makeFacility } from '../helpers/factories.ts';
import { Browser, signedIn, bearer } from '../helpers/session.ts';
import { scryptSync, randomBytes } from 'node:crypto';
import { needsRehash, verifyPassword } from '../../src/lib/passwords.ts';

let app: FastifyInstance;
let db: Db;
beforeEach(async () => ({ app, db } = await makeTestApp()));
afterEach(async () => app.close());

const count = async (table: typeof users | typeof sessions) => (await db.select({ n: sql<number>`count(*)` }).from(table).get())!.n;

describe('sign-in', () => {
  it('signs in, lands on the home page, and renews the session id at login', async () => {
    const u = await makeUser(db, 'command');
    const b = new Browser(app);
    await b.get('/login');
    const res = await b.post('/login', { username: u.username, password: u.password });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const first = b.cookies.get('sgh_session');
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(u.username);
    // Signing in again gives a new session id and ends the old one.
    await b.post('/login', { username: u.username, password: u.password });
    expect(b.cookies.get('sgh_session')).not.toBe(first);
    expect(await count(sessions)).toBe(1);
  });

  it('says one neutral thing for a wrong password and for an unknown user', async () => {
    const u = await makeUser(db, 'intake', { facilityId: (await makeFacility(db)).id });
    const b = new Browser(app);
    await b.get('/login');
    const wrongPw = await b.post('/login', { username: u.username, password: 'nope-nope-nope' });
    const unknown = await b.post('/login', { username: 'no-such-user', password: u.password });
    expect(wrongPw.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const msg = (body: string) => /id="login-error">([^<]+)</.exec(body)?.[1];
    expect(msg(wrongPw.body)).toBe('Nama pengguna atau kata sandi salah.');
    expect(msg(unknown.body)).toBe(msg(wrongPw.body));
    expect(await count(sessions)).toBe(0);
  });

  it('re-hashes a password stored with older scrypt parameters at the next sign-in, not at a failed one', async () => {
    const u = await makeUser(db, 'command');
    // The parameters before issue 16: N=2^15, r=8, p=1.
    const salt = randomBytes(16);
    const old = `scrypt$32768$8$1$${salt.toString('base64')}$${scryptSync(u.password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64')}`;
    expect(needsRehash(old)).toBe(true);
    await write(db, async (tx) => await tx.update(users).set({ passwordHash: old }).where(eq(users.id, u.id)).run());
    const stored = async () => (await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, u.id)).get())!.h;
    const b = new Browser(app);
    await b.get('/login');
    expect((await b.post('/login', { username: u.username, password: 'not-the-password' })).statusCode).toBe(401);
    expect(await stored()).toBe(old);
    expect((await b.post('/login', { username: u.username, password: u.password })).statusCode).toBe(303);
    const now = await stored();
    expect(now).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(needsRehash(now)).toBe(false);
    expect(await verifyPassword(u.password, now)).toBe(true);
    // Signs in again with the new hash, and it is not made again.
    const again = new Browser(app);
    await again.get('/login');
    expect((await again.post('/login', { username: u.username, password: u.password })).statusCode).toBe(303);
    expect(await stored()).toBe(now);
  });

  it('refuses the eleventh failed login in a minute, even with the right password', async () => {
    const u = await makeUser(db, 'command');
    const b = new Browser(app);
    await b.get('/login');
    for (let i = 0; i < 10; i++) {
      const r = await b.post('/login', { username: u.username, password: `wrong-${i}` });
      expect(r.statusCode).toBe(401);
    }
    const eleventh = await b.post('/login', { username: u.username, password: u.password });
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['retry-after']).toBeDefined();
    expect(eleventh.body).toContain('Terlalu banyak percobaan masuk');
    expect(await count(sessions)).toBe(0);
  });

  it('refuses a POST without a CSRF token with 403 and changes nothing', async () => {
    const admin = await makeUser(db, 'admin');
    const b = await signedIn(app, admin.username, admin.password);
    const before = await count(users);
    const res = await b.post('/admin/users', { username: 'newperson', role: 'command' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(await count(users)).toBe(before);
    const forged = await b.post('/admin/users', { username: 'newperson', role: 'command', _csrf: 'forged-token-value' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(await count(users)).toBe(before);
  });

  it('refuses a login POST without the pre-login CSRF cookie token', async () => {
    const u = await makeUser(db, 'command');
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${u.username}&password=${u.password}`,
    });
    expect(res.statusCode).toBe(403);
  });

  it('logout ends the session on the server', async () => {
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    const cookie = b.cookieHeader;
    const res = await b.post('/logout');
    expect(res.statusCode).toBe(303);
    expect(await count(sessions)).toBe(0);
    const replay = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('never redirects off-site after login', async () => {
    const u = await makeUser(db, 'command');
    const b = new Browser(app);
    await b.get('/login?next=//evil.example/x');
    const res = await b.post('/login', { username: u.username, password: u.password, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
  });

  it('serves English at ?lang=en and remembers it', async () => {
    const b = new Browser(app);
    const en = await b.get('/login?lang=en');
    expect(en.body).toContain('Sign in');
    const again = await b.get('/login');
    expect(again.body).toContain('Sign in');
    expect((await b.get('/login?lang=id')).body).toContain('Masuk');
  });
});

describe('accounts', () => {
  it('disabling an account ends its open sessions on their next request', async () => {
    const admin = await makeUser(db, 'admin');
    const officer = await makeUser(db, 'command');
    const a = await signedIn(app, admin.username, admin.password);
    const o = await signedIn(app, officer.username, officer.password);
    expect((await o.get('/')).statusCode).toBe(200);
    const res = await a.post(`/admin/users/${officer.id}/disable`, {});
    expect(res.statusCode).toBe(303);
    const next = await o.get('/');
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toMatch(/^\/login/);
    expect(await db.select().from(sessions).where(eq(sessions.userId, officer.id)).all()).toHaveLength(0);
    // And cannot sign in again.
    const again = await new Browser(app).login(officer.username, officer.password);
    expect(again.statusCode).toBe(401);
  });

  it('an admin adds an account; the one-time password is shown once and works; first sign-in must change it', async () => {
    const admin = await makeUser(db, 'admin');
    const facility = await makeFacility(db, { code: 'TPS-UJI-1' });
    const a = await signedIn(app, admin.username, admin.password);
    const res = await a.post('/admin/users', { username: 'desk.one', role: 'intake', facility: facility.id, idempotency_key: 'add-desk-one-0001' });
    expect(res.statusCode).toBe(303);
    const page = await a.get('/admin');
    const pw = /kata sandi sekali pakai untuk desk\.one: ([a-z0-9-]+)/i.exec(page.body)?.[1];
    expect(pw).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    expect((await a.get('/admin')).body).not.toContain(pw!);
    const user = (await db.select().from(users).where(eq(users.username, 'desk.one')).get())!;
    expect(user.facilityId).toBe(facility.id);
    expect(user.passwordHash).not.toContain(pw!);
    const d = new Browser(app);
    const login = await d.login('desk.one', pw!);
    expect(login.headers.location).toBe('/account/password');
    const blocked = await d.get('/');
    expect(blocked.headers.location).toBe('/account/password');
    expect((await d.get('/account/password')).body).toContain('Ganti kata sandi sementara');
    const bad = await d.post('/account/password', { current: pw!, password: 'short', confirm: 'short' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Minimal 10 karakter.');
    const ok = await d.post('/account/password', { current: pw!, password: 'a-much-longer-password', confirm: 'a-much-longer-password' });
    expect(ok.statusCode).toBe(303);
    expect((await d.get('/')).statusCode).toBe(200);
  });

  it('a double-submitted add-account form adds one account', async () => {
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    const before = await count(users);
    const form = { username: 'twice', role: 'command', idempotency_key: 'same-key-123456' };
    const [r1, r2] = await Promise.all([a.post('/admin/users', form), a.post('/admin/users', form)]);
    // The second either waits for the first's answer (replayed 303) or is told it is in progress (409).
    expect(r1.statusCode).toBe(303);
    expect([303, 409]).toContain(r2.statusCode);
    expect(await count(users)).toBe(before + 1);
    const r3 = await a.post('/admin/users', form);
    expect(r3.statusCode).toBe(303);
    expect(r3.headers['idempotent-replayed']).toBe('true');
    expect(await count(users)).toBe(before + 1);
  });

  it('binds roles to a facility or wilayah and says so beside the field', async () => {
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    const noFacility = await a.post('/admin/users', { username: 'desk.two', role: 'intake' });
    expect(noFacility.statusCode).toBe(422);
    expect(noFacility.body).toContain('Peran ini harus terikat pada satu fasilitas.');
    const badWilayah = await a.post('/admin/users', { username: 'pp.one', role: 'satpol', wilayah: '99.99' });
    expect(badWilayah.statusCode).toBe(422);
    expect(badWilayah.body).toContain('Kode wilayah tidak dikenal.');
    const badName = await a.post('/admin/users', { username: 'X Y', role: 'command' });
    expect(badName.body).toContain('Huruf kecil, angka');
    expect(await db.select().from(users).where(eq(users.username, 'pp.one')).get()).toBeUndefined();
  });
});

describe('API authentication', () => {
  it('401 problem+json without a token, and for a bad or revoked token', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.json()).toMatchObject({ status: 401, type: '/problems/unauthenticated' });
    const bad = await bearer(app, 'sgh_not-a-real-token')('GET', '/api/v1/me');
    expect(bad.statusCode).toBe(401);
    const basic = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);
  });

  it('403 problem+json with a token of the wrong role; revoking works at once', async () => {
    const token = await makeToken(db, 'command');
    const call = bearer(app, token);
    expect((await call('GET', '/api/v1/me')).json()).toMatchObject({ role: 'command' });
    const forbidden = await call('GET', '/api/v1/audit');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ status: 403, type: '/problems/forbidden' });
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    const row = await db.select().from(apiTokens).all();
    await a.post(`/admin/tokens/${row[0]!.id}/revoke`, {});
    expect((await call('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('a token never opens HTML pages', async () => {
    const token = await makeToken(db, 'admin');
    const res = await app.inject({ method: 'GET', url: '/admin', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).not.toBe(200);
  });

  it('API writes with a browser session need the CSRF header', async () => {
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    const without = await app.inject({ method: 'POST', url: '/api/v1/me', headers: { cookie: a.cookieHeader, 'content-type': 'application/json' }, payload: '{}' });
    expect(without.statusCode).toBe(403);
  });
});

describe('audit', () => {
  it('records logins and account changes, and the database refuses to change or delete an event', async () => {
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    await a.post('/admin/users', { username: 'audited', role: 'display' });
    const actions = (await db.select({ action: auditEvents.action }).from(auditEvents).all()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['login', 'user.create']));
    await expect(write(db, (tx) => tx.run(sql`update audit_events set action = 'x'`))).rejects.toThrow(/append-only/);
    await expect(write(db, (tx) => tx.run(sql`delete from audit_events`))).rejects.toThrow(/append-only/);
  });
});

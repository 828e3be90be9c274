import { describe, it, expect, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { testConfig, makeTestApp, openTestDatabase } from '../helpers/app.ts';
import { makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer } from '../helpers/session.ts';

let app: FastifyInstance;
afterEach(async () => app?.close());

describe('errors leak nothing', () => {
  it('an unexpected error is a generic 500 page or problem, with the real message only in the log', async () => {
    const db = await openTestDatabase();
    app = await buildApp(testConfig(), { db, logger: false });
    app.get('/boom', { config: { access: 'public' } }, async () => {
      throw new Error('SQLITE secret detail at /srv/singgah/data');
    });
    app.get('/api/v1/boom', { config: { access: 'public' } }, async () => {
      throw new Error('SQLITE secret detail at /srv/singgah/data');
    });
    await app.ready();
    const page = await app.inject({ method: 'GET', url: '/boom' });
    expect(page.statusCode).toBe(500);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Terjadi kesalahan di server');
    expect(page.body).not.toContain('secret detail');
    const api = await app.inject({ method: 'GET', url: '/api/v1/boom' });
    expect(api.statusCode).toBe(500);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api.body).not.toContain('secret detail');
  });

  it('refuses to start with a route that declares no access', async () => {
    const db = await openTestDatabase();
    app = await buildApp(testConfig(), { db, logger: false });
    expect(() => app.get('/forgot', async () => 'x')).toThrow(/declares no config.access/);
  });

  it('404 as a page for people and as problem+json for the API', async () => {
    ({ app } = await makeTestApp());
    const page = await app.inject({ method: 'GET', url: '/no/such/page' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('tidak ditemukan');
    const api = await app.inject({ method: 'GET', url: '/api/v1/no-such' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ type: '/problems/not-found', status: 404 });
  });

  it('malformed JSON is a 400 problem, never a 500', async () => {
    let db;
    ({ app, db } = await makeTestApp());
    const token = await makeToken(db, 'admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const bad = await bearer(app, token)('POST', '/api/v1/me', undefined, { 'idempotency-key': 'x' });
    expect(bad.statusCode).toBeLessThan(500);
  });

  it('an htmx request gets an error fragment, not a whole page', async () => {
    let db;
    ({ app, db } = await makeTestApp());
    const u = await makeUser(db, 'intake');
    const b = await signedIn(app, u.username, u.password);
    const res = await b.get('/admin', { 'hx-request': 'true' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('id="error-message"');
    expect(res.body).not.toContain('<html');
  });
});

describe('security headers', () => {
  it('sends a strict content security policy and safe cookies', async () => {
    let db;
    ({ app, db } = await makeTestApp());
    const res = await app.inject({ method: 'GET', url: '/login' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No inline script or style anywhere on the page.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/<style|style="/);
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    void b;
    const login = await app.inject({ method: 'GET', url: '/login' });
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
  });

  it('sends the very headers helmet makes, derived once at start, on pages, API answers, 404s and 304s alike', async () => {
    const { securityHeaders, HELMET_OPTIONS } = await import('../../src/plugins/security.ts');
    const helmetSays = await securityHeaders(HELMET_OPTIONS);
    expect(Object.keys(helmetSays)).toEqual(expect.arrayContaining(['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']));
    let db;
    ({ app, db } = await makeTestApp());
    const call = bearer(app, await makeToken(db, 'command'));
    const occupancy = await call('GET', '/api/v1/occupancy');
    const answers = [
      await app.inject({ method: 'GET', url: '/login' }),
      await app.inject({ method: 'GET', url: '/no-such-page' }),
      await app.inject({ method: 'GET', url: '/healthz' }),
      occupancy,
      await call('GET', '/api/v1/occupancy', undefined, { 'if-none-match': occupancy.headers.etag as string }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 404, 200, 200, 304]);
    for (const res of answers) for (const [name, value] of Object.entries(helmetSays)) expect(res.headers[name], `${res.statusCode} ${name}`).toBe(value);
  });

  it('marks cookies Secure when served over HTTPS behind a trusted proxy', async () => {
    let db;
    ({ app, db } = await makeTestApp({ TRUST_PROXY: 'true' }));
    const u = await makeUser(db, 'command');
    const get = await app.inject({ method: 'GET', url: '/login', headers: { 'x-forwarded-proto': 'https' } });
    const csrfCookie = get.cookies.find((c) => c.name === 'sgh_csrf')!;
    expect(csrfCookie.secure).toBe(true);
    const token = /name="_csrf" value="([^"]+)"/.exec(get.body)![1]!;
    const post = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded', cookie: `sgh_csrf=${csrfCookie.value}` },
      payload: new URLSearchParams({ _csrf: token, username: u.username, password: u.password }).toString(),
    });
    expect(post.statusCode).toBe(303);
    const session = post.cookies.find((c) => c.name === 'sgh_session')!;
    expect(session.secure).toBe(true);
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance, FastifyRequest, LightMyRequestResponse } from 'fastify';
import WebSocket from 'ws';
import type { Db } from '../../src/db/client.ts';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import apiRateLimit, { rateLimitKey } from '../../src/plugins/rate-limit.ts';
import { makeTestApp, testConfig, openTestDatabase } from '../helpers/app.ts';
import { makeToken, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';

/** GitHub issue 16: a coarse request limit per credential on /api/v1 (API_RATE_LIMIT requests a minute). */
const LIMIT = 5;

function expectRateLimited(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
  expect(res.headers['x-ratelimit-remaining']).toBe('0');
  expect(Number(res.headers['x-ratelimit-reset'])).toBe(retryAfter);
  const body = res.json();
  expect(body).toMatchObject({ type: '/problems/rate-limited', status: 429, code: 'RATE_LIMITED' });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body as { type: string; title: string; status: number; detail: string; code: string };
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; first: Promise<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const first = new Promise<Record<string, unknown>>((res) => ws.once('message', (data) => res(JSON.parse(String(data)))));
    ws.once('open', () => resolve({ ws, first }));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers })));
    ws.once('error', reject);
  });
}

describe(`the /api/v1 request limit (API_RATE_LIMIT=${LIMIT})`, () => {
  let app: FastifyInstance;
  let db: Db;
  let live: string;

  beforeAll(async () => {
    ({ app, db } = await makeTestApp({ API_RATE_LIMIT: String(LIMIT) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    live = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/live`;
  });
  afterAll(async () => app.close());

  it('refuses a token over the limit with a 429 problem, Retry-After and the rate-limit headers; another token is unaffected', async () => {
    const tokenA = await makeToken(db, 'admin');
    const a = bearer(app, tokenA);
    const b = bearer(app, await makeToken(db, 'command'));
    for (let i = 0; i < LIMIT; i++) {
      const ok = await a('GET', '/api/v1/me');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1 - i));
    }
    const refused = expectRateLimited(await a('GET', '/api/v1/occupancy'));
    // Bahasa Indonesia first, with the limit and the wait in it; English on ?lang=en.
    expect(refused.detail).toMatch(/Terlalu banyak permintaan API \(paling banyak 5 per menit\)\. Coba lagi dalam \d+ detik\./);
    const en = expectRateLimited(await a('GET', '/api/v1/me?lang=en'));
    expect(en.detail).toMatch(/^Too many API requests \(at most 5 a minute\)\. Try again in \d+ seconds?\.$/);
    // Refused before the body is read: a malformed body is still a 429, not a 400.
    const broken = await app.inject({
      method: 'POST',
      url: '/api/v1/facilities',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      payload: '{"broken": ',
    });
    expectRateLimited(broken);

    const other = await b('GET', '/api/v1/me');
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('counts a browser session on its API calls only: its pages are never limited', async () => {
    const u = await makeUser(db, 'command');
    const browser = await signedIn(app, u.username, u.password);
    for (let i = 0; i < LIMIT * 3; i++) {
      const page = await browser.get(i % 2 ? '/facilities' : '/');
      expect(page.statusCode).toBe(200);
      expect(page.headers['x-ratelimit-limit']).toBeUndefined();
    }
    for (let i = 0; i < LIMIT; i++) expect((await browser.api('GET', '/api/v1/me')).statusCode).toBe(200);
    expectRateLimited(await browser.api('GET', '/api/v1/me'));
    // The pages go on working for the same session.
    expect((await browser.get('/facilities')).statusCode).toBe(200);
    // The budget is the account's: signing in again gives no fresh allowance (issue 28) ...
    const second = await signedIn(app, u.username, u.password);
    expectRateLimited(await second.api('GET', '/api/v1/me'));
    // ... while another account has its own.
    const v = await makeUser(db, 'command');
    expect((await (await signedIn(app, v.username, v.password)).api('GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('answers a request without credentials 401 (refused before counting), however often it comes', async () => {
    for (let i = 0; i < LIMIT * 2; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/me' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('lets the live socket connect: the upgrade counts once, an open socket spends nothing', async () => {
    const token = await makeToken(db, 'command');
    const api = bearer(app, token);
    const { ws, first } = await openSocket(live, { authorization: `Bearer ${token}` });
    expect((await first).type).toBe('snapshot');
    // One request spent on the upgrade: LIMIT - 1 remain.
    for (let i = 0; i < LIMIT - 1; i++) expect((await api('GET', '/api/v1/me')).statusCode).toBe(200);
    expectRateLimited(await api('GET', '/api/v1/me'));
    // Over the limit, a new upgrade is refused with 429 (and Retry-After); the open socket stays open.
    await expect(openSocket(`${live}?token=${token}`)).rejects.toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    // Another token's socket is unaffected.
    const other = await openSocket(`${live}?token=${await makeToken(db, 'display')}`);
    expect((await other.first).type).toBe('snapshot');
    other.ws.close();
  });
});

describe('the key: a credential, never a raw secret', () => {
  const request = (r: Partial<FastifyRequest>) => ({ actor: null, session: null, ip: '127.0.0.1', ...r }) as FastifyRequest;

  it('keys a token on its id, a signed-in user on their account (whatever the session), anyone else on the address', () => {
    const token = request({ actor: { type: 'token', id: 'tok-1', label: 'token:x', role: 'command', facilityId: null, wilayahCode: null, ip: null, lang: 'id' } });
    expect(rateLimitKey(token)).toBe('token:tok-1');
    const session = request({
      actor: { type: 'user', id: 'user-1', label: 'u', role: 'command', facilityId: null, wilayahCode: null, ip: null, lang: 'id' },
      session: { idHash: 'hash-1', csrfToken: 'c', mustChangePassword: false },
    });
    expect(rateLimitKey(session)).toBe('user:user-1');
    expect(rateLimitKey({ ...session, session: { idHash: 'hash-2', csrfToken: 'd', mustChangePassword: false } } as FastifyRequest)).toBe('user:user-1');
    expect(rateLimitKey(request({ ip: '203.0.113.7' }))).toBe('ip:203.0.113.7');
    expect(rateLimitKey(request({ ip: '::ffff:203.0.113.7' }))).toBe('ip:203.0.113.7');
    // An IPv6 client is counted by its /64, as the plugin does by default.
    expect(rateLimitKey(request({ ip: '2001:db8:1:2::5' }))).toBe(rateLimitKey(request({ ip: '2001:db8:1:2:ffff::9' })));
  });

  it('counts an unauthenticated caller by the address Fastify computed (TRUST_PROXY)', async () => {
    const app = await buildApp(testConfig({ API_RATE_LIMIT: '2', TRUST_PROXY: 'true' }), { db: await openTestDatabase(), logger: false });
    try {
      // /api/v1 has no public route yet: a probe in a scope of its own, limited by the same plugin.
      await app.register(
        async (scope) => {
          await scope.register(apiRateLimit);
          scope.get('/probe', { config: { access: 'public' } }, async () => ({ ok: true }));
        },
        { prefix: '/api/v1/test' },
      );
      await app.ready();
      const from = (ip: string) => app.inject({ method: 'GET', url: '/api/v1/test/probe', headers: { 'x-forwarded-for': ip } });
      expect((await from('203.0.113.7')).statusCode).toBe(200);
      expect((await from('203.0.113.7')).statusCode).toBe(200);
      const refused = await from('203.0.113.7');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect((await from('203.0.113.8')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('API_RATE_LIMIT', () => {
  it('defaults to 600 a minute; 0 turns the limit off; a bad value stops the start', () => {
    expect(parseConfig({}).API_RATE_LIMIT).toBe(600);
    expect(parseConfig({ API_RATE_LIMIT: '0' }).API_RATE_LIMIT).toBe(0);
    expect(() => parseConfig({ API_RATE_LIMIT: '-1' })).toThrow(/API_RATE_LIMIT: must be 0 \(off\) or more/);
    expect(() => parseConfig({ API_RATE_LIMIT: 'lots' })).toThrow(/API_RATE_LIMIT/);
    expect(() => parseConfig({ API_RATE_LIMIT: '1.5' })).toThrow(/API_RATE_LIMIT: must be a whole number/);
  });

  it('with 0, nothing is counted', async () => {
    const { app, db } = await makeTestApp({ API_RATE_LIMIT: '0' });
    try {
      const api = bearer(app, await makeToken(db, 'command'));
      for (let i = 0; i < 20; i++) {
        const res = await api('GET', '/api/v1/me');
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await app.close();
    }
  });
});

import { describe, it, expect, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeUser } from '../helpers/factories.ts';
import { Browser, signedIn } from '../helpers/session.ts';
import { LOGIN_LIMITS, LoginLimiter } from '../../src/domain/accounts/login.ts';

let app: FastifyInstance;
let db: Db;
afterEach(async () => app?.close());

const sessionsCount = async () => (await db.get<{ n: number }>(sql`select count(*) as n from sessions`))!.n;

/** Smaller limits than production's, so a test needs few (slow, scrypt) checks to reach them. */
function useLimiter(limits: Partial<typeof LOGIN_LIMITS>, checks = { running: 2, waiting: 64 }): LoginLimiter {
  const limiter = new LoginLimiter({ ...LOGIN_LIMITS, ...limits }, checks);
  (app as unknown as { loginLimiter: LoginLimiter }).loginLimiter = limiter;
  return limiter;
}

async function loginPage(): Promise<Browser> {
  const b = new Browser(app);
  await b.get('/login');
  return b;
}

// Each password check is a real scrypt: on a loaded machine these take longer than the default 30 s.
describe('login limits hold under concurrency (issue 11, finding 4)', { timeout: 120_000 }, () => {
  it('100 concurrent wrong passwords for one account: 10 are checked, 90 refused at once, and the right one is then refused', async () => {
    ({ app, db } = await makeTestApp());
    const u = await makeUser(db, 'command');
    const b = await loginPage();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => b.post('/login', { username: u.username, password: `wrong-${i}` })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.perAccount);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100 - LOGIN_LIMITS.perAccount);
    const right = await b.post('/login', { username: u.username, password: u.password });
    expect(right.statusCode).toBe(429);
    expect(await sessionsCount()).toBe(0);
    // Another account, from another browser, still signs in.
    const other = await makeUser(db, 'command');
    await signedIn(app, other.username, other.password);
  });

  it('a flood of guesses for many accounts: a bounded number of checks run or wait, the rest are told to retry at once, and a real sign-in then works', async () => {
    // Every guess from its own (trusted-proxy) address, so neither the account nor the address limit stops it.
    ({ app, db } = await makeTestApp({ TRUST_PROXY: 'loopback' }));
    const PASSWORD_CHECKS = { running: 1, waiting: 4 };
    const limiter = useLimiter({}, PASSWORD_CHECKS);
    const u = await makeUser(db, 'intake');
    const b = await loginPage();
    const n = PASSWORD_CHECKS.running + PASSWORD_CHECKS.waiting + 20;
    const flood = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        b.post('/login', { username: `nobody-${i}`, password: 'guess' }, { headers: { 'x-forwarded-for': `198.51.100.${i % 250}, 10.1.${i >> 8}.${i & 255}` } }),
      ),
    );
    const statuses = flood.map((a) => a.statusCode);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // The bound held at every moment: never more checks running or waiting than allowed. (How many in all
    // reached a check depends on how fast the first ones finished while the rest were still arriving.)
    expect(limiter.gatePeak.running).toBeLessThanOrEqual(PASSWORD_CHECKS.running);
    expect(limiter.gatePeak.waiting).toBeLessThanOrEqual(PASSWORD_CHECKS.waiting);
    expect(limiter.gatePeak.waiting).toBe(PASSWORD_CHECKS.waiting); // the queue did fill up…
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0); // …and those beyond it were told to retry at once
    const real = await b.post('/login', { username: u.username, password: u.password }, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(real.statusCode).toBe(303);
  });
});

describe('X-Forwarded-* count only from the configured proxy (issue 11, finding 10)', { timeout: 120_000 }, () => {
  it('forged X-Forwarded-For from a client that is not the proxy do not escape the per-address limit', async () => {
    ({ app, db } = await makeTestApp({ TRUST_PROXY: '10.0.0.0/8' })); // the test client is 127.0.0.1, not the proxy
    useLimiter({ perAddress: 4 });
    const b = await loginPage();
    for (let i = 0; i < 4; i++) {
      const r = await b.post('/login', { username: `guess-${i}`, password: 'x' }, { headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      expect(r.statusCode).toBe(401);
    }
    const next = await b.post('/login', { username: 'guess-last', password: 'x' }, { headers: { 'x-forwarded-for': '203.0.113.200' } });
    expect(next.statusCode).toBe(429);
  });

  it('the configured proxy is believed: addresses it names are limited one by one', async () => {
    ({ app, db } = await makeTestApp({ TRUST_PROXY: '127.0.0.1' }));
    useLimiter({ perAddress: 4 });
    const b = await loginPage();
    for (let i = 0; i < 4; i++) {
      await b.post('/login', { username: `guess-${i}`, password: 'x' }, { headers: { 'x-forwarded-for': '203.0.113.1' } });
    }
    const locked = await b.post('/login', { username: 'guess-x', password: 'x' }, { headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(locked.statusCode).toBe(429);
    const elsewhere = await b.post('/login', { username: 'guess-y', password: 'x' }, { headers: { 'x-forwarded-for': '203.0.113.2' } });
    expect(elsewhere.statusCode).toBe(401);
  });

  it('a forged X-Forwarded-Host does not pass the socket Origin check', async () => {
    ({ app, db } = await makeTestApp({ TRUST_PROXY: '10.0.0.1' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: { cookie: b.cookieHeader, ...headers } });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('error', reject);
      });
    expect(await open({ origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' })).toBe(403);
    expect(await open({ origin: `http://127.0.0.1:${port}` })).toBe(101);
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Db } from '../../src/db/client.ts';
import { openTestDatabase, testConfig } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUser, makeUnit } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';
import { redactQuery, redactUrl } from '../../src/lib/redact.ts';

/**
 * Issue 28, "logs without people": the log stream itself (pino's destination) is read back after real
 * requests, at the most talkative level, and must hold neither the NIK nor the name searched for nor a token
 * by any spelling; every line of a request carries its id, which every answer echoes and error pages show.
 */
const NIK = '3171012345678901';
const NAME = 'Muhammad Rizki';
let app: FastifyInstance;
let db: Db;
const lines: string[] = [];
const log = () => lines.join('');
const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  db = await openTestDatabase();
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  app = await buildApp(testConfig({ LOG_LEVEL: 'trace' }), { db, logStream: stream });
  app.get('/boom-for-test', { config: { access: 'public' } }, async () => {
    throw new Error('boom');
  });
  // As node-postgres reports a unique violation: the values are in `detail`, and the wrapper keeps the original as `cause`.
  app.get('/pg-error-for-test', { config: { access: 'public' } }, async () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "persons_nik_key"'), { code: '23505', constraint: 'persons_nik_key', detail: `Key (nik)=(${NIK}) already exists.` });
    throw Object.assign(new Error('UNIQUE constraint failed: persons.nik (persons_nik_key)'), { code: 'SQLITE_CONSTRAINT_UNIQUE', cause: pgError, parameters: [NIK, NAME] });
  });
  await app.ready();
});
afterAll(async () => app.close());

describe('the request line in the log', () => {
  it('never holds a NIK, a name searched for or a token, by API or page, at trace level', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    await makeUnit(db, tps.id);
    const token = await makeToken(db, 'intake', { facility: tps.id });
    const api = bearer(app, token);
    const user = await makeUser(db, 'intake', { facilityId: tps.id });
    const browser = await signedIn(app, user.username, user.password);
    lines.length = 0;

    expect((await api('GET', `/api/v1/residents?q=${NIK}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/residents?q=${encodeURIComponent(NAME)}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/residents?Q=${NAME.replace(' ', '+')}&lang=en`)).statusCode).toBe(200);
    await browser.get(`/residents?q=${NAME.replace(' ', '+')}`);
    await browser.get(`/residents?q=${NIK}&nik=${NIK}&name=${encodeURIComponent(NAME)}`);
    // A token in the query under any spelling: plain, upper case, percent-encoded name.
    await app.inject({ method: 'GET', url: `/api/v1/live?%74oken=${token}` });
    await app.inject({ method: 'GET', url: `/api/v1/live?TOKEN=${token}` });
    await app.inject({ method: 'GET', url: `/api/v1/live?to%6Ben=${token}&wilayah=31.71` });
    // A 404 path with a NIK and a name in it, and a bad request.
    await app.inject({ method: 'GET', url: `/nope/${NIK}/${encodeURIComponent(NAME)}?q=${NIK}` });

    const text = log();
    expect(text).toContain('incoming request');
    for (const secret of [NIK, NIK.slice(0, 10), 'Muhammad', 'Rizki', token, token.slice(4), token.slice(-20)]) expect(text).not.toContain(secret);
    // What an operator still learns: the route, the filters, that a search or token was there.
    const urls = parsed().flatMap((l) => ((l.req as { url?: string } | undefined)?.url ? [(l.req as { url: string }).url] : []));
    expect(urls).toContain('/api/v1/residents?q=[redacted]');
    expect(urls).toContain('/api/v1/residents?q=[redacted]&lang=en');
    expect(urls).toContain('/api/v1/live?token=[redacted]');
    expect(urls).toContain('/api/v1/live?token=[redacted]&wilayah=31.71');
    expect(urls).toContain('/residents?q=[redacted]&nik=[redacted]&name=[redacted]');
    expect(urls).toContain('/nope/:x/:x?q=[redacted]');
  });

  it('names the route pattern, never the id in the path', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    lines.length = 0;
    const res = await bearer(app, await makeToken(db, 'admin'))('GET', `/api/v1/facilities/${tps.id}`);
    expect(res.statusCode).toBe(200);
    expect(log()).not.toContain(tps.id);
    expect(parsed().some((l) => (l.req as { url?: string } | undefined)?.url === '/api/v1/facilities/:id')).toBe(true);
  });

  it('redacts by decoded name and keeps only plain filter values', () => {
    expect(redactQuery('%74oken=abc&%54OKEN=def&access_token=x&q=Budi')).toBe('token=[redacted]&token=[redacted]&access_token=[redacted]&q=[redacted]');
    expect(redactQuery('kind=TPS&kind=LKS&wilayah=31.71&from=2026-01-01&format=csv')).toBe('kind=TPS&kind=LKS&wilayah=31.71&from=2026-01-01&format=csv');
    // A plain parameter with a value that is not a plain filter (a NIK, spaces, a name typed in) is redacted too.
    expect(redactQuery(`wilayah=${NIK}&status=Siti%20Aminah&3171012345678901=1&bad=%E0%A4%A`)).toBe('wilayah=[redacted]&status=[redacted]&_=[redacted]&bad=[redacted]');
    expect(redactUrl(`/residents/${NIK}?q=x#frag`)).toBe('/residents/:x?q=[redacted]');
  });
});

describe('the request id', () => {
  it('is made when the proxy sends none, echoed on the answer and on every log line of the request', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const mine = parsed().filter((l) => l.request_id === id);
    expect(mine.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    // Every line written while serving requests carries an id.
    expect(parsed().every((l) => typeof l.request_id === 'string')).toBe(true);
  });

  it("takes the proxy's X-Request-Id when sane, and makes its own otherwise", async () => {
    const fromNginx = '0f4c2d1e9a8b7c6d5e4f3a2b1c0d9e8f';
    expect((await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': fromNginx } })).headers['x-request-id']).toBe(fromNginx);
    for (const insane of [NIK, 'has spaces in it', 'x'.repeat(200), 'short', '<script>alert(1)</script>']) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': insane } });
      expect(res.headers['x-request-id']).not.toBe(insane);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(log()).not.toContain(NIK);
  });

  it('is in problem+json, on the error page, and on the log line of the failure', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json().request_id).toBe(api.headers['x-request-id']);

    const page = await app.inject({ method: 'GET', url: '/no-such-page' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain(`data-request-id="${page.headers['x-request-id'] as string}"`);

    lines.length = 0;
    const boom = await app.inject({ method: 'GET', url: '/boom-for-test', headers: { 'x-request-id': 'nginx-req-42abcdef' } });
    expect(boom.statusCode).toBe(500);
    expect(boom.headers['x-request-id']).toBe('nginx-req-42abcdef');
    expect(boom.body).toContain('nginx-req-42abcdef');
    const failure = parsed().find((l) => l.msg === 'unhandled error');
    expect(failure?.request_id).toBe('nginx-req-42abcdef');
  });

  it("logs an engine error by its type, code and message, never the values it quotes", async () => {
    lines.length = 0;
    expect((await app.inject({ method: 'GET', url: '/pg-error-for-test' })).statusCode).toBe(500);
    const failure = parsed().find((l) => l.msg === 'unhandled error') as { err: { code: string; cause: { code: string; constraint: string } } };
    expect(failure.err.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(failure.err.cause).toMatchObject({ code: '23505', constraint: 'persons_nik_key' });
    expect(log()).not.toContain(NIK);
    expect(log()).not.toContain('Muhammad');
    // A message logged as `err` (a string) stays readable.
    lines.length = 0;
    await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{bad json' });
    expect(parsed().find((l) => l.msg === 'bad request')?.err).toEqual(expect.any(String));
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { openDatabase, write, type Db } from '../../src/db/client.ts';
import { apiTokens, sessions } from '../../src/db/schema/index.ts';
import { buildApp } from '../../src/app.ts';
import { hubFor } from '../../src/domain/events.ts';
import { boardRegion } from '../../src/routes/board/live.ts';
import { MAX_SOCKETS_PER_CREDENTIAL } from '../../src/live/connections.ts';
import { testConfig } from '../helpers/app.ts';
import { LiveSocket, until } from '../helpers/live-socket.ts';
import { makeFacility, makeUnit, makeUser, makeToken, type Facility } from '../helpers/factories.ts';
import { signedIn, type Browser } from '../helpers/session.ts';


let app: FastifyInstance;
let db: Db;
let http: string;
let ws: string;
const log: string[] = [];
let tps: Facility;
let unitId: string;

beforeAll(async () => {
  const config = testConfig({ LOG_LEVEL: 'info' });
  db = await openDatabase(config.DATABASE_PATH);
  const stream = new Writable({
    write(chunk, _enc, cb) {
      log.push(String(chunk));
      cb();
    },
  });
  app = await buildApp(config, { db, logStream: stream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  http = `http://127.0.0.1:${port}`;
  ws = `ws://127.0.0.1:${port}`;
  tps = await makeFacility(db, { kind: 'TPS' });
  unitId = (await makeUnit(db, tps.id)).id;
});
afterAll(async () => app.close());

const change = () => hubFor(db).publish({ type: 'occupancy', facilityId: tps.id, unitIds: [unitId] });
const browserSock = (path: string, b: Browser) => LiveSocket.open(`${ws}${path}`, { cookie: b.cookieHeader, origin: http });

describe('a socket lives only as long as its credentials (issue 11, finding 5)', { timeout: 60_000 }, () => {
  it('logout closes the JSON and the HTML sockets of that session with 1008', async () => {
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    const json = await browserSock('/api/v1/live', b);
    const html = await browserSock('/live/html?region=board', b);
    await until(() => json.frames.length > 0 && html.frames.length > 0, 'first frames');
    await b.post('/logout');
    await until(() => json.closeCode && html.closeCode, 'close');
    expect([json.closeCode, html.closeCode]).toEqual([1008, 1008]);
  });

  it('disabling the account closes its sockets with 1008', async () => {
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    const u = await makeUser(db, 'display');
    const b = await signedIn(app, u.username, u.password);
    const html = await browserSock('/live/html?region=board', b);
    const json = await browserSock('/api/v1/live', b);
    await until(() => html.frames.length > 0 && json.frames.length > 0, 'first frames');
    await a.get('/admin');
    expect((await a.post(`/admin/users/${u.id}/disable`)).statusCode).toBe(303);
    await until(() => html.closeCode && json.closeCode, 'close');
    expect([html.closeCode, json.closeCode]).toEqual([1008, 1008]);
  });

  it('revoking a token closes its socket with 1008 and it hears nothing more', async () => {
    const token = await makeToken(db, 'command');
    const s = await LiveSocket.open(`${ws}/api/v1/live?token=${token}`);
    await until(() => s.frames.length > 0, 'snapshot');
    const admin = await makeUser(db, 'admin');
    const a = await signedIn(app, admin.username, admin.password);
    await a.get('/admin');
    const id = (await db.select().from(apiTokens).where(eq(apiTokens.prefix, token.slice(0, 10))).get())!.id;
    await a.post(`/admin/tokens/${id}/revoke`);
    await until(() => s.closeCode, 'close');
    expect(s.closeCode).toBe(1008);
    expect(s.frames).toHaveLength(1);
  });

  it('a revoke made straight in the database (another instance) is found before the next message', async () => {
    const token = await makeToken(db, 'command');
    const s = await LiveSocket.open(`${ws}/api/v1/live?token=${token}`);
    await until(() => s.frames.length > 0, 'snapshot');
    await write(db, async (tx) => {
      await tx.update(apiTokens).set({ revokedAt: new Date().toISOString() }).where(eq(apiTokens.prefix, token.slice(0, 10))).run();
    });
    change();
    await until(() => s.closeCode, 'close');
    expect(s.closeCode).toBe(1008);
    expect(s.frames).toHaveLength(1);
  });

  it('an expired session is found before the next message, on both sockets', async () => {
    const u = await makeUser(db, 'command');
    const b = await signedIn(app, u.username, u.password);
    const json = await browserSock('/api/v1/live', b);
    const html = await browserSock('/live/html?region=board', b);
    await until(() => json.frames.length > 0 && html.frames.length > 0, 'first frames');
    await write(db, async (tx) => {
      await tx.update(sessions).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(sessions.userId, u.id)).run();
    });
    change();
    await until(() => json.closeCode && html.closeCode, 'close');
    expect([json.closeCode, html.closeCode]).toEqual([1008, 1008]);
    expect(json.frames).toHaveLength(1);
    expect(html.frames).toHaveLength(1);
  });

  it('a ?token= is never written to the request log', async () => {
    const token = await makeToken(db, 'command');
    const s = await LiveSocket.open(`${ws}/api/v1/live?token=${token}`);
    await until(() => s.frames.length > 0, 'snapshot');
    s.close();
    await fetch(`${http}/api/v1/live?token=${token}`);
    await until(() => log.some((l) => l.includes('token=[redacted]')), 'a logged live request');
    expect(log.join('\n')).not.toContain(token);
    expect(log.join('\n')).not.toContain(token.slice(4));
  });
});

describe('a one-time password opens the change-password page only (issue 11, finding 6)', () => {
  it('pages redirect, the JSON API and sockets refuse, until the password is changed', async () => {
    const u = await makeUser(db, 'command', { mustChangePassword: true });
    const b = new (await import('../helpers/session.ts')).Browser(app);
    await b.get('/login');
    expect((await b.post('/login', { username: u.username, password: u.password })).headers.location).toBe('/account/password');
    const page = await b.get('/facilities');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/password');
    const api = await b.api('GET', '/api/v1/facilities');
    expect(api.statusCode).toBe(403);
    expect(api.headers['content-type']).toContain('application/problem+json');
    const write = await b.api('POST', '/api/v1/facilities', { code: 'X-1', name: 'X', kind: 'TPS', wilayah_code: '31.71' });
    expect(write.statusCode).toBe(403);
    await expect(browserSock('/api/v1/live', b)).rejects.toMatchObject({ status: 403 });
    await expect(browserSock('/live/html?region=board', b)).rejects.toMatchObject({ status: 403 });
    expect((await b.get('/account/password')).statusCode).toBe(200);
    const changed = await b.post('/account/password', { current: u.password, password: 'a-new-long-password', confirm: 'a-new-long-password' });
    expect(changed.statusCode).toBe(303);
    expect((await b.api('GET', '/api/v1/facilities')).statusCode).toBe(200);
  });
});

describe('amplification (issue 11, finding 7)', { timeout: 60_000 }, () => {
  it(`an account or token holds at most ${MAX_SOCKETS_PER_CREDENTIAL} sockets; the next is closed with 4429`, async () => {
    const token = await makeToken(db, 'display');
    const socks = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_CREDENTIAL }, () => LiveSocket.open(`${ws}/api/v1/live?token=${token}`)));
    await until(() => socks.every((s) => s.frames.length > 0), 'snapshots');
    const extra = await LiveSocket.open(`${ws}/api/v1/live?token=${token}`);
    await until(() => extra.closeCode, 'close');
    expect(extra.closeCode).toBe(4429);
    expect(extra.frames).toHaveLength(0);
    // A closed socket frees its place.
    socks[0]!.close();
    await until(() => socks[0]!.closeCode, 'closed');
    await new Promise((r) => setTimeout(r, 50));
    const again = await LiveSocket.open(`${ws}/api/v1/live?token=${token}`);
    await until(() => again.frames.length > 0, 'snapshot');
    expect(again.closeCode).toBeNull();
    for (const s of [...socks, again]) s.close();
  });

  it(`counts the ${MAX_SOCKETS_PER_CREDENTIAL}-socket cap per account: signing in again gives no fresh allowance (issue 28)`, async () => {
    const wall = await makeUser(db, 'display');
    const first = await signedIn(app, wall.username, wall.password);
    const socks = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_CREDENTIAL }, () => browserSock('/live/html?region=board', first)));
    await until(() => socks.every((s) => s.frames.length > 0), 'first frames');
    const second = await signedIn(app, wall.username, wall.password);
    const extra = await browserSock('/api/v1/live', second);
    await until(() => extra.closeCode, 'close');
    expect(extra.closeCode).toBe(4429);
    // Another account still has its own.
    const other = await makeUser(db, 'display');
    const theirs = await browserSock('/live/html?region=board', await signedIn(app, other.username, other.password));
    await until(() => theirs.frames.length > 0, 'their frame');
    expect(theirs.closeCode).toBeNull();
    for (const s of [...socks, theirs]) s.close();
  });

  it('one change renders the board once for every socket of one audience', async () => {
    const region = boardRegion;
    const render = region.render;
    let renders = 0;
    region.render = (ctx) => {
      renders++;
      return render(ctx);
    };
    try {
      const walls = await Promise.all([makeUser(db, 'display'), makeUser(db, 'display')]);
      const browsers = await Promise.all(walls.map((w) => signedIn(app, w.username, w.password)));
      const socks: LiveSocket[] = [];
      for (const b of browsers) for (let i = 0; i < 6; i++) socks.push(await browserSock('/live/html?region=board', b));
      await until(() => socks.every((s) => s.frames.length === 1), 'first frames');
      const atConnect = renders;
      change();
      await until(() => socks.every((s) => s.frames.length === 2), 'second frames');
      expect(renders - atConnect).toBe(1);
      for (const s of socks) s.close();
    } finally {
      region.render = render;
    }
  });
});

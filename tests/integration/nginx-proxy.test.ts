import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { loginAttempts } from '../../src/db/schema/index.ts';
import { sha256 } from '../../src/lib/passwords.ts';
import { TEST_ENGINE, TEST_SECRET } from '../helpers/app.ts';
import { childEnv, freePort, startNode, waitFor } from '../helpers/child-process.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';
import { until } from '../helpers/live-socket.ts';

/**
 * Issue 28, item 1: Debian's nginx in front of two Singgah instances, configured with the server block of
 * docs/operations.md ("nginx in front") — read out of the document, so the block an operator copies is the block
 * tested. Only the machine-specific parts are replaced (ports, certificate paths, the instances' ports); every
 * directive is kept, and each replacement must find its text or the test fails (the block changed: look again).
 *
 * Two instances share one PostgreSQL database (the deployment the second `server` line is for): this runs in
 * the postgres project. nginx runs in the foreground as this test's child, with its own prefix, pid, logs and
 * temporary paths in a temporary directory and free ports. TLS with a certificate made here by openssl.
 *
 * The client's address: with TRUST_PROXY=loopback every 127.x address is a trusted hop, so a client on this
 * machine would be a trusted hop too and its forged X-Forwarded-For would be believed — which never happens
 * for a real, remote browser. So the "browser" here connects from 127.0.0.2, and the instances trust nginx's
 * own address to them (127.0.0.1) only: the walk Fastify does for a remote client under `loopback`.
 */
const root = resolve(import.meta.dirname, '../..');
const HOST = 'singgah.dinsos.example.go.id';
const CLIENT_ADDRESS = '127.0.0.2';

function nginxBinary(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (existsSync(p)) return p;
  return null;
}
const nginx = nginxBinary();
const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p)) ?? null;
const missing = !nginx ? 'nginx (apt-get install nginx; .ci/run installs it)' : !openssl ? 'openssl (apt-get install openssl)' : null;
if (missing && process.env.CI === 'true' && TEST_ENGINE === 'postgres') throw new Error(`CI=true: the nginx test needs ${missing}`);
if (missing) console.warn(`[nginx-proxy] skipped: ${missing} is not installed on this machine`);

/** The ```nginx block of docs/operations.md, as written there. */
function documentedNginxBlock(): string {
  const doc = readFileSync(join(root, 'docs/operations.md'), 'utf8');
  const blocks = [...doc.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 1) throw new Error(`docs/operations.md should hold exactly one nginx block, holds ${blocks.length}`);
  return blocks[0]!;
}

function replaceOnce(text: string, pattern: RegExp, by: string): string {
  const found = text.match(new RegExp(pattern.source, pattern.flags.replace('g', '') + 'g'));
  if (!found || found.length !== 1) throw new Error(`the documented nginx block no longer has exactly one ${pattern}: update tests/integration/nginx-proxy.test.ts with it`);
  return text.replace(pattern, by);
}

/** The documented block with this machine's ports and files, inside a main configuration of nginx's own paths. */
function nginxConfig(dir: string, ports: { http: number; https: number; a: number; b: number }): string {
  let block = documentedNginxBlock();
  block = replaceOnce(block, /server 127\.0\.0\.1:3000;/, `server 127.0.0.1:${ports.a};`);
  block = replaceOnce(block, /server 127\.0\.0\.1:3001;/, `server 127.0.0.1:${ports.b};`);
  block = replaceOnce(block, /listen 80;/, `listen 127.0.0.1:${ports.http};`);
  block = replaceOnce(block, /listen \[::\]:80;/, '# (IPv6 listen left out in the test)');
  block = replaceOnce(block, /listen 443 ssl( http2)?;/, `listen 127.0.0.1:${ports.https} ssl$1;`);
  block = replaceOnce(block, /listen \[::\]:443 ssl( http2)?;/, '# (IPv6 listen left out in the test)');
  block = replaceOnce(block, /ssl_certificate +\S+;/, `ssl_certificate ${dir}/cert.pem;`);
  block = replaceOnce(block, /ssl_certificate_key +\S+;/, `ssl_certificate_key ${dir}/key.pem;`);
  // Run as root (CI), nginx's workers would switch to `nobody`, who cannot write this directory's temp paths.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : '';
  return `${user}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  # What nginx itself would log where the block does not say otherwise (the TLS server turns it off).
  access_log ${dir}/access.log;
${block}
}
`;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A browser at CLIENT_ADDRESS talking to nginx: TLS checked against the test's certificate, cookies kept. */
class ProxiedBrowser {
  cookies = new Map<string, string>();
  setCookies: string[] = [];
  csrf = '';
  constructor(
    readonly port: number,
    readonly ca: string,
  ) {}

  get origin() {
    return `https://${HOST}:${this.port}`;
  }
  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  send(method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    return new Promise((done, fail) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          servername: HOST,
          ca: this.ca,
          localAddress: CLIENT_ADDRESS,
          method,
          path,
          agent: false,
          headers: { host: `${HOST}:${this.port}`, cookie: this.cookieHeader, ...(opts.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...opts.headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => {
            const set = res.headers['set-cookie'] ?? [];
            this.setCookies.push(...set);
            for (const c of set) {
              const [pair] = c.split(';');
              const at = pair!.indexOf('=');
              const name = pair!.slice(0, at);
              const value = pair!.slice(at + 1);
              if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
              else this.cookies.set(name, value);
            }
            const m = /name="csrf-token" content="([^"]+)"/.exec(body) ?? /name="_csrf" value="([^"]+)"/.exec(body);
            if (m) this.csrf = m[1]!;
            done({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      req.on('error', fail);
      req.end(opts.body);
    });
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.send('GET', path, { headers });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.send('POST', path, { body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(), headers });
  }

  /** The pages' live socket through nginx, as the browser opens it (cookie, Origin of the page). */
  openHtml(query: string, origin = this.origin): Promise<{ ws: WebSocket; frames: string[] } | { refused: number }> {
    return new Promise((done, fail) => {
      // ws hands `servername` on to tls.connect (its types leave it out): the certificate is checked for HOST.
      const options: WebSocket.ClientOptions & { servername: string } = {
        headers: { host: `${HOST}:${this.port}`, cookie: this.cookieHeader, origin },
        servername: HOST,
        ca: this.ca,
        localAddress: CLIENT_ADDRESS,
      };
      const ws = new WebSocket(`wss://127.0.0.1:${this.port}/live/html?${query}`, options);
      const frames: string[] = [];
      ws.on('message', (d) => frames.push(String(d)));
      ws.once('open', () => done({ ws, frames }));
      ws.once('unexpected-response', (_q, res) => done({ refused: res.statusCode ?? 0 }));
      ws.once('error', fail);
    });
  }
}

/** A call straight to one instance (no proxy), with an API token. */
function direct(port: number, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => done({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}


type LogLine = { request_id?: string; msg?: string; req?: { url?: string; remoteAddress?: string }; res?: { statusCode?: number } };
const logLines = (out: string): LogLine[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

describe.skipIf(TEST_ENGINE !== 'postgres' || missing !== null)("Debian's nginx in front of two instances, with the block of docs/operations.md", () => {
  let dir: string;
  let db: Db;
  let drop: () => Promise<void>;
  const instances: { port: number; server: ReturnType<typeof startNode> }[] = [];
  let proxy: ChildProcess;
  let proxyOut = '';
  let ports: { http: number; https: number; a: number; b: number };
  let ca: string;
  let facilityId: string;
  let unitId: string;
  let intakeToken: string;
  let officer: { username: string; password: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'singgah-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe', env: childEnv() });
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');

    const created = await createTestPgDatabase();
    drop = created.drop;
    db = await openDatabase(created.url, { migrate: false });
    const facility = await makeFacility(db, { kind: 'TPS' });
    facilityId = facility.id;
    unitId = (await makeUnit(db, facilityId, { capacity: 5, admits: 'any' })).id;
    intakeToken = await makeToken(db, 'intake', { facility: facilityId });
    officer = await makeUser(db, 'intake', { facilityId });

    ports = { http: await freePort(), https: await freePort(), a: await freePort(), b: await freePort() };
    for (const port of [ports.a, ports.b]) {
      const server = startNode(['src/server.ts'], {
        NODE_ENV: 'production',
        DATABASE_URL: created.url,
        SESSION_SECRET: TEST_SECRET,
        HOST: '127.0.0.1',
        PORT: String(port),
        TRUST_PROXY: '127.0.0.1',
        LOG_LEVEL: 'info',
        LOAD_SHED_DELAY_MS: '0', // a shared, loaded test machine: no 503s from event-loop lag
      });
      instances.push({ port, server });
    }
    for (const { port, server } of instances) {
      await waitFor(async () => {
        if (server.child.exitCode !== null) throw new Error(`instance on ${port} exited: ${server.output()}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200;
      }, 60_000);
    }

    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, ports));
    const check = spawn(nginx!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { env: childEnv(), stdio: 'pipe' });
    let checkOut = '';
    check.stderr!.on('data', (d) => (checkOut += d));
    const code = await new Promise<number | null>((r) => check.on('exit', r));
    if (code !== 0) throw new Error(`nginx -t refused the documented block:\n${checkOut}`);
    proxy = spawn(nginx!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout!.on('data', (d) => (proxyOut += d));
    proxy.stderr!.on('data', (d) => (proxyOut += d));
    await waitFor(async () => {
      if (proxy.exitCode !== null) throw new Error(`nginx exited: ${proxyOut}${readFileSync(join(dir, 'error.log'), 'utf8')}`);
      return (await fetch(`http://127.0.0.1:${ports.http}/`, { redirect: 'manual' }).then((r) => r.status, () => 0)) === 301;
    }, 20_000);
  }, 120_000);

  afterAll(async () => {
    if (proxy && proxy.exitCode === null) {
      const gone = new Promise((r) => proxy.once('exit', r));
      proxy.kill('SIGQUIT'); // nginx's graceful stop
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
      if (proxy.exitCode === null) proxy.kill('SIGKILL');
    }
    for (const { server } of instances) {
      if (server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
    }
    await (db?.$engine as { close?: () => Promise<void> } | undefined)?.close?.();
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const servedBy = (id: string) => instances.filter(({ server }) => logLines(server.output()).some((l) => l.request_id === id)).map(({ port }) => port);

  it('signs in over TLS and serves pages from both instances, with nginx\'s request id on the answer and in the logs', async () => {
    const browser = new ProxiedBrowser(ports.https, ca);
    expect((await browser.get('/login')).status).toBe(200);
    const signIn = await browser.post('/login', { username: officer.username, password: officer.password });
    expect(signIn.status).toBe(303);
    // X-Forwarded-Proto reached Singgah: the session cookie is Secure behind TLS.
    const session = browser.setCookies.find((c) => c.startsWith('sgh_session='));
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/HttpOnly/i);

    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await browser.get(`/facilities/${facilityId}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('id="occupancy-summary"');
      const id = page.headers['x-request-id'] as string;
      expect(id).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id, passed to Singgah and sent back
      ids.push(id);
      // HSTS once, from nginx (Singgah leaves it to the proxy); Singgah's own security headers pass through.
      expect(page.headers['strict-transport-security']).toBe('max-age=63072000');
      expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    }
    // Each request is in exactly one instance's log under nginx's id, and both instances served the session:
    // no sticky sessions needed.
    await waitFor(() => ids.every((id) => servedBy(id).length === 1), 5_000);
    expect(new Set(ids.map((id) => servedBy(id)[0])).size).toBe(2);

    // The plain-HTTP server sends browsers to TLS; metrics are not served through the proxy.
    const redirect = await new Promise<{ status?: number; location?: string }>((done, fail) =>
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/login?next=%2F', headers: { host: HOST } }, (res) => {
        res.resume();
        done({ status: res.statusCode, location: res.headers.location });
      })
        .on('error', fail)
        .end(),
    );
    expect(redirect).toEqual({ status: 301, location: `https://${HOST}/login?next=%2F` });
    expect((await browser.get('/metrics')).status).toBe(404);
  });

  it('opens /live/html through nginx (Origin matches the Host nginx passes) and delivers changes made at either instance', async () => {
    const browser = new ProxiedBrowser(ports.https, ca);
    await browser.get('/login');
    expect((await browser.post('/login', { username: officer.username, password: officer.password })).status).toBe(303);

    // Another site's page is still refused behind the proxy.
    expect(await browser.openHtml(`region=facility&id=${facilityId}`, 'https://evil.example')).toEqual({ refused: 403 });

    const opened = await browser.openHtml(`region=facility&id=${facilityId}`);
    if ('refused' in opened) throw new Error(`the socket was refused through nginx: HTTP ${opened.refused}`);
    const { ws, frames } = opened;
    try {
      expect(await until(() => frames[0])).toMatch(/id="facility-free">5</);
      // One check-in at each instance, straight to it: whichever instance holds the socket, one of the two
      // changes was made at the other and reaches this browser through PostgreSQL's NOTIFY.
      let free = 5;
      for (const { port } of instances) {
        const reg = await direct(port, intakeToken, 'POST', '/api/v1/residents', { persons: [{ name: `Warga Proxy ${port}`, sex: 'P', estimated_age: 30, consent: true }], confirm_new: true });
        expect(reg.status).toBe(201);
        const personId = (reg.json.persons as { id: string }[])[0]!.id;
        expect((await direct(port, intakeToken, 'POST', '/api/v1/stays', { person_id: personId, unit_id: unitId })).status).toBe(201);
        free -= 1;
        const want = `id="facility-free">${free}<`;
        expect(await until(() => frames.find((f) => f.includes(want)))).toContain(`Warga Proxy ${port}`);
      }
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.close();
    }
  });

  it("takes the client's address from nginx's X-Forwarded-For for the logs and the sign-in limit, never the address the client forged", async () => {
    const browser = new ProxiedBrowser(ports.https, ca);
    await browser.get('/login');
    const forged = '203.0.113.9';
    const refused = await browser.post('/login', { username: officer.username, password: 'not-the-password' }, { 'x-forwarded-for': forged });
    expect(refused.status).toBe(401); // the form again, with the error
    const id = refused.headers['x-request-id'] as string;
    // nginx sent "203.0.113.9, 127.0.0.2": Singgah trusts nginx (127.0.0.1) and stops at the address nginx saw.
    await waitFor(() => servedBy(id).length === 1, 5_000);
    const lines = instances.flatMap(({ server }) => logLines(server.output())).filter((l) => l.request_id === id);
    expect(lines.find((l) => l.req)?.req).toMatchObject({ url: '/login', remoteAddress: CLIENT_ADDRESS });
    // The sign-in limit counts this address (keys are stored hashed), and the forged one not at all.
    const attempts = await db.select().from(loginAttempts).all();
    expect(attempts.filter((a) => a.keyHash === sha256(`ip:${CLIENT_ADDRESS}`)).length).toBeGreaterThanOrEqual(1);
    expect(attempts.some((a) => a.keyHash === sha256(`ip:${forged}`))).toBe(false);
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.keyHash, sha256(`u:${officer.username}`))).all()).not.toHaveLength(0);
  });

  it('keeps a searched NIK out of nginx\'s log and the instances\' logs', async () => {
    const browser = new ProxiedBrowser(ports.https, ca);
    await browser.get('/login');
    expect((await browser.post('/login', { username: officer.username, password: officer.password })).status).toBe(303);
    const nik = '3171014509870007';
    const search = await browser.get(`/api/v1/residents?q=${nik}`, { 'x-csrf-token': browser.csrf });
    expect(search.status).toBe(200);
    const id = search.headers['x-request-id'] as string;
    await waitFor(() => servedBy(id).length === 1, 5_000);
    const access = existsSync(join(dir, 'access.log')) ? readFileSync(join(dir, 'access.log'), 'utf8') : '';
    expect(access).not.toContain(nik);
    for (const { server } of instances) expect(server.output()).not.toContain(nik);
  });
});

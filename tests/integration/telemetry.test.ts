import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import pg from 'pg';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Db } from '../../src/db/client.ts';
import type { SqliteEngine } from '../../src/db/sqlite.ts';
import type { PostgresEngine } from '../../src/db/postgres.ts';
import { hubFor, LISTENER_APPLICATION_NAME } from '../../src/domain/events.ts';
import { occupancyVersion } from '../../src/domain/occupancy/cache.ts';
import { openTestDatabase, testConfig, TEST_ENGINE, TEST_SECRET } from '../helpers/app.ts';
import { PG_ADMIN_URL } from '../helpers/pg.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { childEnv } from '../helpers/child-process.ts';
import { bearer } from '../helpers/session.ts';

/** Issue 28, "telemetry": GET /metrics, load shedding, /readyz that tells a database it cannot write to, a clear start error. */
let app: FastifyInstance;
let db: Db;

beforeAll(async () => {
  db = await openTestDatabase();
  app = await buildApp(testConfig(), { db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => app.close());

const metrics = async (headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => app.inject({ method: 'GET', url: '/metrics', headers, remoteAddress });
/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const [head, value] = [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)];
    if (Object.entries(labels).every(([k, v]) => head.includes(`${k}="${v}"`))) return Number(value);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('is for loopback and admin tokens only', async () => {
    expect((await metrics()).statusCode).toBe(200);
    // Through a proxy on the same machine the client is not the machine itself.
    expect((await metrics({ 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(401);
    expect((await metrics({}, '10.1.2.3')).statusCode).toBe(401);
    expect((await metrics({ authorization: `Bearer ${await makeToken(db, 'command')}` }, '10.1.2.3')).statusCode).toBe(403);
    const ok = await metrics({ authorization: `Bearer ${await makeToken(db, 'admin')}` }, '10.1.2.3');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toContain('text/plain');
  });

  it('counts requests by route pattern, live sockets by kind, events, messages, lock wait, jobs and the occupancy version', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    const unit = await makeUnit(db, tps.id);
    const token = await makeToken(db, 'command');
    for (let i = 0; i < 3; i++) expect((await bearer(app, token)('GET', `/api/v1/facilities/${tps.id}`)).statusCode).toBe(200);

    const port = (app.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live?token=${token}`);
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await until(() => frames.length === 1);
    let text = (await metrics()).body;
    expect(sample(text, 'singgah_live_sockets', { kind: 'api' })).toBe(1);
    const delivered = sample(text, 'singgah_live_messages_total', { kind: 'api', outcome: 'delivered' }) ?? 0;
    const published = sample(text, 'singgah_events_published_total', { type: 'occupancy', source: 'local' }) ?? 0;
    hubFor(db).publish({ type: 'occupancy', facilityId: tps.id, unitIds: [unit.id] });
    await until(() => frames.length === 2);
    ws.close();
    await new Promise((r) => ws.once('close', r));

    text = (await metrics()).body;
    expect(sample(text, 'singgah_http_requests_total', { method: 'GET', route: '/api/v1/facilities/:id', status: '200' })).toBe(3);
    expect(sample(text, 'singgah_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/facilities/:id' })).toBe(3);
    expect(text).not.toContain(tps.id);
    expect(sample(text, 'singgah_events_published_total', { type: 'occupancy', source: 'local' })).toBe(published + 1);
    expect(sample(text, 'singgah_live_messages_total', { kind: 'api', outcome: 'delivered' })).toBeGreaterThan(delivered);
    await until(async () => sample((await metrics()).body, 'singgah_live_sockets', { kind: 'api' }) === 0);
    expect(sample(text, 'singgah_write_lock_wait_seconds_count', { engine: TEST_ENGINE })).toBeGreaterThan(0);
    expect(sample(text, 'singgah_job_runs_total', { job: 'occupancy-sample', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'singgah_occupancy_version')).toBe(await occupancyVersion(db));
    expect(sample(text, 'singgah_ready', { check: 'writable' })).toBe(1);
    expect(text).toContain('singgah_process_cpu_seconds_total');
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop is saturated, never for health, and recovers', async () => {
    const busy = await buildApp(testConfig(), {
      db: await openTestDatabase(),
      logger: false,
      pressure: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.7, sampleIntervalMs: 200 },
    });
    await busy.ready();
    try {
      // Settled first: the start's own work may have filled a sample.
      await until(async () => (await busy.inject({ method: 'GET', url: '/api/v1/facilities' })).statusCode === 401, 10_000);
      // Saturate the loop for longer than a sample, then let the sample see it.
      const end = Date.now() + 1000;
      while (Date.now() < end) {
        /* busy */
      }
      // The next sample sees it (under-pressure samples on its own timer).
      await until(() => busy.isUnderPressure(), 1_000);
      const shed = await busy.inject({ method: 'GET', url: '/api/v1/facilities' });
      expect(shed.statusCode).toBe(503);
      expect(shed.headers['retry-after']).toBe('10');
      expect(shed.headers['content-type']).toContain('application/problem+json');
      expect((await busy.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await busy.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/singgah_requests_shed_total\{reason="eventLoopUtilization"\} [1-9]/);
      await until(async () => (await busy.inject({ method: 'GET', url: '/api/v1/facilities' })).statusCode === 401, 10_000);
    } finally {
      await busy.close();
    }
  });
});

/** A write while the database refuses writes: 503 problem+json with Retry-After (never a 500), nothing saved. */
let readOnlyDesk: ReturnType<typeof bearer>;
async function expectWriteRefused503() {
  const res = await readOnlyDesk('POST', '/api/v1/residents', { persons: [{ name: 'Saat Hanya Baca', sex: 'P', estimated_age: 30, consent: true }], confirm_new: true });
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['retry-after']).toBe('30');
  expect(res.json()).toMatchObject({ type: '/problems/unavailable', code: 'UNAVAILABLE', status: 503 });
}

describe('/readyz', () => {
  beforeAll(async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    readOnlyDesk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
  });

  it.runIf(TEST_ENGINE === 'sqlite')('is 503 while SQLite refuses writes (a read-only database), 200 again after', async () => {
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const writer = (db.$engine as SqliteEngine).writerConnection;
    // query_only: SQLite answers every write with SQLITE_READONLY, as it does for a read-only file or mount.
    writer.pragma('query_only = ON');
    try {
      expect(await app.readiness.probeWrite()).toBe(false);
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', database: true, writable: false, listener: true });
      await expectWriteRefused503();
    } finally {
      writer.pragma('query_only = OFF');
    }
    expect(await app.readiness.probeWrite()).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it.runIf(TEST_ENGINE === 'postgres')('is 503 while PostgreSQL is read-only, 200 again after', async () => {
    const name = new URL((db.$engine as PostgresEngine).url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const cut = () => admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    try {
      await admin.query(`alter database "${name}" set default_transaction_read_only = on`);
      await cut();
      await until(async () => !(await app.readiness.probeWrite()), 10_000);
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', writable: false });
      await expectWriteRefused503();
    } finally {
      await admin.query(`alter database "${name}" reset default_transaction_read_only`);
      await cut();
    }
    await until(async () => (await app.readiness.probeWrite()) && (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 10_000);
    await admin.end();
  });

  it.runIf(TEST_ENGINE === 'postgres')('is 503 while the PostgreSQL listener is lost, 200 once it is back', async () => {
    expect(hubFor(db).listening?.()).toBe(true);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const name = new URL((db.$engine as PostgresEngine).url).pathname.slice(1);
    try {
      // Watch /readyz while the listener's connection is cut: it reconnects within about a second.
      const seen: { status: number; body: unknown }[] = [];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const r = await app.inject({ method: 'GET', url: '/readyz' });
          seen.push({ status: r.statusCode, body: r.json() });
          await new Promise((res) => setTimeout(res, 10));
        }
      })();
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [name, LISTENER_APPLICATION_NAME]);
      await until(() => seen.some((s) => s.status === 503), 5_000);
      await until(() => hubFor(db).listening?.() === true && seen.at(-1)?.status === 200, 10_000);
      watching = false;
      await watch;
      expect(seen.find((s) => s.status === 503)?.body).toEqual({ status: 'unavailable', database: true, writable: true, listener: false });
    } finally {
      await admin.end();
    }
  });
});

describe('start with the database unreachable', () => {
  it('stops with one clear line, no stack and no password', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: childEnv({ DATABASE_URL: 'postgres://singgah:s3cret-pw@127.0.0.1:1/singgah', SESSION_SECRET: TEST_SECRET, DATABASE_PATH: '', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PostgreSQL database "singgah" on 127.0.0.1:1');
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(out).not.toContain('s3cret-pw');
    expect(out).not.toMatch(/\n\s+at /);
  });
});

async function until(predicate: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!(await predicate())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

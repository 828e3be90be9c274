import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { createTestPgDatabase } from './pg.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * The API request limit the tests run with: on (so every test goes through it) but far above what any test
 * sends in a minute (the access matrix and the fuzz test send thousands). tests/integration/rate-limit.test.ts
 * sets a small one; production keeps the default of src/config.ts.
 */
export const TEST_API_RATE_LIMIT = '1000000';

export function testConfig(overrides: Record<string, string> = {}): Config {
  // Load shedding off: tests in one process share one event loop, and a test's own synchronous work must not be
  // answered 503 (tests/integration/telemetry.test.ts turns it on).
  return parseConfig({ DATABASE_PATH: ':memory:', SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', API_RATE_LIMIT: TEST_API_RATE_LIMIT, LOAD_SHED_DELAY_MS: '0', ...overrides });
}

/**
 * The engine the suite runs on: SQLite always; PostgreSQL when the vitest
 * project sets SINGGAH_TEST_ENGINE=postgres (vitest.config.ts).
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.SINGGAH_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A real, empty database with the real migrations: a private SQLite file, or a
 * fresh PostgreSQL database copied from the run's migrated template, dropped
 * when the database is closed.
 */
export async function openTestDatabase(): Promise<Db> {
  if (TEST_ENGINE === 'sqlite') return await openDatabase(':memory:');
  const created = await createTestPgDatabase();
  const db = await openDatabase(created.url, { migrate: false });
  const engine = db.$engine as { close(): Promise<void> };
  const close = engine.close.bind(engine);
  engine.close = async () => {
    await close();
    await created.drop();
  };
  return db;
}

/** A real app over a real database (see openTestDatabase) with the real migrations. */
export async function makeTestApp(overrides: Record<string, string> = {}): Promise<{ app: FastifyInstance; db: Db }> {
  const config = testConfig(overrides);
  const db = config.DATABASE_PATH === ':memory:' ? await openTestDatabase() : await openDatabase(config.DATABASE_PATH);
  const app = await buildApp(config, { db, logger: false });
  await app.ready();
  return { app, db };
}

/** A route as Fastify registered it, one per method. */
export interface RegisteredRoute {
  method: string;
  url: string;
  websocket: boolean;
}

/**
 * A real app over a fresh test database (`seed` fills it first), with every
 * route the app registered, as its own onRoute option tells them (HEAD left
 * out): a test that walks them covers a new route without being told of it.
 */
export async function makeTestAppWithRoutes(seed?: (db: Db) => Promise<unknown>): Promise<{ app: FastifyInstance; db: Db; routes: RegisteredRoute[] }> {
  const db = await openTestDatabase();
  await seed?.(db);
  const routes: RegisteredRoute[] = [];
  const app = await buildApp(testConfig(), {
    db,
    logger: false,
    onRoute: (r) => {
      for (const m of Array.isArray(r.method) ? r.method : [r.method]) if (m !== 'HEAD') routes.push({ method: m, url: r.url, websocket: Boolean(r.websocket) });
    },
  });
  await app.ready();
  return { app, db, routes };
}

/**
 * One empty, migrated database that several app instances may open (each with
 * its own engine, as separate processes would): a SQLite file in /dev/shm, or a
 * fresh PostgreSQL database. `drop` removes it once every handle is closed.
 */
export async function createSharedTestDatabase(): Promise<{ target: string; drop: () => Promise<void> }> {
  if (TEST_ENGINE === 'postgres') {
    const created = await createTestPgDatabase();
    return { target: created.url, drop: created.drop };
  }
  const target = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `singgah-shared-${randomUUID()}.db`);
  return {
    target,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true });
    },
  };
}

/**
 * Two app instances over one shared database, each with its own handle (as
 * two processes would have) and the same configuration (one SESSION_SECRET,
 * as the deployment requires). `close` stops both and drops the database.
 */
export async function startTwoInstances(): Promise<{ a: FastifyInstance; b: FastifyInstance; dbA: Db; dbB: Db; close: () => Promise<void> }> {
  const shared = await createSharedTestDatabase();
  const config = testConfig();
  const dbA = await openDatabase(shared.target, { migrate: true });
  const dbB = await openDatabase(shared.target, { migrate: true });
  const a = await buildApp(config, { db: dbA, logger: false });
  const b = await buildApp(config, { db: dbB, logger: false });
  await a.ready();
  await b.ready();
  return {
    a,
    b,
    dbA,
    dbB,
    close: async () => {
      await a.close();
      await b.close();
      await shared.drop();
    },
  };
}

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.ts';
import { TEST_ENGINE } from '../helpers/app.ts';
import { makeFacility } from '../helpers/factories.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';
import { operatorVariables } from '../helpers/hermetic-env.ts';
import { childEnv, freePort, runCli, startNode, waitFor } from '../helpers/child-process.ts';

/**
 * The suite keeps to its own databases (tests/helpers/hermetic-env.ts,
 * tests/helpers/child-process.ts). An operator's shell exports DATABASE_URL
 * of production, SESSION_SECRET and DATABASE_PATH; the commands and the server
 * the suite starts, started as the suite starts them, write only to the test's
 * own database. On the postgres project a database made here and migrated
 * stands for production, and not one of its rows may change; on SQLite-only
 * runs DATABASE_URL names a server that is not there, so a command that took
 * it would fail.
 */
const root = resolve(import.meta.dirname, '../..');
const OPERATOR_SECRET = 'operator-secret-operator-secret-0123456789';

/** Every table of every schema: its row count and a hash of its rows. */
async function snapshot(url: string): Promise<Record<string, { rows: number; hash: string }>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
    );
    const out: Record<string, { rows: number; hash: string }> = {};
    for (const { schema, name } of tables.rows) {
      const q = `"${schema}"."${name}"`;
      const r = await c.query<{ rows: string; hash: string | null }>(
        `select count(*) as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as hash from ${q} t`,
      );
      out[`${schema}.${name}`] = { rows: Number(r.rows[0]!.rows), hash: r.rows[0]!.hash ?? '' };
    }
    return out;
  } finally {
    await c.end();
  }
}

describe('the suite keeps to its own databases', () => {
  let dir: string;
  let operatorPath: string;
  let production: { url: string; drop: () => Promise<void> } | null = null;
  let before: Awaited<ReturnType<typeof snapshot>> = {};
  let operator: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'singgah-hermetic-'));
    operatorPath = join(dir, 'operator', 'production.db');
    if (TEST_ENGINE === 'postgres') {
      // Production: made, migrated, holding a facility and no account (a start that reached it would make one).
      production = await createTestPgDatabase();
      const db = await openDatabase(production.url);
      await makeFacility(db, { code: 'TPS-PRODUCTION' });
      await db.$engine.close();
      before = await snapshot(production.url);
      expect(before['public.facilities']?.rows).toBe(1);
      expect(before['public.users']?.rows).toBe(0);
    }
    operator = {
      DATABASE_URL: production?.url ?? 'postgres://operator:operator-password@127.0.0.1:9/production',
      SESSION_SECRET: OPERATOR_SECRET,
      DATABASE_PATH: operatorPath,
    };
  });

  afterAll(async () => {
    await production?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function expectOperatorUntouched(): Promise<void> {
    expect(existsSync(operatorPath)).toBe(false);
    expect(existsSync(join(dir, 'operator'))).toBe(false);
    if (production) expect(await snapshot(production.url)).toEqual(before);
  }

  it("a test process sees none of the operator's configuration", () => {
    for (const key of [...operatorVariables(), 'DATABASE_URL', 'SESSION_SECRET', 'DATABASE_PATH', 'SINGGAH_DEBUG_SQL']) {
      expect(process.env[key], key).toBeUndefined();
    }
  });

  it("the commands and the first start write only to the test's own database while the operator's configuration is exported", async () => {
    // user:add, token:add and db:migrate as cli.test.ts runs them, src/server.ts as server.test.ts starts it.
    // As if the setup had not removed them: the children must not take them from this process either.
    Object.assign(process.env, operator);
    try {
      const own = { DATABASE_PATH: join(dir, 'own.db'), LOG_LEVEL: 'silent' };
      const migrate = runCli('db-migrate', [], own);
      expect(migrate.code, migrate.out).toBe(0);
      expect(migrate.out).toContain(`SQLite file ${own.DATABASE_PATH} migrated`);
      const user = runCli('user-add', ['--username', 'rudi', '--role', 'command'], own);
      expect(user.code, user.out).toBe(0);
      expect(user.out).toContain(`Created command account "rudi" in SQLite file ${own.DATABASE_PATH}.`);
      const token = runCli('token-add', ['--name', 'Satpol PP Jakpus', '--role', 'satpol', '--wilayah', '31.71'], own);
      expect(token.code, token.out).toBe(0);
      expect(token.out).toContain(`Created satpol token "Satpol PP Jakpus" in SQLite file ${own.DATABASE_PATH}.`);

      const started = { DATABASE_PATH: join(dir, 'started.db'), PORT: String(await freePort()), LOG_LEVEL: 'warn' };
      const server = startNode(['src/server.ts'], started);
      try {
        await waitFor(() => server.output().includes('Sign in at'));
        expect(server.output()).toContain(`No accounts existed in SQLite file ${started.DATABASE_PATH}: created "admin"`);
        // Serving: past the start, its SIGTERM handler is in place.
        await waitFor(() => fetch(`http://127.0.0.1:${started.PORT}/readyz`).then((r) => r.ok, () => false));
      } finally {
        server.child.kill('SIGTERM');
      }
      expect(await server.exited).toBe(0);

      const ownDb = new Database(own.DATABASE_PATH, { readonly: true });
      expect(ownDb.prepare('select username, role from users').all()).toEqual([{ username: 'rudi', role: 'command' }]);
      expect(ownDb.prepare('select name, role from api_tokens').all()).toEqual([{ name: 'Satpol PP Jakpus', role: 'satpol' }]);
      ownDb.close();
      const startedDb = new Database(started.DATABASE_PATH, { readonly: true });
      expect(startedDb.prepare('select username from users').all()).toEqual([{ username: 'admin' }]);
      startedDb.close();
    } finally {
      for (const key of Object.keys(operator)) delete process.env[key];
    }
    await expectOperatorUntouched();
  }, 120_000);

  it("a test file run from a shell that exports the operator's configuration passes and leaves it untouched", async () => {
    // The reproduction: cli.test.ts's user:add and token:add cases wrote accounts and a token to
    // production. This file's first case runs there too: it fails if the configuration reached a test process.
    const nested = spawnSync(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'tests/integration/cli.test.ts', 'tests/integration/hermetic.test.ts', '--project', 'sqlite', '--reporter', 'verbose', '--testTimeout', '120000', '--testNamePattern', "user:add|token:add prints|sees none of the operator's configuration"],
      { cwd: root, env: childEnv({ ...operator, SINGGAH_DEBUG_SQL: '1', NO_COLOR: '1' }), encoding: 'utf8', timeout: 280_000 },
    );
    const out = nested.stdout + nested.stderr;
    expect(nested.status, out).toBe(0);
    expect(out).toMatch(/Tests\s+5 passed/);
    expect(out).toContain("✓ |sqlite| tests/integration/hermetic.test.ts > the suite keeps to its own databases > a test process sees none of the operator's configuration");
    await expectOperatorUntouched();
  }, 300_000);

  it('the comparison sees a single row: a command pointed at the stand-in production database changes it', async ({ skip }) => {
    if (!production) return skip('needs PostgreSQL to stand for production: the postgres project (SINGGAH_TEST_PG=1 or TEST_DATABASE_URL) runs it');
    const r = runCli('user-add', ['--username', 'rudi', '--role', 'command'], operator);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Created command account "rudi" in PostgreSQL database "singgah_t_[0-9a-f]+" on [^:]+:\d+\./);
    expect(r.out).not.toContain(OPERATOR_SECRET);
    const after = await snapshot(production.url);
    expect(after['public.users']).toMatchObject({ rows: 1 });
    expect(after).not.toEqual(before);
  });
});

import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { facilities } from '../../src/db/schema/index.ts';
import { parseConfig } from '../../src/config.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';
import { TEST_ENGINE, TEST_SECRET } from '../helpers/app.ts';
import { childEnv } from '../helpers/child-process.ts';
import { makeFacility } from '../helpers/factories.ts';

/**
 * Issue 28, "files and secrets": the SQLite database (with its -wal and -shm), the session secret and every
 * backup are created readable by their owner only, whatever the umask; `db:backup` backs up either engine,
 * and the documented restore (docs/operations.md) gives the same records back.
 */
const dir = mkdtempSync(join(tmpdir(), 'singgah-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (file: string) => statSync(file).mode & 0o777;
const facilityCount = async (db: Db) => (await db.select({ n: count() }).from(facilities).get())!.n;

function backup(file: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts', file], {
    env: childEnv(env),
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('files holding people are private from the start', () => {
  it('the SQLite database, its -wal and -shm, and the session secret are 0600 under a permissive umask', async () => {
    const old = process.umask(0o022);
    try {
      const path = join(dir, 'fresh', 'singgah.db');
      const config = parseConfig({ DATABASE_PATH: path, LOG_LEVEL: 'silent', LOAD_SHED_DELAY_MS: '0' });
      const db = await openDatabase(path);
      const app = await buildApp(config, { db, logger: false });
      await app.ready();
      await makeFacility(db);
      for (const f of [path, `${path}-wal`, `${path}-shm`, join(dir, 'fresh', '.session-secret')]) expect([f, mode(f)]).toEqual([f, 0o600]);
      expect(mode(join(dir, 'fresh'))).toBe(0o700);
      await app.close();
    } finally {
      process.umask(old);
    }
  });
});

describe.runIf(TEST_ENGINE === 'sqlite')('SQLite backup and restore', () => {
  it('db:backup writes a 0600 copy, never overwrites, and the copy restores every record', async () => {
    const live = join(dir, 'live.db');
    const db = await openDatabase(live);
    for (let i = 0; i < 3; i++) await makeFacility(db);
    const before = await facilityCount(db);
    const file = join(dir, 'backup.db');
    const r = backup(file, { DATABASE_PATH: live });
    expect(r.out).toContain('integrity ok');
    expect(r.code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(backup(file, { DATABASE_PATH: live }).code).toBe(2);
    await makeFacility(db); // after the backup: not in it
    await db.$engine.close();

    // Restore (docs/operations.md): server stopped, the copy put in place of the database, no stale -wal/-shm.
    const restored = join(dir, 'restored.db');
    copyFileSync(file, restored);
    const back = await openDatabase(restored);
    expect(await facilityCount(back)).toBe(before);
    await back.$engine.close();
  });
});

describe.runIf(TEST_ENGINE === 'postgres')('PostgreSQL backup and restore', () => {
  it('db:backup runs pg_dump into a 0600 file, and pg_restore into a new database gives every record back', async () => {
    const source = await createTestPgDatabase();
    const target = await createTestPgDatabase();
    try {
      const db = await openDatabase(source.url);
      for (let i = 0; i < 3; i++) await makeFacility(db);
      const before = await facilityCount(db);
      await db.$engine.close();
      const file = join(dir, 'backup.pgdump');
      const r = backup(file, { DATABASE_URL: source.url, SESSION_SECRET: TEST_SECRET });
      expect(r.out).toContain('pg_dump, custom format');
      expect(r.code).toBe(0);
      expect(mode(file)).toBe(0o600);
      expect(r.out).not.toContain(source.url);

      // Restore into a database that has nothing yet (as a fresh `createdb` gives): the template copy is emptied first.
      const restore = spawnSync('pg_restore', ['--clean', '--if-exists', '--no-owner', '--dbname', target.url, file], { encoding: 'utf8' });
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const back = await openDatabase(target.url);
      expect(await facilityCount(back)).toBe(before);
      await back.$engine.close();
    } finally {
      await source.drop();
      await target.drop();
    }
  });

  it('says exactly what to run when pg_dump cannot be found', () => {
    const file = join(dir, 'nopgdump.pgdump');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts', file], {
      env: { ...childEnv({ DATABASE_URL: 'postgres://singgah:pw@db.example:5432/singgah', SESSION_SECRET: TEST_SECRET }), PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pg_dump is not installed here');
    expect(r.stderr).toContain(`pg_dump --format=custom --file=${file} "$DATABASE_URL"`);
    expect(r.stderr).not.toContain(':pw@');
    expect(existsSync(file)).toBe(false);
  });
});

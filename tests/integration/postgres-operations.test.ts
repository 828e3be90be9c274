import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase, NotMigratedError } from '../../src/db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { PG_ADMIN_URL } from '../helpers/pg.ts';
import { TEST_ENGINE } from '../helpers/app.ts';
import { runCli } from '../helpers/child-process.ts';
import { randomBytes } from 'node:crypto';

/** What an operator does to run several instances (README "Several instances"). */
describe('PostgreSQL operations', () => {
  it('needs SESSION_SECRET with DATABASE_URL, and a postgres:// URL', () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgres://db/singgah' })).toThrow(/SESSION_SECRET: is required with DATABASE_URL/);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://db/singgah', SESSION_SECRET: 'x'.repeat(40) })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(parseConfig({ DATABASE_URL: 'postgresql://db/singgah', SESSION_SECRET: 'x'.repeat(40) }).DATABASE_URL).toBe('postgresql://db/singgah');
  });

  it.skipIf(TEST_ENGINE !== 'postgres')('refuses to serve an unmigrated database; npm run db:migrate migrates it once, then it serves', async () => {
    const name = `singgah_ops_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database "${name}" template template0 encoding 'UTF8'`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    try {
      await expect(openDatabase(url.toString())).rejects.toBeInstanceOf(NotMigratedError);
      await expect(openDatabase(url.toString())).rejects.toThrow(/npm run db:migrate/);
      const migrate = () => runCli('db-migrate', [], { DATABASE_URL: url.toString(), SESSION_SECRET: 'ops-secret-ops-secret-ops-secret-0123456789', LOG_LEVEL: 'silent' });
      const first = migrate();
      expect(first.code, first.out).toBe(0);
      // It names the database it changed: name, host and port, never the user or a password.
      expect(first.stdout.replace(/\d+ ms/, 'N ms')).toBe(`PostgreSQL database "${name}" on ${url.hostname}:${url.port || '5432'} migrated in N ms.\n`);
      // Twice is harmless: nothing left to apply.
      expect(migrate().code).toBe(0);
      const db = await openDatabase(url.toString());
      const n = await db.get<{ n: number }>((await import('drizzle-orm')).sql`select count(*) as n from wilayah`);
      expect(n!.n).toBeGreaterThan(500);
      await db.$engine.close();
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});

import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migratePostgres } from '../../src/db/client.ts';

/**
 * PostgreSQL for tests: TEST_DATABASE_URL names a server database to connect
 * to for administration (default: the local server, trust auth, as on this
 * machine kind and in CI). Each run builds one template database with the
 * migrations applied; each app gets its own copy, dropped when it closes.
 */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const urlFor = (name: string) => {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** True when the server answers. */
export async function postgresReachable(): Promise<boolean> {
  try {
    await admin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

let template: Promise<string> | null = null;

/** One migrated template per test process (worker), dropped at exit. */
function templateDatabase(): Promise<string> {
  template ??= (async () => {
    const name = `singgah_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin((c) => c.query(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`));
    const pool = new pg.Pool({ connectionString: urlFor(name), max: 1 });
    try {
      await migratePostgres(pool);
    } finally {
      await pool.end();
    }
    process.once('beforeExit', () => void admin((c) => c.query(`drop database if exists "${name}" with (force)`)).catch(() => undefined));
    return name;
  })();
  return template;
}

/** A fresh, migrated database; `drop` removes it. */
export async function createTestPgDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const tpl = await templateDatabase();
  const name = `singgah_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}" template "${tpl}"`));
  return {
    url: urlFor(name),
    name,
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

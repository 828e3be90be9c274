import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { configFromEnv } from '../server.ts';
import { describeDatabase } from '../db/describe.ts';
import { parseArgs, fail } from './args.ts';

// npm run db:backup -- FILE
// SQLite's online backup API: a consistent copy while the server keeps writing.
const usage = 'usage: npm run db:backup -- FILE';
const { positional } = parseArgs(process.argv.slice(2), { usage, positionals: 1 });
const target = positional[0];
if (!target) fail(usage);
const config = configFromEnv();
// With DATABASE_URL the server's database is PostgreSQL: a copy of DATABASE_PATH would back up another one.
if (config.DATABASE_URL) fail(`DATABASE_URL is set: the database is ${describeDatabase(config)}; back it up with pg_dump -Fc (db:backup copies a SQLite file).`);
if (config.DATABASE_PATH === ':memory:') fail('DATABASE_PATH is :memory:; there is nothing on disk to back up.');
if (!existsSync(config.DATABASE_PATH)) fail(`No database at ${resolve(config.DATABASE_PATH)}.`);
if (existsSync(target)) fail(`${resolve(target)} exists; choose a new file name (a backup never overwrites).`);
const source = new Database(config.DATABASE_PATH, { readonly: true, fileMustExist: true });
source.pragma('busy_timeout = 5000');
try {
  const started = Date.now();
  await source.backup(target);
  const check = new Database(target, { readonly: true });
  const ok = (check.pragma('integrity_check', { simple: true }) as string) === 'ok';
  check.close();
  if (!ok) fail(`Backup written to ${resolve(target)} but its integrity check failed.`);
  process.stdout.write(`Backup of ${describeDatabase(config)} written to ${resolve(target)} in ${Date.now() - started} ms (integrity ok).\n`);
} finally {
  source.close();
}

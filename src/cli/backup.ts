import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { configFromEnv } from '../server.ts';
import { describeDatabase } from '../db/describe.ts';
import { parseArgs, fail } from './args.ts';

// npm run db:backup -- FILE
// SQLite: the online backup API, a consistent copy while the server keeps writing.
// PostgreSQL (DATABASE_URL): pg_dump in its custom format, restored with pg_restore (docs/operations.md).
// Either way the file is created readable by its owner only (it holds people's records) and never overwritten.
const usage = 'usage: npm run db:backup -- FILE';
const { positional } = parseArgs(process.argv.slice(2), { usage, positionals: 1 });
const target = positional[0];
if (!target) fail(usage);
const config = configFromEnv();
if (existsSync(target)) fail(`${resolve(target)} exists; choose a new file name (a backup never overwrites).`);

if (config.DATABASE_URL) {
  const url = new URL(config.DATABASE_URL);
  const where = describeDatabase(config);
  const command = `pg_dump --format=custom --file=${target} "$DATABASE_URL"`;
  closeSync(openSync(target, 'wx', 0o600));
  const started = Date.now();
  // The URL is passed in the environment, not on the command line, where other users could read its password.
  const r = spawnSync('pg_dump', ['--format=custom', `--file=${target}`], { env: { ...process.env, ...libpqEnv(url) }, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(target, { force: true });
    const why = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 'pg_dump is not installed here (Debian: apt-get install postgresql-client)' : (r.stderr || String(r.error)).trim().split('\n')[0];
    fail(`Backup of ${where} failed: ${why}.\nRun where pg_dump matches the server's version: ${command}`);
  }
  chmodSync(target, 0o600);
  process.stdout.write(`Backup of ${where} written to ${resolve(target)} in ${Date.now() - started} ms (pg_dump, custom format; restore with pg_restore).\n`);
} else {
  if (config.DATABASE_PATH === ':memory:') fail('DATABASE_PATH is :memory:; there is nothing on disk to back up.');
  if (!existsSync(config.DATABASE_PATH)) fail(`No database at ${resolve(config.DATABASE_PATH)}.`);
  const source = new Database(config.DATABASE_PATH, { readonly: true, fileMustExist: true });
  source.pragma('busy_timeout = 5000');
  try {
    const started = Date.now();
    closeSync(openSync(target, 'wx', 0o600));
    await source.backup(target);
    chmodSync(target, 0o600);
    const check = new Database(target, { readonly: true });
    const ok = (check.pragma('integrity_check', { simple: true }) as string) === 'ok';
    check.close();
    if (!ok) fail(`Backup written to ${resolve(target)} but its integrity check failed.`);
    process.stdout.write(`Backup of ${describeDatabase(config)} written to ${resolve(target)} in ${Date.now() - started} ms (integrity ok).\n`);
  } finally {
    source.close();
  }
}

/** A postgres:// URL as libpq's environment (PGHOST, PGPASSWORD, …): nothing secret on a command line. */
function libpqEnv(url: URL): Record<string, string> {
  const env: Record<string, string> = { PGDATABASE: decodeURIComponent(url.pathname.slice(1)) };
  if (url.hostname) env.PGHOST = decodeURIComponent(url.hostname);
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  for (const [k, v] of url.searchParams) {
    if (k === 'sslmode') env.PGSSLMODE = v;
    else if (k === 'host') env.PGHOST = v;
  }
  return env;
}

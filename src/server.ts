import { parseConfig, ConfigError, type Config } from './config.ts';
import { buildApp } from './app.ts';
import { databaseTarget, openDatabase, NotMigratedError, type Db } from './db/client.ts';
import { MigrationRefusal } from './db/migrations.ts';
import { describeDatabase } from './db/describe.ts';
import { ensureFirstAdmin } from './domain/accounts/first-admin.ts';
import type { FastifyInstance } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Starts Singgah: parse the environment, open the database, make the first
 * admin on an empty one, listen, and close gracefully on SIGINT/SIGTERM
 * (in-flight requests finish, sockets get 1012, the database closes).
 */
export async function start(config: Config, opts: { db?: Db; banner?: (url: string) => void } = {}): Promise<FastifyInstance> {
  const db = opts.db ?? await openDatabase(databaseTarget(config));
  const admin = await ensureFirstAdmin(db);
  const app = await buildApp(config, { db });
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  if (admin) {
    // Shown once on the operator's terminal; under a service manager stdout is a journal, so it goes to a file
    // readable by this user only. Never to a log line.
    if (process.stdout.isTTY) {
      process.stdout.write(
        `\nNo accounts existed in ${describeDatabase(config)}: created "admin" with the one-time password\n\n    ${admin.password}\n\nSign in at ${url}/login and change it.\n\n`,
      );
    } else {
      const file = writeFirstPassword(config, admin.password);
      process.stdout.write(`No accounts existed in ${describeDatabase(config)}: created "admin"; its one-time password is in ${file} (readable by this user only). Sign in at ${url}/login, change it, and delete the file.\n`);
    }
  }
  opts.banner?.(url);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('graceful shutdown timed out');
      process.exit(1);
    }, 10_000);
    timer.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return app;
}

/**
 * The first admin's password, when no terminal is there to show it: beside the SQLite database, or (PostgreSQL)
 * in systemd's StateDirectory or ./data; created 0600, never overwritten.
 */
function writeFirstPassword(config: Config, password: string): string {
  const dir = config.DATABASE_URL || config.DATABASE_PATH === ':memory:' ? resolve(process.env.STATE_DIRECTORY?.split(':')[0] ?? 'data') : dirname(resolve(config.DATABASE_PATH));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `initial-admin-password-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`);
  writeFileSync(file, password + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

export function configFromEnv(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return parseConfig({ ...process.env, ...overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Why the start failed, in one line an operator can act on (no stack): the database unreachable, refused,
 * not migrated, or the port taken. A PostgreSQL URL is named by host, port and database, never its password.
 */
export function startFailure(err: unknown, config: Config): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string; message?: string }[] };
  const first = e?.errors?.[0];
  const code = e?.code ?? first?.code;
  const message = (e?.message || first?.message || String(err)).split('\n')[0] ?? '';
  if (err instanceof NotMigratedError || err instanceof MigrationRefusal) return message;
  if (code === 'EADDRINUSE') return `Cannot listen on ${config.HOST}:${config.PORT}: the port is in use (set PORT).`;
  if (config.DATABASE_URL) {
    const where = describeDatabase(config);
    return `Cannot use the database (${where}): ${code && !message.includes(code) ? `${code} ` : ''}${message}. Is PostgreSQL running and DATABASE_URL right?`;
  }
  if (code?.startsWith('SQLITE') || /sqlite|database/i.test(message)) return `Cannot open the SQLite database at ${config.DATABASE_PATH}: ${message}.`;
  return `Singgah could not start: ${code && !message.includes(code) ? `${code} ` : ''}${message}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = configFromEnv();
  try {
    await start(config);
  } catch (err) {
    process.stderr.write(startFailure(err, config) + '\n');
    process.exit(1);
  }
}

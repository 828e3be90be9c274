import { parseConfig, ConfigError, type Config } from './config.ts';
import { buildApp } from './app.ts';
import { databaseTarget, openDatabase, type Db } from './db/client.ts';
import { MigrationRefusal } from './db/migrations.ts';
import { describeDatabase } from './db/describe.ts';
import { ensureFirstAdmin } from './domain/accounts/first-admin.ts';
import type { FastifyInstance } from 'fastify';

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
    // Printed once, to the operator's terminal only; never logged.
    process.stdout.write(
      `\nNo accounts existed in ${describeDatabase(config)}: created "admin" with the one-time password\n\n    ${admin.password}\n\nSign in at ${url}/login and change it.\n\n`,
    );
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

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await start(configFromEnv());
  } catch (err) {
    // A database this release must not serve (not migrated, or an applied migration edited): one line, exit.
    if (!(err instanceof MigrationRefusal)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

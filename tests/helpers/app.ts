import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ DATABASE_PATH: ':memory:', SESSION_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...overrides });
}

/** A real app over a real in-memory SQLite database with the real migrations. */
export async function makeTestApp(overrides: Record<string, string> = {}): Promise<{ app: FastifyInstance; db: Db }> {
  const config = testConfig(overrides);
  const db = await openDatabase(config.DATABASE_PATH);
  const app = await buildApp(config, { db, logger: false });
  await app.ready();
  return { app, db };
}

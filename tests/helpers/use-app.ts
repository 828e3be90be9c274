import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from './app.ts';

/**
 * A real app over a real database (makeTestApp) for the tests of the file or
 * block that calls this: made before them, closed after. Read `.app` and
 * `.db` in the tests and hooks (they are set once the block starts).
 */
export function useTestApp(overrides: Record<string, string> = {}): { readonly app: FastifyInstance; readonly db: Db } {
  const made: { app?: FastifyInstance; db?: Db } = {};
  beforeAll(async () => Object.assign(made, await makeTestApp(overrides)));
  afterAll(async () => made.app?.close());
  return {
    get app() {
      return made.app!;
    },
    get db() {
      return made.db!;
    },
  };
}

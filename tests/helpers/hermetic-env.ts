import { Config } from '../../src/config.ts';

/**
 * The suite keeps to its own databases: an operator's shell may export the
 * configuration of a real server (DATABASE_URL of production, SESSION_SECRET,
 * DATABASE_PATH...), and a test or a child it starts must never see it. Removed
 * at the start of every test process: every variable src/config.ts reads (so a
 * new one is covered the day it is added), those INTERFACES.md names, and every
 * SINGGAH_* but the suite's own switches. TEST_DATABASE_URL and
 * SINGGAH_TEST_PG stay the only way to point the suite at a PostgreSQL server.
 */
const SUITE_SWITCHES = new Set(['SINGGAH_TEST_ENGINE', 'SINGGAH_TEST_PG', 'TEST_DATABASE_URL', 'CI']);

export function operatorVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = new Set([...Object.keys(Config.shape), 'REFERRAL_ARRIVAL_HOURS']);
  for (const key of Object.keys(env)) if (key.startsWith('SINGGAH_')) named.add(key);
  return [...named].filter((key) => !SUITE_SWITCHES.has(key));
}

export function clearOperatorEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const key of operatorVariables(env)) delete env[key];
}

/** vitest globalSetup: the main process, before any worker is started with a copy of its environment. */
export default function setup(): void {
  clearOperatorEnvironment();
}

import { defineConfig } from 'vitest/config';

/**
 * Every test runs on SQLite. The same tests run again on PostgreSQL when one
 * is asked for (TEST_DATABASE_URL, or SINGGAH_TEST_PG=1 for the local server)
 * and always under CI=true, where a missing server is a failure
 * (tests/helpers/pg-global-setup.ts). Browser tests included: the pages are
 * driven over each engine.
 *
 * The suite keeps to its own databases: the operator's configuration (an exported
 * DATABASE_URL, SESSION_SECRET, DATABASE_PATH...) is removed from the main process
 * and from every test process before a test file loads (tests/helpers/hermetic-env.ts),
 * and every child a test starts gets an explicit environment
 * (tests/helpers/child-process.ts).
 */
const withPostgres = process.env.CI === 'true' || process.env.SINGGAH_TEST_PG === '1' || Boolean(process.env.TEST_DATABASE_URL);

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: two files at a time; a browser file holds one Chromium.
    maxWorkers: 2,
    reporters: ['default'],
    globalSetup: ['tests/helpers/hermetic-env.ts'],
    setupFiles: ['tests/helpers/hermetic-setup.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite' } },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                env: { SINGGAH_TEST_ENGINE: 'postgres' },
                globalSetup: ['tests/helpers/pg-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: two files at a time; a browser file holds one Chromium.
    maxWorkers: 2,
    reporters: ['default'],
  },
});

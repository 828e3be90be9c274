// npm's `prepare` (after `npm install` / `npm ci`): builds dist/ when the TypeScript compiler is installed.
// A production-only install (`npm ci --omit=dev`) has no compiler and nothing to build with: it says so and
// succeeds, instead of failing with "tsc: not found" (exit 127). Plain JavaScript: it must run before any build.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('node_modules/typescript/package.json')) {
  process.stdout.write(
    'singgah: no TypeScript compiler (a production-only install): dist/ is not built here.\n' +
      '  Build where the dev dependencies are: npm ci && npm run build && npm prune --omit=dev (docs/operations.md).\n',
  );
  process.exit(0);
}
const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
process.exit(r.status ?? 1);

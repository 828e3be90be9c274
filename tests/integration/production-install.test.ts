import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv } from '../helpers/child-process.ts';
import { createServer } from 'node:net';

/**
 * Issue 28, "install and run as operators do": the documented production path (docs/operations.md) on a clean
 * clone of the committed tree — install from the lockfile, build, prune the dev dependencies, start — and the
 * operator commands with nothing but production dependencies.
 *
 * To stay within a CI budget the install runs offline from npm's cache with `--ignore-scripts`, and the one
 * native addon (better-sqlite3, about two minutes to compile) is copied from this checkout's build: the same
 * lockfile version, the same Node. `prepare` is then run on its own, as `npm ci --omit=dev` would run it.
 */
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'singgah-install-'));
const clone = join(work, 'singgah');
afterAll(() => rmSync(work, { recursive: true, force: true }));

// An explicit environment (PATH, HOME: npm's cache) and npm's quiet switches: never the operator's configuration.
const env = childEnv({ npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
const npm = (args: string[], extra: Record<string, string> = {}) => spawnSync('npm', args, { cwd: clone, env: { ...env, ...extra }, encoding: 'utf8' });

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

describe('production install on a clean clone', () => {
  it('installs from the lockfile, builds, prunes to production dependencies, starts and runs the operator commands', { timeout: 300_000 }, async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', '--no-checkout', root, clone]);
    execFileSync('git', ['checkout', '--quiet', head], { cwd: clone });

    const ci = npm(['ci', '--prefer-offline', '--ignore-scripts']);
    expect(ci.status, ci.stderr).toBe(0);
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    mkdirSync(join(clone, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    copyFileSync(join(root, addon), join(clone, addon));

    const build = npm(['run', 'build']);
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const prune = npm(['prune', '--omit=dev', '--ignore-scripts']);
    expect(prune.status, prune.stderr).toBe(0);
    // Nothing of the dev tools is left: no compiler, no TypeScript loader, no test runner.
    // (@types/pg stays: drizzle-orm declares it as a peer, though nothing loads it at run time.)
    for (const dev of ['typescript', 'tsx', 'vitest', 'drizzle-kit', 'esbuild']) expect([dev, existsSync(join(clone, 'node_modules', dev))]).toEqual([dev, false]);
    for (const runtime of ['fastify', 'prom-client', '@fastify/under-pressure', 'better-sqlite3', 'pg', 'write-excel-file']) expect(existsSync(join(clone, 'node_modules', runtime))).toBe(true);
    // Workbooks are written by write-excel-file; exceljs (about 190 packages) only reads them back in tests.
    expect(existsSync(join(clone, 'node_modules', 'exceljs'))).toBe(false);

    // What `npm ci --omit=dev` runs after installing: prepare, which must not fail without the compiler.
    const prepare = npm(['run', 'prepare']);
    expect(prepare.status, prepare.stderr).toBe(0);
    expect(prepare.stdout).toContain('dist/ is not built here');

    // The operator commands, compiled, on a fresh database.
    const data = join(work, 'data');
    const db = { DATABASE_PATH: join(data, 'singgah.db') };
    const migrate = npm(['run', '--silent', 'db:migrate'], db);
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(statSync(db.DATABASE_PATH).mode & 0o777).toBe(0o600);
    const user = npm(['run', '--silent', 'user:add', '--', '--username', 'ops', '--role', 'command'], db);
    expect(user.status, user.stderr).toBe(0);
    expect(user.stdout).toMatch(/One-time password \(shown once\): \S+/);
    const token = npm(['run', '--silent', 'token:add', '--', '--name', 'Prometheus', '--role', 'admin'], db);
    expect(token.status, token.stderr).toBe(0);
    const adminToken = /\b(sgh_\S+)/.exec(token.stdout)?.[1];
    expect(adminToken, token.stdout).toBeDefined();

    // npm start: serves, readiness and metrics answer, SIGTERM stops it cleanly.
    const port = await freePort();
    const server = spawn('npm', ['start'], { cwd: clone, env: { ...env, ...db, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout.on('data', (d) => (out += d));
    server.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    try {
      const t0 = Date.now();
      let ready = 0;
      while (ready !== 200 && Date.now() - t0 < 60_000) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
        if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready, out).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('singgah_http_requests_total');
      // A workbook export with the production dependencies only (the writer is a runtime dependency).
      // (A 503 is load shedding on a loaded test machine — a fresh process compiling its code: asked again, as a proxy would.)
      let workbook = new Response(null, { status: 503 });
      for (let i = 0; i < 20 && workbook.status === 503; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 500));
        workbook = await fetch(`http://127.0.0.1:${port}/api/v1/reports/all.xlsx`, { headers: { authorization: `Bearer ${adminToken}` } });
      }
      expect(workbook.status).toBe(200);
      expect(Buffer.from(await workbook.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
      expect(out).not.toContain('one-time password'); // an account existed: none made
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    const backup = npm(['run', '--silent', 'db:backup', '--', join(work, 'backup.db')], db);
    expect(backup.status, backup.stderr).toBe(0);
    expect(statSync(join(work, 'backup.db')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(clone, 'package.json'), 'utf8')).toContain('"node": ">=22.12"');
  });
});

import { describe, it, expect } from 'vitest';
import { openTestDatabase } from '../helpers/app.ts';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort, startNode as run, waitFor } from '../helpers/child-process.ts';

describe('npm start', () => {
  it('creates admin once on an empty database, serves, and shuts down gracefully on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-start-'));
    const port = await freePort();
    const env = { DATABASE_PATH: join(dir, 'singgah.db'), PORT: String(port), LOG_LEVEL: 'warn' };
    const started: ReturnType<typeof run>[] = [];
    try {
      const first = run(['src/server.ts'], env);
      started.push(first);
      await waitFor(() => /one-time password/.test(first.output()));
      // Not a terminal (a pipe, as under a service manager): the password is in a file readable by its owner only, not in the output.
      const file = /one-time password is in (\S+)/.exec(first.output())![1]!;
      expect(file.startsWith(dir)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[a-z0-9]{4}-/);
      // It names the database it created the account in.
      expect(first.output()).toContain(`No accounts existed in SQLite file ${env.DATABASE_PATH}: created "admin"`);
      expect(first.output()).not.toContain(password);
      await waitFor(() => first.output().includes('Sign in at'));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      // The secret is kept beside the database, readable by its owner only.
      expect(statSync(join(dir, '.session-secret')).mode & 0o777).toBe(0o600);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      // Second start: accounts exist, nothing printed.
      const second = run(['src/server.ts'], env);
      started.push(second);
      // Up to 30 s: two cores shared by parallel test files can slow a TypeScript start well past 10 s.
      await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false), 30_000);
      expect(second.output()).not.toContain('one-time password');
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      // A failed step must not leave a server running.
      for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('stops with a clear message on a bad configuration value', async () => {
    const p = run(['src/server.ts'], { PORT: 'not-a-port', DATABASE_PATH: ':memory:' });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('PORT: must be a port number');
    expect(p.output()).not.toMatch(/at .*\.ts:\d+/);
  });

  it('closes websockets with 1012 on shutdown', async () => {
    const { buildApp } = await import('../../src/app.ts');
    const { testConfig } = await import('../helpers/app.ts');
    const app = await buildApp(testConfig(), { db: await openTestDatabase(), logger: false });
    app.get('/ws-probe', { websocket: true, config: { access: 'public' } }, () => undefined);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws-probe`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await app.close();
    expect(await closed).toBe(1012);
  });
});

import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { childEnv, freePort, waitFor } from '../helpers/child-process.ts';

/**
 * The production start of INTERFACES.md: `npm run build` emits JavaScript,
 * `npm start` runs it with plain `node` (no TypeScript loader), and SIGTERM sent
 * to the `npm start` process itself — what a service manager does — stops the
 * server gracefully and frees the port.
 */
const root = resolve(import.meta.dirname, '../..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      done(true);
    });
    sock.once('error', () => done(false));
  });
}

describe('production start (compiled)', () => {
  beforeAll(() => {
    // Always build from the current sources: a stale dist/ would test old code.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe', env: childEnv() });
  }, 120_000);

  it('npm run build emits JavaScript with rewritten imports, beside no TypeScript', () => {
    expect(existsSync(join(root, 'dist/server.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/app.js'))).toBe(true);
  });

  it('npm start serves from dist/ with plain node, and SIGTERM to npm frees the port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-prod-'));
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: childEnv({ DATABASE_PATH: join(dir, 'singgah.db'), PORT: String(port), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200);
      expect(out).toMatch(/one-time password/);
      // The served process is node on compiled JavaScript, not tsx.
      const ps = execFileSync('ps', ['-o', 'args=', '--ppid', String(child.pid)], { encoding: 'utf8', env: childEnv() })
        + execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8', env: childEnv() }).split('\n').filter((l) => l.includes('dist/server.js')).join('\n');
      expect(ps).toContain('dist/server.js');
      expect(ps).not.toContain('tsx');

      child.kill('SIGTERM');
      // The script execs node, so the signal npm forwards reaches the server itself:
      // it closes gracefully, exits 0, and npm exits with it.
      expect(await exited).toEqual({ code: 0, signal: null });
      await waitFor(() => out.includes('"msg":"shutting down"'), 5_000);
      await waitFor(async () => !(await portOpen(port)), 5_000);
      expect(await portOpen(port)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Every process a test starts gets an explicit environment: PATH and HOME, and
 * only what the caller names (as bench/processes.ts does). Never the test's own
 * environment, where an operator's DATABASE_URL or SESSION_SECRET may still be
 * (tests/helpers/hermetic-env.ts removes them; this is the second wall).
 */
export function childEnv(vars: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [key, value] of Object.entries(vars)) if (value !== undefined) env[key] = value;
  return env;
}

/** An operator command (`src/cli/<script>.ts`) run to its end, as `npm run <script>` would. */
export function runCli(script: string, args: string[], env: Record<string, string>): { code: number | null; out: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env: childEnv(env), encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
}

/** A TypeScript entry point (`src/server.ts`) started in the background, its stdout and stderr collected. */
export function startNode(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(predicate: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await predicate())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep } from './lib.ts';

/**
 * The servers under test run as child processes of the same node binary, each
 * started the way production starts it (`node dist/server.js`; the ceiling
 * `node bench/hello-server.mjs`), so they have a core of their own to share
 * with the load generator and a pid whose memory can be read.
 */
export interface Server {
  name: string;
  url: string;
  port: number;
  pid: number;
  /** From spawn to the first 200 on the ready URL. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(args: {
  name: string;
  script: string;
  env: Record<string, string>;
  logDir: string;
  readyPath?: string;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(args.logDir, `${args.name}-${port}.log`);
  const fd = openSync(logFile, 'a');
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(args.nodeArgs ?? []), args.script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...args.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: number | null = null;
  const done = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = code ?? (signal ? 128 : 1);
    resolve();
  }));
  const deadline = t0 + (args.timeoutMs ?? 60_000);
  const ready = `${url}${args.readyPath ?? '/readyz'}`;
  for (;;) {
    if (exited !== null) throw new Error(`${args.name} exited with ${exited} before it was ready:\n${tail(logFile)}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.name} was not ready at ${ready} in time:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(ready);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  return {
    name: args.name,
    url,
    port,
    pid: child.pid!,
    readyMs,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resident memory of a process, from /proc/<pid>/status (kB → MB). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** The lowest RSS over a quiet spell: what stays once the garbage of connecting has been collected, as far as the process lets go of it. */
export async function settledRssMb(pid: number, ms = 3000): Promise<number> {
  let low = rssMb(pid);
  for (let t = 0; t < ms; t += 250) {
    await sleep(250);
    low = Math.min(low, rssMb(pid));
  }
  return low;
}

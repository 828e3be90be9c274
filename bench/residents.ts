import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareDatabase } from './data.ts';
import { progress, round } from './lib.ts';
import type { LoadSettings } from './load.ts';
import { intakeBodies, measure, startInstance } from './postgres.ts';
import { summarise, type CpuProfile } from './cpu-profile.ts';

/**
 * The two resident figures of `npm run bench -- --engine postgres` alone
 * (intake with a name at 8 desks, resident search at 50 clients), with the
 * same load and the same requests, on a national database built before:
 *
 *   node --import tsx bench/residents.ts --from /dev/shm/national.db            (SQLite; the file is copied)
 *   node --import tsx bench/residents.ts --from singgah_bench_123 --engine postgres   (a database kept by BENCH_PG_KEEP=1)
 *
 * `--prof`: the server runs with `node --cpu-prof` and its top frames are
 * printed (one profile over both figures unless `--what` names one).
 * A PostgreSQL database is written to (the intakes stay in it).
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { values: opts } = parseArgs({
  options: {
    from: { type: 'string' },
    engine: { type: 'string', default: 'sqlite' },
    what: { type: 'string', default: 'intake,search' },
    prof: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    top: { type: 'string', default: '30' },
  },
});
if (!opts.from || !['sqlite', 'postgres'].includes(opts.engine)) {
  process.stderr.write('usage: node --import tsx bench/residents.ts --from FILE|DATABASE [--engine sqlite|postgres] [--what intake,search] [--prof]\n');
  process.exit(2);
}
const what = new Set(opts.what.split(','));
const load: LoadSettings = opts.quick ? { connections: 16, warmupS: 1, rounds: 1, roundS: 3 } : { connections: 16, warmupS: 2, rounds: 3, roundS: 4 };
const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync('/dev/shm/singgah-residents-');
try {
  if (!opts['no-build']) {
    progress('building the server (npm run build)');
    if (spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) throw new Error('npm run build failed');
  }
  const pg = opts.engine === 'postgres';
  const target = pg ? withDatabase(adminUrl, opts.from) : join(dir, 'bench.db');
  const data = await prepareDatabase(target, { scale: 'national', ...(pg ? { seeded: true } : { from: resolve(opts.from) }), checkIns: 0, liveCheckIns: 0, liveClients: 0 });
  progress(`${opts.engine}: ${JSON.stringify(data.counts)}`);
  const bodies = await intakeBodies(target);
  const profiles = join(dir, 'profiles');
  const server = await startInstance(`singgah-${opts.engine}`, pg ? { DATABASE_URL: target, SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123' } : { DATABASE_PATH: target }, adminUrl, dir, opts.prof ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : []);
  // The profile counts the load only: not the start, nor the jobs that run at it.
  const loadFrom = server.readyMs;
  const api = { authorization: `Bearer ${data.apiToken}`, 'content-type': 'application/json' };
  const out: string[] = [];
  try {
    if (what.has('intake')) {
      let next = 0;
      const r = await measure({
        label: 'intake with a name, 8 desks', urls: [server.url], settings: { ...load, connections: 8 }, expect: 201, method: 'POST',
        requests: () => [{ method: 'POST', path: '/api/v1/residents', headers: api, setupRequest: (q) => ({ ...q, body: bodies[next++ % bodies.length]! }) }],
      });
      out.push(`intake with a name, 8 desks: ${round(r.value)} persons/s (rounds ${r.rounds.map((x) => round(x)).join(', ')}), p99 ${round(r.p99)} ms${r.note ? `; ${r.note}` : ''}`);
    }
    if (what.has('search')) {
      let next = 0;
      const r = await measure({
        label: 'resident search, 50 clients', urls: [server.url], settings: { ...load, connections: 50 }, expect: 200,
        requests: () => [{ method: 'GET', path: '/api/v1/residents', headers: { authorization: api.authorization }, setupRequest: (q) => ({ ...q, path: `/api/v1/residents?q=${encodeURIComponent(data.searchQueries[next++ % data.searchQueries.length]!)}` }) }],
      });
      out.push(`resident search, 50 clients: ${round(r.value)} req/s, p99 ${round(r.p99)} ms${r.note ? `; ${r.note}` : ''}`);
    }
  } finally {
    await server.stop();
  }
  process.stdout.write(`\n${opts.engine} (${data.counts.persons} persons):\n${out.map((l) => `  ${l}`).join('\n')}\n`);
  if (opts.prof) {
    const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no profile');
    process.stdout.write(`\n${summarise(JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile, Number(opts.top), loadFrom)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

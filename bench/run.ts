import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareDatabase, type Scale } from './data.ts';
import { figure, median, progress, round, table, type Figure } from './lib.ts';
import { LiveClients } from './live.ts';
import { latency, send, throughput, type LoadSettings } from './load.ts';
import { rssMb, settledRssMb, startServer, type Server } from './processes.ts';
import { rawInsertsPerSecond } from './raw-insert.ts';
import { checkInRequests, signIn, startSinggah } from './singgah.ts';
import { writeReadme, type RunInfo } from './report.ts';

/**
 * `npm run bench`: the whole server under load at national scale. Builds the
 * national demo database in memory-backed storage, starts the compiled server
 * as production does, loads it with autocannon and real `ws` clients, and sets
 * every figure beside a ceiling measured in the same run (a bare Fastify
 * server, a bare SQLite insert loop). Prints the table, writes
 * bench/results.json and bench/README.md. A missed target is reported
 * (`met: false`), never an exit code: the exit code is non-zero only when the
 * benchmark could not run. Never a test (a timed test only flakes on a shared
 * machine). `--quick`: a short smoke run on the PWTC database. `--from FILE`:
 * start from a copy of a demo database built before instead of building one.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, scale: { type: 'string' }, from: { type: 'string' }, engine: { type: 'string', default: 'sqlite' } },
});
if (opts.engine === 'postgres') {
  // The write path on PostgreSQL, one and two instances, beside SQLite (bench/postgres.ts).
  const { runPostgresBench } = await import('./postgres.ts');
  process.exit(await runPostgresBench({ quick: opts.quick, ...(opts.scale ? { scale: opts.scale as Scale } : {}) }));
}
if (opts.engine !== 'sqlite') {
  process.stderr.write(`--engine ${opts.engine}: sqlite (the default) or postgres.\n`);
  process.exit(2);
}
const quick = opts.quick;
const scale = (opts.scale ?? (quick ? 'pwtc' : 'national')) as Scale;
const load: LoadSettings = quick ? { connections: 10, warmupS: 1, rounds: 1, roundS: 2 } : { connections: 10, warmupS: 2, rounds: 3, roundS: 5 };
const LIVE = quick ? { small: 200, large: 0, events: 5 } : { small: 1000, large: 10_000, events: 10 };
const STARTS = quick ? 1 : 3;
/** The whole run must end within ten minutes; the 10,000-client stage gets what is left. */
const runDeadline = performance.now() + 8.5 * 60_000;
const loadAtStart = loadavg()[0]!;

const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = mkdtempSync(join(shm, 'singgah-bench-'));
const dbPath = join(dir, 'national.db');
const servers = new Set<Server>();
const started = async (s: Promise<Server>) => {
  const server = await s;
  servers.add(server);
  return server;
};
const stop = async (s: Server) => {
  await s.stop();
  servers.delete(s);
};

try {
  progress('building the server (npm run build)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');

  progress(`building the ${scale} demo database in ${dir}`);
  const checkInsWanted = quick ? 6_000 : 40_000;
  const data = await prepareDatabase(dbPath, { scale, ...(opts.from ? { from: resolve(opts.from) } : {}), checkIns: checkInsWanted, liveCheckIns: 200, liveClients: LIVE.large || LIVE.small });
  progress(`database: ${JSON.stringify(data.counts)}, seeded in ${round(data.seedMs / 1000)} s; ${data.checkIns.length} people to check in`);

  // Ceiling: one writer, no application.
  const raw = rawInsertsPerSecond(join(dir, 'raw-insert.db'), load);

  // Ceilings: a bare Fastify server, started and loaded the same way.
  const helloScript = join(here, 'hello-server.mjs');
  const hello = { starts: [] as number[], rounds: [] as number[], lat: { median: 0, p95: 0, n: 0 } };
  let helloServer: Server | null = null;
  for (let i = 0; i < STARTS; i++) {
    helloServer = await started(startServer({ name: 'hello', script: helloScript, env: {}, logDir: dir }));
    hello.starts.push(helloServer.readyMs);
    if (i < STARTS - 1) await stop(helloServer);
  }
  // The ceiling is loaded before and after Singgah's HTTP figures (it idles in between), so a
  // machine busier at one moment than another weighs on both sides of the ratio.
  const helloRounds = async () =>
    hello.rounds.push(...(await throughput({ label: 'hello-world GET /', url: `${helloServer!.url}/`, headers: { 'accept-encoding': 'gzip' }, settings: load, expect: 200 })).rounds);
  await helloRounds();
  hello.lat = await latency([`${helloServer!.url}/`], { expect: 200, warmup: 100, n: 500 });

  // Singgah, as `npm start` runs it.
  const singgah = async () => await started(startSinggah({ dbPath, logDir: dir }));
  const singgahStarts: number[] = [];
  let app: Server | null = null;
  for (let i = 0; i < STARTS; i++) {
    app = await singgah();
    singgahStarts.push(app.readyMs);
    if (i < STARTS - 1) await stop(app);
  }
  const server = app!;
  const api = { authorization: `Bearer ${data.apiToken}` };
  // As a browser or an integrator's HTTP client asks (autocannon asks for no compression by itself).
  const gzip = { 'accept-encoding': 'gzip' };

  const occupancy = await throughput({ label: 'GET /api/v1/occupancy?wilayah=31', url: `${server.url}/api/v1/occupancy?wilayah=31`, headers: { ...api, ...gzip }, settings: load, expect: 200 });

  const first = await send(`${server.url}/api/v1/occupancy`, { headers: { ...api, ...gzip } });
  const etag = typeof first.headers.etag === 'string' ? first.headers.etag : null;
  const notModified = await throughput({
    label: 'GET /api/v1/occupancy, If-None-Match',
    url: `${server.url}/api/v1/occupancy`,
    headers: { ...api, ...gzip, ...(etag ? { 'if-none-match': etag } : {}) },
    settings: load,
    expect: 304,
  });
  if (!etag) notModified.note = `the answer carried no ETag (${first.status}); ${notModified.note ?? ''}`.trim();

  const cookie = await signIn(server.url, data.login);
  const board = await throughput({ label: 'GET /board', url: `${server.url}/board`, headers: { cookie, ...gzip }, settings: load, expect: 200 });
  const boardProvince = await throughput({ label: 'GET /board?wilayah=31', url: `${server.url}/board?wilayah=31`, headers: { cookie, ...gzip }, settings: load, expect: 200 });
  // Answers as their reader gets them, uncompressed (issue 27: the national default ≤ 1 MB, each board ≤ 150 kB).
  const kB = async (url: string, headers: Record<string, string>) => {
    const res = await send(url, { headers });
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return Buffer.byteLength(res.body) / 1024;
  };
  const sizes = {
    occupancy: await kB(`${server.url}/api/v1/occupancy`, api),
    occupancy31: await kB(`${server.url}/api/v1/occupancy?wilayah=31`, api),
    board: await kB(`${server.url}/board`, { cookie }),
    board31: await kB(`${server.url}/board?wilayah=31`, { cookie }),
  };
  progress(`sizes (kB): ${JSON.stringify(sizes)}`);

  const searchUrls = data.searchQueries.map((q) => `${server.url}/api/v1/residents?q=${encodeURIComponent(q)}`);
  const search = await latency(searchUrls, { headers: api, expect: 200, warmup: 30, n: quick ? 100 : 300 });
  progress(`search: median ${round(search.median)} ms, p95 ${round(search.p95)} ms`);
  const routingUrls = data.routingPersons.map((id) => `${server.url}/api/v1/routing?person_id=${id}`);
  const routing = await latency(routingUrls, { headers: api, expect: 200, warmup: 20, n: quick ? 50 : 200 });
  progress(`routing: median ${round(routing.median)} ms, p95 ${round(routing.p95)} ms`);

  await helloRounds();
  await stop(helloServer!);
  const helloRps = median(hello.rounds);

  const checkIns = await throughput({
    label: 'POST /api/v1/stays',
    url: server.url,
    settings: load,
    expect: 201,
    requests: checkInRequests(data.checkIns, api),
  });
  await stop(server);

  // Live: a fresh server, so its memory before the clients is its memory at rest.
  const live = await liveFigures({
    start: singgah,
    url: (s, i) => `ws://127.0.0.1:${s.port}/api/v1/live?token=${data.liveTokens[Math.floor(i / 8)]}`,
    trigger: (() => {
      let next = 0;
      return async (s: Server) => {
        const plan = data.liveCheckIns[next++ % data.liveCheckIns.length]!;
        const res = await send(`${s.url}/api/v1/stays`, { method: 'POST', headers: api, body: JSON.stringify(plan) });
        if (res.status !== 201) throw new Error(`live check-in: ${res.status} ${res.body.slice(0, 300)}`);
      };
    })(),
  });
  const bare = await liveFigures({
    start: async () => await started(startServer({ name: 'hello-ws', script: helloScript, env: {}, logDir: dir })),
    url: (s) => `ws://127.0.0.1:${s.port}/live`,
    trigger: async (s) => void (await send(`${s.url}/fire?bytes=${live.messageBytes}`, { method: 'POST' })),
    large: live.large?.clients ?? 0,
  });

  const figures: Figure[] = [
    figure({ name: 'GET /api/v1/occupancy?wilayah=31', value: occupancy.value, unit: 'req/s', ceiling: helloRps, ceilingOf: 'bare Fastify hello-world, same autocannon settings', target: { ratioAtLeast: 0.25 }, ...note(occupancy.note) }),
    figure({ name: 'GET /api/v1/occupancy answered 304 (If-None-Match)', value: notModified.value, unit: 'req/s', ceiling: helloRps, ceilingOf: 'bare Fastify hello-world', target: { ratioAtLeast: 0.5 }, ...note(notModified.note) }),
    figure({ name: 'GET /board (command-centre session)', value: board.value, unit: 'req/s', ceiling: helloRps, ceilingOf: 'bare Fastify hello-world', target: { ratioAtLeast: 0.1 }, ...note(board.note) }),
    figure({ name: 'GET /board?wilayah=31 (a province, command-centre session)', value: boardProvince.value, unit: 'req/s', ceiling: helloRps, ceilingOf: 'bare Fastify hello-world', target: { ratioAtLeast: 0.1 }, ...note(boardProvince.note) }),
    figure({ name: 'GET /api/v1/occupancy, the national default answer', value: sizes.occupancy, unit: 'kB', ceiling: null, ceilingOf: 'none: a size', target: { atMost: 1024 }, note: `uncompressed; ?wilayah=31 (its facilities, a page of at most 100) ${round(sizes.occupancy31)} kB` }),
    figure({ name: 'GET /board, national page', value: sizes.board, unit: 'kB', ceiling: null, ceilingOf: 'none: a size', target: { atMost: 150 }, note: 'uncompressed HTML' }),
    figure({ name: 'GET /board?wilayah=31 page', value: sizes.board31, unit: 'kB', ceiling: null, ceilingOf: 'none: a size', target: { atMost: 150 }, note: 'uncompressed HTML' }),
    figure({ name: 'check-in, POST /api/v1/stays (synchronous=FULL)', value: checkIns.value, unit: 'per s', ceiling: raw.value, ceilingOf: 'better-sqlite3 BEGIN IMMEDIATE + INSERT + COMMIT loop, same pragmas', target: { ratioAtLeast: 0.25 }, ...note(checkIns.note) }),
    figure({ name: `live: one check-in to ${live.small.clients} clients, p99`, value: live.small.p99, unit: 'ms', ceiling: bare.small.p99, ceilingOf: `bare ws server sending ${live.messageBytes} bytes to as many clients`, target: { atMost: 100 }, note: `median ${round(live.small.median)} ms over ${live.small.samples} messages${live.small.missed ? `; ${live.small.missed} never arrived` : ''}${LIVE.large && !(live.large && live.large.clients > live.small.clients) ? `; the ${LIVE.large}-client stage found no time left in the ten minutes` : ''}` }),
    ...(live.large && live.large.clients > live.small.clients
      ? [figure({ name: `live: one check-in to ${live.large.clients} clients, p99`, value: live.large.p99, unit: 'ms', ceiling: bare.large?.p99 ?? null, ceilingOf: `bare ws server sending ${live.messageBytes} bytes to as many clients`, target: { atMost: 100 }, note: `${live.large.clients < LIVE.large ? `${LIVE.large} asked, ${live.large.clients} connected in the time left; ` : ''}median ${round(live.large.median)} ms over ${live.large.samples} messages${live.large.missed ? `; ${live.large.missed} never arrived` : ''}` })]
      : []),
    figure({ name: `RSS added by ${live.small.clients} live clients`, value: live.rssAddedMb, unit: 'MB', ceiling: bare.rssAddedMb, ceilingOf: 'bare ws server, as many clients', target: { atMost: 30 }, note: `server VmRSS ${round(live.rssBeforeMb)} → ${round(live.rssBeforeMb + live.rssAddedMb)} MB` }),
    figure({ name: `resident search, GET /api/v1/residents?q=, p95 (${data.counts.persons} persons)`, value: search.p95, unit: 'ms', ceiling: hello.lat.p95, ceilingOf: 'bare Fastify hello-world, one request at a time, p95', target: { atMost: 25 }, note: `median ${round(search.median)} ms, ${search.n} requests one at a time` }),
    figure({ name: `routing one household, GET /api/v1/routing, median (${data.counts.facilities} facilities)`, value: routing.median, unit: 'ms', ceiling: hello.lat.median, ceilingOf: 'bare Fastify hello-world, one request at a time, median', target: { atMost: 10 }, note: `p95 ${round(routing.p95)} ms` }),
    figure({ name: `routing rule alone (route.ts), mother and child, median (${data.counts.facilities} facilities)`, value: data.routingPureMs, unit: 'ms', ceiling: null, ceilingOf: 'none: the pure function in the bench process', target: { atMost: 5 } }),
    figure({ name: 'start (node dist/server.js) to /readyz 200', value: median(singgahStarts), unit: 'ms', ceiling: median(hello.starts), ceilingOf: 'bare Fastify hello-world to its first 200', target: { atMost: 2000 }, note: `median of ${STARTS}: ${singgahStarts.map((x) => round(x)).join(', ')} ms` }),
  ];

  writeFileSync(join(here, 'results.json'), JSON.stringify(figures, null, 2) + '\n');
  const info: RunInfo = { loadAtStart, scale, counts: data.counts, seedMs: data.seedMs, load, quick, liveEvents: LIVE.events, checkIns: data.checkIns.length };
  writeReadme(join(here, 'README.md'), figures, info);
  process.stdout.write(`\nSinggah benchmarks (${scale}: ${data.counts.facilities} facilities, ${data.counts.units} units, ${data.counts.persons} persons, ${data.counts.stays} stays)\n\n${table(figures)}\n\nwritten to bench/results.json and bench/README.md\n`);
} catch (err) {
  process.stderr.write(`\nnpm run bench could not run: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}

function note(text: string | undefined): { note?: string } {
  return text ? { note: text } : {};
}

interface LiveRun {
  clients: number;
  p99: number;
  median: number;
  samples: number;
  missed: number;
}

/** Memory for LIVE.small clients, then the fan-out to them, then (unless quick) to LIVE.large. */
async function liveFigures(args: {
  start: () => Promise<Server>;
  url: (s: Server, i: number) => string;
  trigger: (s: Server) => Promise<void>;
  large?: number;
}): Promise<{ small: LiveRun; large: LiveRun | null; rssBeforeMb: number; rssAddedMb: number; messageBytes: number }> {
  const s = await args.start();
  try {
    // The same clients once before, with two events, then gone: the memory before is a server that
    // has been through it all once (its heap grown to what connecting them takes), so what the
    // second time adds is what the clients hold, not the garbage of making their snapshots.
    const warm = new LiveClients((i) => args.url(s, i));
    await warm.open(LIVE.small, { concurrency: 20, deadline: runDeadline });
    await warm.fanOut(async () => await args.trigger(s), { warmup: 0, events: 2, timeoutMs: 30_000 });
    await warm.close();
    const rssBeforeMb = await settledRssMb(s.pid, 5000);
    const clients = new LiveClients((i) => args.url(s, i));
    const t0 = performance.now();
    await clients.open(LIVE.small, { concurrency: 20, deadline: runDeadline });
    progress(`${s.name}: ${clients.size} live clients connected in ${round((performance.now() - t0) / 1000)} s (RSS now ${round(rssMb(s.pid))} MB)`);
    const rssAddedMb = (await settledRssMb(s.pid, 5000)) - rssBeforeMb;
    const fan = await clients.fanOut(async () => await args.trigger(s), { warmup: 3, events: LIVE.events, timeoutMs: 30_000 });
    progress(`${s.name}: fan-out to ${clients.size}: p99 ${round(fan.p99)} ms, median ${round(fan.median)} ms (${clients.lastMessageBytes} bytes a message)`);
    const small = { clients: clients.size, ...fan };
    const messageBytes = clients.lastMessageBytes;
    let large: LiveRun | null = null;
    const want = args.large ?? LIVE.large;
    // Singgah's large stage gets what is left of the ten minutes but what the ceiling's stage needs after it.
    const deadline = args.large === undefined ? runDeadline - 75_000 : runDeadline;
    if (want > clients.size && performance.now() < deadline) {
      const t1 = performance.now();
      await clients.open(want, { concurrency: 50, deadline });
      progress(`${s.name}: ${clients.size} live clients connected in ${round((performance.now() - t1) / 1000)} s (RSS now ${round(rssMb(s.pid))} MB)`);
      const fanLarge = await clients.fanOut(async () => await args.trigger(s), { warmup: 1, events: 3, timeoutMs: 60_000 });
      progress(`${s.name}: fan-out to ${clients.size}: p99 ${round(fanLarge.p99)} ms, median ${round(fanLarge.median)} ms`);
      large = { clients: clients.size, ...fanLarge };
    }
    await clients.close();
    return { small, large, rssBeforeMb, rssAddedMb, messageBytes };
  } finally {
    await stop(s);
  }
}

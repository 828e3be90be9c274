import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Request as CannonRequest } from 'autocannon';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.ts';
import { prepareDatabase, type CheckInPlan, type Prepared, type Scale } from './data.ts';
import { median, progress, round, type Figure } from './lib.ts';
import { send, type LoadSettings } from './load.ts';
import { startServer, type Server } from './processes.ts';

/**
 * `npm run bench -- --engine postgres`: the write path at national scale on
 * PostgreSQL with one and with two instances of the server, beside SQLite on
 * the same demo data. Builds the national demo twice (a fresh PostgreSQL
 * database, and a SQLite file on /dev/shm), then for each of SQLite (one
 * instance), PostgreSQL (one instance) and PostgreSQL (two instances over the
 * same database) measures:
 *
 * - check-ins at 20 facilities (POST /api/v1/stays, 16 connections in all);
 * - occupancy reads (GET /api/v1/occupancy?wilayah=31, 16 connections) with no
 *   writes, and while desks check people in at 5 a second;
 * - intake with a name (POST /api/v1/residents: the duplicate check) at 8 desks;
 * - resident search at 50 concurrent clients (p99).
 *
 * Writes bench/results-postgres.json and the block between the
 * `bench:postgres` markers of bench/README.md. A missed target is reported,
 * never an exit code. BENCH_PG_URL names the server (default the local one, user
 * postgres); the bench's database is dropped at the end.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const BEGIN = '<!-- bench:postgres (written by npm run bench -- --engine postgres; edit outside these markers) -->';
const END = '<!-- /bench:postgres -->';
const SECRET = 'bench-session-secret-bench-session-secret-0123';

type Setup = 'sqlite' | 'pg1' | 'pg2';
const SETUP_NAMES: Record<Setup, string> = { sqlite: 'SQLite, one instance', pg1: 'PostgreSQL, one instance', pg2: 'PostgreSQL, two instances' };

interface Measured {
  checkIns: number;
  readsQuiet: number;
  readsBusy: number;
  busyWrites: string;
  intake: number;
  searchP99: number;
  searchRps: number;
  notes: string[];
}

export async function runPostgresBench(opts: { quick: boolean; scale?: Scale }): Promise<number> {
  const quick = opts.quick;
  const scale = (opts.scale ?? (quick ? 'pwtc' : 'national')) as Scale;
  const load: LoadSettings = quick ? { connections: 16, warmupS: 1, rounds: 1, roundS: 2 } : { connections: 16, warmupS: 2, rounds: 3, roundS: 4 };
  const loadAtStart = loadavg()[0]!;
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(shm, 'singgah-bench-pg-'));
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // BENCH_PG_KEEP=1 keeps both databases at the end (their names are printed); BENCH_PG_FROM="<database>|<sqlite file>"
  // starts from them instead of building the demo again (seven minutes on a busy machine).
  const from = process.env.BENCH_PG_FROM?.split('|');
  const keep = process.env.BENCH_PG_KEEP === '1' || !!from;
  const dbName = from?.[0] ?? `singgah_bench_${process.pid}`;
  const pgUrl = withDatabase(adminUrl, dbName);
  const servers = new Set<Server>();
  const t0 = performance.now();
  try {
    progress('building the server (npm run build)');
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('npm run build failed');

    const checkIns = quick ? 4_000 : 40_000;
    progress(`building the ${scale} demo on PostgreSQL (${dbName})`);
    if (!from) await admin(adminUrl, `create database ${dbName}`);
    await (await openDatabase(pgUrl, { migrate: true })).$engine.close();
    // The SQLite file is built at the same time, in a process of its own (PostgreSQL's work is mostly its server's).
    const sqlitePath = from?.[1] ?? join(dir, 'national.db');
    progress(`and on SQLite at the same time (${sqlitePath})`);
    const prepOpts = { scale, checkIns, liveCheckIns: 0, liveClients: 0, seeded: !!from };
    const [pgData, sqliteData] = await Promise.all([prepareDatabase(pgUrl, prepOpts), prepareInChild(sqlitePath, prepOpts)]);
    progress(`PostgreSQL: ${JSON.stringify(pgData.counts)}, seeded in ${round(pgData.seedMs / 1000)} s; SQLite: ${JSON.stringify(sqliteData.counts)}, seeded in ${round(sqliteData.seedMs / 1000)} s`);
    const bodies = { pg: await intakeBodies(pgUrl), sqlite: await intakeBodies(sqlitePath) };

    // The ceiling of this machine for the same client: a bare Fastify hello-world.
    const hello = await startServer({ name: 'hello', script: join(here, 'hello-server.mjs'), env: {}, logDir: dir });
    servers.add(hello);
    const helloRps = (await measure({ label: 'hello-world GET /', urls: [hello.url], settings: load, expect: 200, path: '/' })).value;
    await hello.stop();
    servers.delete(hello);

    const results: Partial<Record<Setup, Measured>> = {};
    const pgPlan = planCursor(pgData.checkIns);
    for (const setup of ['sqlite', 'pg1', 'pg2'] as const) {
      const data = setup === 'sqlite' ? sqliteData : pgData;
      const plan = setup === 'sqlite' ? planCursor(sqliteData.checkIns) : pgPlan;
      const started: Server[] = [];
      for (let i = 0; i < (setup === 'pg2' ? 2 : 1); i++) {
        const s = await startInstance(setup === 'sqlite' ? 'singgah-sqlite' : `singgah-pg-${i + 1}`, setup === 'sqlite' ? { DATABASE_PATH: sqlitePath } : { DATABASE_URL: pgUrl, SESSION_SECRET: SECRET }, adminUrl, dir);
        servers.add(s);
        started.push(s);
      }
      progress(`${SETUP_NAMES[setup]}: ${started.length} server(s) up`);
      results[setup] = await measureSetup(started.map((s) => s.url), data, plan, setup === 'sqlite' ? bodies.sqlite : bodies.pg, load);
      for (const s of started) {
        await s.stop();
        servers.delete(s);
      }
    }

    const figures = toFigures(results as Record<Setup, Measured>, helloRps, pgData.counts.persons);
    writeFileSync(join(here, 'results-postgres.json'), JSON.stringify(figures, null, 2) + '\n');
    writeReadmeBlock(join(here, 'README.md'), results as Record<Setup, Measured>, figures, {
      scale, counts: pgData.counts, reused: !!from, pgSeedS: pgData.seedMs / 1000, sqliteSeedS: sqliteData.seedMs / 1000, load, quick, loadAtStart, helloRps, minutes: (performance.now() - t0) / 60_000,
    });
    process.stdout.write(`\n${block(results as Record<Setup, Measured>, figures)}\n\nwritten to bench/results-postgres.json and bench/README.md (${round((performance.now() - t0) / 60_000)} min)\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`\nnpm run bench -- --engine postgres could not run: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    for (const s of servers) await s.stop();
    if (keep) {
      progress(`kept: BENCH_PG_FROM="${dbName}|${from?.[1] ?? join(dir, 'national.db')}" runs on them again`);
    } else {
      await admin(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function measureSetup(urls: string[], data: Prepared, plan: PlanCursor, bodies: string[], load: LoadSettings): Promise<Measured> {
  const api = { authorization: `Bearer ${data.apiToken}`, 'content-type': 'application/json' };
  // One check-in first: a plan the server refuses is a broken bench, not a figure.
  const first = JSON.stringify(plan.next());
  let probe = await send(`${urls[0]}/api/v1/stays`, { method: 'POST', headers: api, body: first });
  for (let i = 0; probe.status === 503 && i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    probe = await send(`${urls[0]}/api/v1/stays`, { method: 'POST', headers: api, body: first });
  }
  if (probe.status !== 201) throw new Error(`a planned check-in was refused: ${probe.status} ${probe.body.slice(0, 400)}`);
  const notes: string[] = [];
  const note = (label: string, n: string | undefined) => void (n && notes.push(`${label}: ${n}`));

  const ci = await measure({ label: 'check-ins at 20 facilities', urls, settings: load, expect: 201, method: 'POST', requests: () => [{ method: 'POST', path: '/api/v1/stays', headers: api, setupRequest: (r) => ({ ...r, body: JSON.stringify(plan.next()) }) }] });
  note('check-ins', ci.note);

  const readPath = '/api/v1/occupancy?wilayah=31';
  const readHeaders = { authorization: api.authorization, 'accept-encoding': 'gzip' };
  const quiet = await measure({ label: 'occupancy reads, no writes', urls, settings: load, expect: 200, path: readPath, headers: readHeaders });
  note('reads', quiet.note);
  const writer = steadyCheckIns(urls, 5, plan, api);
  const busy = await measure({ label: 'occupancy reads, desks checking in 5/s', urls, settings: load, expect: 200, path: readPath, headers: readHeaders });
  const w = await writer.stop();
  note('reads while writing', busy.note);

  let nextBody = 0;
  const intake = await measure({
    label: 'intake with a name, 8 desks',
    urls,
    settings: { ...load, connections: 8 },
    expect: 201,
    method: 'POST',
    requests: () => [{ method: 'POST', path: '/api/v1/residents', headers: api, setupRequest: (r) => ({ ...r, body: bodies[nextBody++ % bodies.length]! }) }],
  });
  note('intake', intake.note);

  let nextQuery = 0;
  const search = await measure({
    label: 'resident search, 50 clients',
    urls,
    settings: { ...load, connections: 50 },
    expect: 200,
    requests: () => [{ method: 'GET', path: '/api/v1/residents', headers: { authorization: api.authorization }, setupRequest: (r) => ({ ...r, path: `/api/v1/residents?q=${encodeURIComponent(data.searchQueries[nextQuery++ % data.searchQueries.length]!)}` }) }],
  });
  note('search', search.note);
  return {
    checkIns: ci.value,
    readsQuiet: quiet.value,
    readsBusy: busy.value,
    busyWrites: `${w.ok} check-ins in ${round(w.seconds)} s (${round(w.ok / w.seconds)}/s)${w.failed ? `, ${w.failed} refused or failed` : ''}`,
    intake: intake.value,
    searchP99: search.p99,
    searchRps: search.value,
    notes,
  };
}

interface Measure {
  value: number;
  rounds: number[];
  /** The slowest instance's p99 latency, median over the rounds (ms). */
  p99: number;
  note?: string;
}

/**
 * Answers per second with the `expect` status over every instance at once
 * (the connections shared out between them): a warm-up thrown away, then the
 * rounds; the median round is the figure.
 */
export async function measure(args: {
  label: string;
  urls: string[];
  settings: LoadSettings;
  expect: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  requests?: () => CannonRequest[];
}): Promise<Measure> {
  const per = Math.max(1, Math.round(args.settings.connections / args.urls.length));
  const run = async (duration: number) =>
    await Promise.all(args.urls.map(async (url) =>
      await autocannon({
        url: `${url}${args.path ?? ''}`,
        connections: per,
        pipelining: 1,
        duration,
        timeout: 30,
        method: args.method ?? 'GET',
        headers: args.headers ?? {},
        ...(args.requests ? { requests: args.requests() } : {}),
      })));
  if (args.settings.warmupS > 0) await run(args.settings.warmupS);
  const rounds: number[] = [];
  const p99s: number[] = [];
  const others = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < args.settings.rounds; i++) {
    const rs = await run(args.settings.roundS);
    rounds.push(rs.reduce((sum, r) => sum + (r.statusCodeStats[String(args.expect)]?.count ?? 0) / r.duration, 0));
    p99s.push(Math.max(...rs.map((r) => r.latency.p99)));
    for (const r of rs) {
      for (const [code, { count }] of Object.entries(r.statusCodeStats)) {
        total += count;
        if (code !== String(args.expect)) others.set(code, (others.get(code) ?? 0) + count);
      }
      if (r.errors + r.timeouts > 0) others.set('errors', (others.get('errors') ?? 0) + r.errors + r.timeouts);
    }
  }
  const value = median(rounds);
  progress(`${args.label} (${args.urls.length} instance(s)): ${rounds.map((x) => round(x)).join(', ')} /s → ${round(value)}; p99 ${round(median(p99s))} ms`);
  const note = others.size > 0 ? `besides ${args.expect}: ${[...others].map(([c, n]) => `${n} × ${c}`).join(', ')} of ${total}` : undefined;
  return { value, rounds, p99: median(p99s), ...(note ? { note } : {}) };
}

interface PlanCursor {
  next(): CheckInPlan;
}

/** The people to check in, each once, shared by every figure on one database. */
function planCursor(plan: readonly CheckInPlan[]): PlanCursor {
  let i = 0;
  return { next: () => plan[Math.min(i++, plan.length - 1)]! };
}

/** Desks checking people in at `perSecond`, spread over the instances, until stopped. */
function steadyCheckIns(urls: string[], perSecond: number, plan: PlanCursor, headers: Record<string, string>) {
  let ok = 0;
  let failed = 0;
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const timer = setInterval(() => {
    const url = urls[n++ % urls.length]!;
    const p = send(`${url}/api/v1/stays`, { method: 'POST', headers, body: JSON.stringify(plan.next()) })
      .then((r) => void (r.status === 201 ? ok++ : failed++), () => void failed++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { ok, failed, seconds };
    },
  };
}

/** What a desk types at intake: names of people in the data, spelled a little differently, so the duplicate check has candidates to score. */
export async function intakeBodies(target: string): Promise<string[]> {
  const db = await openDatabase(target);
  try {
    const rows = await db.all<{ name: string; sex: 'L' | 'P' }>(sql`
      select name, sex from persons where name is not null and merged_into_id is null and anonymised_at is null order by resident_code limit 400`);
    return rows.map((r, i) => JSON.stringify({
      persons: [{ name: i % 2 ? `${r.name}${r.name.slice(-1)}` : r.name.replace(/a/, 'o'), sex: r.sex, estimated_age: 20 + (i % 45) }],
      confirm_new: true,
    }));
  } finally {
    await db.$engine.close();
  }
}

/**
 * One Singgah instance, as production starts it. On a machine
 * shared with test suites the server's connection slots can be full for a
 * moment (the instance is not ready until its LISTEN connection is in place):
 * a start that fails is tried again, five times, saying why.
 */
export async function startInstance(name: string, database: Record<string, string>, adminUrl: string, logDir: string, nodeArgs: string[] = []): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer({
        name,
        script: join(root, 'dist/server.js'),
        nodeArgs: ['--enable-source-maps', ...nodeArgs],
        // As bench/singgah.ts starts it, and without load shedding: the figures are what the server does on a
        // machine this shared, not when it would refuse work (LOAD_SHED_DELAY_MS, src/config.ts).
        env: { ...database, LOG_LEVEL: 'warn', API_RATE_LIMIT: '1000000', NODE_ENV: 'production', LOAD_SHED_DELAY_MS: '0' },
        logDir,
        timeoutMs: 120_000,
      });
    } catch (err) {
      const busy = await connections(adminUrl).catch(() => 'unknown');
      progress(`${name} did not start (attempt ${attempt}; PostgreSQL connections in use: ${busy}): ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
      if (attempt >= 6) throw err;
    }
  }
}

async function connections(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: number; max: string }>(`select count(*)::int as n, current_setting('max_connections') as max from pg_stat_activity`);
    return `${r.rows[0]!.n} of ${r.rows[0]!.max}`;
  } finally {
    await client.end();
  }
}

/** prepareDatabase in a child process (bench/prepare-child.ts). */
async function prepareInChild(target: string, opts: object): Promise<Prepared> {
  return await new Promise((resolvePrepared, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'prepare-child.ts'), target, JSON.stringify(opts)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`preparing ${target} failed (exit ${code})`));
      try {
        resolvePrepared(JSON.parse(Buffer.concat(out).toString('utf8')) as Prepared);
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function atLeast(f: Omit<Figure, 'ratio' | 'met' | 'target'> & { min: number }): Figure {
  const { min, ...rest } = f;
  return { ...rest, value: round(f.value), ceiling: f.ceiling === null ? null : round(f.ceiling), ratio: f.ceiling ? round(f.value / f.ceiling, 3) : null, target: `≥ ${min} ${f.unit}`, met: f.value >= min };
}

function ratioFigure(f: { name: string; value: number; unit: string; ceiling: number; ceilingOf: string; min: number; note?: string }): Figure {
  const ratio = f.ceiling > 0 ? round(f.value / f.ceiling, 3) : null;
  return { name: f.name, value: round(f.value), unit: f.unit, ceiling: round(f.ceiling), ratio, target: `≥ ${f.min} × ceiling`, met: ratio !== null && ratio >= f.min, ceiling_of: f.ceilingOf, ...(f.note ? { note: f.note } : {}) };
}

function toFigures(r: Record<Setup, Measured>, helloRps: number, persons: number): Figure[] {
  const figures: Figure[] = [
    ratioFigure({ name: 'PostgreSQL check-ins at 20 facilities, one instance, vs SQLite', value: r.pg1.checkIns, unit: 'per s', ceiling: r.sqlite.checkIns, ceilingOf: 'SQLite, one instance, same data and load', min: 0.6 }),
    ratioFigure({ name: 'PostgreSQL check-ins at 20 facilities, two instances vs one', value: r.pg2.checkIns, unit: 'per s', ceiling: r.pg1.checkIns, ceilingOf: 'PostgreSQL, one instance, same run', min: 1.0 }),
  ];
  for (const s of ['sqlite', 'pg1', 'pg2'] as const) {
    figures.push(ratioFigure({ name: `occupancy reads (?wilayah=31) while desks check in 5/s, ${SETUP_NAMES[s]}`, value: r[s].readsBusy, unit: 'req/s', ceiling: r[s].readsQuiet, ceilingOf: 'the same reads with no writes', min: 0.8, note: r[s].busyWrites }));
  }
  for (const s of ['sqlite', 'pg1', 'pg2'] as const) {
    figures.push(atLeast({ name: `intake with a name (duplicate check), 8 desks, ${persons} persons, ${SETUP_NAMES[s]}`, value: r[s].intake, unit: 'persons/s', ceiling: helloRps, ceiling_of: 'bare Fastify hello-world req/s, 16 connections (context)', min: 100 }));
  }
  for (const s of ['sqlite', 'pg1', 'pg2'] as const) {
    figures.push({ name: `resident search, 50 concurrent clients, p99, ${SETUP_NAMES[s]}`, value: round(r[s].searchP99), unit: 'ms', ceiling: null, ratio: null, target: '≤ 100 ms', met: r[s].searchP99 <= 100, ceiling_of: 'none', note: `${round(r[s].searchRps)} req/s (hello-world: ${round(helloRps)} req/s)` });
  }
  return figures;
}

function block(r: Record<Setup, Measured>, figures: readonly Figure[]): string {
  const row = (label: string, get: (m: Measured) => number, unit: string) => `| ${label} | ${(['sqlite', 'pg1', 'pg2'] as const).map((s) => `${round(get(r[s]))} ${unit}`).join(' | ')} |`;
  return [
    '| figure | SQLite, one instance | PostgreSQL, one instance | PostgreSQL, two instances |',
    '|---|---:|---:|---:|',
    row('check-ins at 20 facilities (16 connections)', (m) => m.checkIns, '/s'),
    row('occupancy `?wilayah=31`, no writes', (m) => m.readsQuiet, 'req/s'),
    row('the same while desks check in 5/s', (m) => m.readsBusy, 'req/s'),
    row('intake with a name, 8 desks', (m) => m.intake, 'persons/s'),
    row('resident search, 50 clients, p99', (m) => m.searchP99, 'ms'),
    row('resident search, 50 clients', (m) => m.searchRps, 'req/s'),
    '',
    '| target | value | ceiling | ratio | target | met |',
    '|---|---:|---:|---:|---|---|',
    ...figures.map((f) => `| ${f.name}${f.note ? ` <br><sub>${f.note}</sub>` : ''} | ${f.value} ${f.unit} | ${f.ceiling ?? '—'} | ${f.ratio ?? '—'} | ${f.target} | ${f.met ? 'yes' : '**no**'} |`),
    ...(Object.values(r).some((m) => m.notes.length) ? ['', ...(['sqlite', 'pg1', 'pg2'] as const).flatMap((s) => r[s].notes.map((n) => `- ${SETUP_NAMES[s]}, ${n}`))] : []),
  ].join('\n');
}

function writeReadmeBlock(
  path: string,
  r: Record<Setup, Measured>,
  figures: readonly Figure[],
  info: { scale: Scale; counts: Prepared['counts']; reused: boolean; pgSeedS: number; sqliteSeedS: number; load: LoadSettings; quick: boolean; loadAtStart: number; helloRps: number; minutes: number },
): void {
  const c = info.counts;
  const text = [
    BEGIN,
    `Last run: ${new Date().toISOString()}${info.quick ? ' (`--quick`: a smoke run, not figures to quote)' : ''}, ${round(info.minutes)} min in all.`,
    '',
    `Machine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}; PostgreSQL on the same machine. Shared with other work: load average (1 min) ${round(info.loadAtStart)} at the start, ${round(loadavg()[0]!)} at the end.`,
    `Data: the \`${info.scale}\` demo (${c.facilities} facilities, ${c.units} units, ${c.persons} persons, ${c.open_stays} open stays), ${info.reused ? 'both databases kept from an earlier run (BENCH_PG_FROM)' : `built side by side in ${round(info.pgSeedS)} s on PostgreSQL and ${round(info.sqliteSeedS)} s on SQLite (/dev/shm)`}.`,
    `Load: autocannon in the bench process, connections shared out between the instances, warm-up ${info.load.warmupS} s, then the median of ${info.load.rounds} × ${info.load.roundS} s. Bare Fastify hello-world on this machine in this run: ${round(info.helloRps)} req/s (16 connections).`,
    '',
    block(r, figures),
    END,
  ].join('\n');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const i = old.indexOf(BEGIN);
  const j = old.indexOf(END);
  writeFileSync(path, i >= 0 && j > i ? old.slice(0, i) + text + old.slice(j + END.length) : `${old.trimEnd()}\n\n## PostgreSQL writes\n\n${text}\n`);
}

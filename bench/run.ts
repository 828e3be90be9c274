import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { openDatabase, write } from '../src/db/client.ts';
import type { SqliteEngine } from '../src/db/sqlite.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { loadFacilityOccupancy, summarise } from '../src/domain/occupancy/compute.ts';
import { messageFor, type Client, type ViewCache } from '../src/live/socket.ts';
import { searchPersons } from '../src/domain/residents/read.ts';
import { checkIn } from '../src/domain/stays/check-in.ts';
import { SYSTEM_ACTOR, type Actor } from '../src/domain/actor.ts';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createToken } from '../src/domain/accounts/tokens.ts';
import { newId, newResidentCode } from '../src/lib/ids.ts';
import { nowIso } from '../src/lib/time.ts';
import { persons } from '../src/db/schema/index.ts';
import { route } from '../src/domain/routing/route.ts';
import { loadRoutingFacilities } from '../src/domain/routing/load.ts';
import { measure, measureAsync, round, table, type Result } from './lib.ts';

/**
 * `npm run bench`: figures and ratios for the paths that matter on a shelter
 * night — occupancy read at PWTC scale, a check-in, a name search, the live
 * fan-out, and the memory a wall display costs. Never run as a test (a timed
 * test only flakes on a shared machine); results go to bench/results.json.
 */
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'singgah-bench-'));
const results: Result[] = [];
const ratios: { name: string; value: number; note: string }[] = [];
const memory: { name: string; value: number; unit: string }[] = [];
const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

const rssBefore = process.memoryUsage().rss;
const t0 = Date.now();
const db = await openDatabase(join(dir, 'pwtc.db'));
await seedDemo(db, { scale: 'pwtc' });
const seedMs = Date.now() - t0;
memory.push({ name: 'RSS after building the PWTC database (5,836 people)', value: mb(process.memoryUsage().rss - rssBefore), unit: 'MiB more' });
const counts = (await db.get<{ f: number; u: number; s: number; o: number }>(
  sql`select (select count(*) from facilities) f, (select count(*) from units) u, (select count(*) from stays) s, (select count(*) from stays where checked_out_at is null) o`,
))!;

// 1. Occupancy, computed by query from stays and referrals (never stored).
const occ = await measureAsync('occupancy: all facilities (query + summarise)', async () => {
  summarise(await loadFacilityOccupancy(db));
}, { n: 300, warmup: 50 });
results.push(occ);
const counterRead = await measureAsync('baseline: read stored unit figures only', async () => { await db.all(sql`select id, capacity, blocked, status from units`); }, { n: 300, warmup: 50 });
results.push(counterRead);
ratios.push({ name: 'occupancy by query / plain read of unit rows', value: round(occ.median / counterRead.median), note: 'what stored counters would save per read; the query cannot drift from the stays' });
const oneFacility = (await db.get<{ id: string }>(sql`select id from facilities where code = 'TPS-JP-01'`))!.id;
results.push(await measureAsync('occupancy: one facility', async () => { await loadFacilityOccupancy(db, { facilityId: oneFacility }); }, { n: 500, warmup: 50 }));

// 2. The live fan-out: one occupancy read per event, one view per audience, a message per client.
const actors: Actor[] = (['command', 'display', 'satpol'] as const).map((role) => ({ ...SYSTEM_ACTOR, type: 'token', role, wilayahCode: role === 'satpol' ? '31.71' : null }));
const fakeClients: Client[] = Array.from({ length: 100 }, (_, i) => ({ socket: null as never, actor: actors[i % 3]!, credential: { kind: 'token', id: `bench-${i % 3}` }, seq: 0, alive: true }));
const oneUnit = (await db.get<{ id: string }>(sql`select id from units where facility_id = ${oneFacility} limit 1`))!.id;
const fan = await measureAsync(
  'live: one check-in event to 100 clients',
  async () => {
    // One occupancy read per event, up front, as the hub does (src/live/socket.ts).
    const summary = summarise(await loadFacilityOccupancy(db));
    const views: ViewCache = new Map();
    for (const c of fakeClients) JSON.stringify(messageFor(c, { type: 'occupancy', facilityId: oneFacility, unitIds: [oneUnit] }, () => summary, views));
  },
  { n: 100, warmup: 50, unit: 'ms' },
);
results.push(fan);

// 3. Name search over 5,836 people (FTS5 trigram + scoring).
const command: Actor = { ...SYSTEM_ACTOR, type: 'user', id: null, label: 'bench', role: 'command' };
results.push(await measureAsync('search: "muhamad santoso"', async () => { await searchPersons({ db, actor: command, q: 'muhamad santoso' }); }, { n: 200, warmup: 50 }));
results.push(await measureAsync('search: resident code prefix', async () => { await searchPersons({ db, actor: command, q: 'SGH-' }); }, { n: 200, warmup: 50 }));

// 3b. Routing: the pure function over every facility, for a pregnant woman with a child (the hardest case).
const routingFacilities = await loadRoutingFacilities(db);
const mother = { id: 'm', sex: 'P' as const, age: 28, pregnant: true, disabilities: [], wheelchair: false, needsMedical: false, unaccompaniedChild: false, traffickingVictim: false };
const child = { ...mother, id: 'c', sex: 'L' as const, age: 3, pregnant: false };
results.push(
  measure('routing: a mother and child over every facility (pure)', () => route({ persons: [mother, child], facilities: routingFacilities, asker: command, from: { wilayahCode: '31.71' } }), { n: 500 }),
);
results.push(await measureAsync('routing: load the facilities it needs (query)', async () => { await loadRoutingFacilities(db); }, { n: 200, warmup: 50 }));

// 4. Check-in: one IMMEDIATE transaction that reads free places and takes one.
async function freshPeople(n: number): Promise<string[]> {
  const ids: string[] = [];
  const now = nowIso();
  await write(db, async (tx) => {
    for (let i = 0; i < n; i++) {
      const id = newId();
      ids.push(id);
      await tx.insert(persons).values({ id, residentCode: newResidentCode(), sex: 'L', description: 'bench', createdAt: now, updatedAt: now }).run();
    }
  });
  return ids;
}
const bigUnit = newId();
await write(db, async (tx) => {
  await tx.run(sql`insert into units (id, facility_id, name, capacity, admits, created_at) values (${bigUnit}, ${oneFacility}, 'Bench hall', 100000, 'any', ${nowIso()})`);
});
// The write connection's pragma: check-ins go through it.
const writerConnection = (db.$engine as SqliteEngine).writerConnection;
// FULL and NORMAL alternate in rounds, so the table growing under them weighs on both alike.
const rounds: Record<'FULL' | 'NORMAL', Result[]> = { FULL: [], NORMAL: [] };
for (let round = 0; round < 3; round++) {
  for (const sync of ['FULL', 'NORMAL'] as const) {
    writerConnection.pragma(`synchronous = ${sync}`);
    const people = await freshPeople(150);
    let i = 0;
    rounds[sync].push(
      await measureAsync(`check-in (synchronous=${sync})`, async () => { await checkIn({ db, actor: command, input: { person_id: people[i++]!, facility_id: oneFacility, unit_id: bigUnit } }); }, { n: 120, warmup: 20 }),
    );
  }
}
const medianOf = (rs: Result[]): Result => [...rs].sort((x, y) => x.median - y.median)[1]!;
results.push(medianOf(rounds.FULL), medianOf(rounds.NORMAL));
writerConnection.pragma('synchronous = FULL');
const full = results.find((r) => r.name === 'check-in (synchronous=FULL)')!;
const normal = results.find((r) => r.name === 'check-in (synchronous=NORMAL)')!;
ratios.push({ name: 'check-in FULL / NORMAL', value: round(full.median / normal.median), note: 'the price of surviving a power cut; we keep FULL' });
ratios.push({ name: 'check-ins per second, one writer (FULL)', value: round(1_000_000 / full.median), note: 'a desk does one every few minutes' });

// 5. HTTP and the socket: GET /api/v1/occupancy through Fastify, and memory per live client.
const app = await buildApp(parseConfig({ DATABASE_PATH: join(dir, 'pwtc.db'), SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }), { db, logger: false });
const token = (await createToken({ db, actor: SYSTEM_ACTOR, input: { name: 'bench', role: 'command' } })).token;
results.push(
  await measureAsync('HTTP GET /api/v1/occupancy (inject)', async () => {
    await app.inject({ method: 'GET', url: '/api/v1/occupancy', headers: { authorization: `Bearer ${token}` } });
  }, { n: 100, unit: 'ms' }),
);
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const CLIENTS = 200;
const settle = () => {
  for (let i = 0; i < 4; i++) globalThis.gc?.();
};
const sockets: WebSocket[] = [];
// A token holds at most 8 live sockets (src/live/connections.ts): the simulated walls each bring their own.
const wallTokens: string[] = [];
const wallToken = async (i: number) =>
  (wallTokens[i] ??= (await createToken({ db, actor: SYSTEM_ACTOR, input: { name: `bench-wall-${i}`, role: 'command' } })).token);
const openClients = async (n: number) => {
  // Each socket its own token, made first (one write at a time); then every socket connects at once.
  const tokens: string[] = [];
  for (let k = 0; k < n; k++) tokens.push(await wallToken(sockets.length + k));
  await Promise.all(
    tokens.map(
      (token) =>
        new Promise<void>((res, rej) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live?token=${token}`);
          ws.once('message', () => res());
          ws.once('error', rej);
          sockets.push(ws);
        }),
    ),
  );
};
// Steady state: the heap with 200 clients, then with 400; the difference is what 200 more cost.
await openClients(CLIENTS);
settle();
const heapAt200 = process.memoryUsage().heapUsed;
await openClients(CLIENTS);
settle();
const perClient = (process.memoryUsage().heapUsed - heapAt200) / CLIENTS;
memory.push({ name: 'heap per live socket (server and ws client in one process; 200 → 400 clients)', value: round(perClient / 1024), unit: 'KiB' });
for (const ws of sockets) ws.close();
await app.close();
rmSync(dir, { recursive: true, force: true });

const meta = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  seed_ms: seedMs,
  data: { facilities: counts.f, units: counts.u, stays: counts.s, open_stays: counts.o, persons: 5836 },
};
const out = { meta, results, ratios, memory };
writeFileSync(resolve(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');
process.stdout.write(`Singgah benchmarks — ${meta.node}, ${meta.cpus} × ${meta.cpu}\nPWTC database: ${JSON.stringify(meta.data)}, built in ${seedMs} ms\n\n${table(results, ratios, memory)}\n\nwritten to bench/results.json\n`);

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, write } from '../src/db/client.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { checkIn } from '../src/domain/stays/check-in.ts';
import { SYSTEM_ACTOR, type Actor } from '../src/domain/actor.ts';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createToken } from '../src/domain/accounts/tokens.ts';
import { newId, newResidentCode } from '../src/lib/ids.ts';
import { nowIso } from '../src/lib/time.ts';
import { persons } from '../src/db/schema/index.ts';

/**
 * The live socket at wall scale (issue 14): what 1,000 (or N) live clients
 * cost the server in memory, and how long a check-in takes to reach every one
 * of them. The server runs here; the clients run in a child process, so their
 * own memory is not counted and the latency is wall clock to wall clock.
 *
 *   node --expose-gc --import tsx bench/live-memory.ts [clients=1000] [check-ins=30] [scale=pwtc|default]
 *
 * Clients come in three audiences (command, display, Satpol PP of 31.71), each
 * token holding 8 sockets (the cap per credential). Not a test: figures only.
 */
const CLIENTS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 30);
const SCALE = (process.argv[4] ?? 'pwtc') as 'pwtc' | 'default';
const PER_TOKEN = 8;

const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const settle = async () => {
  for (let i = 0; i < 6; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
};
const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external, buffers: m.arrayBuffers };
};

const dir = mkdtempSync(join(tmpdir(), 'singgah-live-bench-'));
const db = await openDatabase(join(dir, 'live.db'));
await seedDemo(db, { scale: SCALE });
const facility = (await db.get<{ id: string }>(sql`select id from facilities where kind = 'TPS' and wilayah_code = '31.71' and status = 'OPEN' limit 1`))!.id;
const unit = newId();
await write(db, async (tx) => {
  await tx.run(sql`insert into units (id, facility_id, name, capacity, admits, created_at) values (${unit}, ${facility}, 'Bench hall', 100000, 'any', ${nowIso()})`);
});

const app = await buildApp(parseConfig({ DATABASE_PATH: join(dir, 'live.db'), SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-00', LOG_LEVEL: 'silent' }), { db, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;

const roles = [{ role: 'command' as const }, { role: 'display' as const }, { role: 'satpol' as const, wilayah: '31.71' }];
const urls: string[] = [];
for (let i = 0; urls.length < CLIENTS; i++) {
  const r = roles[i % roles.length]!;
  const token = (await createToken({ db, actor: SYSTEM_ACTOR, input: { name: `bench-live-${i}`, role: r.role, wilayah: r.wilayah } })).token;
  for (let k = 0; k < PER_TOKEN && urls.length < CLIENTS; k++) urls.push(`ws://127.0.0.1:${port}/api/v1/live?token=${token}`);
}

// The clients: plain ws in a child process, timing each frame's arrival on the shared wall clock.
const CHILD = `
import WebSocket from '${pathToFileURL(createRequire(import.meta.url).resolve('ws')).href}';
import { readFileSync } from 'node:fs';
const urls = JSON.parse(readFileSync(process.env.LIVE_URLS_FILE, 'utf8'));
const socks = [];
let mark = null, got = 0, lat = [];
const now = () => performance.timeOrigin + performance.now();
function onMessage() {
  if (mark === null) return;
  lat.push(now() - mark);
  if (++got === socks.length) { process.send({ type: 'round', lat }); mark = null; }
}
process.on('message', async (m) => {
  if (m.type === 'open') {
    for (let i = 0; i < urls.length; i += 50) {
      await Promise.all(urls.slice(i, i + 50).map((u) => new Promise((res, rej) => {
        const ws = new WebSocket(u);
        ws.once('message', () => { ws.on('message', onMessage); res(); });
        ws.once('error', rej);
        socks.push(ws);
      })));
    }
    process.send({ type: 'opened', n: socks.length });
  } else if (m.type === 'mark') { mark = m.t0; got = 0; lat = []; }
  else if (m.type === 'close') { for (const s of socks) s.terminate(); process.send({ type: 'closed' }); }
});
`;
const childFile = join(dir, 'clients.mjs');
writeFileSync(childFile, CHILD);
writeFileSync(join(dir, 'urls.json'), JSON.stringify(urls));
const child = fork(childFile, [], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LIVE_URLS_FILE: join(dir, 'urls.json') }, cwd: process.cwd(), execArgv: [] });
const inbox: { type: string; lat?: number[]; n?: number }[] = [];
let wake: (() => void) | null = null;
child.on('message', (m: (typeof inbox)[number]) => {
  inbox.push(m);
  wake?.();
});
const next = async (type: string) => {
  for (;;) {
    const i = inbox.findIndex((m) => m.type === type);
    if (i >= 0) return inbox.splice(i, 1)[0]!;
    await new Promise<void>((r) => (wake = r));
  }
};

// Warm the code paths (one audience, a few sockets) so the baseline is not code loading.
const people = async (n: number) => {
  const ids: string[] = [];
  await write(db, async (tx) => {
    for (let i = 0; i < n; i++) {
      const id = newId();
      ids.push(id);
      await tx.insert(persons).values({ id, residentCode: newResidentCode(), sex: 'L', description: 'bench', createdAt: nowIso(), updatedAt: nowIso() }).run();
    }
  });
  return ids;
};
const who = await people(ROUNDS + 5);
const command: Actor = { ...SYSTEM_ACTOR, type: 'user', id: null, label: 'bench', role: 'command' };
await checkIn({ db, actor: command, input: { person_id: who.pop()!, facility_id: facility, unit_id: unit } });

await settle();
// LIVE_HEAP=1: heap snapshots before and after the clients, to see what each client holds (compare by constructor).
const snapshots = process.env.LIVE_HEAP ? await import('node:v8') : null;
snapshots?.writeHeapSnapshot(join(tmpdir(), 'live-before.heapsnapshot'));
await settle();
const before = memory();
child.send({ type: 'open' });
const opened = await next('opened');
await new Promise((r) => setTimeout(r, 500));
await settle();
const after = memory();
snapshots?.writeHeapSnapshot(join(tmpdir(), 'live-after.heapsnapshot'));

const rounds: { max: number; p50: number; p99: number }[] = [];
const all: number[] = [];
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.timeOrigin + performance.now();
  child.send({ type: 'mark', t0 });
  await checkIn({ db, actor: command, input: { person_id: who.pop()!, facility_id: facility, unit_id: unit } });
  const lat = (await next('round')).lat!.sort((a, b) => a - b);
  all.push(...lat);
  rounds.push({ max: lat[lat.length - 1]!, p50: q(lat, 0.5), p99: q(lat, 0.99) });
  await new Promise((res) => setTimeout(res, 20));
}
all.sort((a, b) => a - b);
const maxes = rounds.map((r) => r.max).sort((a, b) => a - b);
const r1 = (x: number) => Math.round(x * 10) / 10;

child.send({ type: 'close' });
await next('closed');
child.kill();
await app.close();
rmSync(dir, { recursive: true, force: true });

const out = {
  clients: opened.n,
  scale: SCALE,
  memory_added_by_clients: {
    rss_mib: mib(after.rss - before.rss),
    heap_mib: mib(after.heap - before.heap),
    external_mib: mib(after.external - before.external),
    array_buffers_mib: mib(after.buffers - before.buffers),
    heap_per_client_kib: Math.round(((after.heap - before.heap) / CLIENTS / 1024) * 10) / 10,
    rss_per_client_kib: Math.round(((after.rss - before.rss) / CLIENTS / 1024) * 10) / 10,
  },
  checkin_to_client_ms: { rounds: ROUNDS, p50: r1(q(all, 0.5)), p99: r1(q(all, 0.99)), max: r1(all[all.length - 1]!) },
  checkin_to_every_client_ms: { p50: r1(q(maxes, 0.5)), p99: r1(q(maxes, 0.99)), max: r1(maxes[maxes.length - 1]!) },
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(0);

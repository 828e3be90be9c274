import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDatabase } from './data.ts';
import { progress, round, sleep } from './lib.ts';
import { summarise, type CpuProfile } from './cpu-profile.ts';
import { LiveClients } from './live.ts';
import { latency, send, throughput } from './load.ts';
import { checkInRequests, signIn, startSinggah } from './singgah.ts';

/**
 * What limits a figure: the server under one kind of load with `node
 * --cpu-prof`, then its top frames by self time and by total time.
 *
 *   node --import tsx bench/profile.ts --from DB --what occupancy|not-modified|board|check-in|search|routing|live|start
 *
 * DB is a demo database built before (e.g. by `npm run demo -- --scale national`
 * with DATABASE_PATH); it is copied, never changed.
 */
const WHAT = ['occupancy', 'not-modified', 'board', 'check-in', 'search', 'routing', 'live', 'start'] as const;
const { values: opts } = parseArgs({ options: { from: { type: 'string' }, what: { type: 'string' }, seconds: { type: 'string', default: '10' }, top: { type: 'string', default: '25' } } });
const what = opts.what as (typeof WHAT)[number];
if (!opts.from || !WHAT.includes(what)) {
  process.stderr.write(`usage: node --import tsx bench/profile.ts --from DB --what ${WHAT.join('|')} [--seconds 10]\n`);
  process.exit(2);
}
const seconds = Number(opts.seconds);
const dir = mkdtempSync('/dev/shm/singgah-profile-');
try {
  const dbPath = join(dir, 'bench.db');
  const data = await prepareDatabase(dbPath, { scale: 'national', from: opts.from, checkIns: 20_000, liveCheckIns: 50, liveClients: 200 });
  const profiles = join(dir, 'profiles');
  const server = await startSinggah({ dbPath, logDir: dir, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`] });
  progress(`server up in ${round(server.readyMs)} ms; loading: ${what}`);
  const api = { authorization: `Bearer ${data.apiToken}` };
  const settings = { connections: 10, warmupS: 0, rounds: 1, roundS: seconds };
  try {
    switch (what) {
      case 'occupancy':
        await throughput({ label: what, url: `${server.url}/api/v1/occupancy?wilayah=31`, headers: api, settings, expect: 200 });
        break;
      case 'not-modified': {
        const etag = (await send(`${server.url}/api/v1/occupancy`, { headers: api })).headers.etag;
        await throughput({ label: what, url: `${server.url}/api/v1/occupancy`, headers: { ...api, 'if-none-match': String(etag) }, settings, expect: 304 });
        break;
      }
      case 'board':
        await throughput({ label: what, url: `${server.url}/board`, headers: { cookie: await signIn(server.url, data.login) }, settings, expect: 200 });
        break;
      case 'check-in':
        await throughput({ label: what, url: server.url, settings, expect: 201, requests: checkInRequests(data.checkIns, api) });
        break;
      case 'search':
        await latency(data.searchQueries.map((q) => `${server.url}/api/v1/residents?q=${encodeURIComponent(q)}`), { headers: api, expect: 200, warmup: 0, n: 100_000, maxMs: seconds * 1000 });
        break;
      case 'routing':
        await latency(data.routingPersons.map((id) => `${server.url}/api/v1/routing?person_id=${id}`), { headers: api, expect: 200, warmup: 0, n: 100_000, maxMs: seconds * 1000 });
        break;
      case 'live': {
        const clients = new LiveClients((i) => `ws://127.0.0.1:${server.port}/api/v1/live?token=${data.liveTokens[Math.floor(i / 8)]}`);
        await clients.open(200, { concurrency: 20, deadline: performance.now() + 120_000 });
        let next = 0;
        await clients.fanOut(
          async () => void (await send(`${server.url}/api/v1/stays`, { method: 'POST', headers: api, body: JSON.stringify(data.liveCheckIns[next++]) })),
          { warmup: 0, events: 10, timeoutMs: 30_000 },
        );
        await clients.close();
        break;
      }
      case 'start':
        break;
    }
  } finally {
    await sleep(200);
    await server.stop();
  }
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no profile');
  process.stdout.write(summarise(JSON.parse(readFileSync(join(profiles, file), 'utf8')) as CpuProfile, Number(opts.top)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

import { openDatabase } from './src/db/client.ts';
import { buildApp } from './src/app.ts';
import { parseConfig } from './src/config.ts';
import { sql } from 'drizzle-orm';
const path = process.argv[2]!;
const db = await openDatabase(path);
const app = await buildApp(parseConfig({ DATABASE_PATH: path, SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent', API_RATE_LIMIT: '0', LOAD_SHED_DELAY_MS: '0' }), { db, logger: false });
await app.ready();
const token = process.argv[3]!;
const ids = (await db.all<{ id: string }>(sql`select min(p.id) id from persons p where p.household_id is not null and p.merged_into_id is null group by p.household_id having count(*) >= 2 order by p.household_id limit 40`)).map((r) => r.id);
const times: number[] = [];
for (let round = 0; round < 3; round++) for (const id of ids) {
  const t0 = performance.now();
  const r = await app.inject({ url: `/api/v1/routing?person_id=${id}`, headers: { authorization: `Bearer ${token}` } });
  if (r.statusCode !== 200) throw new Error(r.body);
  if (round > 0) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log('routing inject median', times[Math.floor(times.length / 2)]!.toFixed(2), 'p95', times[Math.floor(times.length * 0.95)]!.toFixed(2));
for (const [name, url] of [['occ default', '/api/v1/occupancy'], ['occ 31', '/api/v1/occupancy?wilayah=31']] as const) {
  const t: number[] = [];
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); await app.inject({ url, headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }); if (i > 20) t.push(performance.now() - t0); }
  t.sort((a, b) => a - b); console.log(name, 'median', t[Math.floor(t.length / 2)]!.toFixed(3));
}
await app.close();

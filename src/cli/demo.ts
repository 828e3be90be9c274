import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { resolve } from 'node:path';
import { configFromEnv, start } from '../server.ts';
import { openDatabase } from '../db/client.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/facilities.ts';
import { isDemoDatabase } from '../domain/demo-flag.ts';
import { parseArgs, fail } from './args.ts';

// npm run demo [-- --scale pwtc|national]
// Serves Singgah on a demo database (data/demo.db or DATABASE_PATH), made fresh when absent.
const { flags } = parseArgs(process.argv.slice(2), { usage: 'usage: npm run demo [-- --scale pwtc|national]', options: ['scale'] });
const scale = flags.scale ?? 'default';
if (scale !== 'default' && scale !== 'pwtc' && scale !== 'national') fail(`--scale must be "pwtc" or "national" (or left out), not "${scale}"`);
const LABEL = { default: '', pwtc: 'PWTC-scale ', national: 'national-scale ' } as const;
// The demo logs warnings only (LOG_LEVEL=info to see each request): a browsing
// session would otherwise print thousands of request lines over the accounts below.
const config = configFromEnv({
  DATABASE_PATH: process.env.DATABASE_PATH || (scale === 'default' ? 'data/demo.db' : `data/demo-${scale}.db`),
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
});
// DATABASE_URL (PostgreSQL) when set: migrated here, filled when it holds no facilities and no accounts yet.
const pgUrl = config.DATABASE_URL;
const path = pgUrl ?? config.DATABASE_PATH;
const where = pgUrl ? 'the PostgreSQL database of DATABASE_URL' : path === ':memory:' ? ':memory:' : resolve(path);
const fileFresh = !pgUrl && (path === ':memory:' || !existsSync(path));
const db = await openDatabase(path, { migrate: true });
const fresh = fileFresh || (pgUrl !== undefined && !(await db.get<{ n: number }>(sql`select (select count(*) from facilities) + (select count(*) from users) as n`))?.n);
if (fresh) {
  process.stdout.write(`Building the ${LABEL[scale]}demo database at ${where} …\n`);
  const t0 = Date.now();
  await seedDemo(db, { scale });
  process.stdout.write(`… done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
} else if (!await isDemoDatabase(db)) {
  fail(`${where} is not a demo database; refusing to serve it as one. Use npm start for a real database.`);
}

await start(config, {
  db,
  banner: (url) => {
    const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.username.length));
    const lines = DEMO_ACCOUNTS.map((a) => {
      const scope = 'facility' in a ? ` @ ${a.facility}` : 'wilayah' in a ? ` @ ${a.wilayah}` : '';
      return `    ${a.username.padEnd(width)}  ${a.role}${scope}`;
    });
    process.stdout.write(
      `\nSinggah demo is running: ${url}\n\nDemo accounts (password "${DEMO_PASSWORD}"):\n${lines.join('\n')}\n\n${pgUrl ? 'Empty that database' : `Delete ${path}`} to start again from fresh demo data.\n\n`,
    );
  },
});

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckInPlan } from './data.ts';
import { send } from './load.ts';
import { startServer, type Server } from './processes.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Singgah as `npm start` runs it (`node --enable-source-maps dist/server.js`),
 * on the bench database. The request log is at warn (each request logged at
 * info is I/O the figures should not carry); the API request limit is
 * raised and load shedding is off, so that the load is never refused (the
 * figures are what the server does, not when it would shed work).
 */
export async function startSinggah(args: { dbPath: string; logDir: string; nodeArgs?: string[] }): Promise<Server> {
  return await startServer({
    name: 'singgah',
    script: join(root, 'dist/server.js'),
    nodeArgs: ['--enable-source-maps', ...(args.nodeArgs ?? [])],
    env: { DATABASE_PATH: args.dbPath, LOG_LEVEL: 'warn', API_RATE_LIMIT: '1000000', NODE_ENV: 'production', LOAD_SHED_DELAY_MS: '0' },
    logDir: args.logDir,
  });
}

/** Signs in as a demo account through the login form (its pre-login CSRF cookie included); returns the Cookie header. */
export async function signIn(url: string, login: { username: string; password: string }): Promise<string> {
  const page = await send(`${url}/login`);
  const csrf = cookiesOf(page.headers['set-cookie']).get('sgh_csrf');
  if (!csrf) throw new Error('the login page set no CSRF cookie');
  const res = await send(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `sgh_csrf=${csrf}` },
    body: new URLSearchParams({ ...login, _csrf: csrf }).toString(),
  });
  const cookies = cookiesOf(res.headers['set-cookie']);
  if (res.status !== 303 || cookies.size === 0) throw new Error(`login as ${login.username}: ${res.status} ${res.body.slice(0, 200)}`);
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

function cookiesOf(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of [header ?? []].flat()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) out.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return out;
}

/** One person a request, from the plan; once it runs out, the last again (a 409, counted apart). */
export function checkInRequests(plan: readonly CheckInPlan[], headers: Record<string, string>) {
  let next = 0;
  return () => [
    {
      method: 'POST',
      path: '/api/v1/stays',
      headers: { ...headers, 'content-type': 'application/json' },
      setupRequest: (request: { body?: string }) => ({ ...request, body: JSON.stringify(plan[Math.min(next++, plan.length - 1)]) }),
    },
  ];
}


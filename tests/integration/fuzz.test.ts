import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { TEST_ENGINE, makeTestAppWithRoutes, type RegisteredRoute } from '../helpers/app.ts';
import { makeFacility, makeUnit, makeUser, makeToken } from '../helpers/factories.ts';
import { signedIn, bearer, type Browser } from '../helpers/session.ts';
import type { Role } from '../../src/db/schema/index.ts';

/**
 * Hostile requests over every route the app declares (enumerated with an
 * onRoute hook, so a new route is fuzzed without touching this file), for
 * every role with a browser session and with a token, and anonymously.
 * Properties: no answer ≥ 500; a refused request (4xx) changes no row; no
 * HTML answer carries injected markup unescaped. Seed fixed; FUZZ_RUNS sets
 * the number of requests (default 10,000). The figures are printed at the end
 * and quoted in docs/security.md.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

/** Markup that must never come back raw in an HTML answer. */
const MARKUP = [`<script>alert('fz')</script>`, `"><img src=x onerror=alert('fz')>`, `'><svg/onload=alert('fz')>`, `</textarea><iframe src=//fz.example>`, `javascript:alert('fz')`];
const RAW_MARKUP = [/<script>alert\('fz'\)/, /<img src=x onerror/, /<svg\/onload/, /<iframe src=\/\/fz/, /(href|src|action)="javascript:alert/];

/**
 * Routes left out, each for a reason: the sockets (covered by live tests), the static
 * files, and the two that would end the fuzzing session itself (logout) or spend a
 * scrypt per call on every guess (the password change verifies the old one).
 */
const SKIP = new Set(['POST /logout', 'GET /api/v1/live', 'GET /live/html', 'POST /account/password']);

/** Tables whose rows a refused request must not change (sessions, keys, audit and samples legitimately move). */
const WATCHED = [
  'facilities', 'units', 'unit_changes', 'households', 'persons', 'stays', 'referrals', 'referral_persons',
  'handoffs', 'handoff_persons', 'users', 'alerts', 'meta',
];

const FIELDS = [
  'name', 'alias', 'description', 'sex', 'estimated_age', 'approx_age', 'birth_date', 'nik', 'kk', 'phone', 'consent', 'persons', 'household',
  'confirm_new', 'same_as', 'source', 'handoff_person_id', 'person_id', 'person_ids', 'facility_id', 'to_facility_id', 'unit_id', 'stay_id',
  'bed_label', 'reason', 'outcome', 'destination', 'destination_wilayah_code', 'family_contact', 'escort', 'date', 'note', 'notes', 'kind',
  'code', 'wilayah_code', 'wilayah', 'status', 'status_reason', 'capacity', 'blocked', 'block_reason', 'admits', 'features', 'services',
  'clusters', 'protected', 'version', 'edit', 'step', 'operation', 'operation.number', 'operation.at', 'operation.place',
  'operation.wilayah_code', 'operation.leader_name', 'persons.0.name', 'persons.0.sex', 'persons.0.description', 'username', 'role',
  'facility', 'display_name', 'password', 'current', 'confirm', 'q', 'next', 'lang', 'pregnant', 'pregnancy_weeks', 'disabilities',
  'wheelchair', 'needs', 'category', 'origin_wilayah_code', 'ktp_address', 'domicile_address', 'dtks', 'pkh', 'bpnt', 'places',
  'overflow_reason', 'split_reason', 'from', 'to', 'format', 'limit', '__proto__', 'constructor',
];
const QUERY_KEYS = ['q', 'limit', 'kind', 'wilayah', 'wilayah_code', 'status', 'from', 'to', 'format', 'lang', 'scope', 'open', 'p', 'person_id', 'id', 'region', 'facility_id', 'next', 'page', 'out', 'token', 'submitted', 'edit'];

let app: FastifyInstance;
let db: Db;
const routes: { method: string; url: string }[] = [];
const ids: string[] = [];

interface Caller {
  name: string;
  send(o: InjectOptions, csrf: boolean): Promise<import('light-my-request').Response>;
}
const callers: Caller[] = [];

/**
 * Rows written through the write connection so far: when it has not moved, nothing changed and the checksum is
 * skipped. Asked inside a write, since a read outside one goes to the reader connection, which never writes.
 */
const totalChanges = async (): Promise<number | string> =>
  TEST_ENGINE === 'postgres'
    ? // PostgreSQL: the WAL position moves with every committed change (other databases' too: then the checksum just runs).
      (await db.get<{ n: string }>(sql`select pg_current_wal_insert_lsn()::text as n`))!.n
    : (await write(db, async (tx) => await tx.get<{ n: number }>(sql`select total_changes() as n`)))!.n;

async function checksum(): Promise<string> {
  const h = createHash('sha256');
  for (const t of WATCHED) h.update(t).update(JSON.stringify(await db.all(sql.raw(`select * from ${t} order by rowid`))));
  return h.digest('hex');
}

beforeAll(async () => {
  let registered: RegisteredRoute[];
  ({ app, db, routes: registered } = await makeTestAppWithRoutes());
  for (const r of registered) if (!r.websocket && !r.url.startsWith('/static') && !SKIP.has(`${r.method} ${r.url}`)) routes.push({ method: r.method, url: r.url });

  // A small world: a TPS, a protected balai, an LKS in another province, a person placed, a referral, a handoff.
  const tps = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
  const zone = await makeUnit(db, tps.id, { capacity: 20 });
  const balai = await makeFacility(db, { kind: 'BALAI', protected: true, wilayahCode: '31.72', services: ['maternity'] });
  const room = await makeUnit(db, balai.id, { capacity: 10, admits: 'female' });
  const lks = await makeFacility(db, { kind: 'LKS', wilayahCode: '32.73' });
  const lksUnit = await makeUnit(db, lks.id, { capacity: 5 });
  ids.push(tps.id, zone.id, balai.id, room.id, lks.id, lksUnit.id);
  const admin = bearer(app, await makeToken(db, 'admin'));
  const desk = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
  const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Siti Fuzz', sex: 'P', estimated_age: 30, consent: true }, { name: 'Budi Fuzz', sex: 'L', estimated_age: 40, consent: true }], confirm_new: true });
  const persons = (reg.json() as { persons: { id: string }[] }).persons.map((p) => p.id);
  ids.push(...persons);
  const stay = await desk('POST', '/api/v1/stays', { person_id: persons[0], unit_id: zone.id });
  if (stay.statusCode === 201) ids.push((stay.json() as { id: string }).id);
  const ref = await desk('POST', '/api/v1/referrals', { person_id: persons[0], to_facility_id: lks.id, reason: 'Butuh layanan lanjutan' });
  if (ref.statusCode === 201) ids.push(((ref.json() as { referral?: { id: string }; id?: string }).referral?.id ?? (ref.json() as { id: string }).id)!);
  const satpolToken = await makeToken(db, 'satpol', { wilayah: '31.71' });
  const ho = await bearer(app, satpolToken)('POST', '/api/v1/handoffs', {
    operation: { number: 'SPT/1/FUZZ', at: new Date(Date.now() - 3600_000).toISOString(), place: 'Senen', wilayah_code: '31.71', team: 'A', leader_name: 'Hendra' },
    facility_id: tps.id,
    persons: [{ description: 'laki-laki, kaos merah', sex: 'L', approx_age: 40 }],
  });
  if (ho.statusCode === 201) {
    const h = ho.json() as { id: string; persons: { id: string }[] };
    ids.push(h.id, ...h.persons.map((p) => p.id));
  }
  void admin;

  // Every role, by session and by token, bound where the role needs it; and nobody.
  const bindings: [Role, { facility?: string; wilayah?: string }][] = [
    ['admin', {}],
    ['command', {}],
    ['manager', { facility: balai.id }],
    ['intake', { facility: tps.id }],
    ['satpol', { wilayah: '31.71' }],
    ['display', {}],
  ];
  for (const [role, b] of bindings) {
    const u = await makeUser(db, role, { facilityId: b.facility ?? null, wilayahCode: b.wilayah ?? null });
    const browser: Browser = await signedIn(app, u.username, u.password);
    callers.push({
      name: `${role}/session`,
      send: (o, csrf) => app.inject({ ...o, headers: { ...(o.headers as object), cookie: browser.cookieHeader, ...(csrf ? { 'x-csrf-token': browser.csrf } : {}) } }),
    });
    const token = await makeToken(db, role, b);
    callers.push({ name: `${role}/token`, send: (o) => app.inject({ ...o, headers: { ...(o.headers as object), authorization: `Bearer ${token}` } }) });
  }
  callers.push({ name: 'anonymous', send: (o) => app.inject(o) });
}, 60_000);
afterAll(async () => app.close());

// ---- arbitraries (built once the world's ids exist) ----
function arbitraries() {
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...MARKUP) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '', ' ', '0', '-1', '1.5', '1e309', 'NaN', 'null', 'true', '[]', '{}', '../../etc/passwd', '%00', '\u0000', '\uFEFF', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ﷺ',
      '31.71', '3171', '31', '99.99', 'TPS', 'BALAI', 'OPEN', 'CLOSED', 'admin', 'P', 'L', 'on', '2026-13-45', '1970-01-01', '3171010101900001',
      "'; drop table persons; --", '=HYPERLINK("http://fz")', '${7*7}', '<%= it %>', '{{7*7}}', 'A'.repeat(300),
    ),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 3, arbitrary: fc.constantFrom(...ids) },
);
const idArb = () => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 2, arbitrary: hostileString });
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.dictionary(fc.constantFrom(...FIELDS), hostileString, { maxKeys: 5 }), { maxLength: 3 }) },
);
const bodyArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('form' as const), value: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })), { maxKeys: 8 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      type: fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1'),
      value: fc.oneof(hostileString, fc.constantFrom('{"a":', '[1,2', '"str"', '123', 'null', '{"__proto__":{"x":1}}', 'a=1&a=2&a[b]=3')),
    }),
  },
);
const requestArb = fc.record({
  route: fc.nat({ max: 10_000 }),
  caller: fc.nat({ max: 10_000 }),
  params: fc.array(idArb(), { minLength: 3, maxLength: 3 }),
  query: fc.dictionary(fc.constantFrom(...QUERY_KEYS), fc.oneof(hostileString, fc.array(hostileString, { maxLength: 2 })), { maxKeys: 4 }),
  body: bodyArb,
  csrf: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  idem: fc.option(fc.oneof(fc.constantFrom('fuzz-key-000001', 'fuzz-key-000002'), hostileString), { freq: 4 }),
  htmx: fc.boolean(),
});
return requestArb;
}

function form(value: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) for (const item of Array.isArray(v) ? v : [v]) p.append(k, String(item));
  return p.toString();
}

describe(`fuzz: ${RUNS} hostile requests over every route and form`, () => {
  it('never answers 500, changes nothing when it refuses, and never renders injected markup', async () => {
    expect(routes.length).toBeGreaterThan(50);
    const samples = fc.sample(arbitraries(), { numRuns: RUNS, seed: SEED });
    const findings: string[] = [];
    const statuses = new Map<number, number>();
    const perCaller = new Map<string, number>();
    const routesHit = new Set<string>();
    const apiRoutes = routes.filter((r) => r.url.startsWith('/api/'));
    const cheap = routes.filter((r) => !/\.(xlsx|csv)$/.test(r.url));
    const weighted = [...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...cheap, ...routes.filter((r) => /\.(xlsx|csv)$/.test(r.url))];
    const cpu0 = process.cpuUsage();
    const wall0 = Date.now();
    let before = await checksum();
    let changes = await totalChanges();
    for (const s of samples) {
      const caller = callers[s.caller % callers.length]!;
      // Tokens open the API only (a page answers them 401 in one line): they are aimed at the API. Spreadsheet
      // exports cost a workbook each: they are aimed at a tenth as often as the rest.
      const pool = caller.name.endsWith('/token') ? apiRoutes : weighted;
      const route = pool[s.route % pool.length]!;
      let i = 0;
      const path = route.url.replace(/:[a-zA-Z]+/g, () => encodeURIComponent(String(s.params[i++ % s.params.length])));
      const qs = form(s.query);
      const o: InjectOptions = { method: route.method as InjectOptions['method'], url: qs ? `${path}?${qs}` : path, headers: {} };
      const headers = o.headers as Record<string, string>;
      if (s.htmx) headers['hx-request'] = 'true';
      if (s.idem !== null) headers['idempotency-key'] = String(s.idem).slice(0, 200).replace(/[^\x20-\x7e]/g, '');
      if (route.method === 'POST' || route.method === 'PATCH') {
        if (s.body.kind === 'json') {
          headers['content-type'] = 'application/json';
          o.payload = JSON.stringify(s.body.value);
        } else if (s.body.kind === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          o.payload = form(s.body.value);
        } else {
          headers['content-type'] = s.body.type;
          o.payload = String(s.body.value);
        }
      }
      const res = await caller.send(o, s.csrf);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      perCaller.set(caller.name, (perCaller.get(caller.name) ?? 0) + 1);
      routesHit.add(`${route.method} ${route.url}`);
      const what = `${caller.name} ${route.method} ${String(o.url).slice(0, 160)} (${String(o.payload ?? '').slice(0, 160)})`;
      if (res.statusCode >= 500) findings.push(`${res.statusCode}: ${what}`);
      const nowChanges = await totalChanges();
      const after = nowChanges === changes ? before : await checksum();
      changes = nowChanges;
      if (res.statusCode >= 400 && after !== before) findings.push(`refused ${res.statusCode} but rows changed: ${what}`);
      before = after;
      if (String(res.headers['content-type'] ?? '').startsWith('text/html')) {
        const raw = RAW_MARKUP.find((re) => re.test(res.body));
        if (raw) findings.push(`unescaped ${raw}: ${what}`);
      }
    }
    const cpu = process.cpuUsage(cpu0);
    const summary = {
      requests: samples.length,
      seed: SEED,
      routes: `${routesHit.size} of ${routes.length}`,
      callers: [...perCaller.keys()].length,
      statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      findings: findings.length,
      cpu_seconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      wall_seconds: Math.round((Date.now() - wall0) / 100) / 10,
    };
    console.log(`fuzz summary ${JSON.stringify(summary)}`);
    expect(findings.slice(0, 20)).toEqual([]);
  }, 600_000);
});

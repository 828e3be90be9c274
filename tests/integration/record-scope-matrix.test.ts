import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { alerts, handoffPersons, handoffs, referralPersons, referrals } from '../../src/db/schema/index.ts';
import { nowIso } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser, type Call } from '../helpers/session.ts';

/**
 * The access matrix, record × scope (issue 11): for every route that takes an
 * id, the ids of records at another facility (same kab/kota), in another
 * wilayah, and at a protected facility, asked by every scoped role (a
 * facility's manager and intake, a Satpol PP unit of one wilayah). Each is
 * answered as not found, and a refused write changes nothing in the database.
 *
 * The routes are read from the app itself: a new route with an id in its path
 * and no row here (or no reason in WIDE_ONLY) fails the first test.
 *
 * Where "not found" would be untrue, the row says so: a facility that is not
 * protected is public knowledge (its free places are what Satpol PP and
 * other desks need), so reading it is 200 and changing it is 403; Satpol PP
 * see handoffs of their own wilayah.
 */

type Scope = 'other' | 'far' | 'protected';
type ScopedRole = 'manager' | 'intake' | 'satpol';
type Method = 'GET' | 'POST' | 'PATCH';

interface Place {
  facilityId: string;
  unitId: string;
  personId: string;
  stayId: string;
  referralId: string;
  handoffId: string;
  lineId: string;
  alertId: string;
}

interface Row {
  method: Method;
  /** The route as Fastify knows it. */
  route: string;
  url: (p: Place, home: Place) => string;
  body?: (p: Place, home: Place) => Record<string, unknown>;
  roles: readonly ScopedRole[];
  /** The expected status; 404 unless told. */
  expect?: (scope: Scope, role: ScopedRole) => number;
}

const NAMES = ['', 'Ahmad Fauzi', 'Wahyu Nugroho', 'Rudi Hartono', 'Dedi Kurniawan'];
const DESK: readonly ScopedRole[] = ['manager', 'intake'];
const publicFacility = (ok: number) => (scope: Scope) => (scope === 'protected' ? 404 : ok);
const satpolOwnWilayah = (scope: Scope, role: ScopedRole) => (role === 'satpol' && scope === 'other' ? 200 : 404);

/** The case's writes, by path step; bodies valid so that only scope can refuse them. */
const CASE_CHANGES: { step: string; path: string; body: () => Record<string, unknown> }[] = [
  { step: 'assign', path: 'assign', body: () => ({ pendamping_id: 'x' }) },
  { step: 'assessment', path: 'assessment', body: () => ({ needs: 'makan', wishes: 'pulang' }) },
  { step: 'cluster', path: 'cluster', body: () => ({ cluster: 'lansia', reason: 'usia' }) },
  { step: 'plan', path: 'plan', body: () => ({ items: [{ menu: 'bantuan', service: 'KTP', goal: 'punya NIK' }] }) },
  { step: 'services', path: 'services', body: () => ({ menu: 'bantuan', service: 'makan' }) },
  { step: 'follow-ups', path: 'follow-ups', body: () => ({ due: '2026-12-10', kind: 'visit' }) },
  { step: 'follow-ups/:fid/done', path: 'follow-ups/00000000-0000-0000-0000-000000000000/done', body: () => ({ outcome: 'done' }) },
  { step: 'dtks-proposal', path: 'dtks-proposal', body: () => ({}) },
  { step: 'dtks-check', path: 'dtks-check', body: () => ({ outcome: 'no' }) },
];

const PAGE_ROWS: Row[] = [
  { method: 'GET', route: '/residents/:id', url: (p) => `/residents/${p.personId}`, roles: DESK },
  { method: 'GET', route: '/residents/:id/edit', url: (p) => `/residents/${p.personId}/edit`, roles: DESK },
  { method: 'POST', route: '/residents/:id/edit', url: (p) => `/residents/${p.personId}/edit`, body: () => ({ version: '1', phone: '081234567890' }), roles: DESK },
  { method: 'POST', route: '/residents/:id/reveal-nik', url: (p) => `/residents/${p.personId}/reveal-nik`, roles: DESK },
  { method: 'GET', route: '/residents/:id/card', url: (p) => `/residents/${p.personId}/card`, roles: DESK },
  { method: 'POST', route: '/residents/:id/merge', url: (p) => `/residents/${p.personId}/merge`, body: (_p, h) => ({ other: h.personId }), roles: ['manager'] },
  { method: 'GET', route: '/residents/:id/suggestions', url: (p) => `/residents/${p.personId}/suggestions`, roles: DESK },
  { method: 'POST', route: '/stays/:id/discharge', url: (p) => `/stays/${p.stayId}/discharge`, body: () => ({ outcome: 'left' }), roles: DESK },
  { method: 'GET', route: '/stays/:id/transfer', url: (p) => `/stays/${p.stayId}/transfer`, roles: DESK },
  { method: 'GET', route: '/stays/:id/handover', url: (p) => `/stays/${p.stayId}/handover`, roles: DESK },
  { method: 'POST', route: '/stays/:id/transfer', url: (p) => `/stays/${p.stayId}/transfer`, body: (p) => ({ facility_id: p.facilityId, unit_id: p.unitId }), roles: DESK },
  ...(['accept', 'refuse'] as const).map((step): Row => ({
    method: 'POST',
    route: `/referrals/:id/${step}`,
    url: (p) => `/referrals/${p.referralId}/${step}`,
    body: () => ({ reason: 'penuh', version: '1' }),
    roles: ['manager'],
  })),
  ...(['depart', 'arrive', 'cancel'] as const).map((step): Row => ({
    method: 'POST',
    route: `/referrals/:id/${step}`,
    url: (p) => `/referrals/${p.referralId}/${step}`,
    body: () => ({ reason: 'batal', version: '1' }),
    roles: DESK,
  })),
  { method: 'GET', route: '/handoffs/:id', url: (p) => `/handoffs/${p.handoffId}`, roles: ['manager', 'intake', 'satpol'], expect: satpolOwnWilayah },
  { method: 'GET', route: '/handoffs/:id/bast', url: (p) => `/handoffs/${p.handoffId}/bast`, roles: ['manager', 'intake', 'satpol'], expect: satpolOwnWilayah },
  { method: 'GET', route: '/handoffs/:id/persons/:pid/receive', url: (p) => `/handoffs/${p.handoffId}/persons/${p.lineId}/receive`, roles: DESK },
  {
    method: 'POST',
    route: '/handoffs/:id/persons/:pid/receive',
    url: (p) => `/handoffs/${p.handoffId}/persons/${p.lineId}/receive`,
    body: (_p, h) => ({ person_id: h.personId }),
    roles: DESK,
  },
  { method: 'GET', route: '/handoffs/:id/groups/:group/receive', url: (p) => `/handoffs/${p.handoffId}/groups/A/receive`, roles: DESK },
  { method: 'POST', route: '/handoffs/:id/groups/:group/receive', url: (p) => `/handoffs/${p.handoffId}/groups/A/receive`, body: () => ({}), roles: DESK },
  {
    method: 'POST',
    route: '/handoffs/:id/persons/:pid/not-received',
    url: (p) => `/handoffs/${p.handoffId}/persons/${p.lineId}/not-received`,
    body: () => ({ reason: 'kabur' }),
    roles: DESK,
  },
  { method: 'GET', route: '/facilities/:id', url: (p) => `/facilities/${p.facilityId}`, roles: ['manager', 'intake', 'satpol'], expect: publicFacility(200) },
  { method: 'POST', route: '/facilities/:id/status', url: (p) => `/facilities/${p.facilityId}/status`, body: () => ({ status: 'CLOSED' }), roles: ['manager'], expect: publicFacility(403) },
  {
    method: 'POST',
    route: '/facilities/:id/units',
    url: (p) => `/facilities/${p.facilityId}/units`,
    body: () => ({ name: 'Unit Baru', capacity: '5', admits: 'any' }),
    roles: ['manager'],
    expect: publicFacility(403),
  },
  {
    method: 'POST',
    route: '/facilities/:id/units/:unitId',
    url: (p) => `/facilities/${p.facilityId}/units/${p.unitId}`,
    body: () => ({ capacity: '1', version: '1' }),
    roles: ['manager'],
    expect: publicFacility(403),
  },
  { method: 'POST', route: '/residents/:id/household/add', url: (p) => `/residents/${p.personId}/household/add`, body: (_p, h) => ({ member_id: h.personId, reason: 'keluarga' }), roles: DESK },
  { method: 'POST', route: '/residents/:id/birth', url: (p) => `/residents/${p.personId}/birth`, body: () => ({ sex: 'P', born_at: new Date(Date.now() - 3_600_000).toISOString() }), roles: DESK },
  { method: 'POST', route: '/residents/:id/household/remove', url: (p) => `/residents/${p.personId}/household/remove`, body: (_p, h) => ({ member_id: h.personId, reason: 'bukan keluarga' }), roles: DESK },
  // Case work (issue 15): the id is the person's; a desk reads, a manager changes.
  { method: 'GET', route: '/cases/:id', url: (p) => `/cases/${p.personId}`, roles: DESK },
  // The person page's htmx slot: nothing to show is 204, the same for a hidden and a missing case.
  { method: 'GET', route: '/cases/:id/summary', url: (p) => `/cases/${p.personId}/summary`, roles: DESK, expect: () => 204 },
  ...CASE_CHANGES.map((c): Row => ({ method: 'POST', route: `/cases/:id/${c.step}`, url: (p) => `/cases/${p.personId}/${c.path}`, body: c.body, roles: ['manager'] })),
];

const API_ROWS: Row[] = [
  { method: 'GET', route: '/api/v1/residents/:id', url: (p) => `/api/v1/residents/${p.personId}`, roles: DESK },
  { method: 'PATCH', route: '/api/v1/residents/:id', url: (p) => `/api/v1/residents/${p.personId}`, body: () => ({ version: 1, phone: '081234567890' }), roles: DESK },
  { method: 'POST', route: '/api/v1/residents/:id/reveal-nik', url: (p) => `/api/v1/residents/${p.personId}/reveal-nik`, body: () => ({}), roles: DESK },
  { method: 'POST', route: '/api/v1/residents/:id/birth', url: (p) => `/api/v1/residents/${p.personId}/birth`, body: () => ({ sex: 'P', born_at: new Date(Date.now() - 3_600_000).toISOString() }), roles: DESK },
  { method: 'POST', route: '/api/v1/residents/:id/merge', url: (p) => `/api/v1/residents/${p.personId}/merge`, body: (_p, h) => ({ other: h.personId }), roles: ['manager'] },
  { method: 'POST', route: '/api/v1/stays/:id/discharge', url: (p) => `/api/v1/stays/${p.stayId}/discharge`, body: () => ({ outcome: 'left' }), roles: DESK },
  { method: 'POST', route: '/api/v1/stays/:id/transfer', url: (p) => `/api/v1/stays/${p.stayId}/transfer`, body: (p) => ({ facility_id: p.facilityId, unit_id: p.unitId }), roles: DESK },
  { method: 'GET', route: '/api/v1/referrals/:id', url: (p) => `/api/v1/referrals/${p.referralId}`, roles: DESK },
  ...(['accept', 'refuse'] as const).map((step): Row => ({
    method: 'POST',
    route: `/api/v1/referrals/:id/${step}`,
    url: (p) => `/api/v1/referrals/${p.referralId}/${step}`,
    // Each step's own fields only: a field a step does not know is a 422 of its own (api-door.test.ts).
    body: () => (step === 'refuse' ? { reason: 'penuh' } : {}),
    roles: ['manager'],
  })),
  ...(['depart', 'arrive', 'cancel'] as const).map((step): Row => ({
    method: 'POST',
    route: `/api/v1/referrals/:id/${step}`,
    url: (p) => `/api/v1/referrals/${p.referralId}/${step}`,
    body: () => (step === 'cancel' ? { reason: 'batal' } : {}),
    roles: DESK,
  })),
  { method: 'GET', route: '/api/v1/handoffs/:id', url: (p) => `/api/v1/handoffs/${p.handoffId}`, roles: ['manager', 'intake', 'satpol'], expect: satpolOwnWilayah },
  {
    method: 'POST',
    route: '/api/v1/handoffs/:id/persons/:pid/receive',
    url: (p) => `/api/v1/handoffs/${p.handoffId}/persons/${p.lineId}/receive`,
    body: (_p, h) => ({ person_id: h.personId }),
    roles: DESK,
  },
  {
    method: 'POST',
    route: '/api/v1/handoffs/:id/persons/:pid/not-received',
    url: (p) => `/api/v1/handoffs/${p.handoffId}/persons/${p.lineId}/not-received`,
    body: () => ({ reason: 'kabur' }),
    roles: DESK,
  },
  { method: 'GET', route: '/api/v1/facilities/:id', url: (p) => `/api/v1/facilities/${p.facilityId}`, roles: ['manager', 'intake', 'satpol'], expect: publicFacility(200) },
  { method: 'POST', route: '/api/v1/facilities/:id/status', url: (p) => `/api/v1/facilities/${p.facilityId}/status`, body: () => ({ status: 'CLOSED' }), roles: ['manager'], expect: publicFacility(403) },
  {
    method: 'POST',
    route: '/api/v1/facilities/:id/units',
    url: (p) => `/api/v1/facilities/${p.facilityId}/units`,
    body: () => ({ name: 'Unit Baru', capacity: 5, admits: 'any' }),
    roles: ['manager'],
    expect: publicFacility(403),
  },
  { method: 'GET', route: '/api/v1/units/:id', url: (p) => `/api/v1/units/${p.unitId}`, roles: ['manager', 'intake', 'satpol'], expect: publicFacility(200) },
  { method: 'PATCH', route: '/api/v1/units/:id', url: (p) => `/api/v1/units/${p.unitId}`, body: () => ({ capacity: 1, version: 1 }), roles: ['manager'], expect: publicFacility(403) },
  { method: 'POST', route: '/api/v1/residents/:id/household/members', url: (p) => `/api/v1/residents/${p.personId}/household/members`, body: (_p, h) => ({ member_id: h.personId, reason: 'keluarga' }), roles: DESK },
  {
    method: 'POST',
    route: '/api/v1/residents/:id/household/members/:mid/remove',
    url: (p, h) => `/api/v1/residents/${p.personId}/household/members/${h.personId}/remove`,
    body: () => ({ reason: 'bukan keluarga' }),
    roles: DESK,
  },
  { method: 'GET', route: '/api/v1/residents/:id/case', url: (p) => `/api/v1/residents/${p.personId}/case`, roles: DESK },
  ...CASE_CHANGES.map((c): Row => ({ method: 'POST', route: `/api/v1/residents/:id/case/${c.step}`, url: (p) => `/api/v1/residents/${p.personId}/case/${c.path}`, body: c.body, roles: ['manager'] })),
  // A named list, not a record: it answers, and holds nothing of the other places (checked below).
  { method: 'GET', route: '/api/v1/worklists/:name', url: () => '/api/v1/worklists/aid', roles: DESK, expect: () => 200 },
];

/** Ids carried in a query string or a body rather than the path: same rule, answered 404 or as an unknown field (422). */
const BODY_ROWS: Row[] = [
  { method: 'GET', route: '(query) /api/v1/routing', url: (p) => `/api/v1/routing?person_id=${p.personId}`, roles: DESK },
  { method: 'POST', route: '(body) /api/v1/stays', url: () => '/api/v1/stays', body: (p) => ({ person_id: p.personId }), roles: DESK },
  { method: 'POST', route: '(body) /api/v1/referrals', url: () => '/api/v1/referrals', body: (p, h) => ({ person_id: p.personId, to_facility_id: h.facilityId, reason: 'x' }), roles: DESK },
  {
    method: 'POST',
    route: '(body) /api/v1/residents same_as',
    url: () => '/api/v1/residents',
    body: (p) => ({ persons: [{ name: 'Penyusup', sex: 'L', same_as: p.personId }] }),
    roles: DESK,
    expect: () => 422,
  },
  {
    method: 'POST',
    route: '(body) /api/v1/residents/:id/merge other',
    url: (_p, h) => `/api/v1/residents/${h.personId}/merge`,
    body: (p) => ({ other: p.personId }),
    roles: ['manager'],
  },
];

/** Routes with an id that no scoped role may call at all (their role check is the boundary: 403). */
const WIDE_ONLY: Record<string, string> = {
  'POST /residents/:id/anonymise': 'admin only',
  'POST /api/v1/residents/:id/anonymise': 'admin only',
  'POST /referrals/alerts/:id/resolve': 'command centre and admin only',
  'POST /api/v1/alerts/:id/resolve': 'command centre and admin only',
  'GET /facilities/:id/edit': 'admin only',
  'POST /facilities/:id/edit': 'admin only',
  'PATCH /api/v1/facilities/:id': 'admin only',
  'POST /admin/users/:id/disable': 'admin only',
  'POST /admin/users/:id/enable': 'admin only',
  'POST /admin/users/:id/reset': 'admin only',
  'POST /admin/tokens/:id/revoke': 'admin only',
};

/** Every METHOD /path the app serves, read from Fastify's own route tree. */
function routesOf(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│]*)[└├]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    const seg = m[2]!;
    const path = parent === '' ? seg : seg.startsWith('/') ? `${parent === '/' ? '' : parent}${seg}` : `${parent.endsWith('/') ? parent : `${parent}/`}${seg}`;
    stack.push({ depth, path });
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}

/** Every table's rows, hashed: what a refused write must leave as it was. Sessions and the audit of reads are not the record. */
async function snapshot(db: Db): Promise<Record<string, string>> {
  const tables = (
    await db.all<{ name: string }>(
      db.$engine.kind === 'postgres'
        ? sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('sessions')`
        : sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%_fts%' and name not in ('sessions', '__drizzle_migrations')`,
    )
  ).map((t) => t.name);
  const hashes: Record<string, string> = {};
  for (const t of tables) hashes[t] = createHash('sha256').update(JSON.stringify(await db.all(sql.raw(`select * from "${t}" order by rowid`)))).digest('hex');
  return hashes;
}

describe('access matrix: record × scope', () => {
  let app: FastifyInstance;
  let db: Db;
  const places = {} as Record<Scope | 'home', Place>;
  const pages = new Map<ScopedRole, Browser>();
  const api = new Map<ScopedRole, Call>();

  async function makePlace(o: { wilayah: string; protected?: boolean; kind?: 'TPS' | 'BALAI' }, command: Call, n: number): Promise<Place> {
    const f = await makeFacility(db, { kind: o.kind ?? 'TPS', wilayahCode: o.wilayah, protected: o.protected ?? false });
    const u = await makeUnit(db, f.id, { capacity: 10 });
    await makeUnit(db, f.id, { capacity: 10 });
    const made = await command('POST', '/api/v1/residents', { persons: [{ name: NAMES[n]!, sex: 'L', estimated_age: 30 + n, nik: `317101010180000${n}` }], facility_id: f.id, confirm_new: true });
    expect(made.statusCode).toBe(201);
    const personId = made.json().persons[0].id as string;
    const stay = await command('POST', '/api/v1/stays', { person_id: personId, facility_id: f.id, unit_id: u.id });
    expect(stay.statusCode).toBe(201);
    const handoffId = randomUUID();
    const lineId = randomUUID();
    const alertId = randomUUID();
    await write(db, async (tx) => {
      await tx
        .insert(handoffs)
        .values({ id: handoffId, number: `HO-TEST-${n}-${randomUUID().slice(0, 6)}`, operationNumber: `OP-${n}`, operationAt: nowIso(), place: 'Jalan', wilayahCode: o.wilayah, leaderName: 'Komandan', facilityId: f.id, createdAt: nowIso() })
        .run();
      await tx.insert(handoffPersons).values({ id: lineId, handoffId, seq: 1, sex: 'L', approxAge: 40, groupLabel: 'A' }).run();
      await tx.insert(alerts).values({ id: alertId, kind: 'nothing_fits', facilityId: f.id, subjectType: 'person', subjectId: personId, message: 'x', raisedAt: nowIso() }).run();
    });
    return { facilityId: f.id, unitId: u.id, personId, stayId: stay.json().stays[0].id, referralId: '', handoffId, lineId, alertId };
  }

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const command = bearer(app, await makeToken(db, 'command'));
    places.home = await makePlace({ wilayah: '31.71' }, command, 1);
    places.other = await makePlace({ wilayah: '31.71' }, command, 2);
    places.far = await makePlace({ wilayah: '31.74' }, command, 3);
    places.protected = await makePlace({ wilayah: '31.75', protected: true, kind: 'BALAI' }, command, 4);
    // A referral from each place to the next one that is not home: neither end is the home facility.
    const ends: [Scope, string][] = [
      ['other', places.far.facilityId],
      ['far', places.other.facilityId],
      ['protected', places.far.facilityId],
    ];
    for (const [scope, to] of ends) {
      const id = randomUUID();
      await write(db, async (tx) => {
        await tx.insert(referrals).values({ id, fromFacilityId: places[scope].facilityId, toFacilityId: to, reason: 'uji', status: 'ACCEPTED', places: 1, proposedAt: nowIso(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() }).run();
        await tx.insert(referralPersons).values({ referralId: id, personId: places[scope].personId }).run();
      });
      places[scope].referralId = id;
    }
    for (const role of ['manager', 'intake', 'satpol'] as const) {
      const binding = role === 'satpol' ? { wilayahCode: '31.71' } : { facilityId: places.home.facilityId };
      const user = await makeUser(db, role, binding);
      pages.set(role, await signedIn(app, user.username, user.password));
      api.set(role, bearer(app, await makeToken(db, role, role === 'satpol' ? { wilayah: '31.71' } : { facility: places.home.facilityId })));
    }
  });
  afterAll(async () => app.close());

  it('has a row (or a reason) for every route of the app that takes an id', () => {
    const covered = new Set([...PAGE_ROWS, ...API_ROWS].map((r) => `${r.method} ${r.route}`));
    const idRoutes = routesOf(app).filter((r) => r.includes('/:'));
    expect(idRoutes.length).toBeGreaterThan(40);
    const missing = idRoutes.filter((r) => !covered.has(r) && !(r in WIDE_ONLY));
    expect(missing).toEqual([]);
    // And no row names a route the app no longer has.
    const known = new Set(idRoutes);
    expect([...covered, ...Object.keys(WIDE_ONLY)].filter((r) => !known.has(r))).toEqual([]);
  });

  it.each(Object.keys(WIDE_ONLY))('%s is refused to every scoped role', async (key) => {
    const [method, route] = key.split(' ') as [Method, string];
    const url = route.replace(/:\w+/g, places.protected.facilityId);
    for (const role of ['manager', 'intake', 'satpol'] as const) {
      const res = url.startsWith('/api/')
        ? await api.get(role)!(method, url, method === 'GET' ? undefined : {})
        : method === 'GET'
          ? await pages.get(role)!.get(url)
          : await pages.get(role)!.post(url, {});
      expect(res.statusCode, `${role} ${key}`).toBe(403);
    }
  });

  const call = async (row: Row, role: ScopedRole, p: Place): Promise<LightMyRequestResponse> => {
    const url = row.url(p, places.home);
    const body = row.body?.(p, places.home);
    if (url.startsWith('/api/')) return api.get(role)!(row.method, url, row.method === 'GET' ? undefined : (body ?? {}));
    const b = pages.get(role)!;
    if (row.method === 'GET') return await b.get(url);
    const form = Object.fromEntries(Object.entries({ ...(body ?? {}), idempotency_key: randomUUID() }).map(([k, v]) => [k, String(v)]));
    return await b.post(url, form);
  };

  for (const row of [...PAGE_ROWS, ...API_ROWS, ...BODY_ROWS]) {
    for (const scope of ['other', 'far', 'protected'] as const) {
      for (const role of row.roles) {
        const status = row.expect?.(scope, role) ?? 404;
        it(`${row.method} ${row.route} · ${scope} record · ${role} → ${status}`, async () => {
          const before = await snapshot(db);
          const res = await call(row, role, places[scope]);
          if (row.route.startsWith('(body)') && status === 404) expect([404, 422], res.body.slice(0, 300)).toContain(res.statusCode);
          else expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
          if (res.statusCode >= 400) expect(await snapshot(db)).toEqual(before);
          // Nothing of a protected place is named in the answer.
          if (scope === 'protected') {
            const p = places.protected;
            for (const secret of [p.facilityId, p.unitId, p.personId, NAMES[4]!]) expect(res.body).not.toContain(secret);
          }
        });
      }
    }
  }

  /** The pages' live socket: a region about a record out of scope is refused before the upgrade. */
  const REGIONS: { region: string; id: (p: Place) => string; roles: readonly ScopedRole[]; expect?: (scope: Scope, role: ScopedRole) => 'open' | 'refused' }[] = [
    { region: 'handoff', id: (p) => p.handoffId, roles: ['manager', 'intake', 'satpol'], expect: (scope, role) => (role === 'satpol' && scope === 'other' ? 'open' : 'refused') },
    { region: 'facility', id: (p) => p.facilityId, roles: ['manager', 'intake', 'satpol'], expect: (scope) => (scope === 'protected' ? 'refused' : 'open') },
    { region: 'desk', id: (p) => p.facilityId, roles: DESK, expect: (scope) => (scope === 'protected' ? 'refused' : 'open') },
  ];
  for (const r of REGIONS) {
    for (const scope of ['other', 'far', 'protected'] as const) {
      for (const role of r.roles) {
        const want = r.expect?.(scope, role) ?? 'refused';
        it(`/live/html?region=${r.region} · ${scope} record · ${role} → ${want}`, async () => {
          const b = pages.get(role)!;
          const url = `/live/html?region=${r.region}&id=${r.id(places[scope])}`;
          const opened = await app
            .injectWS(url, { headers: { cookie: b.cookieHeader, origin: 'http://example.test', host: 'example.test' } })
            .then((ws) => {
              ws.terminate();
              return 'open' as const;
            })
            .catch((err: Error) => {
              // Refused as not found, like the pages: the record's existence is not confirmed.
              expect(err.message).toMatch(/\b404\b/);
              return 'refused' as const;
            });
          expect(opened).toBe(want);
        });
      }
    }
  }
});

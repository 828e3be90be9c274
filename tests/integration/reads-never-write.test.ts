import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { write, type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { expireReferrals } from '../../src/domain/referrals/expire.ts';
import { raiseNothingFits } from '../../src/domain/referrals/route-person.ts';
import type { Role } from '../../src/db/schema/index.ts';
import { TEST_ENGINE, makeTestAppWithRoutes, type RegisteredRoute } from '../helpers/app.ts';
import { makeToken, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';

/**
 * Reads never write (issue 25): every GET route the app declares (enumerated
 * with the app's onRoute hook, so a new page is covered without touching this
 * file), asked by every role over the demo data, leaves every table as it was:
 * its row count and a hash of its rows.
 *
 * Left out, each for a reason (nothing else is):
 * - `sessions`: a signed-in page slides its session's expiry (the session is
 *   the visit's bookkeeping, not the record);
 * - `api_tokens.last_used_at`: a token's last use, written at most once a
 *   minute (what an administrator needs to retire unused tokens);
 * - `audit_events` rows that record a read (READ_AUDIT): who opened a
 *   person's record or case, or exported the DTKS list, is kept on purpose
 *   (access to personal data is accountable). Every other audit row is watched;
 * - the two sockets (a live connection, covered by the live tests) and /static.
 * The jobs' timers are held (setInterval is faked before the app starts), so
 * only the requests themselves could write; what the jobs would have done is
 * done before the first request.
 */
const EXCLUDED_TABLES = ['sessions'];
const READ_AUDIT = ['person.read', 'case.read', 'worklist.dtks_export'];
/** The rows of a table that count as the record. */
const rowsOf = (t: string) =>
  t === 'audit_events'
    ? `select * from audit_events where action not in (${READ_AUDIT.map((a) => `'${a}'`).join(', ')})`
    : `select * from "${t}"`;
const withoutBookkeeping = (t: string, r: Record<string, unknown>) => (t === 'api_tokens' ? { ...r, last_used_at: null } : r);
const SKIP = new Set(['/api/v1/live', '/live/html']);

type Snapshot = Map<string, { rows: number; hash: string }>;

async function tablesOf(db: Db): Promise<string[]> {
  return (
    await db.all<{ name: string }>(
      db.$engine.kind === 'postgres'
        ? sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
        : sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%_fts_%'`,
    )
  )
    .map((t) => t.name)
    .filter((t) => !EXCLUDED_TABLES.includes(t))
    .sort();
}

async function snapshot(db: Db, tables: string[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const t of tables) {
    // Rows in a fixed order on both engines: every column, as text.
    const rows = await db.all<Record<string, unknown>>(sql.raw(rowsOf(t)));
    const lines = rows.map((r) => JSON.stringify(withoutBookkeeping(t, r))).sort();
    out.set(t, { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') });
  }
  return out;
}

function changed(a: Snapshot, b: Snapshot): string[] {
  return [...a.keys()].filter((t) => a.get(t)!.rows !== b.get(t)!.rows || a.get(t)!.hash !== b.get(t)!.hash);
}

/** Has anything been written since last asked? Cheap, so the full snapshot is taken only when it moved. */
async function changeMark(db: Db): Promise<string | number> {
  return TEST_ENGINE === 'postgres'
    ? (await db.get<{ n: string }>(sql`select pg_current_wal_insert_lsn()::text as n`))!.n
    : (await write(db, async (tx) => await tx.get<{ n: number }>(sql`select total_changes() as n`)))!.n;
}

let app: FastifyInstance;
let db: Db;
const routes: string[] = [];

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  let registered: RegisteredRoute[];
  ({ app, db, routes: registered } = await makeTestAppWithRoutes((db) => seedDemo(db)));
  for (const r of registered) if (r.method === 'GET' && !r.websocket && !r.url.startsWith('/static') && !SKIP.has(r.url)) routes.push(r.url);
}, 120_000);

afterAll(async () => {
  await app?.close();
  vi.useRealTimers();
});

describe('reads never write', () => {
  it('every GET page and API route, for every role, leaves every table as it was', async () => {
    expect(routes.length).toBeGreaterThan(80);
    const one = async <T>(q: string) => (await db.get<T>(sql.raw(q)))!;
    const tps = await one<{ id: string }>(`select id from facilities where code = 'TPS-JP-01'`);
    const balai = await one<{ id: string }>(`select id from facilities where code = 'BLS-JS-01'`);
    // What the jobs would do, done now: holds due expire; alerts already due are raised.
    await expireReferrals(db);
    for (let i = 0; i < 20 && (await raiseNothingFits(db)).length; i++);
    const intakeToken = await makeToken(db, 'intake', { facility: tps.id });
    // Someone nothing fits as the desk sees it (a man trafficked: only a protected home, which the desk may not
    // see, could take him), registered after the job looked: the pages that show their suggestions must say so, and
    // must not raise the alert themselves.
    const reg = await bearer(app, intakeToken)('POST', '/api/v1/residents', {
      persons: [{ name: 'Andi Baca', sex: 'L', estimated_age: 24, trafficking_victim: true }],
      confirm_new: true,
    });
    expect(reg.statusCode).toBe(201);
    const personId = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    expect((await bearer(app, intakeToken)('GET', `/api/v1/routing?person_id=${personId}`)).json()).toMatchObject({ nothing_fits: true, alert_id: null });

    const stay = await one<{ id: string }>(`select s.id from stays s where s.facility_id = '${tps.id}' and s.checked_out_at is null order by s.id limit 1`);
    const unit = await one<{ id: string }>(`select id from units where facility_id = '${tps.id}' order by id limit 1`);
    const handoff = await one<{ id: string; pid: string }>(
      `select h.id, hp.id as pid from handoffs h join handoff_persons hp on hp.handoff_id = h.id where h.facility_id = '${tps.id}' order by h.status = 'OPEN' desc, hp.status = 'PENDING' desc, h.id limit 1`,
    );
    const referral = await one<{ id: string }>(`select id from referrals order by id limit 1`);
    const kase = await db.get<{ id: string; person_id: string }>(sql`select id, person_id from cases order by id limit 1`);
    const someUser = await one<{ id: string }>(`select id from users order by id limit 1`);
    const param = (url: string, name: string): string => {
      if (name === 'pid') return handoff.pid;
      if (name === 'name') return 'follow-ups';
      if (/^\/(api\/v1\/)?residents\//.test(url)) return url.endsWith('/case') && kase ? kase.person_id : personId;
      if (/^\/(api\/v1\/)?facilities\//.test(url)) return tps.id;
      if (/^\/(api\/v1\/)?handoffs\//.test(url)) return handoff.id;
      if (/^\/(api\/v1\/)?referrals\//.test(url)) return referral.id;
      if (/^\/(api\/v1\/)?cases\//.test(url)) return kase?.id ?? personId;
      if (url.startsWith('/stays/')) return stay.id;
      if (url.startsWith('/api/v1/units/')) return unit.id;
      if (url.startsWith('/admin/')) return someUser.id;
      return personId;
    };
    const QUERY: Record<string, string[]> = {
      '/api/v1/routing': [`person_id=${personId}`, `person_id=${personId}&alone=1`],
      '/intake/check-in': [`p=${personId}`, ''],
      '/residents/:id/suggestions': ['', 'alone=1&all=1'],
      '/residents': ['', 'q=Andi'],
      '/api/v1/residents': ['', 'q=Andi'],
      '/wilayah/options': ['q=semarang', 'persons.0.origin_wilayah_code=33.7'],
    };

    const roles: [Role, { facility?: string; wilayah?: string }][] = [
      ['admin', {}],
      ['command', {}],
      ['intake', { facility: tps.id }],
      ['manager', { facility: balai.id }],
      ['satpol', { wilayah: '31.71' }],
      ['pendamping', { wilayah: '31.71' }],
      ['display', {}],
    ];
    type Send = (url: string) => Promise<{ statusCode: number }>;
    const callers: { name: string; api: boolean; send: Send }[] = [];
    for (const [role, b] of roles) {
      const u = await makeUser(db, role, { facilityId: b.facility ?? null, wilayahCode: b.wilayah ?? null });
      const browser = await signedIn(app, u.username, u.password);
      callers.push({ name: `${role}/session`, api: false, send: (url) => browser.get(url) });
      const call = bearer(app, await makeToken(db, role, b));
      callers.push({ name: `${role}/token`, api: true, send: (url) => call('GET', url) });
    }
    callers.push({ name: 'anonymous', api: false, send: (url) => app.inject({ method: 'GET', url }) });

    const tables = await tablesOf(db);
    expect(tables).toContain('alerts');
    let before = await snapshot(db, tables);
    let mark = await changeMark(db);
    const findings: string[] = [];
    const ok = new Set<string>();
    let asked = 0;
    for (const route of routes) {
      const path = route.replace(/:([a-zA-Z]+)/g, (_m, name: string) => param(route, name));
      const spreadsheet = /\.(xlsx|csv)$/.test(route);
      for (const q of QUERY[route] ?? ['']) {
        const url = q ? `${path}?${q}` : path;
        // Tokens open the API; sessions the pages (and the API too). A spreadsheet costs a workbook: two callers.
        const who = callers.filter((c) => (spreadsheet ? c.name === 'command/session' || c.name === 'command/token' : !c.api || route.startsWith('/api/')));
        for (const c of who) {
          const res = await c.send(url);
          asked += 1;
          if (res.statusCode >= 500) findings.push(`${res.statusCode} ${c.name} GET ${url}`);
          if (res.statusCode === 200) ok.add(route);
          const now = await changeMark(db);
          if (now === mark) continue;
          mark = now;
          const after = await snapshot(db, tables);
          const diff = changed(before, after);
          if (diff.length) findings.push(`${c.name} GET ${url} wrote to ${diff.join(', ')}`);
          before = after;
        }
      }
    }
    expect(findings).toEqual([]);
    // The test reached the pages it guards: most routes answered someone 200, and the person's pages among them.
    expect(asked).toBeGreaterThan(400);
    expect(ok.size).toBeGreaterThan(routes.length * 0.8);
    for (const r of ['/residents/:id', '/residents/:id/suggestions', '/api/v1/routing', '/board', '/intake', '/handoffs/new']) expect(ok).toContain(r);
    // Nothing fits the person, the pages said so, and no alert was raised by looking.
    expect((await db.all(sql`select id from alerts where subject_id = ${personId}`)).length).toBe(0);
    // The job, the server's own act, raises it (its runs go round everyone waiting).
    for (let i = 0; i < 20 && !(await db.get(sql`select id from alerts where subject_id = ${personId}`)); i++) await raiseNothingFits(db);
    expect(await db.get<{ kind: string }>(sql`select kind from alerts where subject_id = ${personId}`)).toEqual({ kind: 'nothing_fits' });
  }, 300_000);
});

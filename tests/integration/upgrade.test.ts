import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, openDatabase, type Db } from '../../src/db/client.ts';
import { readJournal } from '../../src/db/migrations.ts';
import { makeFacility } from '../helpers/factories.ts';
import { TEST_ENGINE, openTestDatabase, testConfig } from '../helpers/app.ts';
import { PG_ADMIN_URL } from '../helpers/pg.ts';
import { bearer, signedIn } from '../helpers/session.ts';
import { DATA_MIGRATIONS, DERIVED_RULE_CHANGES, carryRenames, derivedChangeBreaks, mapAt, oldCodesLeft, withoutDerived } from '../fixtures/releases/data-migrations.ts';
import { readFacts, type Facts } from '../fixtures/releases/facts.ts';
import { schemaObjects } from '../fixtures/releases/schema.ts';

/**
 * Upgrades keep every record (issue 31). Each directory of
 * tests/fixtures/releases holding a fixture.json is a database an earlier
 * release made (its README says how): restored, upgraded by this code as an
 * office would (`npm run db:migrate`, then start), it must have the schema of
 * a fresh database and read, through the domain, what that release read.
 */
const RELEASES = resolve(import.meta.dirname, '../fixtures/releases');
const releases = readdirSync(RELEASES).filter((d) => existsSync(join(RELEASES, d, 'fixture.json'))).sort();
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

interface Fixture {
  commit: string;
  day: string;
  password: string;
  accounts: string[];
  engines: Record<'sqlite' | 'postgres', { database: string; facts: string; token: string }>;
}

/** A scratch PostgreSQL database made empty (no template, no migration). */
async function emptyPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `singgah_up_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
  const url = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${name}` }).toString();
  return { url, drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** `npm run db:migrate`, then a start, as the README's upgrade says; SQLite migrates at start. */
async function upgrade(target: string): Promise<Db> {
  const migrated = await openDatabase(target, { migrate: true });
  await migrated.$engine.close();
  return await openDatabase(target);
}

/**
 * Facts with every list in one order: what must survive is each record, not the order an engine
 * returns rows that tie (two services given at the same minute, PostgreSQL's unordered rows).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  return value;
}

/** The differences of two schemas, one line each (readable in a failure). */
function schemaDiff(got: Record<string, string>, want: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
  return keys.filter((k) => got[k] !== want[k]).map((k) => `${k}\n    upgraded: ${got[k] ?? '(missing)'}\n    fresh:    ${want[k] ?? '(missing)'}`);
}

/** For a block that upgrades `db` beside a `fresh` one: both closed and its scratch removed after it. */
function closedAfter(dbs: () => { db?: Db; fresh?: Db }, cleanup: (() => Promise<void>)[]): void {
  afterAll(async () => {
    const { db, fresh } = dbs();
    await db?.$engine.close();
    await fresh?.$engine.close();
    for (const c of cleanup) await c();
  });
}

describe.each(releases)('a database made by the release of %s', (release) => {
  const dir = join(RELEASES, release);
  const fixture = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Fixture;
  const made = fixture.engines[TEST_ENGINE];
  let db: Db;
  let fresh: Db;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const dump = gunzipSync(readFileSync(join(dir, made.database)));
    if (TEST_ENGINE === 'sqlite') {
      const file = join(scratch, `singgah-upgrade-${randomBytes(5).toString('hex')}.db`);
      writeFileSync(file, dump);
      cleanup.push(async () => {
        for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
      });
      db = await upgrade(file);
    } else {
      const target = await emptyPgDatabase();
      cleanup.push(target.drop);
      // pg_dump 15.14 and later guard a plain dump with \restrict, which an older psql does not know.
      const text = dump.toString('utf8').replace(/^\\(un)?restrict .*$/gm, '');
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.url], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
      db = await upgrade(target.url);
    }
    fresh = await openTestDatabase();
  }, 120_000);

  closedAfter(() => ({ db, fresh }), cleanup);

  it('has, once upgraded, the schema of a fresh database: every table, column, index, constraint and trigger', async () => {
    expect(schemaDiff(await schemaObjects(db), await schemaObjects(fresh))).toEqual([]);
  });

  it('keeps every account, token, person, stay, referral, handoff, case and facility, reading as that release read them', async () => {
    const expected = carryRenames(JSON.parse(gunzipSync(readFileSync(join(dir, made.facts))).toString('utf8')) as Facts);
    const got = await readFacts(db, fixture.day);
    // Part by part, so a failure names what was lost or changed. What a rule derives (not stores) and a
    // deliberate rule change altered is compared by the change's successors instead (DERIVED_RULE_CHANGES).
    for (const part of Object.keys(expected) as (keyof Facts)[]) expect(canonical({ [part]: withoutDerived(got)[part] })).toEqual(canonical({ [part]: withoutDerived(expected)[part] }));
    const byPerson = (f: Facts) => ({ ...f, cases: [...f.cases].sort((a, b) => a.person.localeCompare(b.person)) });
    for (const change of DERIVED_RULE_CHANGES) expect(derivedChangeBreaks(byPerson(expected), byPerson(got), change)).toEqual([]);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    expect(got.persons.length).toBeGreaterThan(100);
    expect(got.persons.filter((p) => p.sleeps).length).toBeGreaterThan(10);
    expect(got.persons.filter((p) => p.nik).length).toBeGreaterThan(10);
  }, 120_000);

  it('carries every renamed code to its new name (the data migrations list)', async () => {
    expect(oldCodesLeft(await readFacts(db, fixture.day))).toEqual([]);
  }, 120_000);

  it('gives every plan item carried by SQLite 0013 / PostgreSQL 0011 a status: in progress where a service of its menu was given after it was planned, else planned', async () => {
    const items = await db.all<{ status: string; worked: number | string }>(sql`
      select i.status, (select count(*) from case_services s where s.case_id = i.case_id and s.menu = i.menu and s.given_at >= i.created_at) as worked
      from case_plan_items i`);
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.status).toBe(Number(i.worked) > 0 ? 'in_progress' : 'planned');
    // Both kinds occur in the release's demo, so the rule is exercised both ways.
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(['planned', 'in_progress']));
  }, 120_000);

  it('lets every demo account sign in, and the API token made before the upgrade still answers on /api/v1', async () => {
    const app = await buildApp(testConfig(), { db, logger: false });
    try {
      await app.ready();
      for (const username of fixture.accounts) {
        const home = await (await signedIn(app, username, fixture.password)).get('/');
        // Each role's home (the wall display's is the board): never back to the login page.
        expect(home.statusCode, username).toBeLessThan(400);
        expect(String(home.headers.location ?? ''), username).not.toMatch(/login/);
      }
      const facilities = await bearer(app, made.token)('GET', '/api/v1/facilities');
      expect(facilities.statusCode).toBe(200);
      const expected = JSON.parse(gunzipSync(readFileSync(join(dir, made.facts))).toString('utf8')) as Facts;
      expect(JSON.stringify(facilities.json()).match(/"code":/g)?.length ?? 0).toBeGreaterThanOrEqual(expected.facilities.length);
      expect((await bearer(app, `${made.token.slice(0, -2)}xx`)('GET', '/api/v1/residents?q=x')).statusCode).toBe(401);
      // A person the release had, found by the token through the API by their resident code.
      const person = expected.persons.find((p) => p.name && p.sleeps && !p.merged_into)!;
      const found = await bearer(app, made.token)('GET', `/api/v1/residents?q=${encodeURIComponent(person.resident_code)}`);
      expect(found.statusCode).toBe(200);
      expect(found.body).toContain(person.resident_code);
      expect(found.body).toContain(JSON.stringify(person.name).slice(1, -1));
    } finally {
      await app.close();
    }
  }, 120_000);
});

describe('the data migrations list', () => {
  it('names migrations that exist, and carries a rename to every place it names', () => {
    for (const r of DATA_MIGRATIONS) {
      expect(readJournal(MIGRATIONS_FOLDER).entries.map((e) => e.tag)).toContain(r.migration.sqlite);
      expect(readJournal(PG_MIGRATIONS_FOLDER).entries.map((e) => e.tag)).toContain(r.migration.postgres);
    }
    const facts = { cases: [{ cluster: 'old', plan: [{ menu: 'old' }] }], facilities: [{ services: ['old', 'kept'] }] };
    const rename = (path: string) => ({ migration: { sqlite: '', postgres: '' }, rows: '', facts: path, renames: { old: 'new' } });
    const list = [rename('cases[].cluster'), rename('cases[].plan[].menu'), rename('facilities[].services[]')];
    expect(oldCodesLeft(facts, list)).toEqual(['cases[].cluster: old', 'cases[].plan[].menu: old', 'facilities[].services[]: old']);
    expect(carryRenames(facts, list)).toEqual({ cases: [{ cluster: 'new', plan: [{ menu: 'new' }] }], facilities: [{ services: ['new', 'kept'] }] });
    // A split: each row's own facts choose what the old code becomes, in its place.
    const split = { migration: { sqlite: '', postgres: '' }, rows: '', facts: 'facilities[].services[]', renames: {}, splits: { code: 'old', into: (row: Record<string, unknown>) => (row.code === 'A' ? ['a1', 'a2'] : ['b']) } };
    const two = { facilities: [{ code: 'A', services: ['x', 'old', 'y'] }, { code: 'B', services: ['old'] }, { code: 'C', services: ['z'] }] };
    expect(carryRenames(two, [split])).toEqual({ facilities: [{ code: 'A', services: ['x', 'a1', 'a2', 'y'] }, { code: 'B', services: ['b'] }, { code: 'C', services: ['z'] }] });
    expect(oldCodesLeft(two, [split])).toEqual(['facilities[].services[]: old', 'facilities[].services[]: old']);
    expect(mapAt(facts, 'cases[].cluster', () => 'x')).toEqual({ ...facts, cases: [{ ...facts.cases[0], cluster: 'x' }] });
    // A derived rule change: a step may become one of its successors, go if it may, or be added if listed; nothing else.
    const aid = (steps: string[][]) => ({ cases: steps.map((s) => ({ aid: { steps: s } })) });
    const change = DERIVED_RULE_CHANGES[0]!;
    expect(derivedChangeBreaks(aid([['adminduk'], ['dtks', 'domicile'], ['dtks']]), aid([['nik_from_kk'], ['dtks_check'], ['dtks_update', 'domicile']]), change)).toEqual([]);
    expect(derivedChangeBreaks(aid([['adminduk'], ['dtks_proposed']]), aid([[], ['dtks']]), change)).toEqual(['cases[].aid.steps[0]: adminduk → ', 'cases[].aid.steps[1]: dtks_proposed → dtks']);
  });
});

/**
 * A database migrated between ac9e78a and 413b691 applied the first text of
 * SQLite 0006 / PostgreSQL 0004 (tests/fixtures/releases/migrations-ac9e78a, gzipped):
 * its facilities_occupancy_au trigger ignored services, clusters and place.
 * Today's code accepts that text, and the mending migration brings the
 * database to a fresh one's schema.
 */
describe('a database migrated before the occupancy trigger was edited', () => {
  const engine = TEST_ENGINE === 'sqlite' ? { folder: MIGRATIONS_FOLDER, edited: '0006_occupancy_counters' } : { folder: PG_MIGRATIONS_FOLDER, edited: '0004_occupancy_triggers' };
  let db: Db;
  let fresh: Db;
  const cleanup: (() => Promise<void>)[] = [];

  /** The migrations folder as it was at ac9e78a: up to the edited one, with its first text. */
  function foldersAtAc9e78a(): string {
    const folder = mkdtempSync(join(tmpdir(), 'singgah-migrations-'));
    cleanup.push(async () => rmSync(folder, { recursive: true, force: true }));
    mkdirSync(join(folder, 'meta'));
    const journal = readJournal(engine.folder);
    const upTo = journal.entries.findIndex((e) => e.tag === engine.edited);
    const entries = journal.entries.slice(0, upTo + 1);
    writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
    for (const e of entries) copyFileSync(join(engine.folder, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
    writeFileSync(join(folder, `${engine.edited}.sql`), gunzipSync(readFileSync(join(RELEASES, 'migrations-ac9e78a', TEST_ENGINE, `${engine.edited}.sql.gz`))));
    return folder;
  }

  beforeAll(async () => {
    const old = foldersAtAc9e78a();
    let triggerBefore: string;
    if (TEST_ENGINE === 'sqlite') {
      const file = join(scratch, `singgah-ac9e78a-${randomBytes(5).toString('hex')}.db`);
      cleanup.push(async () => {
        for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
      });
      const conn = new Database(file);
      migrateSqlite(drizzleSync({ client: conn }), { migrationsFolder: old });
      triggerBefore = (conn.prepare(`select sql from sqlite_master where name = 'facilities_occupancy_au'`).get() as { sql: string }).sql;
      conn.close();
      db = await upgrade(file);
    } else {
      const target = await emptyPgDatabase();
      cleanup.push(target.drop);
      const pool = new pg.Pool({ connectionString: target.url, max: 1 });
      try {
        await migratePg(drizzlePg({ client: pool }), { migrationsFolder: old });
        triggerBefore = (await pool.query(`select pg_get_triggerdef(oid) as d from pg_trigger where tgname = 'facilities_occupancy_au'`)).rows[0].d;
      } finally {
        await pool.end();
      }
      db = await upgrade(target.url);
    }
    // The start is the broken one: the old trigger does not hear a change of services.
    expect(triggerBefore).not.toMatch(/services/);
    fresh = await openTestDatabase();
  }, 120_000);

  closedAfter(() => ({ db, fresh }), cleanup);

  it('upgrades to the schema of a fresh database', async () => {
    expect(schemaDiff(await schemaObjects(db), await schemaObjects(fresh))).toEqual([]);
  });

  it('raises the occupancy version when a facility’s services change, so routing does not answer from stale facts', async () => {
    const facility = await makeFacility(db);
    const version = async () => Number((await db.get<{ v: number }>(sql`select version as v from occupancy_version where id = 1`))!.v);
    const before = await version();
    await db.run(sql`update facilities set services = ${JSON.stringify(['disability_physical'])} where id = ${facility.id}`);
    expect(await version()).toBe(before + 1);
  });
});

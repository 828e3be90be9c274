import { copyFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDatabase, write, type Db } from '../src/db/client.ts';
import { units } from '../src/db/schema/index.ts';
import { seedDemo, type DemoScale } from '../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../src/demo/facilities.ts';
import { createToken } from '../src/domain/accounts/tokens.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { newId } from '../src/lib/ids.ts';
import { nowIso } from '../src/lib/time.ts';
import { MAX_SOCKETS_PER_CREDENTIAL } from '../src/live/connections.ts';
import { route } from '../src/domain/routing/route.ts';
import { loadRoutingFacilities } from '../src/domain/routing/load.ts';
import { median } from './lib.ts';

export type Scale = DemoScale;

/** One check-in the load will send: a person with no open stay, into a unit with room for them. */
export interface CheckInPlan {
  person_id: string;
  facility_id: string;
  unit_id: string;
}

/** Everything the run needs from the database, read before the server starts. */
export interface Prepared {
  counts: { facilities: number; units: number; persons: number; stays: number; open_stays: number; households: number };
  seedMs: number;
  /** A command-centre API token (the desk's integration and the search and routing figures). */
  apiToken: string;
  /** Wall-display tokens for the live clients, each good for MAX_SOCKETS_PER_CREDENTIAL sockets. */
  liveTokens: string[];
  /** For /board: a demo command-centre account. */
  login: { username: string; password: string };
  checkIns: CheckInPlan[];
  /** Check-ins kept apart for the live fan-out, all at one facility. */
  liveCheckIns: CheckInPlan[];
  searchQueries: string[];
  routingPersons: string[];
  /** The routing rule alone (route.ts, in this process) for a mother and child over every facility: median ms. */
  routingPureMs: number;
}

/** Places the bench adds, one unit per facility (admits anyone, no special features), so check-ins never run out of room. */
const BENCH_UNIT_CAPACITY = 2000;

/**
 * Builds the demo database at `scale` in a fresh file, adds what the load
 * needs (tokens; one roomy unit at some open facilities), picks the people it
 * will check in, and closes it again: the server opens it as production would.
 */
export async function prepareDatabase(path: string, opts: { scale: Scale; from?: string; seeded?: boolean; checkIns: number; liveCheckIns: number; liveClients: number }): Promise<Prepared> {
  // `from`: a copy of a demo database built before (profiling the same data again without rebuilding it).
  if (opts.from) copyFileSync(opts.from, path);
  const db = await openDatabase(path);
  try {
    const t0 = performance.now();
    // `seeded`: the database already holds the demo (a PostgreSQL database kept from an earlier run).
    if (!opts.from && !opts.seeded) await seedDemo(db, { scale: opts.scale });
    const seedMs = performance.now() - t0;

    const apiToken = (await createToken({ db, actor: SYSTEM_ACTOR, input: { name: 'bench-api', role: 'command' } })).token;
    const liveTokens: string[] = [];
    for (let i = 0; i < Math.ceil(opts.liveClients / MAX_SOCKETS_PER_CREDENTIAL); i++) {
      liveTokens.push((await createToken({ db, actor: SYSTEM_ACTOR, input: { name: `bench-wall-${i}`, role: 'display' } })).token);
    }

    const wanted = opts.checkIns + opts.liveCheckIns;
    const people = await placeablePeople(db, wanted);
    const homes = await benchUnits(db, Math.ceil(wanted / BENCH_UNIT_CAPACITY) + 1);
    // The live fan-out's check-ins all go to the first bench unit; the load spreads over the others.
    // PostgreSQL plans by its statistics, which autovacuum gathers after a bulk load on a production server; the
    // bench's server may run without it (the test cluster does), and unanalysed tables made searches 10× slower.
    if (db.$engine.kind === 'postgres') await db.run(sql`analyze`);
    const liveCheckIns = people.slice(0, opts.liveCheckIns).map((person_id) => ({ person_id, ...homes[0]! }));
    const rest = homes.slice(1);
    const checkIns = people.slice(opts.liveCheckIns).map((person_id, i) => ({ person_id, ...rest[i % rest.length]! }));

    return {
      counts: await countRows(db),
      seedMs,
      apiToken,
      liveTokens,
      login: { username: 'command', password: DEMO_PASSWORD },
      checkIns,
      liveCheckIns,
      searchQueries: await searchQueries(db),
      routingPersons: await householdPersons(db, 40),
      routingPureMs: await routePure(db),
    };
  } finally {
    await db.$engine.close();
  }
}

/** The day `n` years ago (UTC), as birth dates are stored: computed here so the query runs on both engines. */
function yearsAgo(n: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.toISOString().slice(0, 10);
}

/** Adults alone (no household to split), with no open stay and no need a plain unit cannot meet. */
async function placeablePeople(db: Db, n: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    select p.id from persons p
    where p.household_id is null and p.merged_into_id is null and p.anonymised_at is null
      and p.pregnant = 0 and p.wheelchair = 0 and p.unaccompanied_child = 0 and p.needs_medical = 0
      and p.disabilities = '[]'
      and (p.estimated_age is null or p.estimated_age between 18 and 59)
      and (p.birth_date is null or p.birth_date between ${yearsAgo(59)} and ${yearsAgo(18)})
      and not exists (select 1 from stays s where s.person_id = p.id and s.checked_out_at is null)
    order by p.id limit ${n}`);
  return rows.map((r) => r.id);
}

/** One roomy unit at each of `n` open facilities (spread over the provinces; not a home for the elderly, which takes people of 60+ only), added as an administrator would. */
async function benchUnits(db: Db, n: number): Promise<{ facility_id: string; unit_id: string }[]> {
  const facilities = await db.all<{ id: string }>(sql`
    select id from facilities where status = 'OPEN' and protected = 0 and clusters <> '["lansia"]' order by wilayah_code, code limit ${n}`);
  if (facilities.length === 0) throw new Error('no open facility to check anyone in to');
  const made: { facility_id: string; unit_id: string }[] = [];
  await write(db, async (tx) => {
    for (const [i, f] of facilities.entries()) {
      const id = newId();
      await tx.insert(units).values({ id, facilityId: f.id, name: `Aula bench ${i + 1}`, capacity: BENCH_UNIT_CAPACITY, admits: 'any', sortOrder: 99, createdAt: nowIso() }).run();
      made.push({ facility_id: f.id, unit_id: id });
    }
  });
  return made;
}

/** What a desk types: a full name, a first name, part of a resident code, from people in the data. */
async function searchQueries(db: Db): Promise<string[]> {
  const rows = await db.all<{ name: string | null; code: string }>(sql`
    select name, resident_code code from persons where name is not null and merged_into_id is null and anonymised_at is null
    order by resident_code limit 60`);
  const queries: string[] = [];
  for (const [i, r] of rows.entries()) {
    const words = (r.name ?? '').split(/\s+/).filter(Boolean);
    if (i % 3 === 0) queries.push(words.join(' '));
    else if (i % 3 === 1) queries.push(words[0] ?? r.code);
    else queries.push(r.code.slice(0, 7));
  }
  return queries;
}

/** People in a household of two or more: routing places the household together. */
async function householdPersons(db: Db, n: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    select min(p.id) id from persons p where p.household_id is not null and p.merged_into_id is null
    group by p.household_id having count(*) >= 2 order by p.household_id limit ${n}`);
  return rows.map((r) => r.id);
}

/** The hardest household for the rule (a pregnant woman with a small child) over every facility, nothing else. */
async function routePure(db: Db): Promise<number> {
  const facilities = await loadRoutingFacilities(db);
  const asker = { ...SYSTEM_ACTOR, type: 'user' as const, id: null, label: 'bench', role: 'command' as const };
  const mother = { id: 'm', sex: 'P' as const, age: 28, pregnant: true, disabilities: [], wheelchair: false, needsMedical: false, unaccompaniedChild: false, traffickingVictim: false };
  const child = { ...mother, id: 'c', sex: 'L' as const, age: 3, pregnant: false };
  const times: number[] = [];
  for (let i = 0; i < 250; i++) {
    const t0 = performance.now();
    route({ persons: [mother, child], facilities, asker, from: { wilayahCode: '31.71' } });
    if (i >= 50) times.push(performance.now() - t0);
  }
  return median(times);
}

async function countRows(db: Db): Promise<Prepared['counts']> {
  return (await db.get<Prepared['counts']>(sql`select
    (select count(*) from facilities) facilities, (select count(*) from units) units, (select count(*) from persons) persons,
    (select count(*) from stays) stays, (select count(*) from stays where checked_out_at is null) open_stays,
    (select count(*) from households) households`))!;
}

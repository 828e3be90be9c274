import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HtmlValidate, type ConfigData } from 'html-validate';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testConfig, TEST_ENGINE } from '../helpers/app.ts';
import { buildApp } from '../../src/app.ts';
import type { Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { BOARD_TILE_LIMIT } from '../../src/domain/board/areas.ts';
import { makeToken } from '../helpers/factories.ts';
import { bearer, signedIn, type Browser } from '../helpers/session.ts';

type Call = ReturnType<typeof bearer>;
interface Counts {
  capacity: number;
  occupied: number;
  free: number;
}
interface Doc {
  level: string;
  total: Counts;
  by_kind: Record<string, Counts>;
  by_wilayah: Record<string, Counts>;
  facilities: { id: string; wilayah_code: string; units: unknown[] }[];
  next: string | null;
}
interface Routing {
  destinations: { facility: { id: string }; reasons: { code: string; message: string }[] }[];
  destinations_total: number;
  passed_over: { facility: { id: string }; reasons: { code: string; message: string }[] }[];
  passed_over_counts: Record<string, number>;
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

/**
 * Reads sized for their reader (issue 27, items 2 and 4) on the national demo at 5 % (≈ 100
 * facilities in all 38 provinces: more than a wall shows as tiles, the same shape as the whole).
 * The sizes checked here hold at any scale by construction (a tile per province, a page of
 * facilities); bench/ measures them on the full national demo.
 */
describe(`national reads: occupancy levels and pages, the board's drill-down, routing summarised (${TEST_ENGINE})`, () => {
  let db: Db;
  let app: FastifyInstance;
  let command: Call;
  let display: Call;
  let wall: Browser;
  let facilities: { id: string; wilayah_code: string; protected: number; status: string }[];
  const biggest = { province: '', kabkota: '' };

  beforeAll(async () => {
    db = await openTestDatabase();
    // On PostgreSQL a little smaller (still more facilities than a wall shows as tiles): the app's start-up jobs
    // route every waiting person before it is ready, and must finish within Fastify's 10 s on a shared machine.
    await seedDemo(db, { scale: 'national', factor: TEST_ENGINE === 'postgres' ? 0.035 : 0.05 });
    app = await buildApp(testConfig(), { db, logger: false });
    await app.ready();
    command = bearer(app, await makeToken(db, 'command'));
    display = bearer(app, await makeToken(db, 'display'));
    wall = await signedIn(app, 'command', DEMO_PASSWORD);
    facilities = await db.all(sql`select id, wilayah_code, protected, status from facilities order by id`);
    const count = (key: (f: (typeof facilities)[number]) => string) => {
      const m = new Map<string, number>();
      for (const f of facilities) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    };
    biggest.province = count((f) => f.wilayah_code.slice(0, 2));
    biggest.kabkota = count((f) => f.wilayah_code);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  it('answers the whole country by province by default: no facility listed, under 1 MB, totals that add up', async () => {
    expect(facilities.length).toBeGreaterThan(BOARD_TILE_LIMIT);
    const res = await command('GET', '/api/v1/occupancy');
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1024 * 1024);
    const doc = res.json() as Doc;
    expect(doc.level).toBe('province');
    expect(doc.facilities).toEqual([]);
    expect(doc.next).toBeNull();
    expect(Object.keys(doc.by_wilayah)).toHaveLength(38);
    for (const code of Object.keys(doc.by_wilayah)) expect(code).toMatch(/^\d{2}$/);
    // The command centre may know every facility: the provinces add up to the country.
    expect(sum(Object.values(doc.by_wilayah).map((c) => c.capacity))).toBe(doc.total.capacity);
    expect(sum(Object.values(doc.by_wilayah).map((c) => c.occupied))).toBe(doc.total.occupied);

    const country = (await command('GET', '/api/v1/occupancy?level=country')).json() as Doc;
    expect(country.by_wilayah).toEqual({});
    expect(country.total).toEqual(doc.total);
    expect(country.by_kind).toEqual(doc.by_kind);
    // Kab/kota folded by province are the provinces.
    const kabkota = (await command('GET', '/api/v1/occupancy?level=kabkota')).json() as Doc;
    expect(kabkota.facilities).toEqual([]);
    const folded: Record<string, number> = {};
    for (const [code, c] of Object.entries(kabkota.by_wilayah)) {
      expect(code).toMatch(/^\d{2}\.\d{2}$/);
      folded[code.slice(0, 2)] = (folded[code.slice(0, 2)] ?? 0) + c.capacity;
    }
    expect(folded).toEqual(Object.fromEntries(Object.entries(doc.by_wilayah).map(([k, c]) => [k, c.capacity])));
  });

  it('lists facilities only within a wilayah, a page at a time, every one once, totals over all of them', async () => {
    const inProvince = facilities.filter((f) => f.wilayah_code.startsWith(`${biggest.province}.`)).map((f) => f.id);
    expect(inProvince.length).toBeGreaterThan(3);
    const whole = (await command('GET', `/api/v1/occupancy?wilayah=${biggest.province}&limit=500`)).json() as Doc;
    expect(whole.level).toBe('facility');
    expect(whole.facilities.map((f) => f.id).sort()).toEqual([...inProvince].sort());
    expect(whole.next).toBeNull();
    for (const f of whole.facilities) expect(f.units.length).toBeGreaterThan(0);

    const seen: string[] = [];
    const etags = new Set<string>();
    let url: string | null = `/api/v1/occupancy?wilayah=${biggest.province}&limit=3`;
    let pages = 0;
    while (url) {
      const res = await command('GET', url);
      expect(res.statusCode).toBe(200);
      etags.add(res.headers.etag as string);
      const page = res.json() as Doc;
      expect(page.facilities.length).toBeLessThanOrEqual(3);
      // Each page carries the totals of the whole wilayah, not of the page.
      expect(page.total).toEqual(whole.total);
      expect(page.by_wilayah).toEqual(whole.by_wilayah);
      seen.push(...page.facilities.map((f) => f.id));
      url = page.next ? `/api/v1/occupancy?wilayah=${biggest.province}&limit=3&after=${page.next}` : null;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(inProvince.length / 3));
    expect(seen).toEqual(whole.facilities.map((f) => f.id));
    expect(etags.size).toBe(pages);
    // Asked again with its ETag, a page is a 304.
    const first = await command('GET', `/api/v1/occupancy?wilayah=${biggest.province}&limit=3`);
    expect((await command('GET', `/api/v1/occupancy?wilayah=${biggest.province}&limit=3`, undefined, { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
    // A kab/kota by province level: one line for its province.
    const one = (await command('GET', `/api/v1/occupancy?wilayah=${biggest.kabkota}&level=province`)).json() as Doc;
    expect(Object.keys(one.by_wilayah)).toEqual([biggest.kabkota.slice(0, 2)]);
    expect(one.facilities).toEqual([]);
  });

  it('refuses a facility list without a wilayah, an unknown level and a cursor it did not make, in the caller’s language', async () => {
    for (const [query, path] of [
      ['level=facility', 'wilayah'],
      ['level=unit', 'level'],
      [`wilayah=${biggest.province}&after=bogus`, 'after'],
      [`wilayah=${biggest.province}&limit=0`, 'limit'],
    ] as const) {
      const res = await command('GET', `/api/v1/occupancy?${query}`);
      expect(res.statusCode, query).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const errors = (res.json() as { errors: { path: string; message: string }[] }).errors;
      expect(errors.map((e) => e.path), query).toEqual([path]);
    }
    const id = (await command('GET', '/api/v1/occupancy?level=facility')).json() as { errors: { message: string }[] };
    expect(id.errors[0]!.message).toContain('wilayah');
    const en = (await command('GET', '/api/v1/occupancy?level=facility&lang=en')).json() as { errors: { message: string }[] };
    expect(en.errors[0]!.message).toMatch(/^A list of facilities needs a wilayah/);
  });

  it('never names nor locates a protected facility for the wall, at any level', async () => {
    const safe = facilities.find((f) => f.protected === 1 && f.status === 'OPEN');
    if (!safe) return expect.fail('the national demo has an open protected facility');
    const province = safe.wilayah_code.slice(0, 2);
    const wide = (await command('GET', '/api/v1/occupancy')).json() as Doc;
    const wallDoc = (await display('GET', '/api/v1/occupancy')).json() as Doc;
    // Its places count in the country's total, never in its province's.
    expect(wallDoc.total).toEqual(wide.total);
    expect(wallDoc.by_wilayah[province]!.capacity).toBeLessThan(wide.by_wilayah[province]!.capacity);
    const listed = (await display('GET', `/api/v1/occupancy?wilayah=${province}&limit=500`)).json() as Doc;
    expect(listed.facilities.map((f) => f.id)).not.toContain(safe.id);
    expect(JSON.stringify(wallDoc)).not.toContain(safe.id);
  });

  it('shows the wall the 38 provinces, each leading to its own board; every board stays small', async () => {
    const national = await wall.get('/board');
    expect(national.statusCode).toBe(200);
    expect(national.body.length).toBeLessThan(150 * 1024);
    const provinces = [...national.body.matchAll(/<a class="tile area-tile[^"]*" id="area-(\d{2})" href="\/board\?wilayah=(\d{2})"/g)];
    expect(provinces).toHaveLength(38);
    for (const [, id, href] of provinces) expect(href).toBe(id);
    // No facility tile on the national board, and the live region follows the page.
    expect(national.body).not.toMatch(/id="tile-/);
    expect(national.body).toContain('hx-ws:connect="/live/html?region=board"');

    const province = await wall.get(`/board?wilayah=${biggest.province}`);
    expect(province.statusCode).toBe(200);
    expect(province.body.length).toBeLessThan(150 * 1024);
    expect(province.body).toContain(`hx-ws:connect="/live/html?region=board&amp;wilayah=${biggest.province}"`);
    expect(province.body).toContain('<a href="/board">Indonesia</a>');
    const inProvince = facilities.filter((f) => f.wilayah_code.startsWith(`${biggest.province}.`) && f.status !== 'CLOSED');
    if (inProvince.length > BOARD_TILE_LIMIT) expect(province.body).toMatch(/href="\/board\?wilayah=\d{2}\.\d{2}"/);
    else for (const f of inProvince.filter((x) => !x.protected)) expect(province.body).toContain(`id="tile-${f.id}"`);

    const kabkota = await wall.get(`/board?wilayah=${biggest.kabkota}`);
    expect(kabkota.statusCode).toBe(200);
    expect(kabkota.body.length).toBeLessThan(150 * 1024);
    for (const f of facilities.filter((x) => x.wilayah_code === biggest.kabkota && x.status !== 'CLOSED' && !x.protected)) expect(kabkota.body).toContain(`id="tile-${f.id}"`);
    expect(kabkota.body).toContain(`<a href="/board?wilayah=${biggest.kabkota.slice(0, 2)}">`);

    // Valid HTML by the repository's rules, as every page (tests/e2e/pages-audit.e2e.test.ts).
    const validator = new HtmlValidate(JSON.parse(readFileSync(resolve('.htmlvalidate.json'), 'utf8')) as ConfigData);
    for (const [name, html] of [['national', national.body], ['province', province.body], ['kabkota', kabkota.body]] as const) {
      const report = await validator.validateString(html, `board-${name}.html`);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)), name).toEqual([]);
    }

    for (const bad of ['99', '31.7', 'x']) {
      const res = await wall.get(`/board?wilayah=${bad}`);
      expect(res.statusCode, bad).toBe(422);
    }
  });

  it('routes a household with the best destinations in full, the nearest 10 passed over with reasons and the rest counted', async () => {
    const person = (await db.get<{ id: string }>(sql`
      select min(p.id) as id from persons p where p.household_id is not null and p.merged_into_id is null
      group by p.household_id having count(*) >= 2 order by p.household_id limit 1`))!.id;
    const res = await command('GET', `/api/v1/routing?person_id=${person}`);
    expect(res.statusCode).toBe(200);
    const r = res.json() as Routing;
    expect(r.passed_over.length).toBeLessThanOrEqual(10);
    const counted = sum(Object.values(r.passed_over_counts));
    // Every facility is accounted for once: a destination, named as passed over, or counted.
    expect(r.destinations_total + r.passed_over.length + counted).toBe(facilities.length);
    expect(r.destinations.length).toBe(Math.min(20, r.destinations_total));
    for (const p of r.passed_over) expect(p.reasons.every((x) => x.message.length > 0)).toBe(true);
    for (const code of Object.keys(r.passed_over_counts)) expect(code).toMatch(/^routing\.passed\./);

    const all = (await command('GET', `/api/v1/routing?person_id=${person}&all=true`)).json() as Routing;
    expect(all.passed_over_counts).toEqual({});
    expect(all.passed_over.length).toBe(r.passed_over.length + counted);
    expect(all.destinations.length).toBe(all.destinations_total);
    // The same ranking: the default answer is the head of the whole one.
    expect(all.passed_over.slice(0, r.passed_over.length).map((p) => p.facility.id)).toEqual(r.passed_over.map((p) => p.facility.id));
    expect(all.destinations.slice(0, r.destinations.length).map((d) => d.facility.id)).toEqual(r.destinations.map((d) => d.facility.id));
    // The counted ones are counted by their first reason.
    const byFirst: Record<string, number> = {};
    for (const p of all.passed_over.slice(r.passed_over.length)) byFirst[p.reasons[0]!.code] = (byFirst[p.reasons[0]!.code] ?? 0) + 1;
    expect(byFirst).toEqual(r.passed_over_counts);

    // The desk's page: the nearest with their reasons, the rest as counts, and the way to see all.
    const desk = await signedIn(app, 'command', DEMO_PASSWORD);
    const page = await desk.get(`/residents/${person}/suggestions?all=1`);
    expect(page.statusCode).toBe(200);
    if (counted > 0) {
      expect(page.body).toContain('class="passed-counts"');
      expect(page.body).toContain(`/residents/${person}/suggestions?all=1&amp;passed=all`);
    }
    const everything = await desk.get(`/residents/${person}/suggestions?all=1&passed=all`);
    expect(everything.statusCode).toBe(200);
    expect(everything.body).not.toContain('class="passed-counts"');
  });
});

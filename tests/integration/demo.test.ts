import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/facilities.ts';
import { isDemoDatabase } from '../../src/domain/demo-flag.ts';
import { testConfig, openTestDatabase } from '../helpers/app.ts';
import { signedIn } from '../helpers/session.ts';
import { CLUSTERS, persons } from '../../src/db/schema/index.ts';
import { ageOn } from '../../src/domain/persons/age.ts';

describe('demo database', () => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openTestDatabase();
    await seedDemo(db);
    app = await buildApp(testConfig(), { db, logger: false });
  });
  afterAll(async () => app.close());

  it('is marked as demo', async () => {
    expect(await isDemoDatabase(db)).toBe(true);
  });

  it('has a TPS in each of the five city areas, seven residential centres (one a home for trafficking victims of any sex) and ten LKS', async () => {
    const tpsAreas = (await db.all<{ w: string }>(sql`select distinct wilayah_code as w from facilities where kind = 'TPS' order by w`)).map((r) => r.w);
    expect(tpsAreas).toEqual(['31.71', '31.72', '31.73', '31.74', '31.75']);
    const residential = (await db.all<{ n: number; services: number }>(
      sql`select count(*) as n, count(distinct services) as services from facilities where kind in ('BALAI','LOKA','PANTI')`,
    ))[0]!;
    expect(residential.n).toBe(7);
    expect(residential.services).toBe(7);
    expect((await db.all<{ n: number }>(sql`select count(*) as n from facilities where kind = 'LKS'`))[0]!.n).toBe(10);
    expect((await db.all<{ n: number }>(sql`select count(*) as n from facilities f where not exists (select 1 from units u where u.facility_id = f.id)`))[0]!.n).toBe(0);
  });

  it('every demo account signs in and lands on its home page', async () => {
    for (const username of ['admin', 'command', 'display', 'satpol', 'intake', 'manager']) {
      const b = await signedIn(app, username, DEMO_PASSWORD);
      const home = await b.get('/');
      expect([200, 303]).toContain(home.statusCode);
      if (home.statusCode === 303) expect(home.headers.location).toBe('/board');
      else expect(home.body).toContain(username);
    }
  });

  it('the manager runs a balai that gives maternity care; intake and satpol are bound as INTERFACES.md says', async () => {
    const rows = await db.all<{ username: string; kind: string | null; services: string | null; wilayah: string | null }>(
      sql`select u.username, f.kind, f.services, coalesce(u.wilayah_code, f.wilayah_code) as wilayah
          from users u left join facilities f on f.id = u.facility_id where u.username in ('manager','intake','satpol')`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.username, r]));
    expect(by.manager!.kind).toBe('BALAI');
    expect(JSON.parse(by.manager!.services!)).toContain('maternity');
    expect(by.intake!.kind).toBe('TPS');
    expect(by.intake!.wilayah).toBe('31.71');
    expect(by.satpol!.wilayah).toBe('31.71');
  });

  it('holds case work in progress for each demo pendamping: cases, services, follow-ups overdue and due today, aid worklist entries', async () => {
    const pend = await db.all<{ username: string; cluster: string; wilayah_code: string | null; facility_id: string | null }>(sql`select username, cluster, wilayah_code, facility_id from users where role = 'pendamping' order by username`);
    // A pendamping for every cluster somewhere (issue 24).
    expect(pend.map((p) => [p.username, p.cluster])).toEqual([
      ['pendamping', 'tuna_sosial'],
      ['pendamping.anak', 'anak'],
      ['pendamping.disabilitas', 'disabilitas'],
      ['pendamping.lansia', 'lansia'],
      ['pendamping.napza', 'napza'],
    ]);
    expect(new Set(pend.map((p) => p.cluster))).toEqual(new Set(CLUSTERS));
    expect(pend[0]!.wilayah_code).toBe('31.71');
    for (const username of ['pendamping', 'pendamping.lansia']) {
      const b = await signedIn(app, username, DEMO_PASSWORD);
      const cases = (await b.api('GET', '/api/v1/cases')).json().cases as { overdue: number; due_today: number; last_service_at: string | null }[];
      expect(cases.length).toBeGreaterThanOrEqual(3);
      expect(cases.some((c) => c.overdue > 0)).toBe(true);
      expect(cases.some((c) => c.due_today > 0)).toBe(true);
      expect(cases.filter((c) => c.last_service_at !== null).length).toBeGreaterThanOrEqual(3);
      const aid = (await b.api('GET', '/api/v1/worklists/aid')).json().entries as { steps: { code: string }[] }[];
      expect(aid.length).toBeGreaterThan(0);
      expect((await b.api('GET', '/api/v1/worklists/follow-ups')).json().entries.length).toBeGreaterThan(0);
      const page = await b.get('/cases');
      expect(page.statusCode).toBe(200);
    }
    expect((await db.all<{ n: number }>(sql`select count(*) as n from case_services`))[0]!.n).toBeGreaterThan(5);
    expect((await db.all<{ n: number }>(sql`select count(*) as n from dtks_proposals`))[0]!.n).toBeGreaterThan(0);
    expect((await db.all<{ n: number }>(sql`select count(*) as n from discharge_journeys`))[0]!.n).toBeGreaterThan(0);
  });

  it('obeys the rules the app enforces for children: no minor consents alone, consent is by someone', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const rows = await db.select().from(persons).all();
    const minorsSelf = rows.filter((p) => p.consent && p.consentBy === 'self' && (ageOn(p, today) ?? 99) < 18);
    expect(minorsSelf.map((p) => p.residentCode)).toEqual([]);
    expect(rows.filter((p) => p.consent && p.consentBy === null).map((p) => p.residentCode)).toEqual([]);
    expect(rows.filter((p) => p.consentBy && p.consentBy !== 'self' && !p.consentByName).map((p) => p.residentCode)).toEqual([]);
    // A child in a stay now is in a children's unit, or with an adult of their own household in the unit.
    const open = await db.all<{ person_id: string; unit_id: string; household_id: string | null; admits: string }>(
      sql`select s.person_id, s.unit_id, p.household_id, u.admits from stays s join persons p on p.id = s.person_id join units u on u.id = s.unit_id where s.checked_out_at is null`,
    );
    const byId = new Map(rows.map((p) => [p.id, p]));
    const adultOf = (id: string) => (ageOn(byId.get(id)!, today) ?? 99) >= 18;
    const alone = open.filter((s) => !adultOf(s.person_id) && s.admits !== 'children' && !open.some((o) => o.unit_id === s.unit_id && o.household_id !== null && o.household_id === s.household_id && adultOf(o.person_id)));
    expect(alone).toEqual([]);
  });
});
